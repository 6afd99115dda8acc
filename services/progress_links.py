"""Signed links to the progress pages (issue 12 item 5) and formula-neutral export cells.

A link carries ``<department or "city">.<expiry, unix seconds>.<HMAC-SHA256>``; the HMAC is over
the department and the expiry with a settings secret, so neither can be changed, and a link past
its expiry is refused. Pure: no database, no web framework — ``web/progress.py`` reads the
token, ``jointcheck progress link`` prints one. The secret is ``JOINTCHECK_PROGRESS_LINK_SECRET``
or, without it, 32 random bytes generated on first use at ``progress_link_key_path`` (mode 0600;
delete the file, or change the setting, to void every link given out).
An admin API token with scope ``read`` is the other way in, for its own department's page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

CITY = "city"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _mac(secret: bytes, scope: str, expires: int) -> str:
    digest = hmac.new(secret, f"{scope}\n{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_link(secret: bytes, department: str | None, expires_at: dt.datetime) -> str:
    """The token for one department's page (``None``: the city's) until ``expires_at``."""
    scope = department or CITY
    if "." in scope:
        raise ValueError("a department code has no dot")
    expires = int(expires_at.timestamp())
    return f"{scope}.{expires}.{_mac(secret, scope, expires)}"


def verify_link(secret: bytes, token: str, now: dt.datetime) -> str | None:
    """The scope the token opens (a department code or ``"city"``), or None when it was
    tampered with, malformed or has expired."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    scope, expires_text, mac = parts
    if not hmac.compare_digest(mac, _mac(secret, scope, int(expires_text))):
        return None
    if now.timestamp() >= int(expires_text):
        return None
    return scope


def neutral_cell(value: object) -> object:
    """A CSV/XLSX cell that a spreadsheet will not run as a formula: text starting with
    = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def load_link_secret(setting: str | None, default_path: Path) -> bytes:
    """The setting's text as bytes, or the key file at ``default_path`` (created on first use
    with 32 random bytes, mode 0600)."""
    if setting:
        return setting.encode()
    if default_path.exists():
        return default_path.read_bytes().strip()
    default_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    try:
        fd = os.open(default_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return default_path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


@dataclass(frozen=True)
class ProgressLinks:
    """The links' secret once per process (the container holds one)."""

    secret: bytes

    def sign(self, department: str | None, expires_at: dt.datetime) -> str:
        """A token for ``department`` (``None``: the city) until ``expires_at``."""
        return sign_link(self.secret, department, expires_at)

    def verify(self, token: str, now: dt.datetime) -> str | None:
        """The scope ``token`` opens, or None."""
        return verify_link(self.secret, token, now)
