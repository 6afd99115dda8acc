"""The ledger of Telegram updates already handled, so a repeated delivery has one effect.

The mark is written in the SAME transaction as the update's effect: whichever commit of the
update's session comes first carries it. A crash before that commit loses neither: the effect
and the mark roll back together and the redelivered update is handled again. A duplicate that
races the first delivery fails on the primary key at commit, and its effect rolls back with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from storage.models import ProcessedUpdate


class UpdateLedger:
    """Checks and marks one update within one database session (one session per update)."""

    def __init__(self, session: AsyncSession, update_id: int) -> None:
        self._session = session
        self.update_id = update_id
        self.marked = False
        event.listen(session.sync_session, "before_commit", self._before_commit)

    def _before_commit(self, sync_session: Session) -> None:
        # runs inside commit(), before its flush: the mark joins whatever the service commits
        if not self.marked:
            sync_session.add(ProcessedUpdate(update_id=self.update_id))
            self.marked = True

    def detach(self) -> None:
        """Stop adding the mark to this session's commits."""
        if event.contains(self._session.sync_session, "before_commit", self._before_commit):
            event.remove(self._session.sync_session, "before_commit", self._before_commit)

    async def seen(self) -> bool:
        """Whether this update was handled (committed) before."""
        found = await self._session.scalar(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == self.update_id)
        )
        return found is not None

    async def finish(self) -> bool:
        """Commit the mark if no effect carried it yet; False when a duplicate got there first."""
        try:
            await self._session.commit()  # before_commit adds the mark if no effect carried it
        except IntegrityError:
            await self._session.rollback()
            return False
        finally:
            self.detach()
        return True

    async def mark_after_failure(self) -> None:
        """After an error: roll the effect back, keep the mark so a redelivery isn't retried."""
        await self._session.rollback()
        self.marked = False
        try:
            await self._session.commit()
        except IntegrityError:
            await self._session.rollback()
        finally:
            self.detach()


def is_duplicate_mark(error: BaseException) -> bool:
    """Whether a commit failed because another delivery of the update committed first."""
    return isinstance(error, IntegrityError) and "processed_update" in str(error).lower()


async def prune_processed(session: AsyncSession, before: dt.datetime) -> int:
    """Forget marks older than ``before`` (Telegram stops redelivering within a day)."""
    result: Any = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    )
    await session.commit()
    return int(result.rowcount or 0)
