"""Language-tagged text in credentials: plain strings, value objects and language maps.

VCDM 2.0 §11.1 "Language and Base Direction": a ``name`` or ``description`` may be a string, a value
object ``{"@value", "@language", "@direction"}`` or a list of them (one per language); a context's
``@language`` tags every plain string (JSON-LD 1.1 §4.2.4). Tags are kept as given.
"""

from __future__ import annotations

from typing import Any


def context_language(document: dict[str, Any]) -> str | None:
    """The default language an inline ``@context`` object of ``document`` sets (``@language``), or None."""
    ctx = document.get("@context")
    for entry in ctx if isinstance(ctx, list) else [ctx]:
        if isinstance(entry, dict) and isinstance(entry.get("@language"), str):
            return entry["@language"]
    return None


def read_text(value: Any, default_language: str | None = None) -> tuple[str | None, dict[str, str]]:
    """Read a text property.

    :param value: the JSON value: a string, a value object, or a list of those.
    :param default_language: the tag plain strings carry (a context's ``@language``), or None.
    :returns: ``(text, variants)``: the first untagged (else first) string, and every tagged string by
        language tag (the first one per tag). ``(None, {})`` when there is no string.
    """
    if isinstance(value, str) and not default_language:
        return value, {}  # the common case: a plain string, untagged (what the loop below gives for it)
    first: str | None = None
    untagged: str | None = None
    variants: dict[str, str] = {}
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str):
            text, tag = entry, default_language
        elif isinstance(entry, dict) and isinstance(entry.get("@value"), str):
            text = entry["@value"]
            tag = entry.get("@language") if isinstance(entry.get("@language"), str) else default_language
        else:
            continue
        first = first if first is not None else text
        if tag:
            variants.setdefault(tag, text)
        elif untagged is None:
            untagged = text
    return (untagged if untagged is not None else first), variants


def pick(variants: dict[str, str], lang: str) -> str | None:
    """The variant for ``lang``: the exact tag, else one whose primary subtag is ``lang`` (RFC 4647 §3.4), else None."""
    lowered = {tag.lower(): text for tag, text in variants.items()}
    if lang.lower() in lowered:
        return lowered[lang.lower()]
    for tag, text in lowered.items():
        if tag.replace("_", "-").split("-", 1)[0] == lang.lower():
            return text
    return None
