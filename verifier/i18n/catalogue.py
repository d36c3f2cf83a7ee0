"""The message catalogue: gettext ``.po`` files keyed by stable codes, compiled when first used.

One file per language, ``locales/<lang>/LC_MESSAGES/ler.po``. Each entry is keyed by a context
(``msgctxt``) naming the kind of code and the code itself (``msgid``):

* ``problem`` / a problem code of :mod:`verifier.constants` (``REVOKED``): the plain-words reason, a
  clause that reads after "Not valid: " (``the issuer revoked this credential``);
* ``check.<outcome>`` / a check id (``proof``), for each outcome ``passed``, ``failed``,
  ``indeterminate``, ``not_applicable``: the outcome-specific title of a report row;
* ``outcome`` / an outcome: the short mark of the text report;
* ``ui`` / a dotted key (``headline.valid``): sentences with ``{named}`` fields (str.format);
* ``achievementType`` / an OB 3.0 AchievementType value; ``framework`` / an alignment framework id.

The ``.po`` files are read with Babel and compiled to gettext translations in memory (no build step, so
a plain ``pip install -e .`` works). Plural forms follow each file's ``Plural-Forms`` header (CLDR rules).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "ler"
#: The languages every code has a message in (a test holds the catalogue to this).
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"


@functools.cache
def catalog(lang: str) -> Catalog:
    """The parsed ``.po`` catalogue of ``lang`` (one of :data:`LANGUAGES`).

    :raises KeyError: for a language we have no catalogue for.
    """
    if lang not in LANGUAGES:
        raise KeyError(lang)
    with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


@functools.cache
def translations(lang: str) -> Translations:
    """Compiled gettext translations of ``lang`` (compiled in memory from the ``.po`` file)."""
    buf = io.BytesIO()
    write_mo(buf, catalog(lang), use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def has(lang: str, context: str, key: str) -> bool:
    """True when ``lang``'s catalogue has a non-empty message for ``key`` under ``context``."""
    message = catalog(lang).get(key, context=context)
    if message is None:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(strings) and all(strings)


@functools.lru_cache(maxsize=4096)
def lookup(lang: str, context: str, key: str) -> str | None:
    """The message for ``key`` under ``context`` in ``lang``, else in English, else None.

    Memoised (the catalogues are read once and never change in a process); bounded, because ``key`` can
    come from a credential (an ``achievementType``)."""
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        if has(candidate, context, key):
            return translations(candidate).pgettext(context, key)
    return None


def lookup_plural(lang: str, context: str, key: str, n: int) -> str | None:
    """The plural form of ``key`` for count ``n`` in ``lang`` (else English), or None."""
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        if has(candidate, context, key):
            return translations(candidate).npgettext(context, key, key + ".plural", n)
    return None
