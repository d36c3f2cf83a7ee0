"""Attack class: a JWT that names its own key in the ``jwk`` header.

The ``jwk`` header parameter carries "the public key that corresponds to the key used to digitally sign
the JWS" (RFC 7515 §4.1.3). Whoever makes the token chooses it, so a verifier that checks the signature
with it accepts any token signed by anyone: CVE-2018-0114 (Cisco node-jose trusted an embedded ``jwk``).
RFC 8725 §3.10 ("Do Not Trust Received Claims") and VC-JOSE-COSE §3.1.1 / VC-JWT 1.1 §6.3.1: the key
must come from the issuer's DID document or controller document (``kid`` / ``iss``), never from the
header alone.

Two ways it is refused (``verifier.checks.proof.jwt_key_id``, ``verifier.suites.jwt``):

* the ``jwk`` header is the only thing naming a key: the key cannot be retrieved (``indeterminate``,
  ``INVALID_VERIFICATION_METHOD``);
* the header also names the issuer's key (``kid`` or a did:key ``iss``): that key is used, the ``jwk``
  is ignored, and the attacker's signature does not verify (``failed``, ``PROOF_VERIFICATION_ERROR``).
"""

from __future__ import annotations

from tests.core.credentials import ob3_credential, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt
from verifier import constants as C


def _proof(report):
    return result(report, C.CHECK_PROOF)


async def test_header_jwk_alone_names_no_trusted_key(verify_vc):
    attacker = new_key()
    token = sign_jwt(ob3_credential("https://college.example/issuers/1"), attacker, typ="vc+jwt", kid=None,
                     header={"jwk": attacker.public_jwk})
    report = await verify_vc(token)
    assert report.verified is False
    proof = _proof(report)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_INVALID_VERIFICATION_METHOD)
    assert "'jwk'" in proof.detail and proof.evidence["proofs"][0]["controller"] is None


async def test_header_jwk_alone_in_a_vc_jwt_11(verify_vc):
    """VC-JWT 1.1 (``vc`` claim) with an https ``iss``: still no key but the header's."""
    attacker = new_key("P-256")
    issuer = "https://college.example/issuers/1"
    token = sign_jwt({"iss": issuer, "vc": vc11_credential(issuer)}, attacker, kid=None,
                     header={"jwk": attacker.public_jwk})
    report = await verify_vc(token)
    assert report.verified is False
    proof = _proof(report)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_INVALID_VERIFICATION_METHOD)


async def test_header_jwk_beside_the_issuers_kid_is_ignored(verify_vc):
    victim, attacker = new_key(), new_key()
    token = sign_jwt(ob3_credential(victim.did), attacker, typ="vc+jwt", kid=victim.vm,
                     header={"jwk": attacker.public_jwk})
    report = await verify_vc(token)
    assert report.verified is False
    proof = _proof(report)
    assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_PROOF_VERIFICATION_ERROR)
    assert proof.evidence["proofs"][0]["verificationMethod"] == victim.vm


async def test_header_jwk_beside_a_did_key_iss_is_ignored(verify_vc):
    victim, attacker = new_key("P-256"), new_key("P-256")
    token = sign_jwt({"iss": victim.did, "vc": vc11_credential(victim.did)}, attacker, kid=None,
                     header={"jwk": attacker.public_jwk})
    report = await verify_vc(token)
    assert report.verified is False
    proof = _proof(report)
    assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_PROOF_VERIFICATION_ERROR)


async def test_header_jwk_does_not_replace_the_did_web_document(verify_vc, publish_did_web):
    """A did:web issuer: the ``kid`` names its document's key; a ``jwk`` header for another key is ignored."""
    victim, attacker = new_key(), new_key()
    did = publish_did_web("college", victim)
    forged = sign_jwt(ob3_credential(did), attacker, typ="vc+jwt", kid=f"{did}#key-1",
                      header={"jwk": attacker.public_jwk})
    report = await verify_vc(forged)
    assert report.verified is False
    assert (_proof(report).outcome.value, _proof(report).problem_code) == ("failed", C.PROBLEM_PROOF_VERIFICATION_ERROR)
    # The genuine token, with the same (now truthful) header, verifies.
    genuine = sign_jwt(ob3_credential(did), victim, typ="vc+jwt", kid=f"{did}#key-1",
                       header={"jwk": victim.public_jwk})
    assert (await verify_vc(genuine)).verified
