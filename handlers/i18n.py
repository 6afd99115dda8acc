"""Translations: Fluent files under ``bot/locales/<lang>/*.ftl``, Simplified Chinese first.

Here, below ``bot/``, because handlers render with it and ``bot/`` assembles the handlers.

One file per feature (``directories.ftl``, ``draws.ftl`` ...) in each language. A key missing
in English falls back to Chinese; a key missing everywhere is shown as the key itself, and the
locale test fails on it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

# the Fluent files stay with the bot's assembly (DESIGN.md §4); this module only reads them
LOCALES_DIR = Path(__file__).resolve().parent.parent / "bot" / "locales"
DEFAULT = "zh_CN"
LANGUAGES = ("zh_CN", "en")


def normalise(language: str | None) -> str:
    """Map a Telegram ``language_code`` or a ``--lang`` value to one of ours (Chinese default)."""
    if language and language.lower().startswith("en"):
        return "en"
    return DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def bundle(language: str) -> FluentBundle:
    """All messages of one language."""
    fluent_locale = "zh-CN" if language == "zh_CN" else language
    result = FluentBundle([fluent_locale], use_isolating=False)
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        result.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return result


def has(key: str, language: str = DEFAULT) -> bool:
    """Whether ``language`` defines ``key`` itself (no fallback)."""
    return bundle(language).has_message(key)


def t(key: str, language: str | None = None, /, **args: Any) -> str:
    """The text of ``key`` in ``language``, falling back to Chinese, then to the key."""
    for lang in (normalise(language), DEFAULT):
        b = bundle(lang)
        if b.has_message(key):
            message = b.get_message(key)
            if message.value is None:
                break
            text, _errors = b.format_pattern(message.value, args)
            return str(text)
    return key


class Translator:
    """``t`` bound to one language, handed to renderers."""

    def __init__(self, language: str | None) -> None:
        self.language = normalise(language)

    def __call__(self, key: str, /, **args: Any) -> str:
        return t(key, self.language, **args)
