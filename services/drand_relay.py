"""drand relays over HTTP (drand 中继): a chain's public info and its published rounds.

A relay is only a transport. The chain info it returns must equal what the verifier already
knows (``KNOWN_DRAND_CHAINS``), and a round's BLS signature is checked offline by the engine
when the draw is completed, so a relay that lies can delay a draw but never steer it.

Relays are tried in the order given; the first usable answer wins. When none is usable the
most telling failure is raised: a round not published yet, then an answer that contradicts
the question, then an answer that is not drand's JSON, then no answer at all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from verifier.verify_draw import KNOWN_DRAND_CHAINS, drand_round_time

from services.errors import ValidationFailed

QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
DEFAULT_TIMEOUT_SECONDS = 10.0
_HEX = re.compile(r"[0-9a-fA-F]+")
# 404 is what drand's own HTTP server answers for a round it does not have yet; 425 (Too
# Early) is what some relays answer for a round in the future.
_NOT_YET = frozenset({404, 425})


class RelayError(ValidationFailed):
    """One relay (or every relay) could not give what was asked; nothing was changed."""

    rank = 0  # which failure tells the most when every relay failed
    # the message for this failure when another relay answered after it, if not ``key``
    skipped_key: str | None = None


class RelayUnreachable(RelayError):
    """No HTTP answer: connection refused, DNS, TLS, timeout. Raised for one relay as
    ``drand-relay-down`` (relay, reason); for all of them as ``drand-relay-unreachable``."""

    key = "drand-relay-down"
    rank = 0


class RelayBadResponse(RelayError):
    """An answer that is not the JSON drand relays give."""

    key = "drand-relay-bad-response"
    rank = 1


class RelayContradicts(RelayError):
    """Well-formed JSON about another round or another chain than the one asked for."""

    key = "drand-relay-wrong-round"
    rank = 2


class RoundNotPublished(RelayError):
    """The relay does not have the round yet; ``published`` says when the chain makes it."""

    key = "drand-relay-not-published"
    rank = 3
    skipped_key = "drand-relay-lagging"


@dataclass(frozen=True)
class RelayAnswer:
    """What a relay answered over HTTP: the status and the body as text."""

    status: int
    text: str


class TransportFailed(Exception):  # noqa: N818 -- a condition reported by the transport
    """No HTTP answer at all (refused, DNS, TLS, timeout); ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RelayTransport(Protocol):
    """The port to the relays' HTTP (the composition root fills it with httpx)."""

    async def get(self, url: str, limit_seconds: float) -> RelayAnswer:
        """``GET url`` asking for JSON within ``limit_seconds``; raises ``TransportFailed``
        when nothing answers."""
        ...


# what a relay's JSON must satisfy; what a relay's "not yet" means for the question asked
Check = Callable[[str, dict[str, Any]], dict[str, Any]]
NotYet = Callable[[str], RelayError]


@dataclass(frozen=True)
class Fetched:
    """A relay's usable answer, which relay gave it, and why the relays before it were not used.

    ``data`` is the relay's JSON object: the chain info, or a round
    (``{"round", "randomness", "signature"}``) ready for ``verify_draw.drand_evidence``.
    """

    data: dict[str, Any]
    relay: str
    skipped: tuple[RelayError, ...]


def known_chain(chain_hash: str) -> dict[str, Any]:
    """The verifier's public data of ``chain_hash``; any other chain is refused."""
    known = KNOWN_DRAND_CHAINS.get(chain_hash)
    if known is None:
        raise ValidationFailed("drand-relay-unknown-chain", chain_hash=chain_hash,
                               known=", ".join(f"{v['name']} {k}"
                                               for k, v in KNOWN_DRAND_CHAINS.items()))
    return known


def round_published_at(chain_hash: str, round_number: int) -> dt.datetime:
    """When the chain publishes ``round_number``: genesis_time + (round - 1) × period (UTC)."""
    seconds = drand_round_time(known_chain(chain_hash), round_number)
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class DrandRelays:
    """The configured relays through one transport: the declared entropy source's gateway."""

    def __init__(self, transport: RelayTransport, urls: Sequence[str],
                 per_relay_timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.transport = transport
        self.urls = tuple(urls)
        self.per_relay_timeout = per_relay_timeout

    async def chain_info(self, chain_hash: str = QUICKNET,
                         urls: Sequence[str] | None = None) -> Fetched:
        """``fetch_chain_info`` on ``urls`` (for one call) or the configured relays."""
        return await fetch_chain_info(urls or self.urls, chain_hash, transport=self.transport,
                                      per_relay_timeout=self.per_relay_timeout)

    async def round(self, chain_hash: str, round_number: int,
                    urls: Sequence[str] | None = None) -> Fetched:
        """``fetch_round`` on ``urls`` (for one call) or the configured relays."""
        return await fetch_round(urls or self.urls, chain_hash, round_number,
                                 transport=self.transport,
                                 per_relay_timeout=self.per_relay_timeout)


async def fetch_chain_info(relays: Sequence[str], chain_hash: str = QUICKNET, *,
                           transport: RelayTransport,
                           per_relay_timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Fetched:
    """``GET {relay}/{chain_hash}/info``, checked against the chain's known public data."""
    known = known_chain(chain_hash)

    def check(relay: str, data: dict[str, Any]) -> dict[str, Any]:
        missing = [f for f in ("public_key", "period", "genesis_time") if f not in data]
        if missing:
            raise RelayBadResponse(relay=relay, reason="no " + ", ".join(missing))
        # the path already names the chain; a relay that states another one is refused
        data = {"hash": chain_hash, **data}
        expected = {"hash": chain_hash, "public_key": known["public_key"],
                    "period": known["period"], "genesis_time": known["genesis_time"]}
        for field, value in expected.items():
            given = data[field]
            if given != value:
                raise RelayContradicts("drand-relay-chain-mismatch", relay=relay, field=field,
                                       chain=known["name"], given=_short(given),
                                       expected=_short(value))
        return data

    return await _first_usable(relays, f"{chain_hash}/info", check, transport,
                               per_relay_timeout=per_relay_timeout)


async def fetch_round(relays: Sequence[str], chain_hash: str, round_number: int, *,
                      transport: RelayTransport,
                      per_relay_timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Fetched:
    """``GET {relay}/{chain_hash}/public/{round}``: the round as published, not yet verified.

    A relay that answers with another round is refused; the signature itself is the engine's
    to check, offline, when the draw is completed.
    """
    known_chain(chain_hash)
    if not 1 <= round_number < 2**64:
        raise ValidationFailed("drand-relay-bad-round", round=round_number)
    published = round_published_at(chain_hash, round_number)

    def check(relay: str, data: dict[str, Any]) -> dict[str, Any]:
        given = data.get("round")
        if not isinstance(given, int) or isinstance(given, bool):
            raise RelayBadResponse(relay=relay, reason="no round number")
        if given != round_number:
            raise RelayContradicts(relay=relay, round=round_number, given=given)
        for field in ("signature", "randomness"):
            value = data.get(field, "" if field == "randomness" else None)
            if not isinstance(value, str) or (value and not _HEX.fullmatch(value)):
                raise RelayBadResponse(relay=relay, reason=f"{field} is not hexadecimal")
        if not data["signature"]:
            raise RelayBadResponse(relay=relay, reason="empty signature")
        return data

    def not_yet(relay: str) -> RelayError:
        return RoundNotPublished(relay=relay, round=round_number, published=published)

    return await _first_usable(relays, f"{chain_hash}/public/{round_number}", check, transport,
                               per_relay_timeout=per_relay_timeout, not_yet=not_yet)


async def _first_usable(relays: Sequence[str], path: str, check: Check,
                        transport: RelayTransport, *, per_relay_timeout: float,
                        not_yet: NotYet | None = None) -> Fetched:
    """Try each relay in turn; the first answer that ``check`` accepts is returned."""
    if not relays:
        raise ValidationFailed("drand-relay-none")
    failures: list[RelayError] = []
    for relay in relays:
        try:
            data = await _get_json(transport, relay, path, per_relay_timeout, not_yet)
            return Fetched(check(relay, data), relay, tuple(failures))
        except RelayError as failure:
            failures.append(failure)
    raise _most_telling(failures)


async def _get_json(transport: RelayTransport, relay: str, path: str, limit_seconds: float,
                    not_yet: NotYet | None) -> dict[str, Any]:
    url = f"{relay.rstrip('/')}/{path}"
    try:
        response = await transport.get(url, limit_seconds)
    except TransportFailed as exc:
        raise RelayUnreachable(relay=relay, reason=exc.reason) from exc
    if not_yet is not None and response.status in _NOT_YET:
        raise not_yet(relay)
    if response.status != 200:
        raise RelayBadResponse(relay=relay, reason=f"HTTP {response.status}")
    try:
        data = json.loads(response.text)
    except ValueError as exc:
        raise RelayBadResponse(relay=relay, reason=f"not JSON: {_short(response.text)}") from exc
    if not isinstance(data, dict):
        raise RelayBadResponse(relay=relay, reason=f"not a JSON object: {_short(data)}")
    return data


def _most_telling(failures: list[RelayError]) -> RelayError:
    """Every relay failed: the failure that tells the most; unreachable ones are listed."""
    best = max(failures, key=lambda f: f.rank)  # the first among equals
    if best.rank == 0:
        tried = "; ".join(f"{f.args_map['relay']} ({f.args_map['reason']})" for f in failures)
        return RelayUnreachable("drand-relay-unreachable", tried=tried)
    return best


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
