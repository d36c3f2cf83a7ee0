"""Check ``issuer_trust``: the issuer is an institution the operator's trust registry lists.

The registry's answer (issue 4) at the verification instant, for the credential's types.
Without a registry the outcome is ``indeterminate`` and ``trusted`` is null; it counts towards
``verified`` only when the caller requires a trusted issuer.
"""

from __future__ import annotations

from trust_registry.lookup import NO_REGISTRY_REASON

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.checks.proof import jwt_key_id  # the JWT's key id rules live with the proof check
from verifier.errors import CheckNotPossible, ResolutionError, VerificationFailed
from verifier.ob2.issuer import load_issuer
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_ISSUER_TRUST
DESCRIPTION = "The issuer is listed, active and authorised in the trust registry."


def applies_to(item: CredentialItem) -> bool:
    """Credentials (a presentation's holder is not judged by the issuer registry)."""
    return item.kind == "credential"


def proof_methods(item: CredentialItem) -> list[str]:
    """The verification methods the credential's proofs name (for registries that pin issuer keys)."""
    if item.jwt is not None:
        try:
            return [jwt_key_id(item)]
        except ResolutionError:
            return []
    proofs = item.document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return [p["verificationMethod"] for p in proofs
            if isinstance(p, dict) and isinstance(p.get("verificationMethod"), str)]


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Ask the trust source; map its decision to an outcome with the registry's evidence."""
    if ctx.env.trust is None:
        return CheckResult(ID, Outcome.INDETERMINATE, NO_REGISTRY_REASON, C.PROBLEM_TRUST_NOT_CHECKED,
                           {"trusted": None}, target=item.pointer)
    issuer = item.document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if item.is_ob2:  # Open Badges 2.0: the issuer Profile the assertion's BadgeClass names (OB 2.0 "Verification")
        try:
            issuer_id = (await load_issuer(item.document, getattr(ctx.env, "documents", None))).profile_id
        except (VerificationFailed, CheckNotPossible) as exc:
            return CheckResult(ID, Outcome.INDETERMINATE, f"the issuer Profile could not be read: {exc.detail}",
                               C.PROBLEM_TRUST_NOT_CHECKED, {"trusted": None}, target=item.pointer)
    types = item.document.get("type")
    types = [types] if isinstance(types, str) else [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
    if not isinstance(issuer_id, str):
        return CheckResult(ID, Outcome.FAILED, "the issuer id is missing", C.PROBLEM_UNTRUSTED_ISSUER,
                           {"trusted": False}, target=item.pointer)
    try:
        decision = await ctx.env.trust.decide(issuer_id=issuer_id, credential_types=types, at=ctx.options.now,
                                              verification_methods=proof_methods(item))
    except CheckNotPossible as exc:
        return CheckResult(ID, Outcome.INDETERMINATE, f"the trust registry could not be read: {exc.detail}",
                           C.PROBLEM_TRUST_NOT_CHECKED, {"trusted": None}, target=item.pointer)
    evidence = {"trusted": decision.trusted, "registry_version": decision.version}
    if decision.issuer:
        evidence["issuer"] = {**decision.issuer, "registry": decision.registry}
    if decision.trusted is None:
        return CheckResult(ID, Outcome.INDETERMINATE, decision.reason, C.PROBLEM_TRUST_NOT_CHECKED, evidence,
                           target=item.pointer)
    if decision.trusted:
        return CheckResult(ID, Outcome.PASSED, decision.reason, None, evidence, target=item.pointer)
    return CheckResult(ID, Outcome.FAILED, decision.reason, C.PROBLEM_UNTRUSTED_ISSUER, evidence, target=item.pointer)
