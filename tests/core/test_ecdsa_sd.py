"""ecdsa-sd-2023 (vc-di-ecdsa 1.0 §3.4): derived proofs we make ourselves (tests/sd_signing.py), good and bad."""

from __future__ import annotations

import copy

import cbor2
import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import outcome, result, run_verify
from tests.sd_signing import b64url, derive_sd, derived_parts, sign_sd_base, with_parts
from tests.signing import new_key
from verifier import constants as C
from verifier.errors import InvalidProof
from verifier.suites.ecdsa_sd import parse_derived_proof_value

MANDATORY = ["/issuer", "/validFrom"]
SELECTIVE = ["/credentialSubject/achievement/name", "/validUntil"]


@pytest.fixture(scope="module")
def issued():
    """(key, base-signed OB 3.0 credential) with /issuer and /validFrom mandatory."""
    key = new_key("P-256")
    credential = ob3_credential(key.did, validUntil="2030-01-01T00:00:00Z")
    return key, sign_sd_base(credential, key, MANDATORY)


@pytest.fixture(scope="module")
def derived(issued):
    return derive_sd(issued[1], SELECTIVE)


def _proof_entry(report):
    return result(report, "proof").evidence["proofs"][0]


def test_derived_proof_verifies_and_lists_disclosed_statements(derived):
    report = run_verify(derived)
    assert report.verified, report.to_json()
    assert outcome(report, "issuer_key") == "passed"
    entry = _proof_entry(report)
    assert entry["suite"] == "ecdsa-sd-2023" and entry["alg"] == "ES256"
    assert "selective disclosure" in entry["detail"]
    disclosure = entry["disclosure"]
    assert disclosure["statements"] == disclosure["mandatoryCount"] + disclosure["selectiveCount"]
    assert len(disclosure["mandatory"]) == disclosure["mandatoryCount"]
    assert any('"Welding Fundamentals"' in s for s in disclosure["selective"])
    assert any("#issuer>" in s for s in disclosure["mandatory"])
    assert disclosure["properties"]["validFrom"] == "mandatory"
    assert disclosure["properties"]["validUntil"] == "selective"
    assert disclosure["properties"]["credentialStatus"] == "not disclosed"
    # undisclosed data is absent from the presented document
    assert "description" not in derived["credentialSubject"]["achievement"]
    warning = next(w for w in report.to_json()["warnings"] if w["code"] == C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE)
    assert "validUntil (selective)" in warning["detail"] and "credentialStatus (not disclosed)" in warning["detail"]


def test_only_mandatory_statements_disclosed(issued):
    report = run_verify(derive_sd(issued[1], []))
    assert outcome(report, "proof") == "passed", report.to_json()
    assert _proof_entry(report)["disclosure"]["selectiveCount"] == 0


def test_mandatory_validity_and_status_give_no_warning():
    key = new_key("P-256")
    credential = ob3_credential(key.did, validUntil="2030-01-01T00:00:00Z")
    signed = sign_sd_base(credential, key, ["/issuer", "/validFrom", "/validUntil"])
    report = run_verify(derive_sd(signed, ["/credentialSubject/achievement/name"]))
    assert report.verified
    detail = next(w["detail"] for w in report.to_json()["warnings"]
                  if w["code"] == C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE)
    assert "validUntil" not in detail and "validFrom" not in detail  # only the absent credentialStatus remains


def test_tampered_disclosed_statement_fails(derived):
    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
    report = run_verify(tampered)
    assert not report.verified and outcome(report, "proof") == "failed"
    assert "disclosed statement" in result(report, "proof").detail


def test_tampered_mandatory_statement_fails(derived):
    tampered = copy.deepcopy(derived)
    tampered["validFrom"] = "2025-01-01T00:00:00Z"
    report = run_verify(tampered)
    assert outcome(report, "proof") == "failed"
    assert "base signature" in result(report, "proof").detail


def test_wrong_statement_signature_fails(derived):
    parts = derived_parts(derived)
    signature = bytearray(parts[2][0])
    signature[10] ^= 1
    parts[2][0] = bytes(signature)
    report = run_verify(with_parts(derived, parts))
    assert outcome(report, "proof") == "failed"
    assert "signature of disclosed statement 1" in result(report, "proof").detail


def test_swapped_statement_signatures_fail(derived):
    parts = derived_parts(derived)
    parts[2][0], parts[2][1] = parts[2][1], parts[2][0]
    assert outcome(run_verify(with_parts(derived, parts)), "proof") == "failed"


def test_withheld_mandatory_statement_fails(derived):
    stripped = copy.deepcopy(derived)
    del stripped["validFrom"]
    report = run_verify(stripped)
    assert outcome(report, "proof") == "failed"


def test_base_proof_presented_fails(issued):
    report = run_verify(issued[1])
    assert not report.verified and outcome(report, "proof") == "failed"
    assert "base proof" in result(report, "proof").detail
    assert result(report, "proof").problem_code == C.PROBLEM_PROOF_VERIFICATION_ERROR


@pytest.mark.parametrize("kind", ["P-384", "Ed25519"])
def test_wrong_curve_fails(kind):
    key = new_key(kind)
    signed = sign_sd_base(ob3_credential(key.did), key, MANDATORY)
    report = run_verify(derive_sd(signed, SELECTIVE[:1]))
    assert outcome(report, "proof") == "failed"
    assert "P-256" in result(report, "proof").detail


def test_signed_by_another_key_than_named_fails(derived):
    other = new_key("P-256")
    forged = copy.deepcopy(derived)
    forged["proof"]["verificationMethod"] = other.vm
    forged["issuer"]["id"] = other.did
    assert outcome(run_verify(forged), "proof") == "failed"


def test_label_map_that_swaps_blank_nodes_fails():
    key = new_key("P-256")
    credential = ob3_credential(key.did)
    del credential["credentialSubject"]["id"]  # two blank nodes: the credential and its subject
    credential["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "identityHash": "learner-7",
                                                      "identityType": "studentId", "hashed": False}]
    signed = sign_sd_base(credential, key, MANDATORY)
    derived = derive_sd(signed, ["/credentialSubject/identifier", "/credentialSubject/achievement/name"])
    assert outcome(run_verify(derived), "proof") == "passed"
    parts = derived_parts(derived)
    labels = parts[3]
    assert len(labels) >= 2
    keys = sorted(labels)
    labels[keys[0]], labels[keys[1]] = labels[keys[1]], labels[keys[0]]
    assert outcome(run_verify(with_parts(derived, parts)), "proof") == "failed"


def _value(parts) -> str:
    return "u" + b64url(b"\xd9\x5d\x01" + cbor2.dumps(parts))


def _good_parts():
    return [b"\x01" * 64, b"\x80\x24\x02" + b"\x03" * 32, [b"\x04" * 64], {0: b"\x05" * 32}, [0]]


@pytest.mark.parametrize("mutate,reason", [
    (lambda p: p.__setitem__(0, b"\x01" * 63), "base signature"),
    (lambda p: p.__setitem__(1, b"\x81\x24\x02" + b"\x03" * 32), "P-256 multikey"),
    (lambda p: p.__setitem__(2, [b"\x04" * 65]), "64-byte"),
    (lambda p: p.__setitem__(3, {0: b"\x05" * 31}), "32-byte"),
    (lambda p: p.__setitem__(3, {0: b"\x05" * 32, 1: b"\x05" * 32}), "same signed label"),
    (lambda p: p.__setitem__(3, {"c14n0": b"\x05" * 32}), "canonical blank-node index"),
    (lambda p: p.__setitem__(4, [1, 1]), "strictly increasing"),
    (lambda p: p.__setitem__(4, [-1]), "strictly increasing"),
    (lambda p: p.__setitem__(4, ["0"]), "array of integers"),
    (lambda p: p.pop(), "five components"),
])
def test_malformed_derived_proof_values_are_refused(mutate, reason):
    assert parse_derived_proof_value(_value(_good_parts()))  # the unmutated value parses
    parts = _good_parts()
    mutate(parts)
    with pytest.raises(InvalidProof, match=reason):
        parse_derived_proof_value(_value(parts))


@pytest.mark.parametrize("value,reason", [
    ("z3Jv", "base64url-no-pad"), ("u!!!", "base64url"), ("uAAAA", "derived proof header"),
    ("u" + b64url(b"\xd9\x5d\x01\xff\xff"), "CBOR"), (123, "non-empty string"),
    ("u" + b64url(b"\xd9\x5d\x01" + cbor2.dumps(_good_parts()) + b"\x00"), "bytes after"),
    ("u" + b64url(b"\xd9\x5d\x01" + cbor2.dumps(cbor2.CBORTag(64, b"x"))), "array of five"),
])
def test_undecodable_proof_values_are_refused(value, reason):
    with pytest.raises(InvalidProof, match=reason):
        parse_derived_proof_value(value)


def test_malformed_proof_value_in_a_credential_is_a_clear_failure(derived):
    broken = copy.deepcopy(derived)
    broken["proof"]["proofValue"] = "u" + b64url(b"\xd9\x5d\x01" + b"\x85")
    report = run_verify(broken)
    assert outcome(report, "proof") == "failed"
    assert "CBOR" in result(report, "proof").detail


def test_our_holder_algorithm_reproduces_the_spec_vector():
    """tests/sd_signing.py derives, from the spec's base-proof vector and its selective pointers (vc-di-ecdsa
    Appendix A, employment authorization example), exactly the spec's derived proof: the fixtures follow the
    spec, not only our verifier."""
    import json

    from tests.conftest import vectors_or_skip
    from verifier.options import ResourceConfig

    vectors = vectors_or_skip()
    folder = vectors / "credentials" / "w3c-vc-di-ecdsa"
    base = json.loads((folder / "ecdsa-sd-2023-employment-auth-BASE-proof.json").read_text())
    expected = json.loads((folder / "ecdsa-sd-2023-employment-auth-derived.json").read_text())
    spec_selective = ["/validFrom", "/validUntil", "/credentialSubject/birthCountry"]
    ours = derive_sd(base, spec_selective, resources=ResourceConfig(offline_bundle=vectors))
    assert derived_parts(ours) == derived_parts(expected)
    assert {k: v for k, v in ours.items() if k != "proof"} == {k: v for k, v in expected.items() if k != "proof"}


def test_types_left_to_the_holder_are_warned_about():
    key = new_key("P-256")
    signed = sign_sd_base(ob3_credential(key.did), key, [])  # nothing mandatory, not even the types
    report = run_verify(derive_sd(signed, ["/issuer", "/validFrom", "/credentialSubject/achievement/name"]))
    assert outcome(report, "proof") == "passed", report.to_json()
    assert _proof_entry(report)["disclosure"]["properties"]["type"] == "selective"
    detail = next(w["detail"] for w in report.to_json()["warnings"]
                  if w["code"] == C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE)
    assert "type (selective)" in detail


def test_derived_credential_inside_a_presentation():
    from tests.core.credentials import VC2
    from tests.signing import sign_ldp

    issuer, holder = new_key("P-256"), new_key()
    credential = ob3_credential(issuer.did)
    credential["credentialSubject"]["id"] = holder.did
    derived = derive_sd(sign_sd_base(credential, issuer, MANDATORY + ["/credentialSubject/id"]),
                        ["/credentialSubject/achievement/name"])
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [derived]}, holder, purpose="authentication")
    report = run_verify(vp)
    proofs = [r for r in report.results if r.check == "proof"]
    assert len(proofs) == 2 and all(r.outcome.value == "passed" for r in proofs), report.to_json()
    nested = next(r for r in proofs if r.target)
    assert nested.evidence["proofs"][0]["suite"] == "ecdsa-sd-2023"

    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [tampered]}, holder, purpose="authentication")
    report = run_verify(vp)
    assert not report.verified
    nested = next(r for r in report.results if r.check == "proof" and r.target)
    assert nested.outcome.value == "failed"
