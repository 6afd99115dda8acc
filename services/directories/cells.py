"""Cell text that is safe to store, to show on a terminal and to open in a spreadsheet.

* Import refuses characters no directory value has a use for and that do harm downstream:
  C0/C1 control characters other than tab and line breaks (BEL, ESC, VT, FF ... — they ring,
  recolour or rewrite an official's terminal and cannot be written to XLSX at all), the bidi
  embeddings, overrides and isolates (they make a name read differently from what is stored)
  and a stray byte-order mark. One-line fields (names, codes, districts ...) also refuse line
  breaks: in a CSV they are what an unterminated quote leaves behind.
* Export neutralises cells a spreadsheet would run as a formula (OWASP "CSV injection"): text
  starting with = + - @, tab or CR gets a leading ', and import takes that ' away again, so
  exporting and importing gives back the stored text exactly.
* Messages show a value escaped (``\\u001b``) and shortened, never raw.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SUSPECT = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile("'*[=+\\-@\t\r]")
_QUOTED = re.compile("'+[=+\\-@\t\r]")
# characters XML 1.0 (so XLSX) cannot hold
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHOWN_CHARS = 120

# fields whose values may span lines; every other field is one line
MULTILINE_FIELDS = frozenset({"legal_basis", "checklist", "requirements", "reason",
                              "specialties", "address"})


def for_spreadsheet(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula: a leading ' where needed."""
    if value and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def from_spreadsheet(value: str) -> str:
    """The inverse of ``for_spreadsheet``: the ' it added taken away."""
    if value.startswith("'") and _QUOTED.match(value):
        return value[1:]
    return value


def printable_for_xml(value: str) -> str:
    """``value`` with the characters XLSX cannot store written as ``\\uXXXX``."""
    if _NOT_XML.search(value) is None:
        return value
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A value for a message: control and bidi characters and line breaks escaped, at most
    ``limit`` characters followed by the full length."""
    escaped = _SUSPECT.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if len(escaped) > limit:
        return f"{escaped[:limit]}…({len(value)})"
    return escaped


def char_name(char: str) -> str:
    """``U+001B`` and the character's Unicode name where it has one."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".strip()


Problem = tuple[int, str, dict[str, Any]]  # column position, reason key, its arguments


def screen(
    cells: Sequence[Any], checked: Collection[int], one_line: Collection[int]
) -> tuple[list[Any], list[Problem]] | None:
    """None for a row with nothing to look at (the usual case: one join and one search);
    else the row with spreadsheet quotes taken away and the problems of cells ``checked``."""
    try:
        joined = "\t".join(cells)
    except TypeError:
        joined = "\t".join(c for c in cells if c.__class__ is str)
    if _SUSPECT.search(joined) is None and not (joined.startswith("'") or "\t'" in joined):
        return None
    row = list(cells)
    problems: list[Problem] = []
    for i, value in enumerate(row):
        if value.__class__ is not str or i not in checked:
            continue
        bad = FORBIDDEN.search(value)
        if bad is not None:
            problems.append((i, "dir-err-control-char", {
                "char": char_name(bad.group()), "position": str(bad.start() + 1)}))
            continue
        if i in one_line and ("\n" in value or "\r" in value):
            problems.append((i, "dir-err-line-break", {}))
            continue
        if value.startswith("'"):
            row[i] = from_spreadsheet(value)
    return row, problems
