"""Inspection code tokens: round trip, every changed byte refused, times with a pinned clock,
the key from a path or a seed, masking and comment cleaning."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from services.errors import ValidationFailed
from services.inspection_codes import (
    CodeStatus,
    Payload,
    TokenInvalid,
    clean_comment,
    code_url,
    decode,
    encode,
    key_id,
    keys_from_file,
    load_signer,
    mask_certificate,
    qr_png,
    time_status,
)

SEED = bytes(range(32))
NBF = dt.datetime(2026, 4, 1, 1, 0, tzinfo=dt.UTC)
EXP = NBF + dt.timedelta(hours=4)


def make_payload(key: Ed25519PrivateKey, **changes: object) -> Payload:
    fields: dict[str, object] = {
        "kid": key_id(key.public_key()), "nonce": "0123456789abcdef", "visit_id": 4711,
        "not_before": NBF, "expires_at": EXP, "uscc": "91420700MA4KXXXX1A",
        "task_code": "JC-2026-SC-004", "inspector_ids": (3, 5, 12)}
    fields.update(changes)
    return Payload(**fields)  # type: ignore[arg-type]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def test_round_trip_and_the_token_is_short(key: Ed25519PrivateKey) -> None:
    payload = make_payload(key)
    token = encode(payload, key)
    assert decode(token, {payload.kid: key.public_key()}) == payload
    assert len(token) < 200
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_any_changed_byte_is_refused(key: Ed25519PrivateKey) -> None:
    payload = make_payload(key)
    token = encode(payload, key)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    keys = {payload.kid: key.public_key()}
    for n in range(len(raw)):
        changed = bytearray(raw)
        changed[n] ^= 0x01
        text = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        with pytest.raises(TokenInvalid):
            decode(text, keys)
    for garbled in ("", "!!!", token[:-1], token[:40], token + "AA", "a" * 500):
        with pytest.raises(TokenInvalid):
            decode(garbled, keys)


def test_another_key_is_refused(key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    payload = make_payload(key)
    token = encode(payload, key)
    with pytest.raises(TokenInvalid):
        decode(token, {payload.kid: other.public_key()})
    with pytest.raises(TokenInvalid):
        decode(token, {key_id(other.public_key()): other.public_key()})


def test_times_with_a_pinned_clock(key: Ed25519PrivateKey) -> None:
    payload = make_payload(key)
    assert time_status(payload, NBF - dt.timedelta(seconds=1)) == CodeStatus.NOT_YET
    assert time_status(payload, NBF) == CodeStatus.VALID
    assert time_status(payload, EXP - dt.timedelta(seconds=1)) == CodeStatus.VALID
    assert time_status(payload, EXP) == CodeStatus.EXPIRED


def test_the_key_from_a_seed_a_path_or_generated(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    seeded = load_signer(base64.b64encode(SEED).decode(), tmp_path / "unused.pem")
    assert seeded.kid == key_id(key.public_key())
    assert not (tmp_path / "unused.pem").exists()
    generated = load_signer(None, tmp_path / "keys" / "codes.pem")
    assert (tmp_path / "keys" / "codes.pem").stat().st_mode & 0o777 == 0o600
    again = load_signer(str(tmp_path / "keys" / "codes.pem"), tmp_path / "other.pem")
    assert again.kid == generated.kid
    with pytest.raises(ValidationFailed):
        load_signer("not a seed", tmp_path / "x.pem")
    # the published keys and a PEM both check a token offline
    token = encode(make_payload(key), key)
    published = tmp_path / "keys.json"
    published.write_text(json.dumps({"keys": seeded.published()}))
    assert decode(token, keys_from_file(published)).uscc == "91420700MA4KXXXX1A"
    pem = tmp_path / "pub.pem"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    assert decode(token, keys_from_file(pem)).visit_id == 4711


def test_the_qr_png_decodes_to_the_url(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    url = code_url("https://jc.example.cn/", encode(make_payload(key), key))
    path = tmp_path / "code.png"
    path.write_bytes(qr_png(url))
    (found,) = zxingcpp.read_barcodes(Image.open(path))
    assert found.text == url


def test_masking_and_comments() -> None:
    assert mask_certificate("4207000112") == "4207****12"
    assert mask_certificate("42070001") == "4207****01"
    assert mask_certificate(None) == "-"
    assert "0001" not in mask_certificate("42070001")
    assert clean_comment("  很好\x00\x07\u200b，谢谢\n ") == "很好，谢谢"
    with pytest.raises(ValidationFailed):
        clean_comment("长" * 501)
