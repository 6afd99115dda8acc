"""统一社会信用代码 (USCC): the GB 32100-2015 character set and check character.

A USCC has 18 characters: the registering authority (1), the entity category (1), the
administrative division code (6 digits), the organisation code (9) and a check character (1).
Characters come from the 31-symbol set ``0-9 A-Z`` without I, O, S, V and Z; the check
character makes the weighted sum of all 18 values divisible by 31, with weights 3^i mod 31.
"""

from __future__ import annotations

from operator import mul

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# W_i = 3^(i-1) mod 31 for positions 1..17 (GB 32100-2015, 4.3)
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18
_INVALID = 255
# byte -> character value, 255 for bytes outside the set: one C-level translate per code
_TABLE = bytes(VALUE.get(chr(b), _INVALID) for b in range(256))


def check_character(body: str) -> str:
    """The check character for the first 17 characters ``body`` (which must be in the set)."""
    if len(body) != LENGTH - 1:
        raise ValueError(f"a USCC body has 17 characters, not {len(body)}")
    total = sum(map(mul, WEIGHTS, map(VALUE.__getitem__, body)))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, as a short reason code, or ``None`` when it is valid.

    Reasons: ``length`` (not 18 characters), ``charset`` (a character outside the GB 32100 set,
    e.g. I, O, S, V, Z or a lower-case letter), ``division`` (characters 3-8 are not digits),
    ``check`` (the check character does not match).
    """
    if len(code) != LENGTH:
        return "length"
    try:
        values = code.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError:
        return "charset"
    if _INVALID in values:
        return "charset"
    if max(values[2:8]) > 9:
        return "division"
    # the check character makes the weighted sum of all 18 values divisible by 31
    if (sum(map(mul, WEIGHTS, values)) + values[17]) % 31:
        return "check"
    return None


def is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed USCC with the right check character (no case folding)."""
    return problem(code) is None


def expected_check(code: str) -> str | None:
    """The check character ``code``'s first 17 characters call for, if they are in the set."""
    body = code[:17]
    if len(body) != 17 or not set(body) <= VALUE.keys():
        return None
    return check_character(body)


def organisation_check(body8: str) -> str:
    """GB 11714 check digit of an 8-character organisation code body (used by the demo data)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    # digits count as themselves, letters A-Z as 10-35
    total = sum(
        w * (int(c) if c.isdigit() else ord(c) - 55) for w, c in zip(weights, body8, strict=True)
    )
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)
