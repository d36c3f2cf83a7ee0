"""Attack class: re-spell a checked property so that the RDF-signed data stays the same but the JSON the
checks read changes (issue 8 section 1; DESIGN.md "Security rules").

Source: issue 8 ("a revoked or expired credential verifies when a property is re-spelled so that the
signed RDF stays the same"); Data Integrity 1.0 §4.4 (an RDF-canonicalised proof signs the dataset, not
the JSON); JSON-LD 1.1 §4.1 (embedded and scoped contexts), §4.4 (@nest), §4.7 (@included), §4.8
(@reverse), §4.9 (@graph); VCDM 2.0 §4.9 (validity), §4.10 (status).

Every case asserts three things: the re-spelled document's signed bytes equal the original's (the
signature still verifies, so only the gate can stop it), the verdict is not verified, and the proof
fails with SIGNED_MEANING_MISMATCH naming the property.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path

import pytest

from tests.adversarial.respell import SPELLINGS, definition, signed_bytes
from tests.core.credentials import VC1, VC2, ob3_credential, vc11_credential
from tests.core.helpers import AT, outcome, result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import VerifyOptions, constants as C, verify
from verifier.contexts.installed import install_context
from verifier.errors import InputError
from verifier.options import ResourceConfig
from verifier.runtime import open_environment
from verifier.settings import load_settings

SL2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
LEGACY_CONTEXT = {"Ed25519Signature2020": "https://w3id.org/security/suites/ed25519-2020/v1",
                  "JsonWebSignature2020": "https://w3id.org/security/suites/jws-2020/v1",
                  "EcdsaSecp256k1Signature2019": "https://w3id.org/security/suites/secp256k1-2019/v1"}
#: every RDF-canonicalised suite we verify, with a key type it uses.
RDF_SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("ecdsa-rdfc-2019", "P-384"),
              ("Ed25519Signature2020", "Ed25519"), ("Ed25519Signature2018", "Ed25519"),
              ("JsonWebSignature2020", "P-256"), ("EcdsaSecp256k1Signature2019", "secp256k1")]
PAST, FUTURE = "2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"


def base_document(suite: str, issuer: str) -> tuple[dict, dict[str, str]]:
    """An unsigned credential in the data model the suite is found with, and its date term names."""
    if suite in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019"):
        return ob3_credential(issuer), {"start": "validFrom", "end": "validUntil"}
    if suite == "EcdsaSecp256k1Signature2019":
        doc = vc11_credential(issuer, **{"@context": [VC2, LEGACY_CONTEXT[suite]]})
        doc["validFrom"] = doc.pop("issuanceDate")
        return doc, {"start": "validFrom", "end": "validUntil"}
    context = [VC1] + ([LEGACY_CONTEXT[suite]] if suite in LEGACY_CONTEXT else [])
    return vc11_credential(issuer, **{"@context": context}), {"start": "issuanceDate", "end": "expirationDate"}


def status_entry(doc: dict) -> dict:
    if doc["@context"][0] == VC2:
        return {"id": "https://status.example/lists/1#94567", "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation", "statusListIndex": "94567",
                "statusListCredential": "https://status.example/lists/1"}
    doc["@context"] = doc["@context"] + [SL2021_CONTEXT]
    return {"id": "https://status.example/lists/1#94567", "type": "StatusList2021Entry",
            "statusPurpose": "revocation", "statusListIndex": "94567",
            "statusListCredential": "https://status.example/lists/1"}


#: scenario -> (pointer of the object holding the property, property key in "start"/"end"/literal form,
#:              the check the plain document fails).
SCENARIOS = {
    "expired": ("", "end", C.CHECK_VALIDITY),
    "not_yet_valid": ("", "start", C.CHECK_VALIDITY),
    "status_hidden": ("", "credentialStatus", C.CHECK_STATUS),
    "status_index_hidden": ("/credentialStatus", "statusListIndex", C.CHECK_STATUS),
    "proof_expired": ("/proof", "expires", C.CHECK_PROOF),
}


def scenario_document(scenario: str, suite: str, kind: str) -> tuple[dict, str, str]:
    """A signed credential that does not verify because of one property, the pointer and its term."""
    key = new_key(kind)
    doc, dates = base_document(suite, key.did)
    pointer, term, _ = SCENARIOS[scenario]
    extra = None
    if scenario == "expired":
        doc[dates["end"]] = PAST
    elif scenario == "not_yet_valid":
        doc[dates["start"]] = FUTURE
    elif scenario.startswith("status"):
        doc["credentialStatus"] = status_entry(doc)
    elif scenario == "proof_expired":
        extra = {"expires": PAST}
    term = dates.get(term, term)
    return sign_ldp(doc, key, suite=suite, extra=extra), pointer, term


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Path:
    """An empty offline bundle: did:key resolves by itself, status lists are not reachable (indeterminate)."""
    return tmp_path_factory.mktemp("bundle")


def verdict(doc: dict, bundle: Path):
    """The report, or the string "unreadable" when the input is refused before any check."""
    try:
        return run_verify(doc, bundle=bundle)
    except InputError:
        return "unreadable"


def run_with_settings(doc: dict, **settings):
    async def go():
        async with open_environment(load_settings(**settings)) as env:
            return await verify(doc, env=env, options=VerifyOptions(now=AT))

    return asyncio.run(go())


def assert_refused_by_gate(report, term: str | None) -> None:
    assert report == "unreadable" or not report.verified
    if report == "unreadable":
        return
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "failed", report.to_json()
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH, report.to_json()
    if term is not None:
        assert term in proof.detail


@pytest.mark.parametrize("suite,kind", RDF_SUITES)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_plain_spelling_fails_on_its_own_check(scenario, suite, kind, offline):
    """The control: written plainly, each scenario fails its own check while the proof passes."""
    doc, _, _ = scenario_document(scenario, suite, kind)
    report = run_verify(doc, bundle=offline)
    assert not report.verified
    failing = SCENARIOS[scenario][2]
    assert outcome(report, failing) in ("failed", "indeterminate"), report.to_json()
    if failing != C.CHECK_PROOF:
        assert outcome(report, C.CHECK_PROOF) == "passed", report.to_json()


#: spellings that keep the key and value readable as they were: the checks still see the property.
READABLE = {"array_of_one"}
#: (scenario, spelling) pairs that JSON-LD cannot express with the same dataset.
NOT_EXPRESSIBLE = {("proof_expired", "included"), ("proof_expired", "reverse"), ("proof_expired", "graph_top"),
                   ("status_index_hidden", "reverse"), ("status_index_hidden", "graph_top"),
                   ("expired", "reverse"), ("not_yet_valid", "reverse"), ("proof_expired", "type_scoped"),
                   ("proof_expired", "property_scoped"), ("proof_expired", "property_scoped_term"),
                   ("expired", "property_scoped_term"), ("not_yet_valid", "property_scoped_term"),
                   ("status_hidden", "property_scoped_term")}


@pytest.mark.parametrize("suite,kind", RDF_SUITES)
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_respelled_property_never_verifies(scenario, spelling, suite, kind, offline):
    if (scenario, spelling) in NOT_EXPRESSIBLE:
        pytest.skip(f"{spelling} cannot carry {scenario}'s property with the same dataset")
    doc, pointer, term = scenario_document(scenario, suite, kind)
    respelled = SPELLINGS[spelling](doc, pointer, term, definition(term, doc), "xAlias" if spelling != "nest" else "xNest")
    assert signed_bytes(respelled) == signed_bytes(doc), "the re-spelling changed the signed data"
    report = verdict(respelled, offline)
    if spelling in READABLE:
        assert report == "unreadable" or not report.verified
    elif spelling == "value_object" and report != "unreadable" and outcome(report, C.CHECK_PROOF) == "failed" \
            and result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR:
        assert not report.verified  # proof options are read before the signature: a value object is malformed
    else:
        # graph_top moves the whole node and type_scoped adds a type name: the first difference found is
        # the node's id or type, not the property.
        # property_scoped_term renames the parent too, which is found first.
        assert_refused_by_gate(report, None if spelling in ("graph_top", "type_scoped", "property_scoped_term")
                               else term)


@pytest.mark.parametrize("suite,kind", RDF_SUITES)
def test_plainly_written_credentials_still_verify(suite, kind, offline):
    """Written the plain way, every suite verifies exactly as before (status-free, within its period)."""
    key = new_key(kind)
    doc, dates = base_document(suite, key.did)
    doc[dates["end"]] = FUTURE
    signed = sign_ldp(doc, key, suite=suite, extra={"expires": FUTURE})
    report = run_verify(signed, bundle=offline)
    assert report.verified, report.to_json()
    assert outcome(report, C.CHECK_PROOF) == "passed"


def test_an_unused_alias_changes_nothing(offline):
    """An inline context that defines an alias but does not use it: same meaning, same JSON reading."""
    key = new_key()
    doc = ob3_credential(key.did)
    doc["@context"] = doc["@context"] + [{"xCredentialStatus": {"@id": "https://www.w3.org/2018/credentials#credentialStatus",
                                                                 "@type": "@id"}}]
    assert run_verify(sign_ldp(doc, key), bundle=offline).verified


def test_the_issue_example_names_the_alias(offline):
    """The exact attack of issue 8: an inline alias xCredentialStatus; the reason names it."""
    key = new_key()
    doc = ob3_credential(key.did)
    doc["credentialStatus"] = status_entry(doc)
    signed = sign_ldp(doc, key)
    attack = copy.deepcopy(signed)
    attack["@context"].append({"xCredentialStatus": {"@id": "https://www.w3.org/2018/credentials#credentialStatus",
                                                     "@type": "@id"}})
    attack["xCredentialStatus"] = attack.pop("credentialStatus")
    assert signed_bytes(attack) == signed_bytes(signed)
    report = run_verify(attack, bundle=offline)
    assert not report.verified and report.trusted is not True
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH
    assert "`xCredentialStatus` is `credentialStatus` under another name" in proof.detail
    assert report.errors[0]["code"] == C.PROBLEM_SIGNED_MEANING_MISMATCH


def test_operator_installed_context_alias(tmp_path):
    """The alias comes from a context the operator installed (``ler-verifier contexts add``)."""
    url = "https://contexts.example/aliases/v1"
    source = tmp_path / "aliases.json"
    source.write_text(json.dumps({"@context": {"xValidUntil": {
        "@id": "https://www.w3.org/2018/credentials#validUntil",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}}))
    data_dir = tmp_path / "data"
    install_context(url, source, data_dir)
    key = new_key()
    doc = ob3_credential(key.did, validUntil=PAST)
    doc["@context"] = doc["@context"] + [url]
    resources = ResourceConfig(data_dir=data_dir)
    signed = sign_ldp(doc, key, resources=resources)
    attack = copy.deepcopy(signed)
    attack["xValidUntil"] = attack.pop("validUntil")
    assert signed_bytes(attack, resources) == signed_bytes(signed, resources)
    report = run_with_settings(attack, data_dir=data_dir)
    assert_refused_by_gate(report, "validUntil")
    assert "`xValidUntil` is `validUntil` under another name" in result(report, C.CHECK_PROOF).detail


def test_type_names_respelled_are_refused(offline):
    """``type`` written with an inline alias of OpenBadgeCredential: the JSON shows no OpenBadgeCredential
    (which the trust registry authorises by name), and the signed type has no plain name in the JSON."""
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key)
    attack = copy.deepcopy(signed)
    attack["@context"].append({"XBadge": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"})
    attack["type"] = ["VerifiableCredential", "XBadge"]
    assert signed_bytes(attack) == signed_bytes(signed)
    assert_refused_by_gate(run_verify(attack, bundle=offline), "type")


def test_subject_id_written_with_at_id_is_refused(offline):
    """``credentialSubject.id`` spelled ``@id``: the JSON subject has no id for holder binding to read."""
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key)
    attack = copy.deepcopy(signed)
    attack["credentialSubject"]["@id"] = attack["credentialSubject"].pop("id")
    assert signed_bytes(attack) == signed_bytes(signed)
    assert_refused_by_gate(run_verify(attack, bundle=offline), "id")


def test_issuer_written_as_absolute_iri_is_refused(offline):
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key)
    attack = copy.deepcopy(signed)
    attack["https://www.w3.org/2018/credentials#issuer"] = attack.pop("issuer")
    assert signed_bytes(attack) == signed_bytes(signed)
    report = verdict(attack, offline)
    assert report == "unreadable" or not report.verified
    if report != "unreadable":
        assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


def test_issuer_key_binding_cannot_be_moved(offline):
    """A credential naming issuer B (plain) but signed by A keeps failing issuer_key when re-spelled."""
    signer, other = new_key(), new_key()
    signed = sign_ldp(ob3_credential(other.did), signer)
    assert outcome(run_verify(signed, bundle=offline), C.CHECK_ISSUER_KEY) == "failed"
    attack = SPELLINGS["inline_alias"](signed, "", "issuer", definition("issuer", signed), "xIssuer")
    attack["issuer"] = {"id": signer.did}  # a plain issuer the JSON shows: an added triple, so the proof fails
    report = run_verify(attack, bundle=offline)
    assert not report.verified
    assert outcome(report, C.CHECK_PROOF) == "failed"


def test_credential_schema_respelled_is_refused(offline):
    key = new_key()
    doc = ob3_credential(key.did, credentialSchema=[{
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        "type": "JsonSchema"}])
    signed = sign_ldp(doc, key)
    attack = SPELLINGS["inline_alias"](signed, "", "credentialSchema", definition("credentialSchema", signed), "xSchema")
    assert signed_bytes(attack) == signed_bytes(signed)
    assert_refused_by_gate(run_verify(attack, bundle=offline), "credentialSchema")
