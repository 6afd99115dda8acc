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

from bot.config import Settings
from bot.drand_http import HttpxRelayTransport
from bot.i18n import has
from cli.planning import CliTranslator
from services import drand_relay as dr
from services.draws import drand_source
from services.errors import ValidationFailed
from tests.unit.test_drand import CHAIN, ROUND, drand_manifest
from verifier import verify_draw as vd

# the relay functions over the real HTTP adapter the composition root uses
fetch_round = functools.partial(dr.fetch_round, transport=HttpxRelayTransport())
fetch_chain_info = functools.partial(dr.fetch_chain_info, transport=HttpxRelayTransport())

HASH = CHAIN["hash"]
NEXT = ROUND["round"] + 1  # a round the test relays do not have
ROOT = Path(__file__).resolve().parents[2]
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
