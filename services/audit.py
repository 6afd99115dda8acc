"""全程留痕: the append-only, hash-chained audit trail (Art. 14).

Each event's hash is SHA-256 over ``prev_hash`` and the canonical JSON of its own fields, so a
row changed, inserted or removed anywhere in the table breaks the chain from that row on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Text, cast, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import AuditEvent

from services.actors import Actor
from services.clock import Clock

GENESIS = "0" * 64
# Serialises writers on PostgreSQL so that two transactions never chain to the same row.
_PG_LOCK_KEY = 0x6A6F696E74  # "joint"


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the one JSON text that is hashed and published."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    """A flat record of changed values as JSON takes it: dates as ISO text, decimals exact."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, tuple):
            out[key] = list(value)
        elif isinstance(value, Decimal):
            out[key] = format(value, "f")
        elif isinstance(value, Mapping):
            out[key] = dict(value)
        else:
            out[key] = value
    return out


def _instant(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    prev_hash: str, *, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str,
    data: dict[str, Any],
) -> str:
    """The chained hash of one event (the algorithm ``audit verify`` re-computes).

    SHA-256 of the canonical JSON of {prev, at, actor, action, entity, entity_id, data}.
    """
    return _hash_body(prev_hash, at=at, actor=actor, action=action, entity=entity,
                      entity_id=entity_id, data_json=canonical_json(data))


def _hash_body(
    prev_hash: str, *, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str,
    data_json: str,
) -> str:
    # canonical_json of the whole event, assembled around the already canonical data text so
    # that a big payload (the keys of 5,000 created records) is serialised only once
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    body = (
        f'{{"action":{text(action)},"actor":{text(actor)},"at":{text(_instant(at))},'
        f'"data":{data_json},"entity":{text(entity)},"entity_id":{text(entity_id)},'
        f'"prev":{text(prev_hash)}}}'
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One event to append."""

    action: str
    entity: str
    entity_id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain stops verifying, and why."""

    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying the whole chain."""

    checked: int
    head: str
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks


class AuditTrail:
    """Appends events to the chain and verifies it. The caller's transaction commits them."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def _head(self) -> str:
        if self._session.bind is not None and self._session.bind.dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY}
            )
        last = await self._session.scalar(
            select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        )
        return last or GENESIS

    async def record(
        self, actor: Actor | str, action: str, entity: str, entity_id: str | int = "",
        data: dict[str, Any] | None = None,
    ) -> str:
        """Append one event; returns its hash. ``actor`` is who acted: an ``Actor`` (recorded
        by its label) or, for the few events no person starts, a fixed name."""
        return (
            await self.record_many(actor, [AuditEntry(action, entity, str(entity_id), data or {})])
        )[-1]

    async def record_many(self, actor: Actor | str, entries: Iterable[AuditEntry]) -> list[str]:
        """Append several events in order, in one round trip per batch; returns their hashes."""
        actor = actor.label if isinstance(actor, Actor) else actor
        prev = await self._head()
        at = self._clock().astimezone(dt.UTC)
        rows: list[dict[str, Any]] = []
        hashes: list[str] = []
        for entry in entries:
            data_json = canonical_json(entry.data)
            data = json.loads(data_json)  # what the database will give back
            digest = _hash_body(prev, at=at, actor=actor, action=entry.action,
                                entity=entry.entity, entity_id=entry.entity_id,
                                data_json=data_json)
            rows.append(
                {
                    "at": at, "actor": actor, "action": entry.action, "entity": entry.entity,
                    "entity_id": entry.entity_id, "data": data, "prev_hash": prev, "hash": digest,
                }
            )
            hashes.append(digest)
            prev = digest
            if len(rows) >= 5000:
                await self._session.execute(insert(AuditEvent), rows)
                rows = []
        if rows:
            await self._session.execute(insert(AuditEvent), rows)
        return hashes

    async def events(self, batch: int = 5000) -> AsyncIterator[AuditEvent]:
        """Every event in chain order, read in batches."""
        last_id = 0
        while True:
            chunk = (
                await self._session.scalars(
                    select(AuditEvent).where(AuditEvent.id > last_id)
                    .order_by(AuditEvent.id).limit(batch)
                )
            ).all()
            if not chunk:
                return
            for event in chunk:
                yield event
            last_id = chunk[-1].id

    async def verify(self, batch: int = 5000) -> ChainReport:
        """Re-compute every hash in order and report each place the chain breaks.

        ``data`` is read as the text the database holds, not through the JSON column type: a
        row whose data is not JSON (written around the application) is a break named
        ``data-not-json``, not a crash of the verifier."""
        prev = GENESIS
        breaks: list[ChainBreak] = []
        checked = 0
        last_id = 0
        e = AuditEvent
        query = select(e.id, e.at, e.actor, e.action, e.entity, e.entity_id,
                       cast(e.data, Text).label("data_text"), e.prev_hash, e.hash)
        while True:
            rows = (await self._session.execute(
                query.where(e.id > last_id).order_by(e.id).limit(batch)
            )).all()
            if not rows:
                break
            last_id = rows[-1].id
            for event in rows:
                checked += 1
                if event.prev_hash != prev:
                    breaks.append(ChainBreak(event.id, "prev-hash-mismatch"))
                prev = event.hash
                try:
                    raw = event.data_text
                    data: Any = json.loads(raw) if raw is not None else None
                except ValueError:
                    breaks.append(ChainBreak(event.id, "data-not-json"))
                    continue
                at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
                expected = event_hash(
                    event.prev_hash, at=at, actor=event.actor, action=event.action,
                    entity=event.entity, entity_id=event.entity_id, data=data,
                )
                if expected != event.hash:
                    breaks.append(ChainBreak(event.id, "content-changed"))
        return ChainReport(checked=checked, head=prev, breaks=breaks)
