"""Signed progress links: a good link opens its scope until it expires; a changed department,
expiry, link id or signature, another secret or an expired link is refused; export cells never
start a formula."""

from __future__ import annotations

import datetime as dt

from services.progress_links import LinkClaim, neutral_cell, sign_link, verify_link

SECRET = b"s3cret"
NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)


def test_a_signed_link_opens_its_department_until_it_expires() -> None:
    token = sign_link(SECRET, "SCJG", LATER, 7)
    assert verify_link(SECRET, token, NOW) == LinkClaim("SCJG", int(LATER.timestamp()), 7)
    assert verify_link(SECRET, token, LATER - dt.timedelta(seconds=1)) is not None
    assert verify_link(SECRET, token, LATER) is None
    city = verify_link(SECRET, sign_link(SECRET, None, LATER, 8), NOW)
    assert city is not None
    assert (city.scope, city.link_id) == ("city", 8)


def test_a_tampered_link_is_refused() -> None:
    scope, expires, link_id, mac = sign_link(SECRET, "SCJG", LATER, 7).split(".")
    assert verify_link(SECRET, f"HBJ.{expires}.{link_id}.{mac}", NOW) is None
    assert verify_link(SECRET, f"city.{expires}.{link_id}.{mac}", NOW) is None
    assert verify_link(SECRET, f"{scope}.{int(expires) + 86400}.{link_id}.{mac}", NOW) is None
    assert verify_link(SECRET, f"{scope}.{expires}.8.{mac}", NOW) is None  # another link's id
    assert verify_link(SECRET, f"{scope}.{expires}.{link_id}.{mac[:-1]}A", NOW) is None
    assert verify_link(b"other", f"{scope}.{expires}.{link_id}.{mac}", NOW) is None
    assert verify_link(SECRET, f"{scope}.{expires}.{mac}", NOW) is None  # the old 3-part form
    assert verify_link(SECRET, f"{scope}.{expires}.{'9' * 13}.{mac}", NOW) is None
    assert verify_link(SECRET, "garbage", NOW) is None


def test_export_cells_never_start_a_formula() -> None:
    assert [neutral_cell(v) for v in ("=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1", "'+86", "'-3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert neutral_cell("市场监督管理局") == "市场监督管理局"
    assert neutral_cell(-3) == -3
