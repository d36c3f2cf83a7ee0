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
* the credential's own wording (achievement, description, alignments...) is shown only when every
  ``@context`` in it is a URL of a pinned context: an inline context could make the JSON say something
  other than what the proof signs (DESIGN.md "Security rules"), so such a credential shows its verdict only;
* learner data (name, results, evidence) only when the share opted in; the learner's id never.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from verifier import constants as C
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


def inline_context(node: Any) -> bool:
    """True when any ``@context`` in ``node`` (at any depth) holds something other than URL strings."""
    if isinstance(node, list):
        return any(inline_context(v) for v in node)
    if not isinstance(node, dict):
        return False
    ctx = node.get("@context")
    if ctx is not None and not all(isinstance(c, str) for c in (ctx if isinstance(ctx, list) else [ctx])):
        return True
    return any(inline_context(v) for k, v in node.items() if k != "@context")


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _image(value: Any) -> str | None:
    return safe_url(value.get("id") if isinstance(value, dict) else value)


def _alignments(achievement: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    out = []
    for a in (achievement.get("alignment") or [])[:_MAX_ITEMS] if isinstance(achievement.get("alignment"), list) else []:
        if not isinstance(a, dict):
            continue
        name = pick_text(a.get("targetName"), lang) or pick_text(a.get("targetCode"), lang)
        if name:
            out.append({"name": name, "url": safe_url(a.get("targetUrl")),
                        "framework": pick_text(a.get("targetFramework"), lang), "code": pick_text(a.get("targetCode"), lang)})
    return out


def _results(subject: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = subject.get("result") if isinstance(subject.get("result"), list) else []
    out = []
    for r in rows[:_MAX_ITEMS]:
        if isinstance(r, dict):
            value = pick_text(r.get("value"), lang) or pick_text(r.get("achievedLevel"), lang)
            if value:
                out.append({"value": value, "status": pick_text(r.get("status"), lang)})
    return out


def _evidence(document: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    items = document.get("evidence")
    items = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
    out = []
    for e in items[:_MAX_ITEMS]:
        if isinstance(e, dict):
            name = pick_text(e.get("name"), lang) or pick_text(e.get("narrative"), lang)
            url = safe_url(e.get("id"))
            if name or url:
                out.append({"name": name or url, "url": url})
    return out


def credential_display(document: dict[str, Any], show: tuple[str, ...], lang: str) -> dict[str, Any] | None:
    """The credential's own wording for the page, or None when it cannot be shown safely (inline context).

    :param document: the credential (the JWT's ``vc`` claim already unpacked).
    :param show: the opted-in :data:`OPTIONAL_FIELDS`.
    :returns: ``{achievement: {name, description, criteria, type, image}, alignments, issuerName,
        validFrom, validUntil}`` plus ``learnerName``/``results``/``evidence`` when opted in.
    """
    if inline_context(document):
        return None
    subject = _one(document.get("credentialSubject"))
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}
    issuer = document.get("issuer")
    out: dict[str, Any] = {
        "achievement": {
            "name": pick_text(achievement.get("name"), lang) or pick_text(document.get("name"), lang),
            "description": pick_text(achievement.get("description"), lang) or pick_text(document.get("description"), lang),
            "criteria": pick_text(criteria.get("narrative"), lang),
            "type": pick_text(achievement.get("achievementType"), lang),
            "image": _image(achievement.get("image")) or _image(document.get("image")),
        },
        "alignments": _alignments(achievement, lang),
        "issuerName": pick_text(issuer.get("name"), lang) if isinstance(issuer, dict) else None,
        "validFrom": document.get("validFrom") or document.get("issuanceDate"),
        "validUntil": document.get("validUntil") or document.get("expirationDate"),
    }
    if "learnerName" in show:
        out["learnerName"] = pick_text(subject.get("name"), lang)
    if "results" in show:
        out["results"] = _results(subject, lang)
    if "evidence" in show:
        out["evidence"] = _evidence(document, lang)
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
    state, decisive = verdict_state(body)
    display = credential_display(document, show, lang)
    summary = body.get("credential") or {}
    registry_name = summary.get("issuerName") if summary.get("issuerNameSource") == "registry" else None
    issuer_name = registry_name or (display or {}).get("issuerName")
    issuer_label = issuer_name or T.text("label.unknown_issuer", lang)
    checked_at = body.get("checkedAt")
    if state == T.VERIFIED:
        status_checked = any(r.get("check") == C.CHECK_STATUS and r.get("outcome") == "passed"
                             for r in body.get("results", []) if not r.get("credential"))
        headline = T.text("headline.verified" if status_checked else "headline.verified_no_status", lang, issuer=issuer_label, date=T.format_when(checked_at, lang, with_time=False))
    elif state == T.EXPIRED:
        headline = T.text("headline.expired", lang, issuer=issuer_label)
    else:
        why = (T.reason(decisive["check"], decisive["outcome"], decisive.get("problem"), lang) if decisive
               else T.text("reason.UNREADABLE", lang))
        headline = T.text(f"headline.{state}", lang, reason=why)
    subject = _one(document.get("credentialSubject"))
    private = [v for v in ((subject or {}).get("id"), (subject or {}).get("name")) if isinstance(v, str) and len(v) > 2] \
        if isinstance(subject, dict) else []
    checks = [{"check": r["check"], "outcome": r["outcome"], "outcomeLabel": T.text(f"outcome.{r['outcome']}", lang),
               "title": T.check_title(r["check"], r["outcome"], lang), "detail": _scrub(str(r.get("detail", "")), private)}
              for r in body.get("results", []) if not r.get("credential") and r.get("outcome") in
              ("passed", "failed", "indeterminate", "not_applicable")]
    view: dict[str, Any] = {
        "lang": lang, "state": state, "stateLabel": T.text(f"state.{state}", lang), "headline": headline,
        "checkedAt": checked_at, "checkedAtText": T.format_when(checked_at, lang),
        "issuer": {"name": issuer_name, "source": "registry" if registry_name else "credential" if issuer_name else None},
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
