"""Verifiable draws (摇号): the engine jointcheck draws with and the standalone public verifier.

Art. 14 asks that drawing and matching be public, fair and just with the whole process
traceable. This one file freezes a draw's inputs in a canonical JSON manifest, derives every
random choice from HMAC-SHA-256 tickets keyed by the manifest and a declared entropy source,
and re-computes a published bundle byte for byte. ``docs/draw-spec.md`` is the normative
description; this file follows it exactly.

It needs only the Python standard library; ``py_ecc`` is imported lazily and only to check a
drand BLS signature. Run it as ``python verify_draw.py BUNDLE.json``: exit 0 when the bundle
re-computes, 1 when it does not (each difference is printed).
"""

from __future__ import annotations

import os
import sys

if (
    __name__ == "__main__"
    and sys.path
    and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__))
):
    # Run as a script, Python puts services/ first on the path, where sibling modules (such as
    # services/calendar.py) would shadow the standard library modules of the same name.
    sys.path.pop(0)

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import functools  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import operator  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterable, Mapping, Sequence  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

SPEC = "jointcheck-draw/2"

# drand chains whose public data the verifier knows; a manifest naming another chain is refused
# so that an operator cannot declare a key of their own making.
KNOWN_DRAND_CHAINS: dict[str, dict[str, Any]] = {
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971": {
        "name": "quicknet",
        "public_key": (
            "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6"
            "a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9"
            "c76a4bc09e76eae8991ef5ece45a"
        ),
        "period": 3,
        "genesis_time": 1692803367,
        "scheme": "bls-unchained-g1-rfc9380",
    },
}
DRAND_DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"

KINDS = ("subjects", "inspectors", "experts", "matching", "replacement")

# Every DrawError / EntropyError code; each has the locale key draw-error-<code> (zh_CN, en).
ERROR_CODES = (
    "bad-bound",
    "drand-bad-signature",
    "drand-chain-mismatch",
    "drand-randomness-mismatch",
    "drand-round-mismatch",
    "drand-round-too-early",
    "drand-unavailable",
    "drand-unknown-chain",
    "entropy-type-mismatch",
    "evidence-invalid",
    "excluded-in-pool",
    "manifest-invalid",
    "manifest-not-canonical",
    "no-eligible-replacement",
    "no-feasible-matching",
    "no-lead-members",
    "non-canonical-value",
    "pool-too-small",
    "secret-mismatch",
    "unknown-entropy-type",
    "unknown-kind",
    "unsupported-spec",
    "witnessed-bad-value",
    "witnessed-count-mismatch",
    "witnessed-no-witnesses",
)

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_DIGITS = re.compile(r"[0-9]{1,64}\Z")
# Codes (strata, departments) appear inside ticket labels between colons.
_CODE = re.compile(r"[^:\s]{1,64}\Z")
_MAX_ID = 2**63 - 1
_TEAM = re.compile(r"[1-9][0-9]{0,5}\Z")


class DrawError(Exception):
    """A draw refused: ``code`` names the reason, ``details`` carries its figures.

    ``key`` and ``args_map`` mirror ``services.errors.DomainError`` so that a handler can render
    the message from the locale key ``draw-error-<code>`` without this file importing anything.
    """

    def __init__(self, code: str, details: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(f"{code} {json.dumps(self.details, ensure_ascii=False, sort_keys=True)}")

    @property
    def key(self) -> str:
        """The locale key of the message (``draw-error-<code>``)."""
        return f"draw-error-{self.code}"

    @property
    def args_map(self) -> dict[str, Any]:
        """The message arguments (same as ``details``)."""
        return self.details


class EntropyError(DrawError):
    """The entropy evidence is bad or cannot be checked against the declared source."""


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify_bundle`` found: ``ok`` only when every check re-computes."""

    ok: bool
    differences: list[str]
    notes: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Canonical JSON and the commitment


def _check_canonical_value(value: Any, path: str) -> None:
    """Refuse anything canonical JSON does not carry: floats, non-string keys, other types."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        kind = type(item)
        if kind is dict:
            for key, sub in item.items():
                if type(key) is not str:
                    raise DrawError("non-canonical-value", {"path": where, "type": "key"})
                stack.append((sub, f"{where}.{key}"))
        elif kind is list:
            types = set(map(type, item))
            if types <= {int, str, bool, type(None)}:
                continue  # a flat list of scalars (the big id lists) needs no deeper walk
            for index, sub in enumerate(item):
                stack.append((sub, f"{where}[{index}]"))
        elif kind not in (int, str, bool, type(None)):
            raise DrawError("non-canonical-value", {"path": where, "type": kind.__name__})


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: sorted keys, no spaces, UTF-8, no floats."""
    _check_canonical_value(value, "$")
    try:
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return text.encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError) as exc:
        raise DrawError("non-canonical-value", {"path": "$", "type": str(exc)}) from exc


def commitment(manifest: dict[str, Any]) -> str:
    """The commitment: SHA-256 hex of the manifest's canonical JSON."""
    return hashlib.sha256(canonical_json(manifest)).hexdigest()


def normalise_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``manifest`` with every list the spec orders put in order, duplicates dropped.

    A builder reading its pool in any order gets the same manifest (and commitment); the
    engine itself refuses an unordered manifest (``manifest-not-canonical``) rather than
    silently drawing from something other than what was committed.
    """
    out = dict(manifest)
    for name in ("pool", "subjects", "team_subjects", "lead_members"):
        value = out.get(name)
        if type(value) is list:
            out[name] = sorted(set(value))
        elif name == "pool" and type(value) is dict:
            out[name] = {stratum: sorted(set(ids)) for stratum, ids in value.items()}
    if type(out.get("exclusions")) is list:
        unique = {(entry["id"], entry["reason"]) for entry in out["exclusions"]}
        out["exclusions"] = [{"id": i, "reason": reason} for i, reason in sorted(unique)]
    if type(out.get("forbidden")) is list:
        out["forbidden"] = sorted(set(out["forbidden"]))
    if type(out.get("teams")) is dict:
        out["teams"] = {
            team: {**entry, "members": sorted(set(entry["members"]))}
            if type(entry) is dict and type(entry.get("members")) is list
            else entry
            for team, entry in out["teams"].items()
        }
    if type(out.get("task")) is dict and type(out["task"].get("items")) is list:
        out["task"] = {**out["task"], "items": sorted(set(out["task"]["items"]))}
    return out


# ---------------------------------------------------------------------------------------------
# Keys, tickets and bounded integers


def derive_key(manifest: dict[str, Any], entropy: bytes) -> bytes:
    """K = HMAC-SHA-256(key = SHA-256(canonical manifest), msg = entropy bytes)."""
    return _key_from_commitment(commitment(manifest), entropy)


def _key_from_commitment(manifest_sha256: str, entropy: bytes) -> bytes:
    return hmac.digest(bytes.fromhex(manifest_sha256), entropy, "sha256")


def label_hmac(key: bytes, label: str) -> bytes:
    """HMAC-SHA-256(K, label as UTF-8): one block of ``rand_below`` (§9)."""
    return hmac.digest(key, label.encode("utf-8"), "sha256")


def rand_below(key: bytes, label: str, n: int) -> int:
    """An integer uniform in [0, n) by rejection sampling (never a bare modulo).

    Blocks HMAC(K, label + ":" + counter) for counter 0, 1, ... are cut into four 64-bit
    big-endian words; the first word below floor(2**64 / n) * n gives word mod n.
    """
    if not 1 <= n <= 2**64:
        raise DrawError("bad-bound", {"n": n})
    limit = (2**64 // n) * n
    counter = 0
    while True:
        block = label_hmac(key, f"{label}:{counter}")
        for offset in range(0, 32, 8):
            word = int.from_bytes(block[offset : offset + 8], "big")
            if word < limit:
                return word % n
        counter += 1


# A list's positions are taken in blocks of this many (§7); one block is one PBKDF2 call (§15).
TICKET_BLOCK = 65_536
_MAX_WORKERS = 8


def ticket_at(key: bytes, prefix: str, position: int) -> bytes:
    """The ticket of the candidate at 0-based ``position`` of a list ranked with ``prefix``.

    HMAC-SHA-256(K, UTF-8(prefix) || BE32(position div 65536) || BE32(position mod 65536 + 1)),
    one HMAC per call: the plain reference the bulk ranking is tested against.
    """
    block, offset = divmod(position, TICKET_BLOCK)
    message = prefix.encode("utf-8") + block.to_bytes(4, "big") + (offset + 1).to_bytes(4, "big")
    return hmac.digest(key, message, "sha256")


def _block_tickets(
    key: bytes, prefix: bytes, block: int, size: int, threshold: bytes | None
) -> list[tuple[bytes, int]]:
    """(ticket, position) for the positions of ``block`` whose ticket is below ``threshold``.

    PBKDF2-HMAC-SHA256 with one iteration returns T_1 || T_2 || ... with
    T_j = HMAC-SHA-256(K, salt || BE32(j)); with salt = prefix || BE32(block) these are exactly
    the tickets of the block's positions, computed in C without holding the GIL.
    """
    base = block * TICKET_BLOCK
    count = min(TICKET_BLOCK, size - base)
    data = hashlib.pbkdf2_hmac("sha256", key, prefix + block.to_bytes(4, "big"), 1, 32 * count)
    if threshold is None:
        return [(data[i : i + 32], base + (i >> 5)) for i in range(0, 32 * count, 32)]
    kept: list[tuple[bytes, int]] = []
    # Only a ticket whose first byte is at most the threshold's can be below it. Marking those
    # among the first bytes (1, others 0) lets bytes.find skip the rest without a Python step.
    marks = data[0::32].translate(_first_byte_at_most(threshold[0]))
    index = marks.find(1)
    while index >= 0:
        value = data[32 * index : 32 * index + 32]
        if value < threshold:
            kept.append((value, base + index))
        index = marks.find(1, index + 1)
    return kept


@functools.cache
def _first_byte_at_most(top: int) -> bytes:
    """A bytes.translate table: 1 for the bytes 0..top, 0 for the others."""
    return bytes(1 if byte <= top else 0 for byte in range(256))


@dataclass(frozen=True)
class _Ranking:
    """One ranking job: the ``n`` lowest tickets ``prefix`` + position among ``ids``."""

    prefix: str
    ids: Sequence[int]
    n: int


class _Ranker:
    """Ranks lists of candidates by their tickets under one key, in ``workers`` threads."""

    def __init__(self, key: bytes, workers: int = 1) -> None:
        self.key = key
        self.workers = max(1, workers)

    def lowest(self, prefix: str, ids: Sequence[int], n: int) -> list[int]:
        """The ``n`` ids with the lowest tickets, lowest first (ties: earlier position)."""
        return self.lowest_many([_Ranking(prefix, ids, n)])[0]

    def order(self, prefix: str, ids: Sequence[int]) -> list[int]:
        """All ids ordered by their tickets (ties: earlier position)."""
        return self.lowest(prefix, ids, len(ids))

    def lowest_many(
        self, rankings: list[_Ranking], meanwhile: Callable[[], None] | None = None
    ) -> list[list[int]]:
        """Several rankings at once, their blocks spread over the threads.

        ``meanwhile`` runs in this thread while the others compute (PBKDF2 releases the GIL).
        """
        for ranking in rankings:
            if not 0 <= ranking.n <= len(ranking.ids):
                raise DrawError(
                    "pool-too-small",
                    {
                        "scope": ranking.prefix.rstrip(":"),
                        "needed": ranking.n,
                        "available": len(ranking.ids),
                    },
                )
        thresholds = {
            index: _prefilter_threshold(ranking.n, len(ranking.ids))
            for index, ranking in enumerate(rankings)
            if ranking.n > 0
        }
        kept = self._tickets(rankings, thresholds, meanwhile)
        results: list[list[int]] = []
        for index, ranking in enumerate(rankings):
            if ranking.n == 0:
                results.append([])
                continue
            found = kept.pop(index)
            if len(found) < ranking.n:  # the prefilter was too tight (p < 1e-20): take them all
                found = self._tickets(rankings, {index: None}, None)[index]
            # ``found`` is in position order, so a stable sort on the ticket alone breaks ties
            # by position, and compares bytes instead of tuples (four times faster).
            found.sort(key=_ticket_of)
            ids = ranking.ids
            results.append([ids[position] for _ticket, position in found[: ranking.n]])
        return results

    def _tickets(
        self,
        rankings: list[_Ranking],
        thresholds: Mapping[int, bytes | None],
        meanwhile: Callable[[], None] | None,
    ) -> dict[int, list[tuple[bytes, int]]]:
        """Per ranking named in ``thresholds``: (ticket, position) below it, in position order."""
        jobs = [
            (index, rankings[index].prefix.encode("utf-8"), block, len(rankings[index].ids), t)
            for index, t in thresholds.items()
            for block in range(-(-len(rankings[index].ids) // TICKET_BLOCK))
        ]
        kept: dict[int, list[tuple[bytes, int]]] = {index: [] for index in thresholds}
        if self.workers == 1 or len(jobs) < 2:
            if meanwhile is not None:
                meanwhile()
            for index, prefix, block, size, threshold in jobs:
                kept[index].extend(_block_tickets(self.key, prefix, block, size, threshold))
            return kept
        # A thread holds one block of raw tickets (2 MB) at a time and returns only the kept.
        pool = ThreadPoolExecutor(min(self.workers, len(jobs)), "tickets")
        try:
            futures = [
                (index, pool.submit(_block_tickets, self.key, prefix, block, size, threshold))
                for index, prefix, block, size, threshold in jobs
            ]
            if meanwhile is not None:
                meanwhile()
            for index, future in futures:
                kept[index].extend(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return kept


_ticket_of = operator.itemgetter(0)


def _prefilter_threshold(n: int, size: int) -> bytes | None:
    """A 64-bit ticket prefix below which the ``n`` lowest of ``size`` tickets lie w.h.p.

    Tickets are uniform, so about ``n`` fall below (n / size) * 2**64; ten standard deviations
    of margin make a shortfall practically impossible, and a shortfall is still handled (the
    caller ranks everything), so the result never depends on this shortcut.
    """
    if n <= 0 or size <= 0:
        return None
    bound = ((n + 10 * math.isqrt(n) + 64) << 64) // size + 1
    if bound >= 2**64:
        return None
    return bound.to_bytes(8, "big")


def default_workers() -> int:
    """Threads a draw may use: the CPUs this process may run on, at most 8."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, _MAX_WORKERS))


# ---------------------------------------------------------------------------------------------
# Entropy


def entropy_bytes(source: dict[str, Any], evidence: dict[str, Any]) -> bytes:
    """The entropy bytes, after checking ``evidence`` against the declared ``source``."""
    if not isinstance(source, dict) or not isinstance(evidence, dict):
        raise EntropyError("evidence-invalid", {"field": "entropy", "reason": "not an object"})
    declared = source.get("type")
    given = evidence.get("type")
    if declared != given:
        raise EntropyError("entropy-type-mismatch", {"declared": declared, "given": given})
    if declared == "operator-secret":
        return _secret_entropy(source, evidence)
    if declared == "witnessed":
        return _witnessed_entropy(source, evidence)
    if declared == "drand":
        return _drand_entropy(source, evidence)
    raise EntropyError("unknown-entropy-type", {"type": declared})


def _secret_entropy(source: dict[str, Any], evidence: dict[str, Any]) -> bytes:
    declared = source.get("sha256")
    if not isinstance(declared, str) or not _HEX64.match(declared):
        raise EntropyError("evidence-invalid", {"field": "sha256", "reason": "not 64 hex digits"})
    secret = evidence.get("secret")
    if not isinstance(secret, str) or not secret:
        raise EntropyError("evidence-invalid", {"field": "secret", "reason": "missing"})
    try:
        data = secret.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate ("\ud800" in the JSON) has no UTF-8 form: no bytes to hash
        raise EntropyError("evidence-invalid",
                           {"field": "secret", "reason": "lone surrogate"}) from None
    computed = hashlib.sha256(data).hexdigest()
    if computed != declared:
        raise EntropyError("secret-mismatch", {"declared": declared, "computed": computed})
    return data


def _witnessed_entropy(source: dict[str, Any], evidence: dict[str, Any]) -> bytes:
    count = source.get("count")
    if type(count) is not int or count < 1:
        raise EntropyError("evidence-invalid", {"field": "count", "reason": "not a positive int"})
    values = evidence.get("values")
    if not isinstance(values, list):
        raise EntropyError("evidence-invalid", {"field": "values", "reason": "not a list"})
    if len(values) != count:
        raise EntropyError("witnessed-count-mismatch", {"declared": count, "given": len(values)})
    witnesses = evidence.get("witnesses")
    if (
        not isinstance(witnesses, list)
        or not witnesses
        or not all(isinstance(w, str) and w.strip() for w in witnesses)
    ):
        raise EntropyError("witnessed-no-witnesses", {})
    parts = []
    for index, value in enumerate(values):
        if not isinstance(value, str) or not _DIGITS.match(value):
            raise EntropyError("witnessed-bad-value", {"index": index, "value": str(value)})
        # RFC 3797: each value in decimal without leading zeros, followed by "."
        parts.append(f"{int(value)}.")
    return ("".join(parts) + "/").encode("ascii")


def _drand_entropy(source: dict[str, Any], evidence: dict[str, Any]) -> bytes:
    chain = _known_chain(source)
    declared_round = source.get("round")
    given_round = evidence.get("round")
    if type(declared_round) is not int or declared_round < 1:
        raise EntropyError("evidence-invalid", {"field": "round", "reason": "not a positive int"})
    if given_round != declared_round:
        raise EntropyError(
            "drand-round-mismatch", {"declared": declared_round, "given": given_round}
        )
    signature_hex = evidence.get("signature")
    if not isinstance(signature_hex, str) or not re.fullmatch(r"[0-9a-f]{96}", signature_hex):
        raise EntropyError(
            "evidence-invalid", {"field": "signature", "reason": "not 96 lowercase hex digits"}
        )
    randomness = hashlib.sha256(bytes.fromhex(signature_hex)).hexdigest()
    recorded = evidence.get("randomness")
    if recorded is not None and recorded != randomness:
        raise EntropyError(
            "drand-randomness-mismatch", {"recorded": recorded, "computed": randomness}
        )
    if not verify_drand(chain, declared_round, signature_hex):
        raise EntropyError("drand-bad-signature", {"round": declared_round})
    return bytes.fromhex(randomness)


def _known_chain(source: dict[str, Any]) -> dict[str, Any]:
    chain_hash = source.get("chain_hash")
    known = KNOWN_DRAND_CHAINS.get(chain_hash) if isinstance(chain_hash, str) else None
    if known is None:
        raise EntropyError("drand-unknown-chain", {"chain_hash": chain_hash})
    for name in ("public_key", "period", "genesis_time"):
        if source.get(name) != known[name]:
            raise EntropyError("drand-chain-mismatch", {"field": name, "chain_hash": chain_hash})
    return {"hash": chain_hash, **known}


def drand_round_time(chain: dict[str, Any], round: int) -> int:  # noqa: A002 - drand's word
    """Unix seconds at which ``round`` is published: genesis_time + (round - 1) * period."""
    return int(chain["genesis_time"]) + (round - 1) * int(chain["period"])


def verify_drand(chain: dict[str, Any], round: int, signature_hex: str) -> bool:  # noqa: A002
    """Whether ``signature_hex`` is the chain's BLS signature of ``round`` (quicknet scheme).

    bls-unchained-g1-rfc9380: signature in G1, public key in G2, message = SHA-256 of the round
    as an 8-byte big-endian integer, hashed to G1 with ``DRAND_DST``; the check is
    e(signature, g2) == e(H(m), public key).
    """
    try:
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.bls.point_compression import decompress_G1, decompress_G2
        from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
        from py_ecc.optimized_bls12_381 import (
            G2,
            curve_order,
            final_exponentiate,
            is_inf,
            multiply,
            neg,
            pairing,
        )
    except ImportError as exc:
        raise EntropyError("drand-unavailable", {"reason": "py_ecc is not installed"}) from exc
    try:
        if not 0 <= round < 2**64:
            return False
        signature = bytes.fromhex(signature_hex)
        key = bytes.fromhex(chain["public_key"])
        if len(signature) != 48 or len(key) != 96:
            return False
        sig_point = decompress_G1(int.from_bytes(signature, "big"))  # type: ignore[arg-type]
        key_point = decompress_G2(
            (int.from_bytes(key[:48], "big"), int.from_bytes(key[48:], "big"))  # type: ignore[arg-type]
        )
        if is_inf(sig_point) or is_inf(key_point):
            return False
        # Points outside the prime-order subgroups would let a forged signature pass.
        if not is_inf(multiply(sig_point, curve_order)):
            return False
        if not is_inf(multiply(key_point, curve_order)):
            return False
        message = hashlib.sha256(round.to_bytes(8, "big")).digest()
        hashed = hash_to_G1(message, DRAND_DST, hashlib.sha256)  # type: ignore[arg-type]
        product = pairing(G2, sig_point, final_exponentiate=False) * pairing(
            neg(key_point), hashed, final_exponentiate=False
        )
        return bool(final_exponentiate(product) == FQ12.one())
    except (ValueError, AssertionError, TypeError):
        return False


def drand_evidence(relay_round: dict[str, Any] | str) -> dict[str, Any]:
    """Entropy evidence from a round as a drand relay returns it ({"round","randomness",...})."""
    data = parse_json(relay_round) if isinstance(relay_round, str) else relay_round
    if not isinstance(data, dict):
        raise EntropyError("evidence-invalid", {"field": "round", "reason": "not an object"})
    evidence: dict[str, Any] = {
        "type": "drand",
        "round": data.get("round"),
        "signature": data.get("signature"),
    }
    if "randomness" in data:
        evidence["randomness"] = data["randomness"]
    return evidence


def _committed_epoch(manifest: dict[str, Any]) -> int:
    stamp = manifest.get("committed_at")
    if not isinstance(stamp, str) or not _TIMESTAMP.match(stamp):
        raise DrawError(
            "manifest-invalid", {"field": "committed_at", "reason": "not YYYY-MM-DDTHH:MM:SSZ"}
        )
    try:
        instant = _dt.datetime(
            int(stamp[0:4]),
            int(stamp[5:7]),
            int(stamp[8:10]),
            int(stamp[11:13]),
            int(stamp[14:16]),
            int(stamp[17:19]),
            tzinfo=_dt.UTC,
        )
    except ValueError as exc:
        raise DrawError(
            "manifest-invalid", {"field": "committed_at", "reason": "not a real instant"}
        ) from exc
    return int(instant.timestamp())


def _check_entropy_timing(manifest: dict[str, Any]) -> None:
    """A drand round must be published after the manifest was committed."""
    source = manifest["entropy_source"]
    if source.get("type") != "drand":
        return
    published = drand_round_time(source, source["round"])
    committed = _committed_epoch(manifest)
    if published <= committed:
        raise EntropyError(
            "drand-round-too-early",
            {
                "round": source["round"],
                "published_at": _iso(published),
                "committed_at": manifest["committed_at"],
            },
        )


def _iso(epoch: int) -> str:
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entropy_strength(source: dict[str, Any]) -> str:
    """A one-line judgement of the declared source, the operator secret named the weakest."""
    kind = source.get("type") if isinstance(source, dict) else None
    if kind == "drand":
        return "drand: public randomness beacon round, unknown to anyone at commit time"
    if kind == "witnessed":
        return "witnessed: numbers drawn in public before witnesses"
    if kind == "operator-secret":
        return (
            "operator secret committed by hash: WEAKEST source - the operator knew the secret "
            "when committing and could have tried several"
        )
    return f"unknown entropy source {kind!r}"


# ---------------------------------------------------------------------------------------------
# Manifest validation


def _require(manifest: dict[str, Any], name: str) -> Any:
    if name not in manifest:
        raise DrawError("manifest-invalid", {"field": name, "reason": "missing"})
    return manifest[name]


def _ids(value: Any, name: str) -> list[int]:
    """A strictly increasing list of non-negative integer ids (sorted, no duplicates)."""
    if type(value) is not list:
        raise DrawError("manifest-invalid", {"field": name, "reason": "not a list"})
    if not value:
        return value
    if set(map(type, value)) != {int}:
        raise DrawError("manifest-invalid", {"field": name, "reason": "ids must be integers"})
    if value[0] < 0 or value[-1] > _MAX_ID or not _strictly_increasing(value):
        raise DrawError("manifest-not-canonical", {"field": name})
    return value


def _strictly_increasing(values: list[int]) -> bool:
    # One pass of C comparisons over neighbours, without building a set of millions of ids.
    return not any(map(operator.ge, values, itertools.islice(values, 1, None)))


def _count(value: Any, name: str, minimum: int = 0) -> int:
    if type(value) is not int or value < minimum:
        raise DrawError(
            "manifest-invalid", {"field": name, "reason": f"not an integer >= {minimum}"}
        )
    return value


def _code(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise DrawError("manifest-invalid", {"field": name, "reason": "not a code"})
    return value


def _exclusions(manifest: dict[str, Any], pool_ids: Iterable[int]) -> None:
    exclusions = manifest.get("exclusions", [])
    if type(exclusions) is not list:
        raise DrawError("manifest-invalid", {"field": "exclusions", "reason": "not a list"})
    if not exclusions:
        return
    # Checked in whole-list passes (276,000 exclusions: 0.1 s, against 0.5 s one entry at a
    # time); only a malformed list is walked entry by entry, to name the first bad entry.
    ids: list[Any] = []
    reasons: list[Any] = []
    well_formed = set(map(type, exclusions)) == {dict} and set(map(len, exclusions)) == {2}
    if well_formed:
        try:
            ids = list(map(operator.itemgetter("id"), exclusions))
            reasons = list(map(operator.itemgetter("reason"), exclusions))
        except KeyError:
            well_formed = False
    if not (well_formed and set(map(type, ids)) == {int} and set(map(type, reasons)) == {str}):
        raise _malformed_exclusion(exclusions)
    pairs = list(zip(ids, reasons, strict=True))
    if any(map(operator.ge, pairs, itertools.islice(pairs, 1, None))):
        raise DrawError("manifest-not-canonical", {"field": "exclusions"})
    both = set(ids).intersection(pool_ids)
    if both:
        raise DrawError("excluded-in-pool", {"id": min(both)})


def _malformed_exclusion(exclusions: list[Any]) -> DrawError:
    """The refusal naming the first exclusion that is not ``{"id": int, "reason": str}``."""
    index = next(
        (
            index
            for index, entry in enumerate(exclusions)
            if type(entry) is not dict
            or set(entry) != {"id", "reason"}
            or type(entry["id"]) is not int
            or type(entry["reason"]) is not str
        ),
        0,
    )
    return DrawError(
        "manifest-invalid", {"field": f"exclusions[{index}]", "reason": "not {id, reason}"}
    )


def _common(manifest: Any) -> dict[str, Any]:
    if type(manifest) is not dict:
        raise DrawError("manifest-invalid", {"field": "$", "reason": "not an object"})
    spec = manifest.get("spec")
    if spec != SPEC:
        raise DrawError("unsupported-spec", {"spec": spec})
    kind = manifest.get("kind")
    if kind not in KINDS:
        raise DrawError("unknown-kind", {"kind": kind})
    _committed_epoch(manifest)
    source = _require(manifest, "entropy_source")
    if type(source) is not dict or source.get("type") not in (
        "drand",
        "witnessed",
        "operator-secret",
    ):
        raise DrawError("manifest-invalid", {"field": "entropy_source", "reason": "unknown type"})
    if source["type"] == "drand":
        _known_chain(source)
        _count(source.get("round"), "entropy_source.round", 1)
    elif source["type"] == "operator-secret":
        if not isinstance(source.get("sha256"), str) or not _HEX64.match(source["sha256"]):
            raise DrawError(
                "manifest-invalid", {"field": "entropy_source.sha256", "reason": "not hex"}
            )
        if source.get("label") != "weakest":
            # The manifest itself must say, before the draw, that this source is the weakest.
            raise DrawError(
                "manifest-invalid", {"field": "entropy_source.label", "reason": "not 'weakest'"}
            )
    else:
        _count(source.get("count"), "entropy_source.count", 1)
        if not isinstance(source.get("description"), str) or not source["description"].strip():
            raise DrawError(
                "manifest-invalid",
                {"field": "entropy_source.description", "reason": "missing"},
            )
    task = manifest.get("task")
    if task is not None and (
        type(task) is not dict
        or not isinstance(task.get("code"), str)
        or type(task.get("year")) is not int
        or type(task.get("items")) is not list
        or not all(isinstance(item, str) for item in task["items"])
        or task["items"] != sorted(set(task["items"]))
    ):
        raise DrawError("manifest-invalid", {"field": "task", "reason": "not {code, items, year}"})
    return manifest


# ---------------------------------------------------------------------------------------------
# The kinds of draw


def _draw_subjects(manifest: dict[str, Any], ranker: _Ranker) -> dict[str, Any]:
    """Stratified subjects (Art. 14): per stratum the lowest ``subject:<S>:<id>`` tickets."""
    pool = _require(manifest, "pool")
    allocation = _require(manifest, "allocation")
    if type(pool) is not dict or type(allocation) is not dict:
        raise DrawError("manifest-invalid", {"field": "pool", "reason": "not an object"})
    rankings: list[_Ranking] = []
    strata = sorted(set(pool) | set(allocation))
    for stratum in strata:
        _code(stratum, f"pool.{stratum}")
        ids = _ids(pool.get(stratum, []), f"pool.{stratum}")
        needed = _count(allocation.get(stratum, 0), f"allocation.{stratum}")
        if needed > len(ids):
            raise DrawError(
                "pool-too-small",
                {"scope": stratum, "stratum": stratum, "needed": needed, "available": len(ids)},
            )
        rankings.append(_Ranking(f"subject:{stratum}:", ids, needed))

    def check_pool_as_a_whole() -> None:
        # Runs while the threads compute tickets: an id in two strata or in the pool and
        # the exclusions at once makes the manifest invalid.
        merged: list[int] = []
        for ranking in rankings:
            merged.extend(ranking.ids)
        merged.sort()
        if not _strictly_increasing(merged):
            raise DrawError("manifest-invalid", {"field": "pool", "reason": "id in two strata"})
        _exclusions(manifest, merged)

    chosen = ranker.lowest_many(rankings, meanwhile=check_pool_as_a_whole)
    selected = {stratum: sorted(ids) for stratum, ids in zip(strata, chosen, strict=True)}
    return {
        "selected": selected,
        "tickets_label_scheme": "subject:<stratum>: + position in pool.<stratum>",
    }


def _deal(order: list[int], team_count: int) -> dict[str, list[int]]:
    """Deal ids in ticket order round-robin: the k-th lowest ticket joins team (k mod T) + 1."""
    teams: dict[str, list[int]] = {str(team): [] for team in range(1, team_count + 1)}
    for rank, person in enumerate(order):
        teams[str(rank % team_count + 1)].append(person)
    for members in teams.values():
        members.sort()
    return teams


def _draw_people(
    manifest: dict[str, Any], ranker: _Ranker, label: str, who: dict[str, Any]
) -> dict[str, list[int]]:
    team_count = _count(_require(manifest, "team_count"), "team_count", 1)
    per_team = _count(_require(manifest, "per_team"), "per_team", 0)
    pool = _ids(_require(manifest, "pool"), "pool")
    _exclusions(manifest, pool)
    needed = team_count * per_team
    if needed > len(pool):
        raise DrawError(
            "pool-too-small",
            {"scope": next(iter(who.values())), **who, "needed": needed, "available": len(pool)},
        )
    return _deal(ranker.lowest(label, pool, needed), team_count)


def _draw_inspectors(manifest: dict[str, Any], ranker: _Ranker) -> dict[str, Any]:
    """One department's inspectors (Art. 13): the lowest tickets, dealt to teams; leaders."""
    department = _code(_require(manifest, "department"), "department")
    is_lead = _require(manifest, "is_lead")
    if type(is_lead) is not bool:
        raise DrawError("manifest-invalid", {"field": "is_lead", "reason": "not true/false"})
    if is_lead and _require(manifest, "per_team") == 0:
        raise DrawError("no-lead-members", {"department": department, "team": "1"})
    teams = _draw_people(manifest, ranker, f"inspector:{department}:", {"department": department})
    result: dict[str, Any] = {
        "teams": teams,
        "tickets_label_scheme": (
            "inspector:<department>: + position in pool; deal: rank mod team_count"
        ),
    }
    if is_lead:
        # Art. 13: the leader comes at random from the lead department's members of the team.
        result["leaders"] = {
            team: ranker.lowest(f"leader:{team}:", members, 1)[0]
            for team, members in teams.items()
        }
        result["tickets_label_scheme"] += "; leader:<team>: + position in teams.<team>"
    return result


def _draw_experts(manifest: dict[str, Any], ranker: _Ranker) -> dict[str, Any]:
    """Experts from the expert directory (Art. 13), dealt to teams like inspectors."""
    teams = _draw_people(manifest, ranker, "expert:", {"department": "experts"})
    return {
        "teams": teams,
        "tickets_label_scheme": "expert: + position in pool; deal: rank mod team_count",
    }


def _forbidden(manifest: dict[str, Any]) -> tuple[str, frozenset[str]]:
    salt = _require(manifest, "salt")
    if not isinstance(salt, str) or not salt:
        raise DrawError("manifest-invalid", {"field": "salt", "reason": "missing"})
    forbidden = _require(manifest, "forbidden")
    if type(forbidden) is not list or not all(
        isinstance(h, str) and _HEX64.match(h) for h in forbidden
    ):
        raise DrawError("manifest-invalid", {"field": "forbidden", "reason": "not sha256 hexes"})
    if forbidden != sorted(set(forbidden)):
        raise DrawError("manifest-not-canonical", {"field": "forbidden"})
    return salt, frozenset(forbidden)


class _Matcher:
    """Balanced matching of subjects to teams avoiding forbidden pairs (Art. 14).

    Capacity-aware augmenting paths (Kuhn's algorithm on a flow network): first every team is
    filled to q = N div T, then the remaining subjects go to distinct teams up to q + 1. Each
    phase reaches the maximum flow, so an instance is refused only when no balanced matching
    without a forbidden pair exists.
    """

    def __init__(
        self,
        subject_order: list[int],
        team_order: list[str],
        members: dict[str, list[int]],
        salt: str,
        forbidden: frozenset[str],
    ) -> None:
        self.rank = {subject: rank for rank, subject in enumerate(subject_order)}
        self.order = subject_order
        self.team_order = team_order
        self.members = members
        self.salt = salt
        self.forbidden = forbidden
        self.allowed_cache: dict[tuple[int, str], bool] = {}
        self.load: dict[str, dict[int, None]] = {team: {} for team in team_order}
        self.assigned: dict[int, str] = {}

    def allowed(self, subject: int, team: str) -> bool:
        """Whether no member of ``team`` forms a forbidden pair with ``subject``."""
        if not self.forbidden:
            return True
        cached = self.allowed_cache.get((subject, team))
        if cached is None:
            cached = not any(
                salted_pair_hash(self.salt, member, subject) in self.forbidden
                for member in self.members[team]
            )
            self.allowed_cache[(subject, team)] = cached
        return cached

    def preferences(self, subject: int) -> list[str]:
        """The teams in the subject's order: the team order rotated by the subject's rank."""
        start = self.rank[subject] % len(self.team_order)
        return self.team_order[start:] + self.team_order[:start]

    def augment(self, start: int, capacity: int) -> bool:
        """Place ``start`` along a shortest augmenting path (breadth first over teams)."""
        parent: dict[str, tuple[int, str | None]] = {}
        queue: list[str] = []
        for team in self.preferences(start):
            if self.allowed(start, team):
                parent[team] = (start, None)
                if len(self.load[team]) < capacity:
                    self._apply(parent, team)
                    return True
                queue.append(team)
        head = 0
        while head < len(queue):
            team = queue[head]
            head += 1
            for subject in self.load[team]:
                for other in self.preferences(subject):
                    if other in parent or not self.allowed(subject, other):
                        continue
                    parent[other] = (subject, team)
                    if len(self.load[other]) < capacity:
                        self._apply(parent, other)
                        return True
                    queue.append(other)
        return False

    def _apply(self, parent: dict[str, tuple[int, str | None]], team: str) -> None:
        current: str | None = team
        while current is not None:
            subject, previous = parent[current]
            if previous is not None:
                del self.load[previous][subject]
            self.load[current][subject] = None
            self.assigned[subject] = current
            current = previous

    def run(self) -> dict[str, list[int]]:
        """The assignment, or DrawError("no-feasible-matching")."""
        teams = len(self.team_order)
        base, _extra = divmod(len(self.order), teams)
        filled = 0
        if base:
            for subject in self.order:
                if filled == base * teams:
                    break
                if self.augment(subject, base):
                    filled += 1
            if filled < base * teams:
                raise self._refusal()
        for subject in self.order:
            if subject not in self.assigned and not self.augment(subject, base + 1):
                raise self._refusal()
        return {team: sorted(load) for team, load in self.load.items()}

    def _refusal(self) -> DrawError:
        return DrawError(
            "no-feasible-matching", {"subjects": len(self.order), "teams": len(self.team_order)}
        )


def _teams_members(manifest: dict[str, Any], team_count: int) -> dict[str, list[int]]:
    teams = _require(manifest, "teams")
    expected = {str(team) for team in range(1, team_count + 1)}
    if type(teams) is not dict or set(teams) != expected:
        raise DrawError("manifest-invalid", {"field": "teams", "reason": "not teams 1..T"})
    members: dict[str, list[int]] = {}
    for team, entry in teams.items():
        if type(entry) is not dict or "members" not in entry:
            raise DrawError("manifest-invalid", {"field": f"teams.{team}", "reason": "members"})
        members[team] = _ids(entry["members"], f"teams.{team}.members")
    seen: set[int] = set()
    for team in sorted(members, key=int):
        twice = seen.intersection(members[team])
        if twice:
            # one inspector in two teams would make the pair checks of one team miss the other
            raise DrawError("manifest-invalid", {"field": f"teams.{team}.members",
                                                 "reason": f"inspector {min(twice)} in two teams"})
        seen.update(members[team])
    return members


def _draw_matching(manifest: dict[str, Any], ranker: _Ranker) -> dict[str, Any]:
    """Subjects matched to teams: balanced loads, never a forbidden pair (Art. 14)."""
    team_count = _count(_require(manifest, "team_count"), "team_count", 1)
    subjects = _ids(_require(manifest, "subjects"), "subjects")
    members = _teams_members(manifest, team_count)
    salt, forbidden = _forbidden(manifest)
    subject_order = ranker.order("match:subject:", subjects)
    team_order = [
        str(t) for t in ranker.lowest("match:team:", range(1, team_count + 1), team_count)
    ]
    matcher = _Matcher(subject_order, team_order, members, salt, forbidden)
    assignment = matcher.run()
    return {
        "assignment": {team: assignment[team] for team in sorted(assignment, key=int)},
        "tickets_label_scheme": (
            "match:subject: + position in subjects; match:team: + position in 1..team_count"
        ),
    }


def _draw_replacement(manifest: dict[str, Any], ranker: _Ranker) -> dict[str, Any]:
    """A withdrawn person replaced by a recorded re-draw; nothing else changes."""
    department = _code(_require(manifest, "department"), "department")
    team = _require(manifest, "team")
    if not isinstance(team, str) or not _TEAM.match(team):
        # ASCII decimal without leading zeros ("2", never "02" or "٢"): the label must be one
        raise DrawError("manifest-invalid", {"field": "team", "reason": "not a team number"})
    withdrawn = _count(_require(manifest, "withdrawn"), "withdrawn")
    reason = _require(manifest, "reason")
    if not isinstance(reason, str) or not reason.strip():
        raise DrawError("manifest-invalid", {"field": "reason", "reason": "missing"})
    pool = _ids(_require(manifest, "pool"), "pool")
    if withdrawn in set(pool):
        raise DrawError("manifest-invalid", {"field": "pool", "reason": "withdrawn in pool"})
    _exclusions(manifest, pool)
    team_subjects = _ids(_require(manifest, "team_subjects"), "team_subjects")
    salt, forbidden = _forbidden(manifest)
    redraw_leader = _require(manifest, "redraw_leader")
    is_lead = manifest.get("is_lead", False)
    if type(redraw_leader) is not bool or type(is_lead) is not bool:
        raise DrawError("manifest-invalid", {"field": "redraw_leader", "reason": "not bool"})
    lead_members = _ids(manifest.get("lead_members", []), "lead_members")
    if withdrawn in set(lead_members):
        # the withdrawn person must never become the leader again
        raise DrawError("manifest-invalid",
                        {"field": "lead_members", "reason": "contains the withdrawn person"})
    if forbidden:
        eligible = [
            person
            for person in pool
            if not any(
                salted_pair_hash(salt, person, subject) in forbidden for subject in team_subjects
            )
        ]
    else:
        eligible = pool
    if not eligible:
        raise DrawError(
            "no-eligible-replacement",
            {"department": department, "team": team, "available": len(pool)},
        )
    replacement = ranker.lowest(f"replacement:{department}:{team}:", eligible, 1)[0]
    leader: int | None = None
    if redraw_leader:
        candidates = sorted({*lead_members, replacement} if is_lead else set(lead_members))
        if not candidates:
            raise DrawError("no-lead-members", {"department": department, "team": team})
        leader = ranker.lowest(f"leader:{team}:", candidates, 1)[0]
    return {
        "replacement": replacement,
        "leader": leader,
        "tickets_label_scheme": (
            "replacement:<department>:<team>: + position in eligible; "
            "leader:<team>: + position in leader candidates"
        ),
    }


_DRAWS: dict[str, Callable[[dict[str, Any], _Ranker], dict[str, Any]]] = {
    "subjects": _draw_subjects,
    "inspectors": _draw_inspectors,
    "experts": _draw_experts,
    "matching": _draw_matching,
    "replacement": _draw_replacement,
}


def compute_result(
    manifest: dict[str, Any],
    evidence: dict[str, Any],
    *,
    manifest_sha256: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """The result of the draw ``manifest`` describes, with the entropy ``evidence``.

    ``manifest_sha256`` lets a caller that has just computed the commitment of this very
    manifest skip computing it again. ``workers`` is how many threads compute tickets
    (None: ``default_workers()``; 1: this thread only); the result never depends on it.
    """
    _common(manifest)
    entropy = entropy_bytes(manifest["entropy_source"], evidence)
    _check_entropy_timing(manifest)
    digest = manifest_sha256 or commitment(manifest)
    key = _key_from_commitment(digest, entropy)
    draw = _DRAWS.get(manifest["kind"])
    if draw is None:
        raise DrawError("unknown-kind", {"kind": manifest["kind"]})
    return draw(manifest, _Ranker(key, default_workers() if workers is None else workers))


# ---------------------------------------------------------------------------------------------
# Bundles and their verification


def make_bundle(
    manifest: dict[str, Any], evidence: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """The public bundle: spec, manifest, commitment, entropy evidence and result."""
    return {
        "spec": SPEC,
        "manifest": manifest,
        "commitment": commitment(manifest),
        "entropy": evidence,
        "result": result,
    }


def verify_bundle(bundle: dict[str, Any], *, workers: int | None = None) -> VerifyReport:
    """Re-compute a bundle from its manifest and entropy; say exactly what differs."""
    differences: list[str] = []
    notes: list[str] = []
    checks: list[str] = []
    if type(bundle) is not dict:
        return VerifyReport(False, ["bundle: not a JSON object"])
    for name in ("spec", "manifest", "commitment", "entropy", "result"):
        if name not in bundle:
            differences.append(f"bundle: missing field {name!r}")
    if differences:
        return VerifyReport(False, differences)
    if bundle["spec"] != SPEC:
        return VerifyReport(False, [f"spec: {bundle['spec']!r} is not {SPEC!r}"])
    manifest = bundle["manifest"]
    try:
        recomputed = commitment(manifest)
    except DrawError as exc:
        return VerifyReport(False, [f"manifest: {exc.code} {_details(exc.details)}"])
    if recomputed != bundle["commitment"]:
        differences.append(
            f"commitment: recorded {bundle['commitment']}, re-computed {recomputed} "
            "(the manifest is not the one committed)"
        )
    else:
        checks.append(f"commitment {recomputed} matches the manifest")
    if type(manifest) is dict and isinstance(manifest.get("entropy_source"), dict):
        notes.append("entropy: " + entropy_strength(manifest["entropy_source"]))
    try:
        expected = compute_result(
            manifest, bundle["entropy"], manifest_sha256=recomputed, workers=workers
        )
    except EntropyError as exc:
        differences.append(f"entropy: {exc.code} {_details(exc.details)}")
        return VerifyReport(False, differences, notes, checks)
    except DrawError as exc:
        differences.append(f"manifest: {exc.code} {_details(exc.details)}")
        return VerifyReport(False, differences, notes, checks)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # A bundle written by hand can hold any shape; say so instead of failing with a trace.
        differences.append(f"bundle: malformed manifest or evidence ({type(exc).__name__}: {exc})")
        return VerifyReport(False, differences, notes, checks)
    checks.append("entropy evidence verifies against the declared source")
    result_differences = _compare_results(expected, bundle["result"])
    if result_differences:
        differences.extend(result_differences)
    else:
        checks.append("result re-computes byte for byte")
    return VerifyReport(not differences, differences, notes, checks)


def _details(details: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(details.items()))


def _compare_results(expected: dict[str, Any], recorded: Any) -> list[str]:
    if canonical_json(expected) == _safe_canonical(recorded):
        return []
    if type(recorded) is not dict:
        return ["result: recorded result is not an object"]
    differences: list[str] = []
    for name in sorted(set(expected) | set(recorded)):
        if name not in recorded:
            differences.append(f"result.{name}: missing from the recorded result")
        elif name not in expected:
            differences.append(f"result.{name}: not part of a re-computed result")
        elif expected[name] != recorded[name]:
            differences.extend(_compare_field(f"result.{name}", expected[name], recorded[name]))
    if not differences:
        differences.append("result: differs in encoding from the re-computed result")
    return differences


def _compare_field(where: str, expected: Any, recorded: Any) -> list[str]:
    if type(expected) is dict and type(recorded) is dict:
        out: list[str] = []
        for name in sorted(set(expected) | set(recorded), key=_natural):
            if name not in recorded:
                out.append(f"{where}.{name}: missing (re-computed {_short(expected[name])})")
            elif name not in expected:
                out.append(f"{where}.{name}: unexpected (recorded {_short(recorded[name])})")
            elif expected[name] != recorded[name]:
                out.extend(_compare_field(f"{where}.{name}", expected[name], recorded[name]))
        return out
    if type(expected) is list and type(recorded) is list:
        missing = sorted(set(map(_hashable, expected)) - set(map(_hashable, recorded)), key=str)
        extra = sorted(set(map(_hashable, recorded)) - set(map(_hashable, expected)), key=str)
        parts = []
        if missing:
            parts.append(f"missing ids {_short(missing)}")
        if extra:
            parts.append(f"extra ids {_short(extra)}")
        if not parts:
            parts.append("same ids in another order")
        return [f"{where}: " + "; ".join(parts)]
    return [f"{where}: recorded {_short(recorded)}, re-computed {_short(expected)}"]


def _hashable(value: Any) -> Any:
    return value if isinstance(value, int | str | bool | type(None)) else json.dumps(value)


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (2**63, name)


def _short(value: Any, limit: int = 20) -> str:
    if type(value) is list and len(value) > limit:
        shown = ", ".join(map(str, value[:limit]))
        return f"[{shown}, ... ({len(value)} in all)]"
    return json.dumps(value, ensure_ascii=False)


def _safe_canonical(value: Any) -> bytes | None:
    try:
        return canonical_json(value)
    except DrawError:
        return None


# ---------------------------------------------------------------------------------------------
# Conflict pairs


def salted_pair_hash(salt: str, inspector_id: int, subject_id: int) -> str:
    """The salted hash recorded for a forbidden inspector–subject pair (回避, recent pairing)."""
    label = f"pair:{salt}:{inspector_id}:{subject_id}"
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Command line


class DuplicateKeyError(ValueError):
    """A JSON object with a key twice: parsers disagree on which one counts (§2, §11)."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise DuplicateKeyError(f"duplicate key {json.dumps(key, ensure_ascii=False)} "
                                    "(a JSON object may name each key once)")
        seen.add(key)
    return dict(pairs)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str | bytes) -> Any:
    """Parse a bundle (or drand round) as §11 requires: a key twice in any object, at any
    depth, is refused (Python's ``json`` would keep the last, other parsers the first, so two
    verifiers would see different pools), as are NaN and Infinity."""
    return json.loads(text, object_pairs_hook=_unique_members, parse_constant=_not_json)


def main(argv: Sequence[str] | None = None) -> int:
    """``python verify_draw.py BUNDLE.json``: 0 when the bundle re-computes, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="verify_draw.py",
        description="Re-compute a jointcheck draw bundle and report what differs.",
    )
    parser.add_argument("bundle", help="the bundle JSON file (- for standard input)")
    args = parser.parse_args(argv)
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        # Ids and names may be Chinese; a console without UTF-8 gets escapes, not a crash.
        out.reconfigure(errors="backslashreplace")
    try:
        if args.bundle == "-":
            bundle = parse_json(sys.stdin.read())
        else:
            with open(args.bundle, encoding="utf-8") as handle:
                bundle = parse_json(handle.read())
    except (OSError, ValueError) as exc:
        out.write(f"FAIL: cannot read the bundle: {exc}\n")
        return 1
    started = time.perf_counter()
    report = verify_bundle(bundle)
    elapsed = time.perf_counter() - started
    manifest = bundle.get("manifest") if isinstance(bundle, dict) else None
    if isinstance(manifest, dict):
        out.write(f"draw kind:   {manifest.get('kind')}\n")
        out.write(f"committed:   {manifest.get('committed_at')}\n")
    if isinstance(bundle, dict):
        out.write(f"commitment:  {bundle.get('commitment')}\n")
    for note in report.notes:
        out.write(f"note:        {note}\n")
    for check in report.checks:
        out.write(f"ok:          {check}\n")
    for difference in report.differences:
        out.write(f"DIFFERS:     {difference}\n")
    verdict = (
        "MATCH - the draw re-computes byte for byte (一致：摇号结果可逐字节复算)"
        if report.ok
        else "MISMATCH (不一致：见上方 DIFFERS 各行)"
    )
    out.write(f"verdict:     {verdict} ({elapsed:.2f} s)\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
