"""Attack class: re-spellings found by a red-team pass on the signed-meaning gate (issue 8 section 1;
"new attack classes found later go there too").

1. A class the checks know by name written as its IRI (``type: [..., "https://purl.imsglobal.org/spec/vc/ob/
   vocab.html#OpenBadgeCredential"]``): the dataset is the same, but checks that compare type names (the
   Open Badges subject rule, CLR nesting, status methods) no longer see it.
2. A CLR whose ``credentialSubject`` is written as a one-element array: its nested credentials must still
   be found and judged.
3. A presentation's own ``validUntil``/``validFrom`` re-spelled: the validity check reads presentations too.

Source: Data Integrity 1.0 §4.4 (the RDF dataset is signed, not the JSON); JSON-LD 1.1 §4.3 (type values
are IRIs, written as terms or in full); VCDM 2.0 §4.9 (validity applies to presentations as to credentials).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.adversarial.respell import SPELLINGS, definition, signed_bytes
from tests.adversarial.test_signed_meaning import PAST, FUTURE, run_with_settings
from tests.adversarial.test_signed_meaning_nesting import clr
from tests.core.credentials import VC2, ob3_credential
from tests.core.helpers import result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.options import ResourceConfig

OB_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
CLR_IRI = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential"


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bundle")


def test_known_type_written_as_its_iri_is_refused(offline):
    key = new_key()
    doc = ob3_credential(key.did)
    del doc["credentialSubject"]["id"]  # issued to nobody: the Open Badges rule must see this badge
    signed = sign_ldp(doc, key)
    assert not run_verify(signed, bundle=offline).verified
    attack = copy.deepcopy(signed)
    attack["type"] = ["VerifiableCredential", OB_IRI]
    assert signed_bytes(attack) == signed_bytes(signed)
    report = run_verify(attack, bundle=offline)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH and "type" in proof.detail


@pytest.mark.parametrize("how", ["subject_array", "type_iri"])
def test_clr_nested_credentials_cannot_be_hidden(how, clr_data_dir):
    key = new_key()
    expired = sign_ldp(ob3_credential(key.did, validFrom="2019-01-01T00:00:00Z", validUntil=PAST), key)
    signed = clr(key, [expired], clr_data_dir)
    attack = copy.deepcopy(signed)
    if how == "subject_array":
        attack["credentialSubject"] = [attack["credentialSubject"]]
    else:
        attack["type"] = ["VerifiableCredential", CLR_IRI]
    resources = ResourceConfig(data_dir=clr_data_dir)
    assert signed_bytes(attack, resources) == signed_bytes(signed, resources)
    report = run_with_settings(attack, data_dir=clr_data_dir)
    assert not report.verified
    if how == "subject_array":  # readable: the nested credential is found and judged
        nested = [r for r in report.results if r.target and r.check == C.CHECK_VALIDITY]
        assert nested and nested[0].problem_code == C.PROBLEM_EXPIRED
    else:
        assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


@pytest.mark.parametrize("term, value", [("validUntil", PAST), ("validFrom", FUTURE)])
@pytest.mark.parametrize("spelling", ["inline_alias", "absolute_iri_key", "nest"])
def test_presentation_dates_cannot_be_respelled(term, value, spelling, offline):
    issuer, holder = new_key(), new_key()
    vp = {"@context": [VC2], "type": ["VerifiablePresentation", "VerifiableCredential"], "holder": holder.did,
          term: value, "verifiableCredential": [sign_ldp(ob3_credential(issuer.did), issuer)]}
    vp = sign_ldp(vp, holder, purpose="authentication", extra={"challenge": "c-1", "domain": "hr.example"})
    assert not run_verify(vp, bundle=offline, challenge="c-1", domain="hr.example").verified
    attack = SPELLINGS[spelling](vp, "", term, definition(term, vp), "xDate" if spelling != "nest" else "xNest")
    assert signed_bytes(attack) == signed_bytes(vp)
    report = run_verify(attack, bundle=offline, challenge="c-1", domain="hr.example")
    assert not report.verified
    assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH


def test_blank_node_label_as_subject_id_is_refused(offline):
    """Second red-team pass: ``"id": "_:learner"`` is relabelled away by RDFC-1.0, so adding it leaves the
    signed data unchanged while the Open Badges rule would read it as the learner's identifier."""
    key = new_key()
    doc = ob3_credential(key.did)
    del doc["credentialSubject"]["id"]
    signed = sign_ldp(doc, key)
    attack = copy.deepcopy(signed)
    attack["credentialSubject"]["id"] = "_:learner"
    assert signed_bytes(attack) == signed_bytes(signed)
    report = run_verify(attack, bundle=offline)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH and "blank-node label" in proof.detail
