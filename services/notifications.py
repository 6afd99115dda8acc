"""Notifications as outbox rows: idempotent scans enqueue them, one rate-limited sender sends them.

A notification is a row in ``outbox`` with a ``dedup_key``: the scans can run any number of
times (and in several workers) and each fact is enqueued once. The sender sends due rows one
transaction per row and marks them sent in that transaction, so a row is sent once, never lost,
and survives restarts; on PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several
workers never send the same row. It stays under Telegram's limits (DESIGN.md §7: about 30
messages a second per bot, one a second per chat) with token buckets, and honours the
``retry_after`` of a 429 by pausing and rescheduling.

The scans know nothing about text or Telegram: the bot side renders and delivers a row through
the ``Deliver`` callable it hands to the sender.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from storage.models import (
    Account,
    Department,
    Draw,
    Inspector,
    Outbox,
    Task,
    TaskReview,
    Team,
    TeamMember,
)

from services.clock import Clock
from services.notification_kinds import (
    DrawnPayload,
    NotificationKind,
    Payload,
    Person,
    ReviewPayload,
    dump_payload,
    parse_payload,
)
from services.obsolete import obsolete_reason
from services.reminder_times import ReminderPolicy, out_of_quiet_hours
from services.vocabulary import DrawStatus

KIND_DRAWN = NotificationKind.DRAWN
KIND_LEADER = NotificationKind.LEADER
KIND_REVIEW = NotificationKind.REVIEW
# tasks past these states need no "you were drawn" notice any more
QUIET_STATES = ("published", "archived")
MAX_ATTEMPTS = 8
LEASE = dt.timedelta(seconds=120)  # how long a claimed row stays with its sender
PIPELINE = 2  # rows in hand at once: one delivered, the next read and claimed meanwhile
_DONE = ("sent", "failed", "cancelled", "retry", "retry-after")  # outcomes that moved a row


class RetryAfter(Exception):  # noqa: N818 -- named after Telegram's own "retry after"
    """The messaging service said: too many requests, wait ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Undeliverable(Exception):  # noqa: N818 -- a condition, not a programming error
    """The message can never be delivered (bot blocked, chat gone); retrying is pointless."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One outbox row, ready to be rendered in the recipient's language and delivered."""

    id: int
    kind: NotificationKind
    account_id: int
    chat_id: int
    language: str | None
    payload: Payload


Deliver = Callable[[OutgoingMessage], Awaitable[None]]


@dataclass(frozen=True)
class SendReport:
    """What one pass of the sender did."""

    sent: int = 0
    rescheduled: int = 0
    failed: int = 0
    cancelled: int = 0
    looked_at: int = 0  # rows the pass found due (the limit: more may be waiting)


# -- enqueueing ----------------------------------------------------------------------------------


async def enqueue(
    session: AsyncSession, *, account_id: int, kind: NotificationKind, dedup_key: str,
    payload: Payload, due_at: dt.datetime,
) -> bool:
    """Insert one outbox row unless its ``dedup_key`` exists; True when it was new."""
    values = {
        "account_id": account_id, "kind": str(kind), "dedup_key": dedup_key,
        "payload": dump_payload(payload), "cancel_reason": "",
        "due_at": due_at, "attempts": 0, "last_error": "",
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(Outbox).values(**values).on_conflict_do_nothing(
            index_elements=["dedup_key"]
        )
    else:
        statement = sqlite.insert(Outbox).values(**values).on_conflict_do_nothing(
            index_elements=["dedup_key"]
        )
    result: Any = await session.execute(statement)
    return bool(result.rowcount)


def _person(inspector: Inspector | None, department: Department | None) -> Person | None:
    if inspector is None:
        return None
    return Person(
        name=inspector.name,
        department=department.code if department else "",
        department_name=department.name_zh if department else "",
    )


async def cancel_obsolete(session: AsyncSession, now: dt.datetime, limit: int = 2000) -> int:
    """Cancel the waiting rows a later fact made pointless (``services.obsolete``); the count.
    The sender checks again just before it sends, so a row missed here is never sent either."""
    rows = (
        await session.scalars(
            select(Outbox)
            .where(Outbox.sent_at.is_(None), Outbox.failed_at.is_(None),
                   Outbox.cancelled_at.is_(None))
            .order_by(Outbox.due_at, Outbox.id)
            .limit(limit)
        )
    ).all()
    count = 0
    for row in rows:
        reason = await _row_obsolete(session, row)
        if reason is not None:
            row.cancelled_at = now
            row.cancel_reason = reason[:200]
            count += 1
    return count


async def _row_obsolete(session: AsyncSession, row: Outbox) -> str | None:
    try:
        kind = NotificationKind(row.kind)
        payload = parse_payload(kind, dict(row.payload))
    except ValueError:
        return None  # unreadable rows fail in the sender, visibly
    return await obsolete_reason(session, kind, payload)


class Scan(Protocol):
    """More scans run with the notices (the reminders of ``services.reminders``)."""

    async def scan(self) -> int:
        """Enqueue what is new (not committed); how many rows."""
        ...


class NotificationScanner:
    """Finds facts worth telling someone and enqueues each once."""

    def __init__(self, session: AsyncSession, clock: Clock,
                 policy: ReminderPolicy | None = None, reminders: Scan | None = None) -> None:
        self._session = session
        self._clock = clock
        self._policy = policy or ReminderPolicy()
        self._reminders = reminders

    def _now(self) -> dt.datetime:
        """Now, or the end of the quiet hours when now is inside them."""
        return out_of_quiet_hours(self._clock(), self._policy)

    async def scan(self) -> int:
        """Every scan, committed; returns how many rows were new."""
        count = await self.scan_drawn() + await self.scan_reviews()
        if self._reminders is not None:
            count += await self._reminders.scan()
        await cancel_obsolete(self._session, self._clock())
        await self._session.commit()
        return count

    async def scan_drawn(self) -> int:
        """"You were drawn": every active member of a completed draw with a bound account."""
        now = self._now()
        rows = (
            await self._session.execute(
                select(TeamMember, Team, Task, Account, Department)
                .join(Draw, Draw.id == TeamMember.draw_id)
                .join(Team, Team.id == TeamMember.team_id)
                .join(Task, Task.id == TeamMember.task_id)
                .join(Account, Account.inspector_id == TeamMember.inspector_id)
                .outerjoin(Department, Department.id == TeamMember.department_id)
                .where(
                    Draw.status == DrawStatus.COMPLETED,
                    TeamMember.active.is_(True),
                    Account.active.is_(True),
                    Account.telegram_user_id.is_not(None),
                    Task.state.not_in(QUIET_STATES),
                )
                .order_by(TeamMember.id)
            )
        ).all()
        if not rows:
            return 0
        keys = [f"{KIND_DRAWN}:{member.id}" for member, *_ in rows]
        existing = {
            row.dedup_key: row.payload
            for row in (
                await self._session.scalars(select(Outbox).where(Outbox.dedup_key.in_(keys)))
            ).all()
        }
        count = 0
        for member, team, task, account, department in rows:
            leader = None
            if team.leader_inspector_id is not None:
                leader_row = await self._session.get(Inspector, team.leader_inspector_id)
                leader_dept = (
                    await self._session.get(Department, leader_row.department_id)
                    if leader_row else None
                )
                leader = _person(leader_row, leader_dept)
            payload = DrawnPayload(
                task_id=task.id, task_code=task.code, task_name=task.name,
                team_number=team.number,
                department=department.code if department else "",
                window_start=task.window_start, window_end=task.window_end,
                leader=leader, is_leader=team.leader_inspector_id == member.inspector_id,
                member_id=member.id,
            )
            key = f"{KIND_DRAWN}:{member.id}"
            if key not in existing:
                count += await enqueue(
                    self._session, account_id=account.id, kind=KIND_DRAWN, dedup_key=key,
                    payload=payload, due_at=now,
                )
            elif existing[key].get("leader") is None and leader is not None:
                # told before the lead department drew the leader: now say who leads
                count += await enqueue(
                    self._session, account_id=account.id, kind=KIND_LEADER,
                    dedup_key=f"{KIND_LEADER}:{member.id}:{team.leader_inspector_id}",
                    payload=payload, due_at=now,
                )
        return count

    async def scan_reviews(self) -> int:
        """"Task to review" (会审, Art. 12) for each bound admin of a department still pending."""
        now = self._now()
        rows = (
            await self._session.execute(
                select(TaskReview, Task, Department, Account)
                .join(Task, Task.id == TaskReview.task_id)
                .join(Department, Department.id == TaskReview.department_id)
                .join(Account, Account.department_id == TaskReview.department_id)
                .where(
                    TaskReview.decision == "pending",
                    Task.state == "in_review",
                    Account.active.is_(True),
                    Account.telegram_user_id.is_not(None),
                )
                .order_by(TaskReview.id, Account.id)
            )
        ).all()
        count = 0
        for review, task, department, account in rows:
            if "dept_admin" not in account.roles:
                continue
            payload = ReviewPayload(
                task_id=task.id, task_code=task.code, task_name=task.name,
                department=department.code, department_name=department.name_zh,
                round=review.round, review_id=review.id,
                window_start=task.window_start, window_end=task.window_end,
            )
            count += await enqueue(
                self._session, account_id=account.id, kind=KIND_REVIEW,
                dedup_key=f"{KIND_REVIEW}:{review.id}:{account.id}", payload=payload, due_at=now,
            )
        return count


# -- sending -------------------------------------------------------------------------------------


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(
        self, rate: float, burst: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._monotonic = monotonic
        self._tokens = burst
        self._stamp = monotonic()

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until one token is there (0 when it is now)."""
        self._refill()
        # a token refilled to 0.9999999… by float rounding is a token: otherwise a stepped or
        # coarse clock could be asked to sleep 1e-13 s again and again
        return 0.0 if self._tokens >= 1 - 1e-9 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        """Spend one token (may go negative after a forced send; it refills)."""
        self._refill()
        self._tokens -= 1


class RateLimiter:
    """Telegram's limits: a bucket for the bot, one per chat, and a pause after a 429."""

    def __init__(
        self, per_second: float = 25.0, per_chat_per_second: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # 25 rather than 30: a margin for the replies the handlers send meanwhile
        self.per_second = per_second
        self.per_chat_per_second = per_chat_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        # a small burst: in any one second at most burst + rate messages leave (5 + 25 = 30)
        self._bot = TokenBucket(per_second, min(5.0, per_second), monotonic)
        self._per_chat = per_chat_per_second
        self._chats: dict[int, TokenBucket] = {}
        self._paused_until = 0.0

    def _chat(self, chat_id: int) -> TokenBucket:
        if chat_id not in self._chats:
            self._chats[chat_id] = TokenBucket(self._per_chat, 1, self._monotonic)
        return self._chats[chat_id]

    def chat_wait(self, chat_id: int) -> float:
        """Seconds before the chat's own limit lets a message to ``chat_id`` go."""
        return self._chat(chat_id).wait_time()

    async def wait_for_any(self, chat_ids: Iterable[int]) -> None:
        """Sleep until the first of these chats may have a message again."""
        delay = min((self.chat_wait(chat_id) for chat_id in chat_ids), default=0.0)
        if delay > 0:
            await self._sleep(delay)

    def wait_time(self, chat_id: int) -> float:
        """Seconds before a message to ``chat_id`` may go."""
        pause = max(0.0, self._paused_until - self._monotonic())
        return max(pause, self._bot.wait_time(), self._chat(chat_id).wait_time())

    async def acquire(self, chat_id: int) -> None:
        """Wait for the bot's, the chat's and any 429 pause to allow one message, then take it."""
        while (delay := self.wait_time(chat_id)) > 0:
            await self._sleep(delay)
        self._bot.take()
        self._chat(chat_id).take()

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (Telegram's ``retry_after``)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)


class OutboxSender:
    """Sends due outbox rows through ``deliver``, each once, within the limits.

    Two rows are in hand at once (``PIPELINE``): while one is delivered (the bot's bucket,
    ``deliver``, then its mark committed), the next is read, checked and claimed, so the database
    work of a row no longer adds to the time each message takes. The deliveries themselves stay
    one at a time and in the order the rows were taken, and a row is marked before the next one
    is delivered: a crash can send at most the one message it interrupted twice."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        deliver: Deliver,
        limiter: RateLimiter | None = None,
        lease: dt.timedelta = LEASE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._deliver = deliver
        self.limiter = limiter or RateLimiter()
        self.lease = lease
        self._halted = False  # Telegram asked to wait during this pass

    async def _due_rows(self, limit: int) -> Sequence[tuple[int, int | None]]:
        """The rows due now, oldest first, each with its recipient's chat."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(Outbox.id, Account.telegram_user_id)
                    .outerjoin(Account, Account.id == Outbox.account_id)
                    .where(
                        Outbox.sent_at.is_(None),
                        Outbox.failed_at.is_(None),
                        Outbox.cancelled_at.is_(None),
                        Outbox.due_at <= self._clock(),
                    )
                    .order_by(Outbox.due_at, Outbox.id)
                    .limit(limit)
                )
            ).all()
            return [(row_id, chat_id) for row_id, chat_id in rows]

    async def send_due(self, limit: int = 500) -> SendReport:
        """One pass over the rows due now; stops early when Telegram asks to wait.

        A row whose chat had a message less than a second ago (or has one in hand) waits for a
        later round of the pass while the rows to other chats go, so one busy chat never holds
        up the bot; when only such rows are left and the batch was full, the pass ends so that
        the next one fetches the rows behind them."""
        tally: Counter[str] = Counter()
        waiting = list(await self._due_rows(limit))
        looked_at = len(waiting)
        self._halted = False
        in_hand: dict[asyncio.Task[str], int | None] = {}
        previous = asyncio.Event()
        previous.set()

        async def settle() -> None:
            done, _pending = await asyncio.wait(in_hand, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                del in_hand[task]
                tally[task.result()] += 1

        try:
            while waiting and not self._halted:
                later: list[tuple[int, int | None]] = []
                taken = False
                for row_id, chat_id in waiting:
                    if chat_id is not None and (chat_id in in_hand.values()
                                                or self.limiter.chat_wait(chat_id) > 0):
                        later.append((row_id, chat_id))
                        continue
                    while len(in_hand) >= PIPELINE and not self._halted:
                        await settle()
                    if self._halted:  # the pause applies to the whole bot: the next pass resumes
                        break
                    turn = asyncio.Event()
                    in_hand[asyncio.create_task(self._send_one(row_id, previous, turn))] = chat_id
                    previous, taken = turn, True
                if self._halted:
                    break
                if not taken:  # every row left waits for its chat
                    if in_hand:
                        await settle()
                    elif looked_at >= limit and any(tally[outcome] for outcome in _DONE):
                        break
                    else:
                        await self.limiter.wait_for_any(chat for _row, chat in later if chat)
                waiting = later
            while in_hand:
                await settle()
        finally:
            if in_hand:  # something raised (or the pass was cancelled): the rows in hand finish
                await asyncio.gather(*in_hand, return_exceptions=True)
        return SendReport(sent=tally["sent"], rescheduled=tally["retry-after"] + tally["retry"],
                          failed=tally["failed"], cancelled=tally["cancelled"],
                          looked_at=looked_at)

    async def _send_one(self, row_id: int, previous: asyncio.Event, turn: asyncio.Event) -> str:
        """Read, check and claim the row, then, once the row before it is through (``previous``),
        deliver it and mark it; ``turn`` is set when this row and every row before it are
        through (a row cancelled before its turn does not let the one after it jump ahead)."""
        try:
            return await self._prepare_and_send(row_id, previous)
        finally:
            await previous.wait()
            turn.set()

    async def _prepare_and_send(self, row_id: int, previous: asyncio.Event) -> str:
        async with self._sessions() as session:
            now = self._clock()
            query = select(Outbox).where(
                Outbox.id == row_id, Outbox.sent_at.is_(None), Outbox.failed_at.is_(None),
                Outbox.cancelled_at.is_(None), Outbox.due_at <= now,
            )
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                # another worker holding the row sends it; this one moves on
                query = query.with_for_update(skip_locked=True)
            row = await session.scalar(query)
            if row is None:
                return "skipped"
            account = await session.get(Account, row.account_id)
            if account is None or not account.active or account.telegram_user_id is None:
                row.failed_at = now
                row.last_error = "account not bound"
                await session.commit()
                return "failed"
            try:
                kind = NotificationKind(row.kind)
                payload = parse_payload(kind, dict(row.payload))
            except ValueError as error:
                row.failed_at = now
                row.last_error = f"unreadable {row.kind}: {error}"[:500]
                await session.commit()
                return "failed"
            reason = await obsolete_reason(session, kind, payload)
            if reason is not None:
                row.cancelled_at = now
                row.cancel_reason = reason[:200]
                await session.commit()
                return "cancelled"
            message = OutgoingMessage(
                id=row.id, kind=kind, account_id=account.id,
                chat_id=account.telegram_user_id, language=account.language,
                payload=payload,
            )
            # the lease: the row is not due for the lease while this worker sends it, so no other
            # worker (nor a second sender on SQLite, which has no row locks) takes it; the
            # conditional update makes the claim exactly once. A crash mid-send only delays it.
            claimed: Any = await session.execute(
                update(Outbox)
                .where(Outbox.id == row.id, Outbox.sent_at.is_(None), Outbox.due_at <= now)
                .values(due_at=now + self.lease, attempts=Outbox.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                await session.rollback()
                return "skipped"
            await session.commit()
            await previous.wait()
            if self._halted:  # a 429 came while this row waited: the claim goes back
                await session.execute(
                    update(Outbox).where(Outbox.id == row.id)
                    .values(due_at=row.due_at, attempts=row.attempts)
                    .execution_options(synchronize_session=False)
                )
                await session.commit()
                return "skipped"
            await self.limiter.acquire(message.chat_id)
            outcome, values = await self._attempt(message, row.attempts + 1)
            if outcome == "retry-after":
                self._halted = True
            await session.execute(
                update(Outbox).where(Outbox.id == row.id).values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return outcome

    async def _attempt(
        self, message: OutgoingMessage, attempts: int
    ) -> tuple[str, dict[str, Any]]:
        """Deliver once; the outcome and the row's new values."""
        try:
            await self._deliver(message)
        except RetryAfter as error:
            self.limiter.pause(error.seconds)
            due = self._clock() + dt.timedelta(seconds=error.seconds)
            return "retry-after", {"due_at": due, "last_error": str(error)[:500]}
        except Undeliverable as error:
            return "failed", {"failed_at": self._clock(),
                              "last_error": str(error)[:500] or "undeliverable"}
        except Exception as error:  # noqa: BLE001 -- a network hiccup: back off and retry
            text = f"{type(error).__name__}: {error}"[:500]
            if attempts >= MAX_ATTEMPTS:
                return "failed", {"failed_at": self._clock(), "last_error": text}
            due = self._clock() + dt.timedelta(seconds=min(3600, 5 * 2**attempts))
            return "retry", {"due_at": due, "last_error": text}
        return "sent", {"sent_at": self._clock(), "last_error": ""}


class Notifier:
    """The worker's loop: wake on a signal (or every ``interval`` s) and send what is due."""

    def __init__(self, sender: OutboxSender, interval: float = 5.0, batch: int = 500) -> None:
        self.sender = sender
        self.interval = interval
        self.batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the sender to look at the outbox now (the scheduler's only job for it)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send due rows until ``stop`` is set."""
        while not stop.is_set():
            report = await self.sender.send_due(self.batch)
            done = report.sent + report.failed + report.cancelled
            if report.looked_at >= self.batch and done and not report.rescheduled:
                continue  # a full pass: more rows are due, no reason to wait
            self._wake.clear()
            waiters = [
                asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())
            ]
            _done, pending = await asyncio.wait(
                waiters, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
