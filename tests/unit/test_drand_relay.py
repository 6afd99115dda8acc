"""drand relays over real HTTP: a local server plays a good relay, a lagging one, a liar and
one that answers garbage; a closed port plays a relay that is down."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, get_settings
from bot.drand_http import HttpxRelayTransport
from bot.i18n import has
from cli.planning import CliTranslator
from services import drand_relay as dr
from services.draws import drand_source
from services.errors import ValidationFailed
from tests.unit.test_cli_draws import approved, committed_id
from tests.unit.test_cli_planning import ROOT, cli_db, jc, plan_and_task
from tests.unit.test_drand import CHAIN, ROUND, drand_manifest
from verifier import verify_draw as vd

__all__ = ["cli_db"]  # the fixture, re-used

# the relay functions over the real HTTP adapter the composition root uses
fetch_round = functools.partial(dr.fetch_round, transport=HttpxRelayTransport())
fetch_chain_info = functools.partial(dr.fetch_chain_info, transport=HttpxRelayTransport())

HASH = CHAIN["hash"]
NEXT = ROUND["round"] + 1  # a round the test relays do not have
PUBLISHED = dt.datetime(2023, 9, 15, 11, 0, 3, tzinfo=dt.UTC)  # when ROUND came out
INFO = {  # GET /{hash}/info as drand's relays answer it
    "public_key": CHAIN["public_key"],
    "period": CHAIN["period"],
    "genesis_time": CHAIN["genesis_time"],
    "hash": HASH,
    "schemeID": CHAIN["schemeID"],
    "metadata": {"beaconID": "quicknet"},
}
ROUND_JSON = {"round": ROUND["round"], "randomness": ROUND["randomness"],
              "signature": ROUND["signature"]}


class _Relay(BaseHTTPRequestHandler):
    """``/good`` has the chain and ROUND only; ``/lagging`` has no round yet; ``/liar`` answers
    every round with ROUND under another number and a chain with another key; ``/garbage``
    answers an HTML page."""

    def do_GET(self) -> None:
        match = re.fullmatch(r"/(\w+)/([0-9a-f]+)/(info|public/(\d+))", self.path)
        if not match:
            self._send(404, b"404 page not found", "text/plain")
            return
        relay, chain_hash, what, number = match.groups()
        if relay == "garbage":
            self._send(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        elif chain_hash != HASH:
            self._send(404, b"chain not found", "text/plain")
        elif what == "info":
            info = INFO if relay != "liar" else {**INFO, "public_key": "a" * 192}
            self._json(info)
        elif relay == "liar":
            self._json({**ROUND_JSON, "round": int(number) + 1})
        elif relay == "good" and int(number) == ROUND["round"]:
            self._json(ROUND_JSON)
        else:
            self._send(404, b"requested a future beacon", "text/plain")

    def _json(self, data: dict[str, Any]) -> None:
        self._send(200, json.dumps(data).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: the tests assert on what the client saw."""


@pytest.fixture(scope="module")
def relay() -> Iterator[str]:
    """The base URL of the local relays: ``{relay}/good``, ``{relay}/liar``, ..."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Relay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def down() -> str:
    """A relay that is down: a port on which nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def text(err: ValidationFailed, lang: str) -> str:
    """The message as the CLI shows it (numbers as written: round 657413, not 657,413)."""
    return CliTranslator(lang)(err.key, **err.args_map)


# --------------------------------------------------------------------------- the client


async def test_a_fetched_round_is_evidence_the_engine_accepts(relay: str) -> None:
    fetched = await fetch_round([f"{relay}/good"], HASH, ROUND["round"])
    assert (fetched.relay, fetched.skipped) == (f"{relay}/good", ())
    evidence = vd.drand_evidence(fetched.data)
    assert vd.verify_drand(CHAIN, evidence["round"], evidence["signature"]) is True
    manifest = drand_manifest()
    result = vd.compute_result(manifest, evidence)
    report = vd.verify_bundle(vd.make_bundle(manifest, evidence, result))
    assert report.ok, report.differences


async def test_fetched_chain_info_declares_a_quicknet_round(relay: str) -> None:
    fetched = await fetch_chain_info([f"{relay}/good"], HASH)
    committed = PUBLISHED - dt.timedelta(minutes=5)
    source = drand_source(fetched.data, committed)
    assert source == {"type": "drand", "chain_hash": HASH, "public_key": CHAIN["public_key"],
                      "period": 3, "genesis_time": CHAIN["genesis_time"],
                      "round": ROUND["round"] - 79}  # the first round ≥ 60 s after
    assert vd.drand_round_time(source, source["round"]) >= committed.timestamp() + 60


async def test_a_relay_that_is_down_falls_through_to_the_next(relay: str, down: str) -> None:
    fetched = await fetch_round([down, f"{relay}/good"], HASH, ROUND["round"])
    assert fetched.relay == f"{relay}/good"
    assert fetched.data == ROUND_JSON
    [skipped] = fetched.skipped
    assert isinstance(skipped, dr.RelayUnreachable)
    assert skipped.args_map["relay"] == down
    assert text(skipped, "zh_CN").startswith(f"无法连接 drand 中继 {down}（ConnectError")


async def test_a_lagging_relay_is_skipped_for_one_that_has_the_round(relay: str) -> None:
    fetched = await fetch_round([f"{relay}/lagging", f"{relay}/good"], HASH, ROUND["round"])
    assert fetched.data == ROUND_JSON
    [skipped] = fetched.skipped
    assert CliTranslator("zh_CN")(str(skipped.skipped_key), **skipped.args_map) == (
        f"drand 中继 {relay}/lagging 尚无第 657413 轮。")


async def test_every_relay_down_names_each_one_tried(down: str) -> None:
    other = down.replace("http://127.0.0.1", "http://localhost")
    with pytest.raises(dr.RelayUnreachable) as caught:
        await fetch_chain_info([down, other], HASH, per_relay_timeout=2)
    zh, en = text(caught.value, "zh_CN"), text(caught.value, "en")
    assert zh.startswith(f"无法连接 drand 中继，已尝试：{down} (ConnectError")
    assert f"; {other} (ConnectError" in zh
    assert "未作任何更改" in zh
    assert en.startswith(f"No drand relay could be reached; tried: {down} (")
    assert other in en


async def test_a_round_not_published_yet_says_when_it_will_be(relay: str) -> None:
    with pytest.raises(dr.RoundNotPublished) as caught:
        await fetch_round([f"{relay}/good"], HASH, NEXT)
    assert caught.value.args_map == {"relay": f"{relay}/good", "round": NEXT,
                                     "published": PUBLISHED + dt.timedelta(seconds=3)}


async def test_garbage_is_named_as_such(relay: str) -> None:
    with pytest.raises(dr.RelayBadResponse) as caught:
        await fetch_round([f"{relay}/garbage"], HASH, ROUND["round"])
    assert text(caught.value, "zh_CN") == (
        f"drand 中继 {relay}/garbage 返回的不是预期的 drand JSON"
        "（not JSON: <html><body>502 Bad Gateway</body></html>）。")
    assert text(caught.value, "en").startswith(
        f"drand relay {relay}/garbage did not answer with drand's JSON (not JSON: <html>")


async def test_a_relay_answering_another_round_is_refused(relay: str) -> None:
    with pytest.raises(dr.RelayContradicts) as caught:
        await fetch_round([f"{relay}/liar"], HASH, ROUND["round"])
    assert text(caught.value, "zh_CN") == (
        f"drand 中继 {relay}/liar 返回的是第 657414 轮，而请求的是第 657413 轮，已拒绝。")


async def test_chain_info_with_another_key_is_refused(relay: str) -> None:
    with pytest.raises(dr.RelayContradicts) as caught:
        await fetch_chain_info([f"{relay}/liar"], HASH)
    assert caught.value.key == "drand-relay-chain-mismatch"
    assert caught.value.args_map["field"] == "public_key"
    assert "quicknet 链信息“public_key”与已知的公开信息不符" in text(caught.value, "zh_CN")


async def test_a_liar_before_a_good_relay_is_skipped_and_reported(relay: str) -> None:
    fetched = await fetch_chain_info([f"{relay}/liar", f"{relay}/good"], HASH)
    assert fetched.relay == f"{relay}/good"
    assert [s.key for s in fetched.skipped] == ["drand-relay-chain-mismatch"]


async def test_not_published_tells_more_than_a_lie_or_a_relay_down(relay: str,
                                                                   down: str) -> None:
    with pytest.raises(dr.RoundNotPublished):
        await fetch_round([down, f"{relay}/liar", f"{relay}/lagging", f"{relay}/garbage"],
                             HASH, ROUND["round"])
    with pytest.raises(dr.RelayContradicts):
        await fetch_round([down, f"{relay}/garbage", f"{relay}/liar"], HASH, ROUND["round"])


async def test_an_unknown_chain_or_no_relay_is_refused_before_any_request() -> None:
    with pytest.raises(ValidationFailed) as caught:
        await fetch_round(["http://127.0.0.1:9"], "ab" * 32, 1)
    assert caught.value.key == "drand-relay-unknown-chain"
    assert f"quicknet {HASH}" in text(caught.value, "en")
    with pytest.raises(ValidationFailed) as caught:
        await fetch_chain_info([], HASH)
    assert caught.value.key == "drand-relay-none"


def test_relays_are_configured_as_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOINTCHECK_DRAND_RELAYS", raising=False)
    assert Settings(_env_file=None).drand_relays == [  # type: ignore[call-arg]
        "https://api.drand.sh", "https://drand.cloudflare.com"]
    monkeypatch.setenv("JOINTCHECK_DRAND_RELAYS", "https://a.example, https://b.example")
    assert Settings(_env_file=None).drand_relays == [  # type: ignore[call-arg]
        "https://a.example", "https://b.example"]
    monkeypatch.setenv("JOINTCHECK_DRAND_RELAYS", '["https://c.example"]')
    assert Settings(_env_file=None).drand_relays == [  # type: ignore[call-arg]
        "https://c.example"]


def test_every_relay_message_exists_in_both_languages() -> None:
    source = (ROOT / "services" / "drand_relay.py").read_text(encoding="utf-8")
    source += (ROOT / "cli" / "draws.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"((?:drand-relay|cli-draw)-[a-z-]+)"', source))
    assert "drand-relay-not-published" in keys
    assert {k: [lang for lang in ("zh_CN", "en") if not has(k, lang)] for k in keys} == {
        k: [] for k in keys}


# --------------------------------------------------------------------------- the CLI


def test_a_drand_draw_through_relays_end_to_end(cli_db: str, relay: str, down: str,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    task = plan_and_task()
    approved(task)
    monkeypatch.setenv("JOINTCHECK_DRAND_RELAYS", f"{down},{relay}/good")
    get_settings.cache_clear()
    # committed two minutes before the round comes out (the engine refuses a round that
    # already existed at commit time)
    monkeypatch.setattr("cli.common.utc_now",
                        lambda: PUBLISHED - dt.timedelta(minutes=2))

    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--relay", f"{relay}/liar")
    assert code == 1
    assert f"drand 中继 {relay}/liar 返回的 quicknet 链信息“public_key”与已知的公开信息不符" in err
    assert jc("draw", "list", task)[1].strip() == "该任务还没有摇号。"
    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--drand", str(tmp_path / "chain.json"))
    assert code == 1
    assert "请选择且只选择一种随机源：--drand 文件、--drand-relay" in err

    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--round", str(ROUND["round"]))
    assert code == 0, err
    assert f"跳过一个中继：无法连接 drand 中继 {down}（ConnectError" in err
    assert f"已从 drand 中继 {relay}/good 取得数据" in out
    assert "随机源：drand quicknet 第 657413 轮（承诺时尚未产生）" in out
    draw = committed_id(out)

    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/lagging")
    assert code == 1
    assert " ".join(err.split()) == (
        f"✗ drand 第 657413 轮还没有发布：中继 {relay}/lagging 尚无此轮，按该链的时间表它将于"
        "北京时间 2023-09-15 19:00:03 发布。未作任何更改；摇号仍为“已承诺”，可在此之后再完成。")
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/lagging",
                        "--lang", "en")
    assert code == 1
    assert "drand round 657413 is not published yet" in " ".join(err.split())
    assert "2023-09-15 19:00:03 (Beijing time)" in " ".join(err.split())
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/liar")
    assert code == 1
    assert "返回的是第 657414 轮，而请求的是第 657413 轮，已拒绝" in " ".join(err.split())
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/garbage")
    assert code == 1
    assert "返回的不是预期的 drand JSON" in " ".join(err.split())
    code, out, _ = jc("draw", "show", draw)
    assert "已承诺，待摇号" in out

    code, out, err = jc("draw", "complete", draw, "--drand-relay")
    assert code == 0, err
    assert f"已从 drand 中继 {relay}/good 取得数据" in out
    assert f"摇号 {draw} 已完成" in out
    bundle = tmp_path / "draw.json"
    assert jc("draw", "bundle", draw, "-o", str(bundle))[0] == 0
    code, out, _ = jc("draw", "verify", str(bundle))
    assert code == 0, out
    assert "核验通过：摇号结果逐字节重算一致" in out
    evidence = json.loads(bundle.read_text(encoding="utf-8"))["entropy"]
    assert evidence["signature"] == ROUND["signature"]
