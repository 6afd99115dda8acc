"""Issue 9 item 8: signed checkpoints catch what the hash chain alone cannot — a chain cut short,
emptied, or rewritten from one row on with every hash re-computed — and a row whose data is not
JSON is named, not a traceback. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app
from services import audit_checkpoint as cp
from services.audit import GENESIS, event_hash
from storage.db import create_engine, session_factory
from storage.models import AuditEvent
from tests.db.directories_support import SUBJECT_HEADER, subject_row, write_csv

runner = CliRunner()


@pytest.fixture
def cli_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.setenv("JOINTCHECK_AUDIT_KEY_PATH", str(tmp_path / "keys" / "audit.pem"))
    monkeypatch.setenv("JOINTCHECK_AUDIT_CHECKPOINT_PATH", str(tmp_path / "cp" / "cp.jsonl"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["departments", "add", "SCJG", "市场监督管理局"]).exit_code == 0
    for version in range(3):
        rows = [subject_row(n, 信用风险分类="ABCD"[(n + version) % 4]) for n in range(6)]
        path = write_csv(tmp_path / f"v{version}.csv", SUBJECT_HEADER, rows)
        result = runner.invoke(app, ["import", "subjects", str(path), "-d", "SCJG"])
        assert result.exit_code == 0, result.output
    yield db_url
    get_settings.cache_clear()


def _sql(url: str, statement: str) -> None:
    async def body() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(body())


def _events(url: str) -> int:
    async def body() -> int:
        engine = create_engine(url)
        async with engine.connect() as conn:
            n = (await conn.execute(text("SELECT count(*) FROM audit_event"))).scalar()
        await engine.dispose()
        return int(n or 0)

    return asyncio.run(body())


def _checkpoint() -> str:
    result = runner.invoke(app, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert "已签名检查点" in result.output
    return result.output


def test_checkpoint_then_more_events_verifies(cli_db: str, tmp_path: Path) -> None:
    _checkpoint()
    key = tmp_path / "keys" / "audit.pem"
    assert key.stat().st_mode & 0o777 == 0o600
    line = json.loads((tmp_path / "cp" / "cp.jsonl").read_text().splitlines()[-1])
    assert line["length"] == _events(cli_db)
    assert runner.invoke(app, ["departments", "add", "STHJ", "生态环境局"]).exit_code == 0
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "签名检查点" in result.output
    assert "一致" in result.output


def test_truncating_the_last_events_is_named(cli_db: str) -> None:
    _checkpoint()
    total = _events(cli_db)
    _sql(cli_db, f"DELETE FROM audit_event WHERE id > {total - 3}")
    # the chain alone still verifies: a cut-short chain is a valid chain
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"记有 {total} 条事件，现在只有 {total - 3} 条" in result.output, result.output
    assert "truncat" not in result.output
    en = runner.invoke(app, ["audit", "verify", "--lang", "en"])
    assert "cut short" in en.output


def test_emptying_the_table_is_named(cli_db: str) -> None:
    _checkpoint()
    _sql(cli_db, "DELETE FROM audit_event")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "审计表已被清空" in result.output, result.output


def test_a_rewrite_with_recomputed_hashes_is_named(cli_db: str) -> None:
    _checkpoint()

    async def rewrite() -> None:
        # from event 3 on: change the actor and re-compute every hash, as a forger would
        engine = create_engine(cli_db)
        sessions = session_factory(engine)
        async with sessions() as session:
            events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
            prev = GENESIS
            for event in events:
                actor = "nobody" if event.id >= 3 else event.actor
                digest = event_hash(prev, at=event.at, actor=actor, action=event.action,
                                    entity=event.entity, entity_id=event.entity_id,
                                    data=event.data)
                await session.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                                      .values(actor=actor, prev_hash=prev, hash=digest))
                prev = digest
            await session.commit()
        await engine.dispose()

    asyncio.run(rewrite())
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "审计链被重写" in result.output, result.output
    assert "断裂" not in result.output  # the chain itself re-verifies: only the checkpoint tells


def test_a_forged_checkpoint_is_refused(cli_db: str, tmp_path: Path) -> None:
    _checkpoint()
    path = tmp_path / "cp" / "cp.jsonl"
    line = json.loads(path.read_text().splitlines()[-1])
    line["length"] = 3  # hide later events by lowering the count
    path.write_text(json.dumps(line) + "\n")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "签名无效" in result.output, result.output


def test_expect_head(cli_db: str) -> None:
    out = _checkpoint()
    head = json.loads(Path(get_settings().audit_checkpoint_path).read_text().splitlines()[-1])[
        "head"]
    assert head[:16] in out
    assert runner.invoke(app, ["audit", "verify", "--expect-head", head]).exit_code == 0
    result = runner.invoke(app, ["audit", "verify", "--expect-head", "ab" * 32])
    assert result.exit_code == 1
    assert "没有哈希为" in result.output


def test_non_json_data_is_a_named_break_not_a_traceback(cli_db: str) -> None:
    if not cli_db.startswith("sqlite"):
        pytest.skip("PostgreSQL's jsonb column cannot hold text that is not JSON")
    _sql(cli_db, "UPDATE audit_event SET data = 'not {json' WHERE id = 2")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "事件数据不是 JSON" in result.output, result.output
    assert "id 2" in result.output


def test_the_scheduled_job_checkpoints_only_a_grown_chain(cli_db: str, tmp_path: Path) -> None:
    key, out = tmp_path / "k.pem", tmp_path / "c.jsonl"

    async def body() -> list[object]:
        engine = create_engine(cli_db)
        sessions = session_factory(engine)

        def clock() -> dt.datetime:
            return dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

        results = [await cp.scheduled_checkpoint(sessions, clock, key, out) for _ in range(2)]
        await engine.dispose()
        return results

    first, second = asyncio.run(body())
    assert first is not None
    assert second is None
    assert len(out.read_text().splitlines()) == 1
    checkpoint = cp.last_checkpoint(out)
    cp.check_signature(checkpoint, cp.trusted_public_key(key))


def test_the_worker_schedules_the_checkpoint_job(cli_db: str, tmp_path: Path) -> None:
    from pydantic import SecretStr

    from bot.config import Settings
    from bot.container import make_container
    from bot.worker import Worker

    out = tmp_path / "worker.jsonl"
    settings = Settings(database_url=cli_db, audit_key_path=tmp_path / "w.pem",
                        audit_checkpoint_path=out, bot_token=SecretStr("123456:TEST-TOKEN"))

    async def body() -> None:
        engine = create_engine(cli_db)
        container = make_container(settings, sessions=session_factory(engine),
                                   clock=lambda: dt.datetime.now(dt.UTC))
        worker = Worker(settings, container)
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        for _ in range(100):  # the job runs once at start
            await asyncio.sleep(0.05)
            if out.exists():
                break
        stop.set()
        assert worker.notifier is not None
        worker.notifier.wake()
        await asyncio.wait_for(task, 10)
        await container.close()
        await engine.dispose()

    asyncio.run(body())
    assert cp.last_checkpoint(out).length == _events(cli_db)
