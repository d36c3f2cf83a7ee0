"""What a share page shows: the verdict, headline, achievement, issuer and reasons (issue 12 §3).

:func:`share_view` turns a fresh verification report (the service's answer body) and the stored
credential into one JSON-ready view, used by the HTML page, its iframe form and the web component
(``GET /v/{id}.json``). Nothing here writes HTML: the template autoescapes and the component sets text.

Fail-closed rules:

* the state is ``verified`` only when the report says ``verified: true``; a failure other than an
  ended validity period is ``not_verified``; a check that could not be decided is ``could_not_check``;
  ``expired`` only when every failure is the validity period having ended (``EXPIRED``) and nothing is
  undecided;
* links are shown only for ``http``/``https`` URLs (never ``javascript:`` or ``data:``);
* the credential's own wording (achievement, description, alignments...) comes from the report's
  ``summary`` and is shown only when that summary says it reads what the issuer signed (``basis:
  signed``): a changed credential, or one whose JSON could say something other than what its proof
  signs (an inline context, DESIGN.md "Security rules"), shows its verdict only;
* learner data (name, results, evidence) only when the share opted in; the learner's id never.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from verifier import constants as C
from verifier.i18n import check_title
from verifier.i18n.headline import headline as report_headline
from verifier.service import share_text as T

#: Learner-facing fields a share may opt in to (``show``); the default shows none of them.
OPTIONAL_FIELDS = ("learnerName", "results", "evidence")
_MAX_ITEMS = 50
_MAX_TEXT = 2000


def verdict_state(body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The share state of a report body, and the result row that decided it (None when verified).

    :returns: ``(state, row)``: a :data:`verifier.service.share_text.STATES` member and the first failed
        (or undecided) required check row.
    """
    required = set(body.get("requiredChecks") or C.CHECK_IDS)
    rows = [r for r in body.get("results", []) if r.get("check") in required]
    failed = [r for r in rows if r.get("outcome") == "failed"]
    undecided = [r for r in rows if r.get("outcome") == "indeterminate"]
    if body.get("verified") is True and not failed and not undecided:
        return T.VERIFIED, None
    expired_only = failed and all(r["check"] == C.CHECK_VALIDITY and r.get("problem") == C.PROBLEM_EXPIRED
                                  for r in failed)
    other_errors = [e for e in body.get("errors", []) if e.get("code") != C.PROBLEM_EXPIRED]
    if failed and not (expired_only and not undecided and not other_errors):
        return T.NOT_VERIFIED, next((r for r in failed if r.get("problem") != C.PROBLEM_EXPIRED), failed[0])
    if undecided:
        return T.COULD_NOT_CHECK, undecided[0]
    if expired_only:
        return T.EXPIRED, failed[0]
    return T.NOT_VERIFIED, None


def safe_url(value: Any) -> str | None:
    """``value`` when it is an absolute ``http``/``https`` URL with a host and no spaces or controls, else None."""
    if not isinstance(value, str) or len(value) > 2048 or any(ord(c) <= 0x20 or c == "\x7f" for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.hostname else None


def pick_text(value: Any, lang: str) -> str | None:
    """A display string from a plain string, a value object ``{"@value", "@language"}`` or a list of
    them (the one in ``lang`` when offered, else the first); cut at 2,000 characters."""
    if isinstance(value, str):
        return value[:_MAX_TEXT]
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return value["@value"][:_MAX_TEXT]
    if isinstance(value, list):
        texts = [(v.get("@language", "") if isinstance(v, dict) else "", pick_text(v, lang)) for v in value]
        texts = [(tag, t) for tag, t in texts if t]
        for tag, t in texts:
            if isinstance(tag, str) and tag.lower().split("-")[0] == lang:
                return t
        return texts[0][1] if texts else None
    return None


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _str(value: Any) -> str | None:
    return value[:_MAX_TEXT] if isinstance(value, str) and value else None


def _top_entry(body: dict[str, Any]) -> dict[str, Any] | None:
    """The report summary's entry for the top-level credential, or None."""
    entries = (body.get("summary") or {}).get("credentials") or []
    return next((e for e in entries if isinstance(e, dict) and e.get("credential") == ""), None)


def credential_display(body: dict[str, Any], document: dict[str, Any], show: tuple[str, ...],
                       lang: str) -> dict[str, Any] | None:
    """The credential's own wording for the page, from the report's ``summary`` (already in ``lang``).

    Shown only when the summary's top entry has ``basis: signed`` (its proof and issuer key passed and
    what it reads is what was signed, :func:`verifier.summary_basis.report_summary`): a changed or
    respelled credential shows its verdict only, never words an attacker chose.

    :param document: the credential (for the learner's name, read only when opted in and signed).
    :param show: the opted-in :data:`OPTIONAL_FIELDS`.
    :returns: ``{achievement: {name, description, criteria, type, image}, alignments, validFrom,
        validUntil}`` plus ``learnerName``/``results``/``evidence`` when opted in; None when not signed.
    """
    entry = _top_entry(body)
    if entry is None or entry.get("basis") != "signed":
        return None
    achievements = [a for a in entry.get("achievements") or [] if isinstance(a, dict)]
    first = achievements[0] if achievements else {}
    criteria = first.get("criteria") if isinstance(first.get("criteria"), dict) else {}
    image = first.get("image") or entry.get("image")
    out: dict[str, Any] = {
        "achievement": {
            "name": _str(first.get("name")) or _str(entry.get("name")),
            "description": _str(first.get("description")) or _str(entry.get("description")),
            "criteria": _str(criteria.get("narrative")),
            "type": _str(first.get("category")) or _str(first.get("achievementType")),
            "image": safe_url(image.get("id") if isinstance(image, dict) else image),
        },
        "alignments": [
            {"name": _str(a.get("targetName")) or _str(a.get("code")) or _str(a.get("targetCode")),
             "url": safe_url(a.get("url") or a.get("targetUrl")),
             "framework": _str(a.get("frameworkName")) or _str(a.get("targetFramework")),
             "code": _str(a.get("code")) or _str(a.get("targetCode"))}
            for a in ((body.get("summary") or {}).get("skills") or [])[:_MAX_ITEMS]
            if isinstance(a, dict) and a.get("credential", "") == ""
            and (a.get("targetName") or a.get("code") or a.get("targetCode"))],
        "validFrom": entry.get("validFrom"),
        "validUntil": entry.get("validUntil"),
    }
    if "learnerName" in show:
        subject = _one(document.get("credentialSubject"))
        out["learnerName"] = pick_text(subject.get("name"), lang) if isinstance(subject, dict) else None
    if "results" in show:
        out["results"] = [{"value": _str(str(r["value"])), "status": _str(r.get("status"))}
                          for r in (entry.get("results") or [])[:_MAX_ITEMS]
                          if isinstance(r, dict) and r.get("value") is not None]
    if "evidence" in show:
        out["evidence"] = [{"name": _str(e.get("name")) or _str(e.get("narrative")) or safe_url(e.get("url")),
                            "url": safe_url(e.get("url") or e.get("id"))}
                           for e in (entry.get("evidence") or [])[:_MAX_ITEMS]
                           if isinstance(e, dict) and (e.get("name") or e.get("narrative") or safe_url(e.get("url")))]
    return out


def _scrub(detail: str, secrets_: list[str]) -> str:
    for s in secrets_:
        detail = detail.replace(s, "…")
    return detail


def share_view(body: dict[str, Any], document: dict[str, Any], show: tuple[str, ...], lang: str) -> dict[str, Any]:
    """The view of one share: state, headline, wording, reasons (JSON-ready; no HTML).

    :param body: the report body of a fresh verification (``Verifications.verify``).
    :param document: the verified credential (top level; a JWT's decoded credential).
    :param show: the opted-in :data:`OPTIONAL_FIELDS`.
    :param lang: a :data:`verifier.service.share_text.LANGUAGES` member.
    """
    state, _ = verdict_state(body)
    display = credential_display(body, document, show, lang)
    issuer = (_top_entry(body) or {}).get("issuer") or {}
    summary = body.get("credential") or {}
    source = issuer.get("nameSource") or summary.get("issuerNameSource")
    issuer_name = _str(issuer.get("name")) or _str(summary.get("issuerName"))
    if display is None and source != "registry":  # a name the signature does not vouch for is not shown
        issuer_name = None
    checked_at = body.get("checkedAt")
    headline = body.get("headline") or report_headline(body, lang)
    subject = _one(document.get("credentialSubject"))
    private = [v for v in ((subject or {}).get("id"), (subject or {}).get("name")) if isinstance(v, str) and len(v) > 2] \
        if isinstance(subject, dict) else []
    checks = [{"check": r["check"], "outcome": r["outcome"], "outcomeLabel": T.text(f"outcome.{r['outcome']}", lang),
               "title": _str(r.get("title")) or check_title(r["check"], r["outcome"], lang, r.get("problem")), "detail": _scrub(str(r.get("detail", "")), private)}
              for r in body.get("results", []) if not r.get("credential") and r.get("outcome") in
              ("passed", "failed", "indeterminate", "not_applicable")]
    view: dict[str, Any] = {
        "lang": lang, "state": state, "stateLabel": T.text(f"state.{state}", lang), "headline": headline,
        "checkedAt": checked_at, "checkedAtText": T.format_when(checked_at, lang),
        "issuer": {"name": issuer_name,
                   "source": None if not issuer_name else "registry" if source == "registry" else "credential"},
        "checks": checks, "detailsHidden": display is None, "labels": T.labels(lang),
    }
    if display is not None:
        view["achievement"] = display["achievement"]
        view["alignments"] = display["alignments"]
        view["validFromText"] = T.format_when(display["validFrom"], lang, with_time=False) if isinstance(display["validFrom"], str) else None
        view["validUntilText"] = T.format_when(display["validUntil"], lang, with_time=False) if isinstance(display["validUntil"], str) else None
        for name in OPTIONAL_FIELDS:
            if name in display:
                view[name] = display[name]
    return view
