"""Signed links to the progress pages (issue 12 item 5) and formula-neutral export cells.

A link carries ``<department or "city">.<expiry, unix seconds>.<HMAC-SHA256>``; the HMAC is over
the department and the expiry with a settings secret, so neither can be changed, and a link past
its expiry is refused. Pure: no database, no web framework — ``web/progress.py`` (to come) reads
the token, the CLI prints one. An admin API token is the other way in (the publication issue):
``verify_link`` is the one place a request's access to the figures is decided for links.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

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
