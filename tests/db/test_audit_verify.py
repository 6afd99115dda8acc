"""The audit chain: every import lands in it, and `jointcheck audit verify` finds tampering."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app
from storage.db import create_engine
from tests.db.directories_support import SUBJECT_HEADER, subject_row, write_csv

runner = CliRunner()


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI pointed at this test's database (on each backend)."""
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def _sql(url: str, statement: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(run())


def _populate(tmp_path: Path) -> None:
    assert runner.invoke(app, ["departments", "add", "SCJG", "市场监督管理局"]).exit_code == 0
    for version in range(2):
        rows = [subject_row(n, 信用风险分类="ABCD"[(n + version) % 4]) for n in range(3)]
        path = write_csv(tmp_path / f"v{version}.csv", SUBJECT_HEADER, rows)
        result = runner.invoke(app, ["import", "subjects", str(path), "-d", "SCJG"])
        assert result.exit_code == 0, result.output


def test_an_untouched_chain_verifies(cli_db: str, tmp_path: Path) -> None:
    _populate(tmp_path)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    # department, created batch, import; 3 updates, import
    assert "审计链完整：共 7 条事件" in result.output


def test_a_row_changed_in_the_database_is_detected(cli_db: str, tmp_path: Path) -> None:
    _populate(tmp_path)
    # someone edits an update event directly in the database to hide what changed
    _sql(cli_db, "UPDATE audit_event SET actor = 'nobody' WHERE id = 4")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "审计链断裂：第一个异常事件 id 4" in result.output
    assert "内容与哈希不符" in result.output


def test_a_deleted_row_is_detected(cli_db: str, tmp_path: Path) -> None:
    _populate(tmp_path)
    _sql(cli_db, "DELETE FROM audit_event WHERE id = 3")
    result = runner.invoke(app, ["audit", "verify", "--lang", "en"])
    assert result.exit_code == 1
    assert "first bad event id 4" in result.output
    assert "previous hash differs" in result.output


def test_a_rehashed_row_still_breaks_the_next_link(cli_db: str, tmp_path: Path) -> None:
    """Re-computing the edited row's own hash does not help: the next row chains to the old one."""
    import datetime as dt
    import json

    from services.audit import event_hash

    _populate(tmp_path)

    async def tamper() -> None:
        engine = create_engine(cli_db)
        async with engine.begin() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT prev_hash, at, actor, action, entity, entity_id, data "
                        "FROM audit_event WHERE id = 2"
                    )
                )
            ).one()
            at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(row.at)
            at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
            data = row.data if isinstance(row.data, dict) else json.loads(row.data)
            data["count"] = 2
            new_hash = event_hash(
                row.prev_hash, at=at, actor=row.actor, action=row.action, entity=row.entity,
                entity_id=row.entity_id, data=data,
            )
            await conn.execute(
                text("UPDATE audit_event SET data = :d, hash = :h WHERE id = 2"),
                {"d": json.dumps(data, ensure_ascii=False), "h": new_hash},
            )
        await engine.dispose()

    asyncio.run(tamper())
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "第一个异常事件 id 3" in result.output
