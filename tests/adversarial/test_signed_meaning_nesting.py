"""Attack class: re-spell what nests credentials -- a presentation's ``holder`` and ``verifiableCredential``,
a CLR's nested credentials -- or re-spell inside the nested credentials themselves (issue 8 section 1).

Source: issue 8 ("It must hold for credentials, presentations (holder, verifiableCredential) and a
CLR's nested credentials alike"); VCDM 2.0 §4.13 (verifiableCredential is a @graph container); CLR 2.0
ClrSubject.verifiableCredential; Data Integrity 1.0 §4.4. Also the issue's own example on the public
DCC fixture ``v2Revoked.json``, when the shared corpus is present.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.adversarial.respell import SPELLINGS, definition, signed_bytes
from tests.adversarial.test_signed_meaning import PAST, assert_refused_by_gate, run_with_settings
from tests.adversarial.conftest import CLR_CONTEXT
from tests.conftest import vectors_or_skip
from tests.core.credentials import VC2, issued_to, ob3_credential
from tests.core.helpers import AT, outcome, result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.options import ResourceConfig


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    return tmp_path_factory.mktemp("bundle")


def presentation(holder_key, credentials: list[dict]) -> dict:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder_key.did,
          "verifiableCredential": credentials}
    return sign_ldp(vp, holder_key, purpose="authentication", extra={"challenge": "c-1", "domain": "hr.example"})


def test_presentation_written_plainly_verifies(offline):
    issuer, holder = new_key(), new_key()
    vp = presentation(holder, [sign_ldp(issued_to(ob3_credential(issuer.did), holder.did), issuer)])
    report = run_verify(vp, bundle=offline, challenge="c-1", domain="hr.example")
    assert report.verified, report.to_json()


@pytest.mark.parametrize("spelling", ["inline_alias", "absolute_iri_key", "compact_iri_key", "nest", "included"])
def test_hidden_credential_in_a_presentation_is_refused(spelling, offline):
    """The holder signs over an expired credential, then hides it from the plain reading: the presentation's
    signature still covers it, so the presentation is refused rather than judged without it."""
    issuer, holder = new_key(), new_key()
    expired = sign_ldp(ob3_credential(issuer.did, validUntil=PAST), issuer)
    vp = presentation(holder, [expired])
    if spelling == "included":  # @included merges by id: the presentation needs one
        unsigned = {k: v for k, v in vp.items() if k != "proof"} | {"id": "urn:uuid:0f5b8b3e-presentation"}
        vp = sign_ldp(unsigned, holder, purpose="authentication", extra={"challenge": "c-1", "domain": "hr.example"})
    attack = SPELLINGS[spelling](vp, "", "verifiableCredential", definition("verifiableCredential", vp), "xVc")
    assert signed_bytes(attack) == signed_bytes(vp)
    report = _verify_vp(attack, offline)
    assert report == "unreadable" or not report.verified
    if report != "unreadable":
        assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


def _verify_vp(doc, offline):
    from verifier.errors import InputError
    try:
        return run_verify(doc, bundle=offline, challenge="c-1", domain="hr.example")
    except InputError:
        return "unreadable"


def test_holder_respelled_is_refused(offline):
    issuer, holder = new_key(), new_key()
    vp = presentation(holder, [sign_ldp(ob3_credential(issuer.did), issuer)])
    attack = SPELLINGS["inline_alias"](vp, "", "holder", definition("holder", vp), "xHolder")
    assert signed_bytes(attack) == signed_bytes(vp)
    report = _verify_vp(attack, offline)
    assert report != "unreadable"
    assert not report.verified
    assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH
    assert "holder" in result(report, C.CHECK_PROOF).detail


def test_credential_alongside_a_hidden_one_is_refused(offline):
    """Two credentials are signed into the presentation; the plain reading shows only the good one."""
    issuer, holder = new_key(), new_key()
    good = sign_ldp(ob3_credential(issuer.did), issuer)
    bad = sign_ldp(ob3_credential(issuer.did, id="urn:uuid:expired-one", validUntil=PAST), issuer)
    vp = presentation(holder, [good, bad])
    attack = copy.deepcopy(vp)
    attack["@context"] = attack["@context"] + [{"xVc": {"@id": "https://www.w3.org/2018/credentials#verifiableCredential",
                                                        "@type": "@id", "@container": "@graph"}}]
    attack["verifiableCredential"] = [good]
    attack["xVc"] = [bad]
    assert signed_bytes(attack) == signed_bytes(vp)
    report = _verify_vp(attack, offline)
    assert not report.verified
    assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


def test_respelled_credential_inside_a_presentation_is_refused(offline):
    """The nested credential is itself re-spelled (its own proof covers it standalone)."""
    issuer, holder = new_key(), new_key()
    expired = sign_ldp(ob3_credential(issuer.did, validUntil=PAST), issuer)
    respelled = SPELLINGS["inline_alias"](expired, "", "validUntil", definition("validUntil", expired), "xUntil")
    vp = presentation(holder, [respelled])
    report = _verify_vp(vp, offline)
    assert not report.verified
    nested = [r for r in report.results if r.check == C.CHECK_PROOF and r.target]
    assert nested and nested[0].problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH



def clr(issuer_key, nested: list, data_dir) -> dict:
    doc = {
        "@context": [VC2, CLR_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2e1f0b9e-clr",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer_key.did, "type": ["Profile"], "name": "Example Community College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": "did:example:learner-7", "type": ["ClrSubject"], "verifiableCredential": nested},
    }
    return sign_ldp(doc, issuer_key, resources=ResourceConfig(data_dir=data_dir))


def test_clr_hiding_a_nested_credential_is_refused(clr_data_dir):
    issuer = new_key()
    expired = sign_ldp(ob3_credential(issuer.did, validUntil=PAST), issuer)
    signed = clr(issuer, [expired], clr_data_dir)
    plain = run_with_settings(signed, data_dir=clr_data_dir)
    assert not plain.verified  # the nested credential is expired
    assert outcome(plain, C.CHECK_PROOF) == "passed"
    resources = ResourceConfig(data_dir=clr_data_dir)
    attack = copy.deepcopy(signed)
    attack["@context"] = attack["@context"] + [{"xCreds": {
        "@id": "https://purl.imsglobal.org/spec/vc/clr/vocab.html#verifiableCredential", "@container": "@set"}}]
    attack["credentialSubject"]["xCreds"] = attack["credentialSubject"].pop("verifiableCredential")
    assert signed_bytes(attack, resources) == signed_bytes(signed, resources)
    report = run_with_settings(attack, data_dir=clr_data_dir)
    assert_refused_by_gate(report, "verifiableCredential")


def test_clr_nested_credential_respelled_is_refused(clr_data_dir):
    issuer = new_key()
    expired = sign_ldp(ob3_credential(issuer.did, validUntil=PAST), issuer)
    respelled = SPELLINGS["absolute_iri_key"](expired, "", "validUntil", definition("validUntil", expired))
    report = run_with_settings(clr(issuer, [respelled], clr_data_dir), data_dir=clr_data_dir)
    assert not report.verified
    nested = [r for r in report.results if r.check == C.CHECK_PROOF and r.target]
    assert nested and nested[0].problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


def test_the_issue_example_on_the_public_dcc_fixture():
    """Issue 8's reproduction: DCC verifier-core ``v2Revoked.json`` (Ed25519Signature2020, revoked) with
    ``credentialStatus`` renamed by an inline alias, judged offline from the corpus bundle."""
    vectors = vectors_or_skip()
    original = json.loads((vectors / "credentials" / "dcc-verifier-core" / "v2Revoked.json").read_text())
    attack = copy.deepcopy(original)
    attack["@context"].append({"xCredentialStatus": {"@id": "https://www.w3.org/2018/credentials#credentialStatus",
                                                     "@type": "@id"}})
    attack["xCredentialStatus"] = attack.pop("credentialStatus")
    resources = ResourceConfig(offline_bundle=vectors)
    assert signed_bytes(attack, resources) == signed_bytes(original, resources)
    report = run_verify(attack, bundle=vectors, require_trusted_issuer=False)
    assert report.verified is False and report.trusted is not True
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH
    assert "`xCredentialStatus` is `credentialStatus` under another name" in proof.detail
    assert AT.year == 2026
