"""Words of the domain shared by several services, spelled once (issue 8 item 4).

``TaskState`` (services/tasks.py), ``DrawKind`` (services/draws.py) and ``Role``
(services/actors.py) live beside the code that owns them; the review decision is read by the
review brief, the task service and the bot alike, so it lives here.
"""

from __future__ import annotations

from enum import StrEnum

from services.errors import ValidationFailed


class ReviewDecision(StrEnum):
    """A department's decision in one review round (会审). One spelling from the database
    (``task_reviews.decision``) to the callback data (``rv:…:approve``) and the locale keys
    (``review-decision-approve``); ``pending`` until the department decides."""

    PENDING = "pending"
    APPROVE = "approve"
    RETURN = "return"

    @classmethod
    def parse(cls, text: str) -> ReviewDecision:
        """A decision as typed or as an older button or row spelled it (``a``, ``approved``,
        ``r``, ``returned``); anything else is refused."""
        word = _OLD_DECISIONS.get(text.strip().lower(), text.strip().lower())
        try:
            return cls(word)
        except ValueError:
            raise ValidationFailed("review-bad-decision", decision=text) from None


_OLD_DECISIONS = {"a": "approve", "approved": "approve", "r": "return", "returned": "return"}


class DrawStatus(StrEnum):
    """A draw's life (Art. 13, 14): ``committed`` when its commitment is published before the
    entropy exists, ``completed`` once the entropy is in and the selection is fixed, ``failed``
    when the entropy could not be used (the commitment stays on record). ``draw.status``."""

    COMMITTED = "committed"
    COMPLETED = "completed"
    FAILED = "failed"


class PlanStatus(StrEnum):
    """An annual plan (Art. 11): ``open`` for entries until it is ``approved``.
    ``annual_plan.status``."""

    OPEN = "open"
    APPROVED = "approved"


class PlanEntryStatus(StrEnum):
    """A department's plan entry: ``submitted``, then ``approved`` with the plan, ``merged``
    into another entry, or ``withdrawn`` by a reviewed change. ``plan_entry.status``."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


class ChangeStatus(StrEnum):
    """A change to an approved plan, reviewed before it applies: ``pending`` → ``approved`` or
    ``returned``. ``plan_change.status``."""

    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
