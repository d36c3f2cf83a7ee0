"""Check ``holder_binding``: a presented credential is presented by its subject.

A presentation's proof shows who presents (Data Integrity §2.1: ``proofPurpose`` ``authentication``;
VC-JOSE-COSE §3.1.2 for a VP-JWT), not that the presenter is the one the credentials speak about.
VCDM 2.0 §4.13 and its appendix "Subject-Holder Relationships" leave that binding to the verifier; without it a
stranger who copied someone's credential presents it as their own. For each credential a
presentation carries (issue 11, "Holder binding"):

* the presentation is signed, and the signer is the ``controller`` of a verified ``authentication``
  key (from the resolved DID or controller document, never the ``verificationMethod`` string);
* when the presentation states ``holder``, that holder is a signer;
* when the credential's ``credentialSubject.id`` is a DID, a signer is that subject (with several
  subjects, one of them). A JWT credential's subject is its ``sub`` when the ``vc`` claim has none.

A credential nested in a ``ClrCredential`` that a presentation carries is presented by that presentation's
signer like any other (CLR 2.0 ``ClrSubject.verifiableCredential``: the learner's credentials): otherwise a
stranger would wrap someone else's credential in a CLR she issued to herself and present that.

``not_applicable``: a credential given alone, or carried by credentials only (nested in a CLR given alone,
or an endorsement, whose subject is not a person) rather than by a presentation; a subject
named only by ``identifier`` (hashed email, student id: see the ``recipient`` check) or by an id that is
not a DID; a bearer credential with no subject id; ``holderBinding: off``; an unsigned presentation
(VC-API ``presentation``). The last three say, as a ``HOLDER_NOT_BOUND`` warning, that nothing binds the
credential to the presenter.

What is read is what is signed: ``holder`` and ``credentialSubject.id`` are compared by the
signed-meaning gate (:mod:`verifier.signed_meaning`) before the presentation's and the credential's
proofs count; this check decides only when both proofs passed, and is ``indeterminate`` otherwise.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_HOLDER_BINDING
DESCRIPTION = "A credential in a presentation is presented by its subject (the presentation's signer and holder)."


def applies_to(item: CredentialItem) -> bool:
    """Credentials carried by another document; a CLR's nested ones are sorted out in :func:`run`."""
    return item.kind == "credential" and item.parent is not None


def _parent(item: CredentialItem, ctx: CheckContext) -> CredentialItem | None:
    return next((i for i in ctx.presented.items if i.pointer == item.parent), None)


def _presenter(item: CredentialItem, ctx: CheckContext) -> CredentialItem | None:
    """The presentation that presents ``item``: its parent, or the presentation carrying the CLR (the chain of
    CLRs) it is nested in; None for an endorsement, or when no presentation carries it."""
    if item.endorsement:
        return None
    parent = _parent(item, ctx)
    while parent is not None and parent.kind == "credential" and not parent.endorsement:
        parent = _parent(parent, ctx)
    return parent if parent is not None and parent.kind == "presentation" else None


def _same(controller: str, party: str) -> bool:
    """A key controller is ``party`` (a DID compares without a fragment, DID Core §3.2)."""
    return controller == party or urldefrag(controller)[0] == party


def _id_of(value: Any) -> str | None:
    value = value.get("id") if isinstance(value, dict) else value
    return value if isinstance(value, str) else None


def subject_ids(document: dict[str, Any]) -> tuple[list[str], bool]:
    """The credential's subject ids, and whether any subject names an ``identifier``.

    ``@id`` counts as an id too: a subject written that way is not read as unidentified.
    """
    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    ids: list[str] = []
    identified = False
    for s in subjects:
        if isinstance(s, str) and s not in ids:  # a subject written as its IRI alone (the parse check refuses it)
            ids.append(s)
        if not isinstance(s, dict):
            continue
        for key in ("id", "@id"):
            if isinstance(s.get(key), str) and s[key] not in ids:
                ids.append(s[key])
        identified = identified or bool(s.get("identifier"))
    return ids, identified


def _result(outcome: Outcome, detail: str, item: CredentialItem, code: str | None = None,
            evidence: dict[str, Any] | None = None, warn: str | None = None) -> CheckResult:
    warnings = ((C.PROBLEM_HOLDER_NOT_BOUND, warn),) if warn else ()
    return CheckResult(ID, outcome, detail, code, evidence or {}, warnings, item.pointer)


def signers_of(presentation: CredentialItem, ctx: CheckContext) -> list[str] | None:
    """Controllers of the presentation's verified proofs, or None when its proof did not pass."""
    proof = ctx.prior.get((presentation.pointer, C.CHECK_PROOF))
    if proof is None or proof.outcome != Outcome.PASSED:
        return None
    entries = proof.evidence.get("proofs", [])
    signers = [e["controller"] for e in entries if e.get("outcome") == Outcome.PASSED.value and e.get("controller")]
    return list(dict.fromkeys(signers)) or None


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Compare the presentation's signer with its ``holder`` and with the credential's subject DID."""
    parent = _presenter(item, ctx)
    if parent is None:
        return _result(Outcome.NOT_APPLICABLE, "carried by another credential (nested in a CLR given alone, or an "
                       "endorsement), not by a presentation: nobody presents it on its own", item)
    if ctx.options.holder_binding == "off":
        return _result(Outcome.NOT_APPLICABLE, "holder binding is off (options.holderBinding)", item,
                       warn=f"holder binding is off: nothing checks that the credential at {item.pointer} is "
                            "presented by its subject")
    if parent.jwt is None and parent.document.get("proof") is None:
        return _result(Outcome.NOT_APPLICABLE, "the presentation is unsigned: nobody is shown to present it", item,
                       warn=f"the presentation is unsigned, so nothing binds the credential at {item.pointer} to "
                            "the presenter: anyone holding a copy could have sent it")
    signers = signers_of(parent, ctx)
    if signers is None:
        return _result(Outcome.INDETERMINATE, "the presentation's proof did not verify, so who presents it is "
                       "not known (see its proof check)", item, C.PROBLEM_PROOF_VERIFICATION_ERROR)
    own = ctx.prior.get((item.pointer, C.CHECK_PROOF))
    if own is None or own.outcome != Outcome.PASSED:
        return _result(Outcome.INDETERMINATE, "the credential's proof did not verify, so its subject is not known "
                       "to be the issuer's (see its proof check)", item, C.PROBLEM_PROOF_VERIFICATION_ERROR,
                       {"signers": signers})
    evidence: dict[str, Any] = {"signers": signers}
    holder = _id_of(parent.document.get("holder"))
    if parent.document.get("holder") is not None:
        evidence["holder"] = holder
        if holder is None or not any(_same(s, holder) for s in signers):
            return _result(Outcome.FAILED, f"the presentation names holder {holder!r} but is signed by "
                           f"{', '.join(signers)}", item, C.PROBLEM_HOLDER_NOT_SIGNER, evidence)
    ids, identified = subject_ids(item.document)
    evidence["subjects"] = ids
    dids = [i for i in ids if i.startswith("did:")]
    match = next((i for i in ids if any(_same(s, i) for s in signers)), None)
    if match is not None:
        return _result(Outcome.PASSED, f"presented by its subject {match}", item, evidence=evidence)
    if dids:
        return _result(Outcome.FAILED, f"the credential's subject is {', '.join(dids)}, but the presentation is "
                       f"signed by {', '.join(signers)}: it is presented by someone else", item,
                       C.PROBLEM_HOLDER_NOT_SUBJECT, evidence)
    if ids:
        why = (f"the subject id {', '.join(ids)} is not a DID, so no key is bound to it: nothing shows that "
               f"the presenter ({', '.join(signers)}) is the subject")
    elif identified:
        why = ("the subject is named only by identifier (a hashed email, a student id): no key is bound to it; "
               "ask the recipient check (options.recipient) whether it was issued to the candidate")
    else:
        why = "the credential names no subject (a bearer credential): whoever holds it can present it"
    return _result(Outcome.NOT_APPLICABLE, why, item, evidence=evidence, warn=f"{item.pointer}: {why}")
