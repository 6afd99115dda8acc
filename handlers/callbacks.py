"""Callback data of the bot's inline buttons: short prefixes, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class TaskListCb(CallbackData, prefix="tl"):
    """Back to the list of my assignments."""


class TaskCb(CallbackData, prefix="t"):
    """One section page of one assignment: ``section`` o(verview) | i(tems) | s(ubjects)."""

    task_id: int
    section: str = "o"
    page: int = 0


class ReviewCb(CallbackData, prefix="rv"):
    """A department's review decision on a task (会审) in one review round: ``action`` is a
    ``ReviewDecision`` (approve | return; buttons sent before issue 8 carry a | r and still
    work). The round makes a button of an earlier round stale (issue 9 item 12)."""

    task_id: int
    department: str
    review_round: int
    action: str
