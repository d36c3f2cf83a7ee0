"""Check ``status``: the credential is not revoked or suspended (its ``credentialStatus`` entries).

VCDM 2.0 §4.10 "Status"; Bitstring Status List v1.0 §3.2 "Validate Algorithm", StatusList2021,
1EdTech Revocation List (OB 3.0 §9.5). The evaluation itself is the environment's status source;
without one the outcome is ``indeterminate`` ("not checked"), never a pass.
"""

from __future__ import annotations

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.errors import CheckNotPossible, VerificationFailed
from verifier.ob2.revocation import hosted_revocation, signed_revocation
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_STATUS
DESCRIPTION = "None of the credential's status entries says revoked or suspended."


def applies_to(item: CredentialItem) -> bool:
    """Credentials that carry ``credentialStatus``, and every Open Badges 2.0 assertion (410 / revocationList)."""
    return item.kind == "credential" and (item.document.get("credentialStatus") is not None or item.is_ob2)


async def _ob2(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Open Badges 2.0: hosted (410 Gone, ``revoked``) or signed (the issuer Profile's ``revocationList``)."""
    docs = getattr(ctx.env, "documents", None)
    if item.jwt is not None:
        found = await signed_revocation(item.document, docs)
    else:
        found = await hosted_revocation(item.document, docs)
    return CheckResult(ID, found.outcome, found.detail, found.problem, found.evidence, target=item.pointer)


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Evaluate every entry through ``ctx.env.status`` (an Open Badges 2.0 assertion: :mod:`verifier.ob2.revocation`)."""
    if item.is_ob2:
        return await _ob2(item, ctx)
    if ctx.env.status is None:
        return CheckResult(ID, Outcome.INDETERMINATE, "status not checked yet: this verifier has no status-list "
                           "support configured", C.PROBLEM_STATUS_NOT_CHECKED, target=item.pointer)
    issuer = item.document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    try:
        result = await ctx.env.status.check(item.document, issuer_id=issuer_id if isinstance(issuer_id, str) else None,
                                            at=ctx.options.now)
    except (VerificationFailed, CheckNotPossible) as exc:
        outcome = Outcome.FAILED if isinstance(exc, VerificationFailed) else Outcome.INDETERMINATE
        return CheckResult(ID, outcome, exc.detail, exc.problem_code, target=item.pointer)
    return CheckResult(ID, result.outcome, result.detail, result.problem_code, result.evidence,
                       tuple(result.warnings), item.pointer)
