"""Issue 9 item 9: demo data audits every record it creates, as an import does — not one
``demo.loaded`` event for hundreds of subjects. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demo.data import load_demo_data
from services.audit import AuditTrail
from storage.models import (
    AuditEvent,
    Conflict,
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)
from tests.conftest import FixedClock


async def test_every_created_record_is_in_the_audit_trail(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session:
        await load_demo_data(session, clock, subjects=300, seed=5)
    async with sessions() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
        keys: dict[str, list[str]] = {}
        for event in events:
            if event.action.endswith(".created"):
                data: dict[str, Any] = event.data
                if "keys" in data:
                    assert data["count"] == len(data["keys"])
                    keys.setdefault(event.action, []).extend(data["keys"])
                else:
                    keys.setdefault(event.action, []).append(event.entity_id)

        async def count(model: Any) -> int:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

        for action, model in (
            ("department.created", Department), ("inspection_item.created", InspectionItem),
            ("inspector.created", Inspector), ("expert.created", Expert),
            ("subject.created", Subject), ("subject_inspection.created", SubjectInspection),
            ("conflict.created", Conflict),
        ):
            assert len(keys.get(action, [])) == await count(model), action
            assert len(set(keys[action])) == len(keys[action]), action
        rows = (await session.execute(
            select(Department.code, Subject.identifier).join(
                Department, Department.id == Subject.department_id))).all()
        assert {f"{r.code}/{r.identifier}" for r in rows} == set(keys["subject.created"])
        assert events[-1].action == "demo.loaded"  # the summary closes, as directory.imported
        assert (await AuditTrail(session, clock).verify()).intact
