"""Domain errors: each carries a locale key and its arguments; the caller renders the text."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused an action. ``key`` names the message in the locale files."""

    key: str = "error-domain"

    def __init__(self, key: str | None = None, /, **args: Any) -> None:
        self.key = key or self.key
        self.args_map = args
        super().__init__(f"{self.key} {args}" if args else self.key)


class NotFound(DomainError):
    """The thing asked for does not exist."""

    key = "error-not-found"


class IllegalTransition(DomainError):
    """A state change that the workflow does not allow from the current state."""

    key = "error-illegal-transition"


class ValidationFailed(DomainError):
    """Input that a person or a file got wrong; nothing was changed."""

    key = "error-validation"
