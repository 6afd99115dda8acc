"""Domain values in words, for the bot and the CLI alike (issue 9 items 12, 15, 16): a ratio as
a percentage, a sample per risk class, a subject scope with translated keys and labels, the
next actions of a task. Nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from services.directories.enums import SUBJECT_KINDS, SUBJECT_STATUSES

from handlers.i18n import Translator, has


def _sep(tr: Translator) -> str:
    return ", " if tr.language == "en" else "、"


def percent(ratio: Any) -> str:
    """``0.002`` → ``0.2%``; ``0.05`` → ``5%``; text that is not a number is shown as it is."""
    try:
        value = Decimal(str(ratio).strip().rstrip("%")) * (1 if str(ratio).endswith("%") else 100)
    except InvalidOperation:
        return str(ratio)
    text = format(value.normalize(), "f")
    return f"{text}%"


def sample_text(sample: Mapping[str, Any], tr: Translator) -> str:
    """``{"A": {"count": 3}, "B": {"ratio": "0.002"}}`` → ``A 类 3 个、B 类 0.2%``."""
    parts = []
    for risk in sorted(sample):
        rule = sample[risk]
        if isinstance(rule, Mapping) and "ratio" in rule:
            parts.append(tr("label-sample-ratio", risk=risk, ratio=percent(rule["ratio"])))
        elif isinstance(rule, Mapping) and "count" in rule:
            parts.append(tr("label-sample-count", risk=risk, count=int(rule["count"])))
        else:
            parts.append(tr("label-sample-count", risk=risk, count=str(rule)))
    return _sep(tr).join(parts) or "-"


def scope_text(scope: Mapping[str, Any], tr: Translator) -> str:
    """A subject scope with translated keys and values; empty: every subject."""
    parts = []
    for key in ("kinds", "industries", "districts", "risk_classes"):
        values = scope.get(key) or []
        if isinstance(values, str):
            values = [v.strip() for v in values.split(",") if v.strip()]
        if not values:
            continue
        if key == "kinds":
            words = [SUBJECT_KINDS.label(v, tr.language) if v in SUBJECT_KINDS.codes else str(v)
                     for v in values]
        else:
            words = [str(v) for v in values]
        parts.append(tr(f"label-scope-{key}", values=_sep(tr).join(words)))
    return ("; " if tr.language == "en" else "；").join(parts)


def scope_or_all(scope: Mapping[str, Any], tr: Translator) -> str:
    """``scope_text``, or "all subjects" when the scope restricts nothing."""
    return scope_text(scope, tr) or tr("label-scope-all")


def action_names(actions: Iterable[str], tr: Translator, *, with_codes: bool = False) -> str:
    """The next steps of a task in words (``start`` → 开始检查); ``with_codes`` adds the word
    to type on the command line: 开始检查（start）."""
    words = []
    for a in actions:
        if not has(f"label-action-{a}"):
            words.append(a)
        elif with_codes:
            words.append(tr("label-action-with-code", label=tr(f"label-action-{a}"), code=a))
        else:
            words.append(tr(f"label-action-{a}"))
    return _sep(tr).join(words) or "-"


def counts_text(counts: Any, tr: Translator) -> str:
    """A draw's figures in words: ``{"A": 120, "B": 40}`` → ``A 类 120、B 类 40``; exclusion
    reasons (``{"deregistered": 25}``) with their labels; anything else as it is."""
    if isinstance(counts, bool) or not isinstance(counts, Mapping | int):
        return str(counts)
    if isinstance(counts, int):
        return str(counts)
    if not counts:
        return "-"
    parts = []
    for key, n in counts.items():
        parts.append(tr("label-count", what=reason_label(str(key), tr), n=str(n)))
    return _sep(tr).join(parts)


def reason_label(key: str, tr: Translator) -> str:
    """A risk class, a subject status or an exclusion reason in words."""
    if len(key) == 1 and key.isalpha():
        return tr("label-risk-class", risk=key)
    if key.startswith("inspected-within-") and key.removesuffix("-months")[17:].isdigit():
        return tr("label-exclusion-inspected-within",
                  months=key.removesuffix("-months")[17:])
    if has(f"label-exclusion-{key}"):
        return tr(f"label-exclusion-{key}")
    if key in SUBJECT_STATUSES.codes:
        return SUBJECT_STATUSES.label(key, tr.language)
    return key
