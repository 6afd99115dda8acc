"""The translator, re-exported for the bot's assembly and the CLI (it lives in ``handlers.i18n``
so that handlers never import ``bot``)."""

from handlers.i18n import DEFAULT, LANGUAGES, LOCALES_DIR, Translator, bundle, has, normalise, t

__all__ = ["DEFAULT", "LANGUAGES", "LOCALES_DIR", "Translator", "bundle", "has", "normalise", "t"]
