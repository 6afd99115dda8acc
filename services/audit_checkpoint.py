"""Signed checkpoints of the audit chain, kept outside its table (Art. 14; issue 9 item 8).

The hash chain (``services.audit``) shows a row changed in place, but not a chain cut short,
emptied, or rewritten from some row on with every hash re-computed: the table alone cannot say
what it held before. A checkpoint can, in the manner of Certificate Transparency's signed tree
heads: an Ed25519 signature over the chain's length, the hash of its last event and the time,
appended to a file outside the database (and published where the public pages are). The signing
key is a file too (``Settings.audit_key_path``, under ``var/keys``, never in the database or
git), so whoever can write the table cannot forge a checkpoint.

``check`` compares the chain with a checkpoint: fewer events than it counted is truncation (none
at all: emptied); a different hash at its position is a rewrite; a chain that verifies and
extends the checkpoint's head is intact.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from storage.models import AuditEvent

from services.audit import GENESIS, canonical_json
from services.clock import Clock
from services.directories.files import atomic_path
from services.errors import ValidationFailed

FORMAT = "jointcheck-audit-checkpoint/1"


class CheckpointProblem(ValidationFailed):
    """The checkpoint file or key cannot be used (missing, unreadable, bad signature)."""

    key = "audit-checkpoint-unusable"


@dataclass(frozen=True)
class Checkpoint:
    """One signed statement: the chain had ``length`` events ending in ``head`` at ``at``."""

    length: int
    head: str
    at: str  # UTC, ISO 8601 with Z
    public_key: str  # hex of the raw 32-byte Ed25519 key that signed
    signature: str  # base64 of the 64-byte signature over ``signed_bytes``
    format: str = FORMAT

    def signed_bytes(self) -> bytes:
        """What the signature covers: canonical JSON of format, length, head and time."""
        return canonical_json(
            {"format": self.format, "length": self.length, "head": self.head, "at": self.at}
        ).encode()

    def line(self) -> str:
        """The checkpoint as one line of the checkpoint file."""
        return canonical_json(asdict(self))


@dataclass(frozen=True)
class CheckResult:
    """The chain compared with a checkpoint: ``problem`` is None when the chain extends it."""

    checkpoint: Checkpoint
    events: int
    problem: str | None  # emptied | truncated | rewritten | None


# --- the key ------------------------------------------------------------------------------------

def public_key_path(key_path: Path) -> Path:
    """Where the public half is kept next to the private key (``….pub``, hex)."""
    return key_path.with_name(key_path.name + ".pub")


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at ``path``; created (mode 0600, directory 0700) on first use."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, OSError) as exc:
            raise CheckpointProblem("audit-key-unreadable", path=str(path)) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointProblem("audit-key-unreadable", path=str(path))
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_key_path(path).write_text(_public_hex(key.public_key()) + "\n", encoding="ascii")
    return key


def trusted_public_key(key_path: Path) -> Ed25519PublicKey:
    """The key checkpoints must be signed with: from the private key, else its ``.pub``."""
    if key_path.exists():
        return load_or_create_key(key_path).public_key()
    pub = public_key_path(key_path)
    if not pub.exists():
        raise CheckpointProblem("audit-key-missing", path=str(key_path))
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub.read_text().strip()))
    except ValueError as exc:
        raise CheckpointProblem("audit-key-unreadable", path=str(pub)) from exc


def _public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


# --- writing and reading checkpoints ------------------------------------------------------------

async def chain_head(session: AsyncSession) -> tuple[int, str]:
    """The chain's length and the hash of its last event (``GENESIS`` when empty)."""
    length = int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    head = await session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return length, head or GENESIS


def sign(key: Ed25519PrivateKey, length: int, head: str, at: dt.datetime) -> Checkpoint:
    """A checkpoint of (length, head) at ``at``, signed with ``key``."""
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = Checkpoint(length, head, stamp, _public_hex(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
    return Checkpoint(length, head, stamp, unsigned.public_key, signature)


def append(path: Path, checkpoint: Checkpoint) -> None:
    """Append ``checkpoint`` to the file at ``path`` (rewritten whole, atomically)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(old + checkpoint.line() + "\n", encoding="utf-8")


async def write_checkpoint(
    session: AsyncSession, clock: Clock, key_path: Path, out: Path
) -> Checkpoint:
    """Sign the chain's current head and append the checkpoint to ``out``."""
    key = load_or_create_key(key_path)
    length, head = await chain_head(session)
    checkpoint = sign(key, length, head, clock())
    append(out, checkpoint)
    return checkpoint


async def scheduled_checkpoint(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, key_path: Path, out: Path
) -> Checkpoint | None:
    """The worker's job: a checkpoint when the chain grew since the last one."""
    async with sessions() as session:
        length, head = await chain_head(session)
        last = last_checkpoint(out) if out.exists() else None  # noqa: ASYNC240 - a small local file
        if last is not None and last.length == length and last.head == head:
            return None
        return await write_checkpoint(session, clock, key_path, out)


def last_checkpoint(path: Path) -> Checkpoint:
    """The last checkpoint in the file; refused when missing or malformed."""
    if not path.exists():
        raise CheckpointProblem("audit-checkpoint-missing", path=str(path))
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise CheckpointProblem("audit-checkpoint-missing", path=str(path))
    try:
        data = json.loads(lines[-1])
        checkpoint = Checkpoint(
            length=int(data["length"]), head=str(data["head"]), at=str(data["at"]),
            public_key=str(data["public_key"]), signature=str(data["signature"]),
            format=str(data["format"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointProblem("audit-checkpoint-malformed", path=str(path),
                                line=str(len(lines))) from exc
    return checkpoint


def check_signature(checkpoint: Checkpoint, trusted: Ed25519PublicKey) -> None:
    """Refuse a checkpoint not signed by ``trusted`` (forged, edited, or another key's)."""
    if checkpoint.format != FORMAT or checkpoint.public_key != _public_hex(trusted):
        raise CheckpointProblem("audit-checkpoint-bad-signature", at=checkpoint.at)
    try:
        trusted.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError) as exc:
        raise CheckpointProblem("audit-checkpoint-bad-signature", at=checkpoint.at) from exc


async def check(session: AsyncSession, checkpoint: Checkpoint) -> CheckResult:
    """Compare the chain in the table with ``checkpoint`` (whose signature was checked)."""
    length = int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    problem: str | None = None
    if checkpoint.length and length == 0:
        problem = "emptied"
    elif length < checkpoint.length:
        problem = "truncated"
    elif checkpoint.length:
        at_position = await session.scalar(
            select(AuditEvent.hash).order_by(AuditEvent.id)
            .offset(checkpoint.length - 1).limit(1)
        )
        if at_position != checkpoint.head:
            problem = "rewritten"
    return CheckResult(checkpoint, length, problem)


async def contains_head(session: AsyncSession, head: str) -> bool:
    """Whether some event of the chain has hash ``head`` (``--expect-head``)."""
    if head == GENESIS:
        return True
    found = await session.scalar(select(AuditEvent.id).where(AuditEvent.hash == head).limit(1))
    return found is not None
