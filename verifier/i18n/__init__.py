"""Report text in plain words, in English and Spanish, from one catalogue keyed by stable codes.

Codes (problem codes, check ids, outcomes) never change with the language; only the words do. Every
function takes the language as ``lang`` (``"en"`` or ``"es"``; anything else reads as English) and
never raises for a missing entry: it falls back to English, then to the code itself (a test fails
when any code lacks a message in either language, see ``tests/core/test_i18n_catalogue.py``).

To give a new problem code or check id its words, add entries to both
``verifier/i18n/locales/en/LC_MESSAGES/ler.po`` and ``.../es/LC_MESSAGES/ler.po``::

    msgctxt "problem"
    msgid "MY_NEW_CODE"
    msgstr "the issuer's key was withdrawn before signing"      # a clause: it follows "Not valid: "

    msgctxt "check.failed"                                      # and check.passed / check.indeterminate /
    msgid "my_check"                                            # check.not_applicable for a new check id
    msgstr "The key was not valid when it signed"
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel.dates import format_date

from verifier.i18n.catalogue import DEFAULT_LANGUAGE, LANGUAGES, lookup, lookup_plural
from verifier.i18n.language import choose, from_accept_language, from_environment, normalise

__all__ = [
    "LANGUAGES", "DEFAULT_LANGUAGE", "choose", "normalise", "from_accept_language", "from_environment",
    "problem_reason", "problem_message", "check_title", "outcome_mark", "text", "plural_text", "format_day",
    "achievement_category", "framework_name",
]

#: Babel locale used for dates per language ("5 Dec 2026" in English, "5 dic 2026" in Spanish).
_DATE_LOCALES = {"en": "en_GB", "es": "es"}


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def problem_reason(code: str, lang: str) -> str:
    """The plain-words reason for a problem code, as a clause ("the issuer revoked this credential")."""
    found = lookup(lang, "problem", code)
    if found is not None:
        return found
    from verifier.messages import MESSAGES  # English titles of codes added without catalogue entries

    return MESSAGES[code][0][:1].lower() + MESSAGES[code][0][1:] if code in MESSAGES else code


def problem_message(code: str, lang: str) -> str:
    """The plain-words reason for a problem code as a sentence start ("The issuer revoked this credential")."""
    return _sentence(problem_reason(code, lang))


def check_title(check: str, outcome: str, lang: str, problem: str | None = None) -> str:
    """A report row's title for ``check`` ending in ``outcome`` (``passed``, ``failed``, ``indeterminate``,
    ``not_applicable``): "The signature does not match: the credential was changed after it was signed".

    :param problem: the result's problem code: a title written for ``check/problem`` comes first (a proof
        dated in the future was not tampered with, and its title must not say so).
    """
    if problem:
        found = lookup(lang, "check." + outcome, f"{check}/{problem}")
        if found is not None:
            return found
    return lookup(lang, "check." + outcome, check) or f"{check}: {outcome}"


def outcome_mark(outcome: str, lang: str) -> str:
    """The short mark of an outcome in the text report (``pass``, ``FAIL``, ``undecided``, ``n/a``)."""
    return lookup(lang, "outcome", outcome) or outcome


def text(key: str, lang: str, **fields: object) -> str:
    """A ``ui`` sentence (``headline.valid``...) with its ``{named}`` fields filled in (str.format)."""
    template = lookup(lang, "ui", key) or key
    return template.format(**fields) if fields else template


def plural_text(key: str, n: int, lang: str, **fields: object) -> str:
    """A ``ui`` sentence with plural forms chosen for the count ``n`` (CLDR plural rules of ``lang``)."""
    template = lookup_plural(lang, "ui", key, n) or key
    return template.format(n=n, **fields)


def format_day(value: date | datetime, lang: str) -> str:
    """A day as people write it: "5 Dec 2026" (en), "5 dic 2026" (es); a datetime is read in its own zone."""
    day = value.date() if isinstance(value, datetime) else value
    return _format_day(day, _DATE_LOCALES.get(lang, _DATE_LOCALES[DEFAULT_LANGUAGE]))


@functools.lru_cache(maxsize=1024)
def _format_day(day: date, locale: str) -> str:
    """Babel's medium date, memoised: every report names the day it was checked (bounded: days come from
    credentials too)."""
    return format_date(day, "medium", locale=locale)


def achievement_category(achievement_type: str, lang: str) -> str:
    """A readable category for an OB 3.0 / CLR 2.0 ``achievementType`` (OB 3.0 §B.3 AchievementType).

    Extension values (``ext:MyType``) and unknown ones are shown as words ("My Type").
    """
    found = lookup(lang, "achievementType", achievement_type)
    if found is not None:
        return found
    name = achievement_type.split(":", 1)[1] if achievement_type.startswith("ext:") else achievement_type
    words, current = [], ""
    for ch in name:
        if ch.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = ch
        else:
            current += ch
    words.append(current)
    return " ".join(w for w in words if w).strip() or achievement_type


def framework_name(framework: str, lang: str) -> str:
    """The readable name of an alignment framework id (``ctdl``, ``esco-skill``, ``unrecognised``...)."""
    return lookup(lang, "framework", framework) or framework
