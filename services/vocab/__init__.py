"""The field-work vocabularies (FIELDWORK.md §2-§4) kept as data: ``services/vocab/*.json``.

Each file is a list of choices with a code, a Chinese and an English label and a few flags
(``parent`` for the sub-kinds of result A, ``needs_deadline`` for a correction order, ...).
Handlers, the PDF and the exports read labels from here, never from strings of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Term:
    """One choice of a vocabulary: code, labels and its flags."""

    code: str
    zh: str
    en: str
    flags: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def label(self, language: str | None) -> str:
        """The label in ``language`` (zh unless it is English)."""
        return self.en if (language or "").startswith("en") else self.zh

    def flag(self, name: str) -> Any:
        """A flag's value (None when absent)."""
        return self.flags.get(name)


@dataclass(frozen=True)
class Vocabulary:
    """An ordered list of terms, looked up by code."""

    name: str
    terms: tuple[Term, ...]

    def get(self, code: str) -> Term | None:
        """The term with this code, or None."""
        return next((t for t in self.terms if t.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code in order."""
        return tuple(t.code for t in self.terms)

    def unknown(self, codes: Iterable[str]) -> list[str]:
        """The codes that are not in this vocabulary."""
        known = set(self.codes)
        return [c for c in codes if c not in known]

    def ordered(self, codes: Iterable[str]) -> list[str]:
        """The known codes among ``codes``, each once, in the vocabulary's order."""
        wanted = set(codes)
        return [c for c in self.codes if c in wanted]

    def labels(self, codes: Iterable[str], language: str | None = "zh") -> list[str]:
        """The labels of ``codes`` in the vocabulary's order."""
        return [t.label(language) for t in self.terms if t.code in set(codes)]


@cache
def load(name: str) -> Vocabulary:
    """The vocabulary in ``services/vocab/<name>.json``."""
    data = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    terms = []
    for raw in data["choices"]:
        rest = {k: v for k, v in raw.items() if k not in ("code", "zh", "en")}
        terms.append(Term(str(raw["code"]), raw["zh"], raw["en"], rest))
    return Vocabulary(data["name"], tuple(terms))


def methods() -> Vocabulary:
    """检查方式 (§2)."""
    return load("methods")


def results() -> Vocabulary:
    """抽查检查结果 categories (§3)."""
    return load("results")


def disposals() -> Vocabulary:
    """后续处置 measures (§4)."""
    return load("disposals")


def answers() -> Vocabulary:
    """符合 / 不符合 / 不适用 for a checklist point."""
    return load("answers")


def referral_kinds() -> Vocabulary:
    """告知 / 办案机构 / 移送司法机关 (Art. 17)."""
    return load("referrals")
