"""The base of every refusal with a locale key, shared by storage (the file store) and services.

``services/errors.py`` re-exports it with the domain's own errors; the caller renders the text.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused an action. ``key`` names the message in the locale files."""

    key: str = "error-domain"

    def __init__(self, key: str | None = None, /, **args: Any) -> None:
        self.key = key or self.key
        self.args_map = args
        super().__init__(f"{self.key} {args}" if args else self.key)
