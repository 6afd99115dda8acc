"""The CLI acts as a named operator account (``--as`` / ``JOINTCHECK_OPERATOR``) or as the
explicit system actor ``cli-operator``; the service's refusal is printed, exit 1."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from services.actors import Actor
from services.clock import utc_now
from storage.db import create_engine, session_factory
from storage.models import AuditEvent
from tests.db.test_cli_planning import YEAR, cli_db, jc  # noqa: F401 -- the fixture
from tests.services import account_service


def _submit(department: str, *before: str) -> tuple[int, str, str]:
    return jc(*before, "plan", "submit", "--year", str(YEAR), "--department", department,
              "--title", "食品经营检查", "--items", "SC-01", "--from", f"{YEAR}-04-01",
              "--to", f"{YEAR}-06-30")


def _admin_of_sthj(db_url: str) -> int:
    async def make() -> int:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            view = await account_service(session, utc_now).ensure_account(
                department_code="SThJ", roles=["dept_admin"], name="刘科长",
                actor=Actor.system("test"))
            await session.commit()
        await engine.dispose()
        return view.id

    return asyncio.run(make())


def _last_actor(db_url: str) -> str:
    async def read() -> str:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            actor = await session.scalar(
                select(AuditEvent.actor).order_by(AuditEvent.id.desc()).limit(1))
        await engine.dispose()
        return str(actor)

    return asyncio.run(read())


def test_without_an_operator_the_cli_is_the_system_actor(cli_db: str) -> None:  # noqa: F811
    code, _, err = _submit("SCJG")
    assert code == 0, err
    assert _last_actor(cli_db) == "cli-operator"


def test_an_operator_account_acts_with_its_own_rights(
    cli_db: str, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    account_id = _admin_of_sthj(cli_db)
    code, _, err = _submit("SCJG", "--as", str(account_id))
    assert code == 1
    assert "只有SCJG的部门管理员（或组织部门）可以报送该部门的年度计划条目。" in err
    monkeypatch.setenv("JOINTCHECK_OPERATOR", "刘科长")
    code, _, err = _submit("SThJ")
    assert code == 0, err
    assert _last_actor(cli_db) == f"account:{account_id}"


def test_an_unknown_operator_is_refused(cli_db: str) -> None:  # noqa: F811
    code, _, err = _submit("SCJG", "--as", "nobody")
    assert code == 1
    assert "没有唯一的有效账号“nobody”（找到 0 个）" in err
