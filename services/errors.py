"""Domain errors: each carries a locale key and its arguments; the caller renders the text."""

from __future__ import annotations

from storage.errors import DomainError

__all__ = ["DomainError", "Forbidden", "IllegalTransition", "NotFound", "ValidationFailed"]


class NotFound(DomainError):
    """The thing asked for does not exist."""

    key = "error-not-found"


class IllegalTransition(DomainError):
    """A state change that the workflow does not allow from the current state."""

    key = "error-illegal-transition"


class ValidationFailed(DomainError):
    """Input that a person or a file got wrong; nothing was changed."""

    key = "error-validation"


class Forbidden(DomainError):
    """The actor may not do this (another department's task, a task one is not in, an
    organiser's step); nothing was changed. The rules: docs/permissions.md."""

    key = "forbidden"
