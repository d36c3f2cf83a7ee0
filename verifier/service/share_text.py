"""The words of the share page and the web component, in English and Spanish (issue 12 §2 and §3).

One catalogue keyed by stable codes; a test fails when a code lacks a message in either language. The
language is chosen by ``?lang=`` first, then ``Accept-Language`` (RFC 9110 §12.5.4, with q-values), then
English. Dates are written by Babel in the chosen locale.
"""

from __future__ import annotations

from datetime import datetime, timezone

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.dates import format_date, format_time

from verifier import constants as C

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

#: The four verdicts a share shows (issue 12 §3 "Share page").
VERIFIED, NOT_VERIFIED, COULD_NOT_CHECK, EXPIRED = "verified", "not_verified", "could_not_check", "expired"
STATES = (VERIFIED, NOT_VERIFIED, COULD_NOT_CHECK, EXPIRED)

#: code -> {language: text}. ``{name}`` fields are filled by :func:`text`.
TEXT: dict[str, dict[str, str]] = {
    # verdicts
    "state.verified": {"en": "Verified", "es": "Verificado"},
    "state.not_verified": {"en": "Not verified", "es": "No verificado"},
    "state.could_not_check": {"en": "Could not check", "es": "No se pudo comprobar"},
    "state.expired": {"en": "Expired, but authentic", "es": "Caducado, pero auténtico"},
    # headlines (one sentence a recruiter can read)
    "headline.verified": {"en": "Valid: issued by {issuer}, not revoked, checked {date}.",
                          "es": "Válido: emitido por {issuer}, no revocado, comprobado el {date}."},
    "headline.verified_no_status": {"en": "Valid: issued by {issuer}, checked {date}.",
                                    "es": "Válido: emitido por {issuer}, comprobado el {date}."},
    "headline.not_verified": {"en": "Not valid: {reason}.", "es": "No válido: {reason}."},
    "headline.could_not_check": {"en": "Could not check: {reason}; try again later.",
                                 "es": "No se pudo comprobar: {reason}; inténtelo de nuevo más tarde."},
    "headline.expired": {"en": "Expired: authentic and issued by {issuer}, but its validity period has ended.",
                         "es": "Caducado: auténtico y emitido por {issuer}, pero su periodo de validez ha terminado."},
    # reasons by problem code (lower case: they follow "Not valid:")
    "reason.REVOKED": {"en": "the issuer revoked this credential", "es": "el emisor revocó esta credencial"},
    "reason.SUSPENDED": {"en": "the issuer suspended this credential", "es": "el emisor suspendió esta credencial"},
    "reason.UNTRUSTED_ISSUER": {"en": "the issuer is not in the trust registry",
                                "es": "el emisor no figura en el registro de confianza"},
    "reason.STATUS_RETRIEVAL_ERROR": {"en": "the issuer's revocation list did not answer",
                                      "es": "la lista de revocación del emisor no respondió"},
    "reason.TRUST_NOT_CHECKED": {"en": "the issuer could not be looked up in the trust registry",
                                 "es": "no se pudo consultar al emisor en el registro de confianza"},
    "reason.UNREADABLE": {"en": "the credential cannot be read", "es": "la credencial no se puede leer"},
    # one title per check and outcome
    "check.parse.passed": {"en": "The credential is well-formed", "es": "La credencial está bien formada"},
    "check.parse.failed": {"en": "The credential is malformed", "es": "La credencial está mal formada"},
    "check.parse.indeterminate": {"en": "The credential's form could not be checked",
                                  "es": "No se pudo comprobar la forma de la credencial"},
    "check.parse.not_applicable": {"en": "Form not checked", "es": "Forma no comprobada"},
    "check.proof.passed": {"en": "The signature matches: nothing was changed after signing",
                           "es": "La firma coincide: nada cambió después de firmar"},
    "check.proof.failed": {"en": "The signature does not match: the credential was changed after it was signed",
                           "es": "La firma no coincide: la credencial se modificó después de firmarse"},
    "check.proof.indeterminate": {"en": "The signature could not be checked",
                                  "es": "No se pudo comprobar la firma"},
    "check.proof.not_applicable": {"en": "No signature to check", "es": "No hay firma que comprobar"},
    "check.issuer_key.passed": {"en": "Signed by the issuer's own key", "es": "Firmada con la clave del propio emisor"},
    "check.issuer_key.failed": {"en": "Not signed by a key of the issuer", "es": "No está firmada con una clave del emisor"},
    "check.issuer_key.indeterminate": {"en": "The signer could not be checked", "es": "No se pudo comprobar quién firmó"},
    "check.issuer_key.not_applicable": {"en": "Signer not checked", "es": "Firmante no comprobado"},
    "check.validity.passed": {"en": "Within its validity period", "es": "Dentro de su periodo de validez"},
    "check.validity.failed": {"en": "Outside its validity period", "es": "Fuera de su periodo de validez"},
    "check.validity.indeterminate": {"en": "The validity period could not be checked",
                                     "es": "No se pudo comprobar el periodo de validez"},
    "check.validity.not_applicable": {"en": "No validity period stated", "es": "No indica periodo de validez"},
    "check.status.passed": {"en": "Not revoked or suspended", "es": "No revocada ni suspendida"},
    "check.status.failed": {"en": "Revoked or suspended by the issuer", "es": "Revocada o suspendida por el emisor"},
    "check.status.indeterminate": {"en": "Revocation could not be checked", "es": "No se pudo comprobar la revocación"},
    "check.status.not_applicable": {"en": "The issuer publishes no revocation list for it",
                                    "es": "El emisor no publica lista de revocación para ella"},
    "check.issuer_trust.passed": {"en": "The issuer is in the trust registry",
                                  "es": "El emisor figura en el registro de confianza"},
    "check.issuer_trust.failed": {"en": "The issuer is not trusted", "es": "El emisor no es de confianza"},
    "check.issuer_trust.indeterminate": {"en": "The issuer's trust could not be checked",
                                         "es": "No se pudo comprobar la confianza en el emisor"},
    "check.issuer_trust.not_applicable": {"en": "Issuer trust not required", "es": "No se exige confianza en el emisor"},
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

#: problem codes with their own reason text (others use the check's outcome title)
REASON_CODES = (C.PROBLEM_REVOKED, C.PROBLEM_SUSPENDED, C.PROBLEM_UNTRUSTED_ISSUER,
                C.PROBLEM_STATUS_RETRIEVAL_ERROR, C.PROBLEM_TRUST_NOT_CHECKED)


def text(code: str, lang: str, **fields: str) -> str:
    """The message ``code`` in ``lang`` (falling back to English), with ``fields`` filled in.

    :raises KeyError: an unknown code.
    """
    entry = TEXT[code]
    return entry.get(lang, entry[DEFAULT_LANGUAGE]).format(**fields)


def check_title(check: str, outcome: str, lang: str) -> str:
    """The outcome-specific title of a check (``check.<id>.<outcome>``), or the check id when unknown."""
    code = f"check.{check}.{outcome}"
    return text(code, lang) if code in TEXT else check


def reason(check: str, outcome: str, problem: str | None, lang: str) -> str:
    """Why a verdict is not "verified", in a few words starting in lower case."""
    if problem in REASON_CODES:
        return text(f"reason.{problem}", lang)
    title = check_title(check, outcome, lang)
    return title[:1].lower() + title[1:]


def _accept_language(header: str) -> list[str]:
    """Language ranges of an ``Accept-Language`` header, best first (q=0 dropped; RFC 9110 §12.4.2)."""
    ranked = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag.strip() and q > 0:
            ranked.append((-q, position, tag.strip().replace("_", "-")))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """``?lang=`` when it names a supported language, else the best ``Accept-Language`` match, else English.

    :returns: one of :data:`LANGUAGES`.
    """
    for candidate in ([query_lang] if query_lang else []) + _accept_language(accept_language or ""):
        tag = candidate.split("-", 1)[0].lower()
        found = negotiate_locale([tag], list(LANGUAGES))
        if found:
            return found
    return DEFAULT_LANGUAGE


def format_when(value: datetime | str | None, lang: str, *, with_time: bool = True) -> str | None:
    """A date (and UTC time) written for ``lang`` by Babel, e.g. ``5 Dec 2026, 21:30 UTC``; None for none.

    :param value: a timezone-aware datetime, or RFC 3339 text (``Z`` or an offset).
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(DEFAULT_LANGUAGE)
    day = format_date(value, format="medium", locale=locale)
    return f"{day}, {format_time(value, format='HH:mm', locale=locale)} UTC" if with_time else day


def labels(lang: str) -> dict[str, str]:
    """Every ``label.*``, ``state.*`` and ``outcome.*`` text in ``lang`` (for the web component)."""
    return {code: text(code, lang) for code in TEXT if code.split(".", 1)[0] in ("label", "state", "outcome")}
