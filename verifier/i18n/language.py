"""Choosing the language of report text: HTTP ``Accept-Language``, the CLI's ``--lang`` / ``LANG``.

RFC 9110 §12.5.4 (``Accept-Language``, quality values), RFC 4647 §3.4 lookup by language range.
Only the primary subtag decides among :data:`~verifier.i18n.catalogue.LANGUAGES` (``es-MX`` -> ``es``);
anything else falls back to English.
"""

from __future__ import annotations

from verifier.i18n.catalogue import DEFAULT_LANGUAGE, LANGUAGES


def normalise(tag: str | None) -> str | None:
    """The supported language a tag or POSIX locale names (``es-MX``, ``es_ES.UTF-8`` -> ``es``), else None."""
    if not isinstance(tag, str):
        return None
    primary = tag.strip().split(".", 1)[0].replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def choose(tag: str | None) -> str:
    """:func:`normalise`, falling back to English."""
    return normalise(tag) or DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str:
    """The best supported language for an ``Accept-Language`` header (RFC 9110 §12.5.4).

    Ranges are tried by quality (highest first, the header's order among equals); ``q=0`` excludes a
    range; ``*`` matches English. Malformed entries are ignored. Returns ``en`` when nothing matches.
    """
    if not header:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if 0 < quality <= 1:
            ranked.append((-quality, position, fields[0]))
    for _, _, tag in sorted(ranked):
        if tag == "*":
            return DEFAULT_LANGUAGE
        found = normalise(tag)
        if found:
            return found
    return DEFAULT_LANGUAGE


def from_environment(lang_option: str | None, environ: dict[str, str]) -> str:
    """The CLI's language: ``--lang``, else ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` (POSIX order), else English."""
    if lang_option:
        return choose(lang_option)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return choose(environ[name])
    return DEFAULT_LANGUAGE
