"""Proofs the tests sign themselves, for every suite and key type, and the ways they must fail."""

from __future__ import annotations

import copy

import pytest

from tests.core.credentials import OB3, VC1, VC2, issued_to, ob3_credential, vc11_credential
from tests.core.helpers import outcome, result, run_verify
from tests.signing import new_key, sign_jwt, sign_ldp

DI_CASES = [("eddsa-rdfc-2022", "Ed25519"), ("eddsa-jcs-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"),
            ("ecdsa-rdfc-2019", "P-384"), ("ecdsa-jcs-2019", "P-256"), ("ecdsa-jcs-2019", "P-384")]
LEGACY_CASES = [("Ed25519Signature2020", "Ed25519"), ("Ed25519Signature2018", "Ed25519"),
                ("JsonWebSignature2020", "P-256"), ("EcdsaSecp256k1Signature2019", "secp256k1")]
LEGACY_CONTEXT = {"Ed25519Signature2020": "https://w3id.org/security/suites/ed25519-2020/v1",
                  "Ed25519Signature2018": "https://w3id.org/security/suites/ed25519-2018/v1",
                  "JsonWebSignature2020": "https://w3id.org/security/suites/jws-2020/v1",
                  "EcdsaSecp256k1Signature2019": "https://w3id.org/security/suites/secp256k1-2019/v1"}


@pytest.mark.parametrize("suite,kind", DI_CASES)
def test_data_integrity_suite_verifies_and_detects_tampering(suite, kind):
    key = new_key(kind)
    signed = sign_ldp(ob3_credential(key.did), key, suite=suite)
    report = run_verify(signed)
    assert report.verified, report.to_json()
    proof = result(report, "proof")
    assert proof.evidence["proofs"][0]["suite"] == suite
    assert outcome(report, "issuer_key") == "passed"

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
    report = run_verify(tampered)
    assert not report.verified
    assert outcome(report, "proof") == "failed"


@pytest.mark.parametrize("suite,kind", LEGACY_CASES)
def test_legacy_suite_verifies_and_detects_tampering(suite, kind):
    key = new_key(kind)
    # VCDM 1.1's context defines Ed25519Signature2018 itself; the others bring their suite context.
    # (EcdsaSecp256k1Signature2019 is found with VCDM 2.0, as Blockcerts issues it.)
    context = [VC1] + ([] if suite == "Ed25519Signature2018" else [LEGACY_CONTEXT[suite]])
    if suite == "EcdsaSecp256k1Signature2019":
        context = [VC2, LEGACY_CONTEXT[suite]]
    doc = vc11_credential(key.did, **{"@context": context})
    if context[0] == VC2:
        doc["validFrom"] = doc.pop("issuanceDate")
    signed = sign_ldp(doc, key, suite=suite)
    report = run_verify(signed)
    assert report.verified, report.to_json()
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    assert outcome(run_verify(signed), "proof") == "failed"


def test_p384_uses_sha384_canonicalization():
    """An ecdsa-rdfc-2019 P-384 proof over a graph with blank nodes (RDFC-1.0 with SHA-384)."""
    key = new_key("P-384")
    signed = sign_ldp(ob3_credential(key.did), key, suite="ecdsa-rdfc-2019")
    assert run_verify(signed).verified


def test_wrong_proof_purpose_fails():
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key, purpose="authentication")
    report = run_verify(signed)
    assert outcome(report, "proof") == "failed"
    assert "proofPurpose" in result(report, "proof").detail


def test_key_of_another_controller_fails_issuer_key_only():
    issuer, other = new_key(), new_key()
    signed = sign_ldp(ob3_credential(issuer.did), other)
    report = run_verify(signed)
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "issuer_key") == "failed"
    assert not report.verified


def test_proof_set_every_proof_must_verify():
    a, b = new_key(), new_key("P-256")
    doc = sign_ldp(ob3_credential(a.did), a)
    doc = sign_ldp({k: v for k, v in doc.items()}, b, suite="ecdsa-rdfc-2019")
    report = run_verify(doc)
    assert outcome(report, "proof") == "passed"
    assert report.verified  # b is not the issuer, but a proof by the issuer's key is enough for issuer_key
    broken = copy.deepcopy(doc)
    broken["proof"][1]["proofValue"] = broken["proof"][0]["proofValue"]
    assert outcome(run_verify(broken), "proof") == "failed"


def test_unsupported_extra_proof_is_indeterminate_not_passed():
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    doc["proof"] = [doc["proof"], {"type": "SomeProofType", "proofPurpose": "assertionMethod",
                                    "verificationMethod": key.vm, "proofValue": "z1"}]
    report = run_verify(doc)
    assert outcome(report, "proof") == "indeterminate"
    assert not report.verified


def test_proof_chain_previous_proof():
    key = new_key()
    first = sign_ldp(ob3_credential(key.did), key, proof_id="urn:uuid:proof-1")
    chained = sign_ldp(first, key, proof_id="urn:uuid:proof-2", previous=[first["proof"]])
    report = run_verify(chained)
    assert report.verified, report.to_json()
    # A chain naming a proof that is not in the set fails.
    broken = copy.deepcopy(chained)
    broken["proof"][1]["previousProof"] = "urn:uuid:missing"
    assert outcome(run_verify(broken), "proof") == "failed"


def test_expired_proof_fails():
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key, extra={"expires": "2026-02-01T00:00:00Z"})
    assert outcome(run_verify(signed), "proof") == "failed"


def test_unknown_context_is_indeterminate_and_names_url():
    key = new_key()
    url = "https://contexts.example/unknown/v1"
    doc = ob3_credential(key.did, **{"@context": [VC2, OB3, url]})
    signed = sign_ldp(ob3_credential(key.did), key)
    signed["@context"] = doc["@context"]
    report = run_verify(signed)
    proof = result(report, "proof")
    assert proof.outcome.value == "indeterminate"
    assert url in proof.detail and "contexts add" in proof.detail


def test_undefined_term_fails_in_safe_mode():
    key = new_key()
    doc = vc11_credential(key.did)
    doc["credentialSubject"]["favouriteColour"] = "blue"  # not defined by the VCDM 1.1 context
    signed = sign_ldp(vc11_credential(key.did, **{"@context": [VC1, "https://w3id.org/security/data-integrity/v2"]}),
                      key)
    signed["credentialSubject"]["favouriteColour"] = "blue"
    report = run_verify(signed)
    proof = result(report, "proof")
    assert proof.outcome.value == "failed"
    assert "favouriteColour" in proof.detail


def test_relative_id_fails_in_safe_mode():
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key)
    signed["id"] = "6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50"
    report = run_verify(signed)
    assert outcome(report, "proof") == "failed"
    assert not report.verified


# --- JWTs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,alg", [("Ed25519", "EdDSA"), ("P-256", "ES256"), ("P-384", "ES384"),
                                      ("secp256k1", "ES256K")])
def test_vc_jwt_11_each_algorithm(kind, alg):
    key = new_key(kind)
    vc = vc11_credential(key.did)
    token = sign_jwt({"iss": key.did, "sub": "did:example:learner-7", "nbf": 1767225600, "jti": vc["id"], "vc": vc},
                     key, alg=alg)
    report = run_verify(token)
    assert report.verified, report.to_json()
    assert result(report, "proof").evidence["proofs"][0]["alg"] == alg


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_vc_jwt_rsa_via_did_jwk(alg):
    key = new_key("RSA")
    vc = vc11_credential(key.did_jwk)
    token = sign_jwt({"iss": key.did_jwk, "vc": vc}, key, alg=alg, kid=key.did_jwk + "#0")
    report = run_verify(token)
    assert report.verified, report.to_json()


def test_vc_jwt_20_typ_and_payload():
    key = new_key("P-256")
    token = sign_jwt(ob3_credential(key.did), key, typ="vc+jwt")
    assert run_verify(token).verified
    untyped = sign_jwt(ob3_credential(key.did), key)
    assert outcome(run_verify(untyped), "proof") == "failed"


def test_vc_jwt_tampered_payload_fails():
    key = new_key()
    token = sign_jwt(ob3_credential(key.did), key, typ="vc+jwt")
    other = sign_jwt(ob3_credential(key.did, name="Other"), key, typ="vc+jwt")
    h, _, s = token.split(".")
    forged = ".".join([h, other.split(".")[1], s])
    assert outcome(run_verify(forged), "proof") == "failed"


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_vc_jwt_none_and_hmac_refused(alg):
    import base64
    import json

    key = new_key()

    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = f"{b64({'alg': alg, 'kid': key.vm, 'typ': 'vc+jwt'})}.{b64(ob3_credential(key.did))}.c2ln"
    report = run_verify(token)
    assert outcome(report, "proof") == "failed"
    assert not report.verified


def test_vc_jwt_alg_must_match_key_type():
    key = new_key("P-256")
    token = sign_jwt(ob3_credential(key.did), key, typ="vc+jwt")
    h, p, s = token.split(".")
    import base64
    import json
    header = {"alg": "ES384", "kid": key.vm, "typ": "vc+jwt"}
    h2 = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    assert outcome(run_verify(f"{h2}.{p}.{s}"), "proof") == "failed"


def test_vc_jwt_header_jwk_alone_is_not_trusted():
    key = new_key()
    token = sign_jwt(ob3_credential("https://college.example/issuer"), key, typ="vc+jwt", kid=None,
                     header={"jwk": key.public_jwk})
    report = run_verify(token)
    assert outcome(report, "proof") == "indeterminate"
    assert "jwk" in result(report, "proof").detail
    assert not report.verified


def test_vc_jwt_claims_must_agree():
    key = new_key()
    vc = vc11_credential(key.did)
    token = sign_jwt({"iss": key.did, "jti": "urn:uuid:something-else", "vc": vc}, key)
    report = run_verify(token)
    assert outcome(report, "parse") == "failed"
    assert "jti" in result(report, "parse").detail


# --- Presentations ----------------------------------------------------------------------------

def test_presentation_with_challenge_domain_and_enveloped_credential():
    issuer, holder = new_key("P-256"), new_key()
    vc_jwt = sign_jwt(issued_to(ob3_credential(issuer.did), holder.did), issuer, typ="vc+jwt")
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
          "verifiableCredential": [{"@context": [VC2], "type": ["EnvelopedVerifiableCredential"],
                                    "id": "data:application/vc+jwt," + vc_jwt},
                                   sign_ldp(issued_to(ob3_credential(issuer.did), holder.did), issuer,
                                            suite="ecdsa-rdfc-2019")]}
    signed = sign_ldp(vp, holder, purpose="authentication", extra={"challenge": "abc", "domain": "hr.example"})
    report = run_verify(signed, challenge="abc", domain="hr.example")
    assert report.verified, report.to_json()
    assert [c["pointer"] for c in report.credentials] == ["/verifiableCredential/0", "/verifiableCredential/1"]
    assert outcome(run_verify(signed, challenge="other"), "proof") == "failed"
    assert outcome(run_verify(signed, domain="evil.example"), "proof") == "failed"


def test_presentation_with_a_tampered_credential_is_not_verified():
    issuer, holder = new_key(), new_key()
    vc = sign_ldp(ob3_credential(issuer.did), issuer)
    vc["name"] = "Changed"
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [vc]}, holder, purpose="authentication")
    report = run_verify(vp)
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "proof", "/verifiableCredential/0") == "failed"
    assert not report.verified


def test_clr_nested_credentials_are_each_checked():
    issuer = new_key()
    inner = sign_ldp(ob3_credential(issuer.did), issuer)
    clr = {"@context": [VC2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB3],
           "type": ["VerifiableCredential", "ClrCredential"], "issuer": issuer.did,
           "validFrom": "2026-01-01T00:00:00Z", "name": "Transcript",
           "credentialSubject": {"type": ["ClrSubject"], "id": "did:example:learner-7",
                                 "verifiableCredential": [inner, "not-a-jwt"]}}
    from verifier import InputError
    with pytest.raises(InputError):
        run_verify(clr)
    clr["credentialSubject"]["verifiableCredential"] = [inner]
    report = run_verify(clr)
    # The CLR 2.0 context is not bundled (no registry package carries it): the outer proof cannot be
    # checked, but the nested credential is.
    assert outcome(report, "proof", "/credentialSubject/verifiableCredential/0") in ("passed",)


def test_selected_checks_never_drop_the_proof():
    key = new_key()
    unsigned = ob3_credential(key.did)
    report = run_verify(unsigned, checks=("validity",))
    assert outcome(report, "validity") == "passed"
    assert not report.verified
    signed = sign_ldp(ob3_credential(new_key().did), key)  # signed by a key that is not the issuer's
    assert run_verify(signed, checks=("proof",)).verified
    assert not run_verify(signed).verified


def test_issuer_taken_from_iss_is_said():
    key = new_key()
    vc = vc11_credential(key.did)
    del vc["issuer"]
    report = run_verify(sign_jwt({"iss": key.did, "vc": vc}, key))
    assert report.verified
    assert "ISSUER_FROM_JWT_ISS" in [w["code"] for w in report.warnings]


def test_holder_not_subject_fails_unless_the_caller_only_wants_a_warning():
    issuer, holder = new_key(), new_key()
    vc = sign_ldp(ob3_credential(issuer.did), issuer)  # subject did:example:learner-7
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [vc]}, holder, purpose="authentication")
    report = run_verify(vp)
    assert not report.verified
    assert [e["code"] for e in report.errors] == ["HOLDER_NOT_SUBJECT"]
    report = run_verify(vp, holder_binding="warn")
    assert report.verified
    assert [w["code"] for w in report.warnings if w["code"] == "HOLDER_NOT_SUBJECT"] == ["HOLDER_NOT_SUBJECT"]
