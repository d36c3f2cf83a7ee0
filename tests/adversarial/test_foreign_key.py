"""Attack class: another party's key. The credential names issuer A, and carries a perfectly valid proof
made by B with B's own, properly published key.

The signature verifies, so a verifier that stops at "the proof is valid" accepts B's statement as A's.
Public reports: digitalbazaar/vc#65 and transmute-industries/verifiable-data#114 ("Credential issuer must
match the verification method controller"), w3c-ccg/vc-ed#30 (plugfest example credentials whose issuer
is not the verification method's controller), trustbloc/vcs#341 (the same for a presentation's holder),
w3c/vc-data-model#915 and PR#1393 (the verifier ties the issuer to the verification method's controller,
VCDM 2.0 §7.1 "Verification"). Controlled Identifiers 1.0 §3.3: a method's ``controller`` must be the
document that lists it, so B cannot claim that A controls B's key either.

Refused by the ``issuer_key`` check (``verifier.checks.issuer_key``): ``proof`` passes, ``issuer_key``
fails with ``ISSUER_KEY_MISMATCH`` and the evidence names B; for a presentation the key must be the
``holder``'s. A document that says A controls B's key is refused when the key is retrieved (``proof``
indeterminate, ``INVALID_VERIFICATION_METHOD``).
"""

from __future__ import annotations

import pytest

from tests.core.credentials import VC2, ob3_credential, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C
from verifier.keys.multikey import multikey_from_public_key


def _assert_signed_by_someone_else(report, signer: str, target: str = "") -> None:
    assert report.verified is False
    assert result(report, C.CHECK_PROOF, target).outcome.value == "passed"  # B's signature is genuine
    binding = result(report, C.CHECK_ISSUER_KEY, target)
    assert (binding.outcome.value, binding.problem_code) == ("failed", C.PROBLEM_ISSUER_KEY_MISMATCH), \
        binding.to_json()
    assert binding.evidence["controller"] == signer


@pytest.mark.parametrize("suite,kind", [("eddsa-rdfc-2022", "Ed25519"), ("eddsa-jcs-2022", "Ed25519"),
                                        ("ecdsa-rdfc-2019", "P-256"), ("ecdsa-jcs-2019", "P-384")])
async def test_did_key_issuer_signed_with_another_did_key(verify_vc, suite, kind):
    victim, attacker = new_key(kind), new_key(kind)
    forged = sign_ldp(ob3_credential(victim.did), attacker, suite=suite)
    _assert_signed_by_someone_else(await verify_vc(forged), attacker.did)


async def test_vc_jwt_issuer_signed_with_another_key(verify_vc):
    victim, attacker = new_key("P-256"), new_key("P-256")
    forged = sign_jwt(ob3_credential(victim.did), attacker, typ="vc+jwt", kid=attacker.vm)
    _assert_signed_by_someone_else(await verify_vc(forged), attacker.did)


async def test_vc_jwt_11_iss_and_issuer_of_a_but_kid_of_b(verify_vc):
    victim, attacker = new_key(), new_key()
    forged = sign_jwt({"iss": victim.did, "vc": vc11_credential(victim.did)}, attacker, kid=attacker.vm)
    _assert_signed_by_someone_else(await verify_vc(forged), attacker.did)


async def test_did_web_issuer_signed_with_another_did_web_key(verify_vc, publish_did_web):
    victim, attacker = new_key(), new_key()
    college = publish_did_web("college", victim)
    evil = publish_did_web("evil", attacker)
    forged = sign_ldp(ob3_credential(college), attacker, vm=f"{evil}#key-1")
    _assert_signed_by_someone_else(await verify_vc(forged), evil)
    assert (await verify_vc(sign_ldp(ob3_credential(college), victim, vm=f"{college}#key-1"))).verified


async def test_document_claiming_the_issuer_controls_the_attackers_key(verify_vc, publish_did_web):
    """B's DID document lists B's key with ``controller`` A: a document speaks only for itself (CID 1.0 §3.3)."""
    victim, attacker = new_key(), new_key()
    college = publish_did_web("college", victim)

    def claim_victim(document: dict) -> None:
        document["verificationMethod"][0]["controller"] = college

    evil = publish_did_web("evil", attacker, edit=claim_victim)
    forged = sign_ldp(ob3_credential(college), attacker, vm=f"{evil}#key-1")
    report = await verify_vc(forged)
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_INVALID_VERIFICATION_METHOD)
    assert "names controller" in proof.detail
    assert result(report, C.CHECK_ISSUER_KEY).outcome.value != "passed"


async def test_method_document_naming_the_issuer_as_controller(verify_vc, server):
    """An https method document (CID 1.0 §3.3) whose ``controller`` is the issuer, who does not list it."""
    victim, attacker = new_key(), new_key()
    controller, method_url = f"{server.base}/issuers/1", f"{server.base}/keys/evil"
    server.json("/issuers/1", {"@context": ["https://www.w3.org/ns/cid/v1"], "id": controller,
                               "verificationMethod": [{"id": f"{controller}#key-1", "type": "Multikey",
                                                       "controller": controller,
                                                       "publicKeyMultibase": multikey_from_public_key(victim.public)}],
                               "assertionMethod": [f"{controller}#key-1"]})
    server.json("/keys/evil", {"id": method_url, "type": "Multikey", "controller": controller,
                               "publicKeyMultibase": multikey_from_public_key(attacker.public)})
    report = await verify_vc(sign_ldp(ob3_credential(controller), attacker, vm=method_url))
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_INVALID_VERIFICATION_METHOD)
    assert "does not list it" in proof.detail


async def test_presentation_holder_signed_with_another_key(verify_vp):
    issuer, holder, attacker = new_key(), new_key(), new_key()
    credential = sign_ldp(ob3_credential(issuer.did), issuer)
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [credential]}, attacker, purpose="authentication")
    report = await verify_vp(vp)
    _assert_signed_by_someone_else(report, attacker.did)
    assert result(report, C.CHECK_ISSUER_KEY, "/verifiableCredential/0").outcome.value == "passed"


async def test_nested_credential_signed_with_another_key(verify_vp):
    """A genuine holder presents a credential that names A as issuer but is signed by B."""
    victim, attacker, holder = new_key(), new_key(), new_key()
    forged = sign_ldp(ob3_credential(victim.did), attacker)
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [forged]}, holder, purpose="authentication")
    report = await verify_vp(vp)
    assert result(report, C.CHECK_ISSUER_KEY).outcome.value == "passed"  # the holder's own binding is fine
    _assert_signed_by_someone_else(report, attacker.did, "/verifiableCredential/0")
