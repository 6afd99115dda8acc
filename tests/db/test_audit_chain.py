"""The audit hash is SHA-256 of the canonical JSON of the whole event, for every event."""

from __future__ import annotations

import datetime as dt
import hashlib

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.audit import AuditEntry, AuditTrail, canonical_json, event_hash
from storage.models import AuditEvent
from tests.conftest import FixedClock

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    actor=st.text(), action=st.text(), entity=st.text(), entity_id=st.text(),
    data=st.dictionaries(st.text(), json_values, max_size=5),
    micros=st.integers(0, 10**15),
)
def test_event_hash_is_the_sha256_of_the_canonical_event(
    *, prev: str, actor: str, action: str, entity: str, entity_id: str, data: dict[str, object],
    micros: int,
) -> None:
    at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)
    expected = hashlib.sha256(canonical_json({
        "prev": prev, "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor": actor,
        "action": action, "entity": entity, "entity_id": entity_id, "data": data,
    }).encode()).hexdigest()
    assert event_hash(prev, at=at, actor=actor, action=action, entity=entity,
                      entity_id=entity_id, data=data) == expected


async def test_chain_links_each_event_to_the_one_before(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session:
        trail = AuditTrail(session, clock)
        await trail.record_many("王科长", [
            AuditEntry("subject.created", "subject", "", {"keys": ["SCJG/1", "SCJG/2"]}),
            AuditEntry("subject.updated", "subject", "SCJG/1",
                       {"changes": {"risk_class": ["B", "D"]}}),
        ])
        clock.advance(hours=1)
        await trail.record("王科长", "catalogue.locked", "catalogue_year", 2026, {"items": 17})
        await session.commit()
    async with sessions() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert events[0].prev_hash == "0" * 64
        report = await AuditTrail(session, clock).verify()
        assert report.intact
        assert report.checked == 3
        assert report.head == events[-1].hash
        await session.execute(
            update(AuditEvent).where(AuditEvent.id == events[1].id)
            .values(data={"changes": {"risk_class": ["B", "A"]}})
        )
        await session.commit()
    async with sessions() as session:
        report = await AuditTrail(session, clock).verify()
    assert [(b.event_id, b.reason) for b in report.breaks] == [(events[1].id, "content-changed")]
