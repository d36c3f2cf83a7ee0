"""Attack class: a holder of an ecdsa-sd-2023 credential presents data that no signature covers, or
re-spells a disclosed statement so that the checks read something other than what is signed.

Source: issue 11 (ecdsa-sd-2023: "the checks must read only what was disclosed and signed");
vc-di-ecdsa 1.0 §3.4.7 (every non-mandatory statement has its own signature; the signature count must
equal the statement count), Data Integrity 1.0 §4.4 and the signed-meaning gate (issue 8).

The holder has the base proof, so the holder can choose any subset of the signed statements and any
label map. What the holder must not be able to do: add a statement (an unsigned ``credentialStatus``
pointing at a list that says "not revoked", a later ``validUntil``), make the JSON show a signed
statement under another name so that a check does not see it, or merge blank nodes the issuer signed
apart. What selective disclosure cannot prevent (withholding a statement the issuer did not make
mandatory) is reported as a warning, and tested as such.
"""

from __future__ import annotations

import copy

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import outcome, result, run_verify
from tests.sd_signing import derive_sd, derived_parts, sign_sd_base, with_parts
from tests.signing import new_key
from verifier import constants as C

CRED = "https://www.w3.org/2018/credentials#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


@pytest.fixture(scope="module")
def key():
    return new_key("P-256")


def _expired_credential(key):
    """Expired on 2026-06-01 (the tests judge at 2026-11-29); validUntil disclosable at the holder's choice."""
    return sign_sd_base(ob3_credential(key.did, validUntil="2026-06-01T00:00:00Z"), key, ["/issuer", "/validFrom"])


def test_added_unsigned_credential_status_fails(key):
    derived = derive_sd(sign_sd_base(ob3_credential(key.did), key, ["/issuer"]), ["/validFrom"])
    forged = copy.deepcopy(derived)
    forged["credentialStatus"] = {"id": "https://status.example/lists/1#7", "type": "BitstringStatusListEntry",
                                  "statusPurpose": "revocation", "statusListIndex": "7",
                                  "statusListCredential": "https://status.example/lists/1"}
    report = run_verify(forged)
    assert not report.verified and outcome(report, "proof") == "failed"
    assert "non-mandatory statement" in result(report, "proof").detail


def test_added_unsigned_valid_until_fails(key):
    derived = derive_sd(_expired_credential(key), [])  # validUntil withheld
    forged = copy.deepcopy(derived)
    forged["validUntil"] = "2031-01-01T00:00:00Z"
    report = run_verify(forged)
    assert outcome(report, "proof") == "failed"


def test_replaced_valid_until_fails(key):
    derived = derive_sd(_expired_credential(key), ["/validUntil"])
    assert outcome(run_verify(derived), "validity") == "failed"  # disclosed: the expiry is seen
    forged = copy.deepcopy(derived)
    forged["validUntil"] = "2031-01-01T00:00:00Z"
    report = run_verify(forged)
    assert outcome(report, "proof") == "failed"
    assert "disclosed statement" in result(report, "proof").detail


@pytest.mark.parametrize("spelling", ["absolute-iri", "value-object-under-iri"])
def test_respelled_valid_until_is_refused(key, spelling):
    """The signed validUntil statement, written under its IRI: signatures still verify, the checks would not see it."""
    derived = derive_sd(_expired_credential(key), ["/validUntil"])
    respelled = copy.deepcopy(derived)
    value = respelled.pop("validUntil")
    if spelling == "absolute-iri":
        respelled[CRED + "validUntil"] = {"@value": value, "@type": XSD_DATETIME}
    else:
        respelled[CRED + "validUntil"] = [{"@type": XSD_DATETIME, "@value": value}]
    report = run_verify(respelled)
    assert not report.verified
    proof = result(report, "proof")
    assert proof.outcome.value == "failed"
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH, proof.detail
    assert "validUntil" in proof.detail


def test_respelled_credential_status_is_refused(key):
    status = {"id": "https://status.example/lists/1#7", "type": "BitstringStatusListEntry",
              "statusPurpose": "revocation", "statusListIndex": "7",
              "statusListCredential": "https://status.example/lists/1"}
    signed = sign_sd_base(ob3_credential(key.did, credentialStatus=status), key, ["/issuer", "/credentialStatus"])
    derived = derive_sd(signed, [])
    respelled = copy.deepcopy(derived)
    respelled[CRED + "credentialStatus"] = {"@id": respelled.pop("credentialStatus")["id"]}
    report = run_verify(respelled)
    assert not report.verified
    assert result(report, "proof").problem_code in (C.PROBLEM_SIGNED_MEANING_MISMATCH,
                                                     C.PROBLEM_PROOF_VERIFICATION_ERROR)
    assert outcome(report, "proof") == "failed"


def test_label_map_merging_blank_nodes_is_refused(key):
    """Two blank nodes mapped to one signed label would let two JSON objects stand for one signed node."""
    credential = ob3_credential(key.did)
    del credential["id"], credential["credentialSubject"]["id"]  # the credential and its subject are blank nodes
    derived = derive_sd(sign_sd_base(credential, key, ["/issuer"]), ["/credentialSubject/achievement/name"])
    parts = derived_parts(derived)
    labels = sorted(parts[3])
    assert len(labels) >= 2
    parts[3][labels[1]] = parts[3][labels[0]]
    report = run_verify(with_parts(derived, parts))
    assert outcome(report, "proof") == "failed"
    assert "same signed label" in result(report, "proof").detail


def test_label_map_missing_a_blank_node_is_refused(key):
    credential = ob3_credential(key.did)
    del credential["id"]
    derived = derive_sd(sign_sd_base(credential, key, ["/issuer"]), [])
    parts = derived_parts(derived)
    parts[3].pop(sorted(parts[3])[0])
    report = run_verify(with_parts(derived, parts))
    assert outcome(report, "proof") == "failed"
    assert "no entry for blank node" in result(report, "proof").detail


def test_mandatory_indexes_moved_fail(key):
    derived = derive_sd(sign_sd_base(ob3_credential(key.did), key, ["/issuer"]), ["/validFrom"])
    parts = derived_parts(derived)
    parts[4] = parts[4][:-1]  # declare a mandatory statement selective: it has no signature of its own
    assert outcome(run_verify(with_parts(derived, parts)), "proof") == "failed"
    parts = derived_parts(derived)
    parts[4] = parts[4] + [10_000]
    report = run_verify(with_parts(derived, parts))
    assert outcome(report, "proof") == "failed"
    assert "mandatoryIndexes" in result(report, "proof").detail


def test_withheld_status_is_reported_not_hidden(key):
    """Selective disclosure lets a holder leave out what the issuer did not make mandatory: the report says so."""
    status = {"id": "https://status.example/lists/1#7", "type": "BitstringStatusListEntry",
              "statusPurpose": "revocation", "statusListIndex": "7",
              "statusListCredential": "https://status.example/lists/1"}
    signed = sign_sd_base(ob3_credential(key.did, credentialStatus=status), key, ["/issuer", "/validFrom"])
    report = run_verify(derive_sd(signed, ["/credentialSubject/achievement/name"]))
    assert outcome(report, "status") == "not_applicable"
    proof = result(report, "proof")
    assert proof.evidence["proofs"][0]["disclosure"]["properties"]["credentialStatus"] == "not disclosed"
    warning = next(w for w in report.to_json()["warnings"] if w["code"] == C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE)
    assert "credentialStatus" in warning["detail"]


def test_proof_options_changed_fail(key):
    derived = derive_sd(sign_sd_base(ob3_credential(key.did), key, ["/issuer"]), [])
    forged = copy.deepcopy(derived)
    forged["proof"]["created"] = "2026-02-01T00:00:00Z"
    assert outcome(run_verify(forged), "proof") == "failed"
