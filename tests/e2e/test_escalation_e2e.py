"""Issue 12, must show: through the emulator with the real ``jointcheck worker``, the clock moves
(``JOINTCHECK_CLOCK_OFFSET_SECONDS``): three working days before the results are due the leader
gets "results due"; the first working day late the supervisor gets the escalation and the
daily digest; a repeat scan queues nothing new (the outbox rows are counted)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona, bind_demo_accounts
from services.accounts import AccountService
from services.calendar import CalendarService
from services.clock import SHANGHAI, utc_now
from services.reminder_times import ReminderPolicy, results_due_on, working_days_before
from storage.models import Outbox
from tests.e2e.botproc import Emulator, bot_process, wait_until
from tests.e2e.seed import seed_world
from tests.e2e.test_bot_e2e import emu, emulator_base, in_db  # noqa: F401 -- fixtures

pytestmark = pytest.mark.e2e

LEADER, SUPERVISOR, ORGANISER = 951_001, 951_200, 951_300


def _seed(url: str) -> tuple[dt.date, dt.date]:
    """The world with bound accounts; (the day "results due" goes out, the first day late)."""

    async def work(session: AsyncSession) -> tuple[dt.date, dt.date]:
        world = await seed_world(session)
        await bind_demo_accounts(session, AccountService(session, utc_now), [
            Persona(LEADER, "张三", "SCJG", inspector_id=world.leader),
            Persona(SUPERVISOR, "周督查", "SCJG", roles=("supervisor",)),
            Persona(ORGANISER, "吴组织", "SCJG", roles=("organiser",)),
        ])
        rules = await CalendarService(session, utc_now, 20).rules_for(
            dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        due_on = results_due_on(rules, dt.date(2026, 4, 30), ReminderPolicy())  # no schedule
        return (working_days_before(rules, due_on, 3),
                rules.add_working_days(due_on, 1).due_on)

    return in_db(url, work)


def _rows(url: str) -> int:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Outbox)) or 0)

    return in_db(url, work)


def _dump(url: str) -> str:
    async def work(session: AsyncSession) -> str:
        return "\n".join(f"{r.kind} {r.due_at} {r.status} {r.cancel_reason} {r.last_error}"
                         for r in (await session.scalars(select(Outbox))).all())

    return in_db(url, work)


def _offset(day: dt.date) -> str:
    """The clock offset that puts the processes at 10:00 Beijing time on ``day``."""
    target = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
    return str((target - dt.datetime.now(dt.UTC)).total_seconds())


def _texts(emulator: Emulator, chat: int) -> list[str]:
    return [m.get("text") or "" for m in emulator.bot_messages(chat)]


def test_results_due_then_escalation_and_digest_as_the_clock_moves(
    emu: Emulator,  # noqa: F811 -- the fixture
    db_url: str,
    tmp_path: Path,
) -> None:
    for chat, name in ((LEADER, "张三"), (SUPERVISOR, "周督查"), (ORGANISER, "吴组织")):
        emu.user(chat, name)
    soon_day, first_late = _seed(db_url)
    env = {"JOINTCHECK_AUDIT_KEY_PATH": str(tmp_path / "audit.pem"),
           "JOINTCHECK_AUDIT_CHECKPOINT_PATH": str(tmp_path / "checkpoints.jsonl")}
    with bot_process(emu.base, db_url, tmp_path / "w1.log", ("worker",),
                     JOINTCHECK_CLOCK_OFFSET_SECONDS=_offset(soon_day), **env):
        try:
            wait_until(lambda: any("检查结果须于" in t for t in _texts(emu, LEADER)), timeout=30)
        except AssertionError:
            print(_dump(db_url), (tmp_path / "w1.log").read_text()[-3000:])
            raise
    before = _texts(emu, SUPERVISOR)  # that morning's digest at most, no escalation
    assert not any("【逾期督办】" in t for t in before), before
    with bot_process(emu.base, db_url, tmp_path / "w2.log", ("worker",),
                     JOINTCHECK_CLOCK_OFFSET_SECONDS=_offset(first_late), **env):
        wait_until(lambda: any("【逾期督办】" in t for t in _texts(emu, SUPERVISOR))
                   and any("逾期 1" in t for t in _texts(emu, SUPERVISOR)[len(before):]),
                   timeout=60)
        wait_until(lambda: any(t.startswith("【逾期】") for t in _texts(emu, LEADER)),
                   timeout=30)
        settled = _rows(db_url)
        time.sleep(8)  # more than two scans (every 3 s): nothing new is queued
        assert _rows(db_url) == settled
    supervisor = _texts(emu, SUPERVISOR)[len(before):]
    print("\n--- supervisor ---\n" + "\n".join(supervisor))
    # one escalation and one digest — not one message per fact
    assert sorted(t[:6] for t in supervisor) == sorted(["【逾期督办】", "【每日督办】"])
