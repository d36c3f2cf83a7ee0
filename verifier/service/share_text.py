"""The words of the share page and the web component, in English and Spanish (issue 12 §2 and §3).

The report's own words (headline, check titles, reasons, framework names) come from the report's
catalogue (:mod:`verifier.i18n`); this one holds only the page's labels and the four verdict names,
keyed by stable codes; a test fails when a code lacks a message in either language. The language is
chosen by ``?lang=`` first, then ``Accept-Language`` (RFC 9110 §12.5.4, with q-values), then English.
Dates are written by Babel in the chosen locale.
"""

from __future__ import annotations

from datetime import datetime, timezone

from babel.dates import format_time

from verifier.i18n import format_day, from_accept_language, normalise

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

#: The four verdicts a share shows (issue 12 §3 "Share page").
VERIFIED, NOT_VERIFIED, COULD_NOT_CHECK, EXPIRED = "verified", "not_verified", "could_not_check", "expired"
STATES = (VERIFIED, NOT_VERIFIED, COULD_NOT_CHECK, EXPIRED)

#: code -> {language: text}. ``{name}`` fields are filled by :func:`text`.
TEXT: dict[str, dict[str, str]] = {
    # verdicts
    "state.verified": {"en": "Verified", "es": "Verificada"},
    "state.not_verified": {"en": "Not verified", "es": "No verificada"},
    "state.could_not_check": {"en": "Could not check", "es": "No se pudo comprobar"},
    "state.expired": {"en": "Expired, but authentic", "es": "Caducada, pero auténtica"},
    # outcomes, as words beside each check (never colour alone)
    "outcome.passed": {"en": "passed", "es": "correcto"},
    "outcome.failed": {"en": "failed", "es": "fallido"},
    "outcome.indeterminate": {"en": "undecided", "es": "sin decidir"},
    "outcome.not_applicable": {"en": "not applicable", "es": "no aplica"},
    # labels
    "label.page_title": {"en": "Credential verification", "es": "Verificación de credencial"},
    "label.verdict": {"en": "Verification result", "es": "Resultado de la verificación"},
    "label.achievement": {"en": "Achievement", "es": "Logro"},
    "label.issuer": {"en": "Issuer", "es": "Emisor"},
    "label.self_asserted": {"en": "as stated in the credential", "es": "según la propia credencial"},
    "label.registry": {"en": "from the trust registry", "es": "según el registro de confianza"},
    "label.learner": {"en": "Learner", "es": "Persona"},
    "label.type": {"en": "Type", "es": "Tipo"},
    "label.description": {"en": "Description", "es": "Descripción"},
    "label.criteria": {"en": "Criteria", "es": "Criterios"},
    "label.skills": {"en": "Skills and frameworks", "es": "Competencias y marcos"},
    "label.results": {"en": "Results", "es": "Resultados"},
    "label.evidence": {"en": "Evidence", "es": "Evidencias"},
    "label.valid_from": {"en": "Valid from", "es": "Válido desde"},
    "label.valid_until": {"en": "Valid until", "es": "Válido hasta"},
    "label.checked": {"en": "Checked", "es": "Comprobado"},
    "label.reasons": {"en": "Why: each check", "es": "Por qué: cada comprobación"},
    "label.detail": {"en": "Technical detail", "es": "Detalle técnico"},
    "label.open": {"en": "See the full verification", "es": "Ver la verificación completa"},
    "label.opens_new": {"en": "(opens in a new tab)", "es": "(se abre en una pestaña nueva)"},
    "label.hidden": {"en": "The credential's wording cannot be shown safely, so only the result is shown.",
                     "es": "El texto de la credencial no se puede mostrar con seguridad; solo se muestra el resultado."},
    "label.provider": {"en": "ler-verifier", "es": "ler-verifier"},
    "label.loading": {"en": "Checking the credential…", "es": "Comprobando la credencial…"},
    "label.unavailable": {"en": "The verification could not be loaded.",
                          "es": "No se pudo cargar la verificación."},
    "label.gone": {"en": "This verification link has expired or was removed.",
                   "es": "Este enlace de verificación ha caducado o se ha eliminado."},
    "label.not_found": {"en": "There is no verification at this address.",
                        "es": "No hay ninguna verificación en esta dirección."},
    "label.unknown_issuer": {"en": "an unnamed issuer", "es": "un emisor sin nombre"},
}

def text(code: str, lang: str, **fields: str) -> str:
    """The message ``code`` in ``lang`` (falling back to English), with ``fields`` filled in.

    :raises KeyError: an unknown code.
    """
    entry = TEXT[code]
    return entry.get(lang, entry[DEFAULT_LANGUAGE]).format(**fields)


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """``?lang=`` when it names a supported language, else the best ``Accept-Language`` match
    (:func:`verifier.i18n.from_accept_language`), else English.

    :returns: one of :data:`LANGUAGES`.
    """
    return (normalise(query_lang) if query_lang else None) or from_accept_language(accept_language)


def format_when(value: datetime | str | None, lang: str, *, with_time: bool = True) -> str | None:
    """A date (and UTC time) written for ``lang`` by Babel, e.g. ``5 Dec 2026, 21:30 UTC``; None for none.

    :param value: a timezone-aware datetime, or RFC 3339 text (``Z`` or an offset).
    """
    if value is None:
        return None
    given = value
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return given
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        value = value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00: before the year 1 in UTC; shown as written
        return given if isinstance(given, str) else given.isoformat()
    day = format_day(value, lang)
    return f"{day}, {format_time(value, format='HH:mm', locale=lang)} UTC" if with_time else day


def labels(lang: str) -> dict[str, str]:
    """Every ``label.*``, ``state.*`` and ``outcome.*`` text in ``lang`` (for the web component)."""
    return {code: text(code, lang) for code in TEXT if code.split(".", 1)[0] in ("label", "state", "outcome")}
