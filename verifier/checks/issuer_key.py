"""Check ``issuer_key``: at least one verified proof is by a key its issuer (or holder) controls.

VCDM 2.0 §4.7 "Issuer" and §5.12 "Verification" leave the issuer-to-key binding to the verifier;
we require that the ``controller`` of a verified proof's verification method (from the issuer's DID
or controller document, Data Integrity §4.5, controlled identifiers §2.1) equals the ``issuer`` id
(string or object ``id``). For presentations the key must be the ``holder``'s when one is stated.
This is separate from ``proof`` so a caller can see "crypto-valid but wrong signer". Whether a
presentation's holder is its credentials' subject is the ``holder_binding`` check.
"""

from __future__ import annotations

from urllib.parse import urldefrag

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_ISSUER_KEY
DESCRIPTION = "The proof's key is controlled by the credential's issuer (or the presentation's holder)."


def applies_to(item: CredentialItem) -> bool:
    """Credentials always; presentations only when they state a ``holder``."""
    return item.kind == "credential" or item.document.get("holder") is not None


def signer_of(item: CredentialItem) -> str | None:
    """The id the key's controller must equal: the issuer's (credentials) or holder's (presentations)."""
    party = item.document.get("issuer" if item.kind == "credential" else "holder")
    party = party.get("id") if isinstance(party, dict) else party
    return party if isinstance(party, str) else None


def _same(controller: str | None, party: str) -> bool:
    """Equal controller ids; a DID controller compares without a fragment (DID Core §3.2)."""
    return controller is not None and (controller == party or urldefrag(controller)[0] == party)


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Compare each verified proof's key controller with the issuer or holder id."""
    proof_result = ctx.prior.get((item.pointer, C.CHECK_PROOF))
    party = signer_of(item)
    if item.is_ob2:  # Open Badges 2.0: the issuer is the Profile the assertion's BadgeClass names (found by proof)
        party = proof_result.evidence.get("issuer") if proof_result else None
        if party is None:
            return CheckResult(ID, Outcome.INDETERMINATE, "the issuer Profile could not be read (see the proof check)",
                               C.PROBLEM_INVALID_VERIFICATION_METHOD, target=item.pointer)
    role = "issuer" if item.kind == "credential" else "holder"
    if party is None:
        return CheckResult(ID, Outcome.FAILED, f"the {role} id is missing or not a string",
                           C.PROBLEM_MALFORMED_VALUE_ERROR, target=item.pointer)
    entries = proof_result.evidence.get("proofs", []) if proof_result else []
    resolved = [e for e in entries if e.get("controller")]
    if not resolved:
        why = ("the proof failed before its key was looked up (see the proof check)"
               if proof_result is not None and proof_result.outcome == Outcome.FAILED
               else "no proof key could be resolved, so its controller is unknown")
        return CheckResult(ID, Outcome.INDETERMINATE, why,
                           C.PROBLEM_INVALID_VERIFICATION_METHOD, {role: party}, target=item.pointer)
    good = [e for e in resolved if e["outcome"] == Outcome.PASSED.value and _same(e["controller"], party)]
    if good and item.is_ob2 and item.jwt is None:
        return CheckResult(ID, Outcome.PASSED, f"hosted at {good[0]['verificationMethod']}, inside the verification "
                           f"scope of the {role} {party}", evidence={role: party, "controller": good[0]["controller"]},
                           target=item.pointer)
    if good:
        return CheckResult(ID, Outcome.PASSED, f"signed by {good[0]['verificationMethod']}, controlled by the {role} {party}",
                           evidence={role: party, "controller": good[0]["controller"]}, target=item.pointer)
    if any(_same(e["controller"], party) for e in resolved):
        return CheckResult(ID, Outcome.INDETERMINATE, f"the {role}'s key signed a proof that did not verify",
                           C.PROBLEM_PROOF_VERIFICATION_ERROR, {role: party}, target=item.pointer)
    others = sorted({e["controller"] for e in resolved})
    return CheckResult(ID, Outcome.FAILED, f"signed by a key of {', '.join(others)}, not of the {role} {party}",
                       C.PROBLEM_ISSUER_KEY_MISMATCH, {role: party, "controller": others[0]}, target=item.pointer)
