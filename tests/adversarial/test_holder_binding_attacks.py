"""Attack class: presenting someone else's credential (issue 11, "Holder binding").

Mallory copied Alice's credential (its subject is Alice's DID) and presents it to an employer as her
own. The signatures are all genuine: the issuer's over the credential, Mallory's over the presentation.
Before issue 11 such a presentation verified, without even a warning when ``holder`` was absent.

Each case below tries to make the ``holder_binding`` check (``verifier.checks.holder_binding``) see
something other than what is signed, or see a signer other than the real one:

* hide the subject's id from the plain reading while keeping the signed data (``"@id"``, an inline alias
  of ``@id``): the credential's signed-meaning gate refuses it (``SIGNED_MEANING_MISMATCH``);
* re-spell the presentation's ``holder``: its gate refuses it;
* name Alice's DID in the ``verificationMethod`` string while the key is Mallory's: the key is what is
  resolved, and a method whose controller is not the document listing it is refused (Controlled
  Identifiers 1.0 §3.3), so the signer is never taken from the string;
* a VP-JWT whose ``iss`` / ``holder`` name Alice while Mallory's key (``kid``) signs it;
* an enveloped credential with a decoy ``credentialSubject`` beside its ``data:`` URL, or whose JWT
  ``sub`` names someone else than its ``credentialSubject.id``;
* a JCS-signed credential whose issuer wrote the subject as ``"@id"``.

Sources: VCDM 2.0 §4.13 and appendix "Subject-Holder Relationships"; VC-JOSE-COSE §3.1.2 (``iss`` of a
VP-JWT is the holder); VC-JWT 1.1 §6.3.1 (``sub`` is ``credentialSubject.id``); Data Integrity §2.1
(``authentication``); OWF credo-ts "credentialSubjectAuthentication" (the corpus vector
``jwt-vp11-eddsa-didkey-transmute-holder-not-subject``).
"""

from __future__ import annotations

import copy

import pytest

from tests.adversarial.respell import signed_bytes
from tests.core.credentials import VC1, VC2, issued_to, ob3_credential, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C

VC_AT = "/verifiableCredential/0"


@pytest.fixture(scope="module")
def parties():
    return {"issuer": new_key(), "alice": new_key(), "mallory": new_key()}


def _alices_credential(parties, suite: str = "eddsa-rdfc-2022") -> dict:
    return sign_ldp(issued_to(ob3_credential(parties["issuer"].did), parties["alice"].did), parties["issuer"],
                    suite=suite)


def _vp(signer, credentials, *, holder=None, vm=None, context=None) -> dict:
    vp = {"@context": context or [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": credentials}
    if holder:
        vp["holder"] = holder
    return sign_ldp(vp, signer, purpose="authentication", vm=vm)


def _binding(report, target=VC_AT):
    return result(report, C.CHECK_HOLDER_BINDING, target)


async def test_baseline_alice_verifies_and_mallory_fails(verify_vp, parties):
    vc = _alices_credential(parties)
    assert (await verify_vp(_vp(parties["alice"], [vc]))).verified
    report = await verify_vp(_vp(parties["mallory"], [vc]))
    assert not report.verified and _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SUBJECT


@pytest.mark.parametrize("spelling", ["at_id", "alias_of_at_id"])
async def test_subject_id_hidden_from_the_plain_reading(verify_vp, parties, spelling):
    """Same RDF, so the issuer's signature still covers it; the JSON key ``id`` is gone, so a check reading
    ``credentialSubject.id`` would see a subject without id (``not_applicable``) and let Mallory pass."""
    vc = _alices_credential(parties)
    hidden = copy.deepcopy(vc)
    subject = hidden["credentialSubject"]
    if spelling == "at_id":
        subject["@id"] = subject.pop("id")
    else:
        hidden["@context"] = hidden["@context"] + [{"learnerId": "@id"}]
        subject["learnerId"] = subject.pop("id")
    assert signed_bytes(hidden) == signed_bytes(vc)
    report = await verify_vp(_vp(parties["mallory"], [hidden]))
    assert not report.verified
    proof = result(report, C.CHECK_PROOF, VC_AT)
    assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_SIGNED_MEANING_MISMATCH), proof.to_json()
    assert _binding(report).outcome.value == "indeterminate"


async def test_subject_written_as_at_id_under_a_jcs_proof_is_still_read(verify_vp, parties):
    """eddsa-jcs-2022 signs the JSON bytes: an issuer that wrote ``"@id"`` signed that; it is read as the id."""
    doc = issued_to(ob3_credential(parties["issuer"].did), parties["alice"].did)
    doc["credentialSubject"]["@id"] = doc["credentialSubject"].pop("id")
    vc = sign_ldp(doc, parties["issuer"], suite="eddsa-jcs-2022")
    report = await verify_vp(_vp(parties["mallory"], [vc]))
    assert not report.verified
    assert _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SUBJECT


async def test_respelled_holder_is_refused(verify_vp, parties):
    """Mallory's presentation states its holder under an inline alias of ``holder``."""
    vp = {"@context": [VC2, {"presenter": {"@id": "https://www.w3.org/2018/credentials#holder", "@type": "@id"}}],
          "type": ["VerifiablePresentation"], "presenter": parties["alice"].did,
          "verifiableCredential": [_alices_credential(parties)]}
    report = await verify_vp(sign_ldp(vp, parties["mallory"], purpose="authentication"))
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_SIGNED_MEANING_MISMATCH and "holder" in proof.detail
    assert _binding(report).outcome.value == "indeterminate"


async def test_alices_verification_method_string_with_mallorys_key(verify_vp, parties):
    vp = _vp(parties["mallory"], [_alices_credential(parties)], holder=parties["alice"].did, vm=parties["alice"].vm)
    report = await verify_vp(vp)
    assert not report.verified
    assert result(report, C.CHECK_PROOF).outcome.value == "failed"  # Alice's key does not verify Mallory's signature
    assert _binding(report).outcome.value == "indeterminate"


async def test_fragment_of_mallorys_key_on_alices_did(verify_vp, parties):
    vm = parties["alice"].did + "#" + parties["mallory"].did.split(":")[-1]
    report = await verify_vp(_vp(parties["mallory"], [_alices_credential(parties)], holder=parties["alice"].did, vm=vm))
    assert not report.verified
    assert result(report, C.CHECK_PROOF).outcome.value in ("failed", "indeterminate")
    assert _binding(report).outcome.value == "indeterminate"


async def test_alices_did_web_document_listing_a_key_controlled_by_mallory(verify_vp, publish_did_web, parties):
    """Alice's DID document (did:web) lists Mallory's key under ``authentication``, with Mallory as its
    controller: the method's controller is not the document that lists it, so the key signs nothing."""
    mallory_did = parties["mallory"].did

    def controlled_by_mallory(document):
        document["verificationMethod"][0]["controller"] = mallory_did

    alice_web = publish_did_web("alice-hb", parties["mallory"], relationship="authentication",
                                edit=controlled_by_mallory)
    vc = sign_ldp(issued_to(ob3_credential(parties["issuer"].did), alice_web), parties["issuer"])
    report = await verify_vp(_vp(parties["mallory"], [vc], holder=alice_web, vm=f"{alice_web}#key-1"))
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "indeterminate" and "controller" in proof.detail, proof.to_json()
    assert _binding(report).outcome.value == "indeterminate"


async def test_did_web_subject_presented_with_its_own_key_verifies(verify_vp, publish_did_web, parties):
    learner = new_key()
    did = publish_did_web("learner-hb", learner, relationship="authentication")
    vc = sign_ldp(issued_to(ob3_credential(parties["issuer"].did), did), parties["issuer"])
    report = await verify_vp(_vp(learner, [vc], holder=did, vm=f"{did}#key-1"))
    assert report.verified, report.to_json()
    assert _binding(report).evidence["signers"] == [did]


# --- VP-JWT: iss, holder and kid ----------------------------------------------------------------

def _vc_jwt(parties, subject: str) -> str:
    return sign_jwt(issued_to(ob3_credential(parties["issuer"].did), subject), parties["issuer"], typ="vc+jwt")


def _enveloped(token: str, **decoy) -> dict:
    return {"@context": VC2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + token,
            **decoy}


async def test_vcdm2_vp_jwt_naming_alice_as_iss_and_holder_signed_with_mallorys_kid(verify_vp, parties):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": parties["alice"].did,
          "iss": parties["alice"].did, "verifiableCredential": [_enveloped(_vc_jwt(parties, parties["alice"].did))]}
    token = sign_jwt(vp, parties["mallory"], typ="vp+jwt", kid=parties["mallory"].vm)
    report = await verify_vp(token)
    assert not report.verified
    assert result(report, C.CHECK_PROOF).outcome.value == "passed"  # Mallory's key, Mallory's signature
    assert _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SIGNER
    assert result(report, C.CHECK_ISSUER_KEY).outcome.value == "failed"


async def test_vcdm2_vp_jwt_iss_and_holder_disagree(verify_vp, parties):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": parties["alice"].did,
          "iss": parties["mallory"].did, "verifiableCredential": [_enveloped(_vc_jwt(parties, parties["alice"].did))]}
    report = await verify_vp(sign_jwt(vp, parties["mallory"], typ="vp+jwt"))
    assert not report.verified
    assert result(report, C.CHECK_PARSE).outcome.value == "failed"  # iss must be the holder (VC-JOSE-COSE §3.1.2)
    assert _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SIGNER


@pytest.mark.parametrize("holder_in_vp", [True, False])
async def test_vc_jwt_11_vp_naming_alice(verify_vp, parties, holder_in_vp):
    """VC-JWT 1.1: ``iss`` is the holder when the vp claim has none; either way Mallory's kid signs."""
    vp = {"@context": [VC1], "type": ["VerifiablePresentation"], "verifiableCredential": [
        sign_jwt({"iss": parties["issuer"].did, "sub": parties["alice"].did,
                  "vc": vc11_credential(parties["issuer"].did, credentialSubject={})}, parties["issuer"])]}
    if holder_in_vp:
        vp["holder"] = parties["alice"].did
    claims = {"iss": parties["mallory"].did if holder_in_vp else parties["alice"].did, "vp": vp}
    report = await verify_vp(sign_jwt(claims, parties["mallory"], kid=parties["mallory"].vm))
    assert not report.verified
    assert _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SIGNER


async def test_enveloped_credential_with_a_decoy_subject_beside_it(verify_vp, parties):
    """The envelope object says Mallory; the JWT inside (what is signed) says Alice. The JWT is what is read."""
    decoy = {"credentialSubject": {"id": parties["mallory"].did}}
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": parties["mallory"].did,
          "verifiableCredential": [_enveloped(_vc_jwt(parties, parties["alice"].did), **decoy)]}
    report = await verify_vp(sign_jwt(vp, parties["mallory"], typ="vp+jwt"))
    assert not report.verified
    binding = _binding(report)
    assert binding.problem_code == C.PROBLEM_HOLDER_NOT_SUBJECT and binding.evidence["subjects"] == [
        parties["alice"].did]


async def test_inner_jwt_sub_differs_from_its_credential_subject(verify_vp, parties):
    """VC-JWT 1.1: ``sub`` must be ``credentialSubject.id``; a JWT whose claims disagree fails its parse check,
    whichever of the two a reader would take."""
    inner = sign_jwt({"iss": parties["issuer"].did, "sub": parties["mallory"].did,
                      "vc": vc11_credential(parties["issuer"].did, credentialSubject={"id": parties["alice"].did})},
                     parties["issuer"])
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": parties["mallory"].did,
          "verifiableCredential": [{"@context": VC2, "type": "EnvelopedVerifiableCredential",
                                    "id": "data:application/jwt," + inner}]}
    report = await verify_vp(sign_jwt(vp, parties["mallory"], typ="vp+jwt"))
    assert not report.verified
    assert result(report, C.CHECK_PARSE, VC_AT).outcome.value == "failed"
    assert _binding(report).problem_code == C.PROBLEM_HOLDER_NOT_SUBJECT
