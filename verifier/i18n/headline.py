"""The one-sentence headline of a report, for a recruiter: "Valid: issued by Lakeside Community College,
not revoked, checked 5 Dec 2026", "Not valid: the issuer revoked this credential", "Could not check:
the issuer's revocation list did not answer; try again later".

Built from the report body (JSON), so a cached body can be given a headline in another language.
"""

from __future__ import annotations

from typing import Any

from verifier import constants as C
from verifier.i18n import format_day, plural_text, problem_reason, text
from verifier.timestamps import parse_timestamp

#: Problems that may pass if asked again later (a lookup did not answer in time).
RETRYABLE = frozenset({C.PROBLEM_STATUS_RETRIEVAL_ERROR, C.PROBLEM_RETRIEVAL_ERROR, C.PROBLEM_SERVICE_UNAVAILABLE,
                       C.PROBLEM_DEADLINE_EXCEEDED, C.PROBLEM_REQUEST_TIMEOUT, C.PROBLEM_RATE_LIMITED})


def _day(value: Any, lang: str) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return format_day(parse_timestamp(value, "date")[0], lang)
    except Exception:  # noqa: BLE001 - an unreadable date is left out of the sentence, never an error
        return None


def issuer_words(issuer: dict[str, Any], lang: str) -> str:
    """The issuer as the headline names it: the registry's name, else the credential's own name marked as
    self-asserted, else its id."""
    name = issuer.get("name")
    if isinstance(name, str) and issuer.get("nameSource") == "registry":
        return name
    if isinstance(name, str):
        return text("issuer.self_asserted", lang, name=name)
    return text("issuer.unnamed", lang, id=issuer.get("id") or "?")


def _outcome_of(error: dict[str, Any], results: list[dict[str, Any]]) -> str:
    for r in results:
        if r.get("check") == error.get("check") and r.get("credential", "") == error.get("credential", ""):
            return r.get("outcome", "failed")
    return "failed"


#: which failed check the headline names first when several failed: what most changes the reader's
#: decision (a forged signature, then a revocation, then who it belongs to, then dates), then the rest.
_HEADLINE_ORDER = (C.CHECK_PROOF, C.CHECK_ISSUER_KEY, C.CHECK_STATUS, "holder_binding", "recipient",
                   C.CHECK_VALIDITY, C.CHECK_ISSUER_TRUST)


def _rank(error: dict[str, Any], results: list[dict[str, Any]]) -> tuple[bool, int]:
    check = error.get("check")
    order = _HEADLINE_ORDER.index(check) if check in _HEADLINE_ORDER else len(_HEADLINE_ORDER)
    return _outcome_of(error, results) != "failed", order


def headline(body: dict[str, Any], lang: str) -> str:
    """One sentence stating the verdict and its main reason, in ``lang``.

    :param body: a report body (:meth:`verifier.report.Report.to_json`, with ``summary``).
    """
    results = body.get("results") or []
    entries = (body.get("summary") or {}).get("credentials") or []
    top = next((e for e in entries if e.get("credential") == ""), entries[0] if entries else {})
    checked = _day(body.get("checkedAt"), lang) or "?"
    if body.get("verified"):
        if (body.get("credential") or {}).get("kind") == "presentation":
            return plural_text("headline.presentation", len(entries), lang, date=checked)
        status_passed = any(r.get("check") == C.CHECK_STATUS and r.get("outcome") == "passed"
                            and r.get("credential", "") == top.get("credential", "") for r in results)
        key = "headline.valid_not_revoked" if status_passed else "headline.valid"
        return text(key, lang, issuer=issuer_words(top.get("issuer") or {}, lang), date=checked)
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    if not errors:
        return text("headline.not_valid", lang, reason=problem_reason(C.PROBLEM_VERIFICATION_ERROR, lang))
    ranked = sorted(errors, key=lambda e: _rank(e, results))
    first = ranked[0]
    code = first.get("code") or C.PROBLEM_VERIFICATION_ERROR
    others = len({e.get("code") for e in ranked[1:]} - {code})
    if all(e.get("code") == C.PROBLEM_EXPIRED for e in errors):
        entry = next((e for e in entries if e.get("credential") == first.get("credential", "")), top)
        until = _day(entry.get("validUntil"), lang)
        if until:
            return text("headline.expired", lang, issuer=issuer_words(entry.get("issuer") or {}, lang), date=until)
    reason = problem_reason(code, lang)
    if others:
        reason = plural_text("headline.more", others, lang, reason=reason)
    if _outcome_of(first, results) == "failed":
        return text("headline.not_valid", lang, reason=reason)
    return text("headline.could_not_check_retry" if code in RETRYABLE else "headline.could_not_check", lang,
                reason=reason)
