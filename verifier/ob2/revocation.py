"""Whether an Open Badges 2.0 assertion is revoked (the ``status`` check for this format).

OB 2.0 "Verification": a hosted assertion whose URL answers 410 Gone, or whose hosted copy says
``revoked: true``, is revoked; a signed assertion is revoked when its issuer Profile's ``revocationList``
(a RevocationList document) lists its ``id`` in ``revokedAssertions`` (as a string or an object with
``id``). A list that cannot be read is ``indeterminate``, never "not revoked".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from verifier import constants as C
from verifier.errors import CheckNotPossible, HttpStatusError, VerificationFailed
from verifier.ob2.documents import HostedDocuments
from verifier.ob2.issuer import as_list, checked_document, load_issuer
from verifier.report import Outcome


@dataclass(frozen=True)
class Revocation:
    """:ivar outcome: passed (not revoked), failed (revoked or broken), indeterminate, not_applicable.
    :ivar detail: a sentence. :ivar problem: the problem code or None. :ivar evidence: what was read."""

    outcome: Outcome
    detail: str
    problem: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def _revoked_by_flag(doc: dict[str, Any], where: str) -> Revocation | None:
    if doc.get("revoked") is True:
        reason = doc.get("revocationReason")
        return Revocation(Outcome.FAILED, f"revoked: {where} says revoked: true"
                          + (f" ({reason})" if isinstance(reason, str) and reason else ""), C.PROBLEM_REVOKED,
                          {"revoked": True, "revocationReason": reason})
    return None


async def hosted_revocation(assertion: dict[str, Any], docs: HostedDocuments | None) -> Revocation:
    """A hosted assertion: 410 Gone, or ``revoked: true`` on the presented or the hosted copy."""
    flagged = _revoked_by_flag(assertion, "the assertion")
    if flagged:
        return flagged
    aid = assertion.get("id")
    if docs is None:
        return Revocation(Outcome.INDETERMINATE, "the hosted assertion cannot be fetched: no document source is "
                          "configured", C.PROBLEM_STATUS_NOT_CHECKED)
    try:
        hosted = await docs.get_json(aid)
    except HttpStatusError as exc:
        if exc.status == 410:
            return Revocation(Outcome.FAILED, f"revoked: {aid} answers 410 Gone", C.PROBLEM_REVOKED,
                              {"url": aid, "httpStatus": 410, "revoked": True})
        return Revocation(Outcome.INDETERMINATE, exc.detail, C.PROBLEM_STATUS_RETRIEVAL_ERROR, {"url": aid})
    except CheckNotPossible as exc:
        return Revocation(Outcome.INDETERMINATE, exc.detail, C.PROBLEM_STATUS_RETRIEVAL_ERROR, {"url": aid})
    evidence = {"url": aid, "source": hosted.source, "fetched_at": hosted.fetched_at.isoformat(),
                "from_cache": hosted.from_cache, "revoked": False}
    if isinstance(hosted.document, dict):
        flagged = _revoked_by_flag(hosted.document, f"the hosted copy at {aid}")
        if flagged:
            return Revocation(flagged.outcome, flagged.detail, flagged.problem, {**evidence, **flagged.evidence})
    return Revocation(Outcome.PASSED, f"not revoked: the issuer still hosts {aid}", None, evidence)


def _listed_ids(entries: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for e in as_list(entries):
        if isinstance(e, str):
            out[e] = None
        elif isinstance(e, dict) and isinstance(e.get("id"), str):
            out[e["id"]] = e.get("revocationReason")
    return out


async def signed_revocation(assertion: dict[str, Any], docs: HostedDocuments | None) -> Revocation:
    """A signed assertion: ``revoked: true`` in it, or its id in the issuer Profile's ``revocationList``."""
    flagged = _revoked_by_flag(assertion, "the assertion")
    if flagged:
        return flagged
    try:
        chain = await load_issuer(assertion, docs)
    except VerificationFailed as exc:
        return Revocation(Outcome.FAILED, exc.detail, exc.problem_code)
    except CheckNotPossible as exc:
        return Revocation(Outcome.INDETERMINATE, exc.detail, C.PROBLEM_STATUS_RETRIEVAL_ERROR)
    url = chain.profile.get("revocationList")
    if url is None:
        return Revocation(Outcome.NOT_APPLICABLE, f"the issuer {chain.profile_id} publishes no revocationList",
                          evidence={"issuer": chain.profile_id})
    try:
        hosted = await docs.get_json(url)
        listing = checked_document(hosted, frozenset({"RevocationList"}), "RevocationList")
    except VerificationFailed as exc:
        return Revocation(Outcome.FAILED, exc.detail, C.PROBLEM_STATUS_VERIFICATION_ERROR, {"revocationList": url})
    except CheckNotPossible as exc:
        return Revocation(Outcome.INDETERMINATE, exc.detail, C.PROBLEM_STATUS_RETRIEVAL_ERROR, {"revocationList": url})
    revoked = _listed_ids(listing.get("revokedAssertions"))
    aid = assertion.get("id")
    evidence = {"revocationList": url, "issuer": chain.profile_id, "source": hosted.source,
                "fetched_at": hosted.fetched_at.isoformat(), "from_cache": hosted.from_cache,
                "listed": len(revoked), "revoked": aid in revoked}
    if aid in revoked:
        reason = revoked[aid]
        return Revocation(Outcome.FAILED, f"revoked: {aid} is listed in the issuer's revocation list {url}"
                          + (f" ({reason})" if isinstance(reason, str) and reason else ""), C.PROBLEM_REVOKED,
                          {**evidence, "revocationReason": reason})
    return Revocation(Outcome.PASSED, f"not revoked: {aid} is not in the issuer's revocation list {url}", None, evidence)
