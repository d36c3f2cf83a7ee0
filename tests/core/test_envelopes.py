"""Enveloped forms (VCDM 2.0 §4.13.1-4.13.2) and mixed versions in presentations (issue 11).

Top-level ``EnvelopedVerifiablePresentation`` / ``EnvelopedVerifiableCredential`` with ``data:`` URLs of
``application/vp+jwt``, ``application/vc+jwt`` and ``application/jwt``; enveloped credentials inside a
presentation; a VCDM 2.0 presentation carrying a VCDM 1.1 credential, each judged by its own rules.
"""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from tests.core.credentials import VC1, VC2, issued_to, ob3_credential, vc11_credential
from tests.core.helpers import AT, outcome, result, run_verify
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import InputError
from verifier import constants as C
from verifier.cli import main

ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


@pytest.fixture(scope="module")
def keys():
    return {"issuer": new_key("P-256"), "learner": new_key()}


def _vc_jwt(keys) -> str:
    return sign_jwt(issued_to(ob3_credential(keys["issuer"].did), keys["learner"].did), keys["issuer"], typ="vc+jwt")


def _evc(token: str, media: str = "application/vc+jwt", context=VC2) -> dict:
    return {"@context": context, "type": "EnvelopedVerifiableCredential", "id": f"data:{media},{token}"}


def _vp_jwt(keys, members: list, **claims) -> str:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": keys["learner"].did,
          "verifiableCredential": members, **claims}
    return sign_jwt(vp, keys["learner"], typ="vp+jwt")


def _evp(token: str, media: str = "application/vp+jwt", context=VC2) -> dict:
    return {"@context": context, "type": "EnvelopedVerifiablePresentation", "id": f"data:{media},{token}"}


@pytest.mark.parametrize("media", ["application/vp+jwt", "application/jwt"])
def test_top_level_enveloped_presentation_with_an_enveloped_credential(keys, media):
    envelope = _evp(_vp_jwt(keys, [_evc(_vc_jwt(keys))], nonce="n-1"), media)
    for expect in ("any", "presentation"):
        report = run_verify(envelope, expect=expect, challenge="n-1")
        assert report.verified, report.to_json()
    assert outcome(report, C.CHECK_PROOF) == "passed"
    assert result(report, C.CHECK_PROOF).detail.startswith("JWT EdDSA")
    assert result(report, C.CHECK_PROOF, "/verifiableCredential/0").detail.startswith("JWT ES256")
    assert outcome(report, C.CHECK_HOLDER_BINDING, "/verifiableCredential/0") == "passed"
    assert report.credential["type"] == ["VerifiablePresentation"]


@pytest.mark.parametrize("media", ["application/vc+jwt", "application/jwt"])
def test_top_level_enveloped_credential(keys, media):
    report = run_verify(_evc(_vc_jwt(keys), media), expect="credential")
    assert report.verified, report.to_json()
    assert result(report, C.CHECK_PROOF).detail.startswith("JWT ES256")
    assert report.credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_base64_data_url(keys):
    token = _vc_jwt(keys)
    encoded = base64.b64encode(token.encode()).decode()
    assert run_verify(_evc(encoded, "application/vc+jwt;base64"), expect="credential").verified


def test_envelope_of_the_wrong_kind_at_a_door_is_refused(keys):
    with pytest.raises(InputError, match="expected a verifiable credential"):
        run_verify(_evp(_vp_jwt(keys, [])), expect="credential")
    with pytest.raises(InputError, match="expected a verifiable presentation"):
        run_verify(_evc(_vc_jwt(keys)), expect="presentation")


@pytest.mark.parametrize("change, pointer, words", [
    (lambda e: e.update({"@context": []}), "/@context", "starting with"),
    (lambda e: e.update({"@context": "https://www.w3.org/ns/credentials/examples/v2"}), "/@context", "starting with"),
    (lambda e: e.pop("@context"), "/@context", "starting with"),
    (lambda e: e.update(id=e["id"].split(",", 1)[1]), "/id", "data: URL"),
    (lambda e: e.update(id=e["id"].replace("vp+jwt", "vc+jwt")), "/id", "carries a verifiable presentation"),
    (lambda e: e.update(id=e["id"].replace("application/vp+jwt", "text/plain")), "/id", "not supported"),
    (lambda e: e.update(id="data:application/vp+jwt,not-a-jwt"), "/id", "readable JWT"),
    (lambda e: e.update(type=["EnvelopedVerifiablePresentation", "EnvelopedVerifiableCredential"]), "/type", "not both"),
])
def test_malformed_envelopes_name_the_field(keys, change, pointer, words):
    envelope = _evp(_vp_jwt(keys, []))
    change(envelope)
    with pytest.raises(InputError, match=words) as info:
        run_verify(envelope)
    assert info.value.pointer == pointer


def test_enveloped_presentation_holding_a_credential_jwt_is_refused(keys):
    with pytest.raises(InputError, match="EnvelopedVerifiablePresentation of media type application/jwt carries a "
                                         "verifiable credential"):
        run_verify(_evp(_vc_jwt(keys), "application/jwt"))


def test_malformed_member_envelope_names_the_member(keys):
    with pytest.raises(InputError) as info:
        run_verify(_vp_jwt(keys, [_evc(_vc_jwt(keys)), _evc(_vc_jwt(keys), context=[])]))
    assert info.value.pointer == "/verifiableCredential/1/@context"


def test_enveloped_credential_whose_jwt_is_tampered_fails(keys):
    header, payload, signature = _vc_jwt(keys).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Changed"
    forged = ".".join([header, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature])
    report = run_verify(_evp(_vp_jwt(keys, [_evc(forged)])))
    assert not report.verified
    assert outcome(report, C.CHECK_PROOF) == "passed"
    assert outcome(report, C.CHECK_PROOF, "/verifiableCredential/0") == "failed"


# --- VCDM 2.0 presentation, VCDM 1.1 credential --------------------------------------------------

def _vc11(keys, **changes) -> dict:
    doc = vc11_credential(keys["learner_issuer"].did, **{"@context": [VC1, ED25519_2020]}, **changes)
    doc["credentialSubject"]["id"] = keys["learner"].did
    return sign_ldp(doc, keys["learner_issuer"], suite="Ed25519Signature2020")


@pytest.fixture(scope="module")
def mixed_keys(keys):
    return {**keys, "learner_issuer": new_key()}


def test_vcdm2_presentation_carrying_a_vcdm11_credential(mixed_keys):
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": mixed_keys["learner"].did,
                   "verifiableCredential": [_vc11(mixed_keys), _evc(_vc_jwt(mixed_keys))]},
                  mixed_keys["learner"], purpose="authentication")
    report = run_verify(vp)
    assert report.verified, report.to_json()
    assert "VCDM 2.0 presentation" in result(report, C.CHECK_PARSE).detail
    assert "VCDM 1.1 credential" in result(report, C.CHECK_PARSE, "/verifiableCredential/0").detail
    assert "VCDM 2.0 credential" in result(report, C.CHECK_PARSE, "/verifiableCredential/1").detail
    assert "Ed25519Signature2020" in result(report, C.CHECK_PROOF, "/verifiableCredential/0").detail


def test_a_vcdm11_credential_is_held_to_vcdm11_rules_inside_a_vcdm2_presentation(mixed_keys):
    """VCDM 1.1 requires issuanceDate (VCDM 2.0 has none): the 1.1 member fails its own parse check."""
    doc = vc11_credential(mixed_keys["learner_issuer"].did, **{"@context": [VC1, ED25519_2020]})
    del doc["issuanceDate"]
    doc["credentialSubject"]["id"] = mixed_keys["learner"].did
    vc = sign_ldp(doc, mixed_keys["learner_issuer"], suite="Ed25519Signature2020")
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [vc]},
                  mixed_keys["learner"], purpose="authentication")
    report = run_verify(vp)
    assert not report.verified
    assert outcome(report, C.CHECK_PARSE) == "passed"
    assert "issuanceDate is required by VCDM 1.1" in result(report, C.CHECK_PARSE, "/verifiableCredential/0").detail


def test_vcdm11_credential_expiry_is_judged_by_expirationDate(mixed_keys):
    expired = _vc11(mixed_keys, expirationDate="2026-06-01T00:00:00Z")
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [expired]},
                  mixed_keys["learner"], purpose="authentication")
    report = run_verify(vp)
    assert not report.verified
    assert outcome(report, C.CHECK_VALIDITY, "/verifiableCredential/0") == "failed"


# --- The command line ---------------------------------------------------------------------------

def test_cli_verifies_a_top_level_enveloped_presentation(keys, tmp_path):
    path = tmp_path / "evp.json"
    path.write_text(json.dumps(_evp(_vp_jwt(keys, [_evc(_vc_jwt(keys), "application/jwt")]), "application/jwt")))
    runner = CliRunner()
    ran = runner.invoke(main, ["verify", "--json", "--at", AT.isoformat(), str(path)])
    assert ran.exit_code == 0, ran.output
    body = json.loads(ran.output)
    assert body["verified"] is True and body["requiredChecks"][-1] == "holder_binding"
    stranger = new_key()
    path.write_text(json.dumps(_evp(sign_jwt({"@context": [VC2], "type": ["VerifiablePresentation"],
                                               "verifiableCredential": [_evc(_vc_jwt(keys))]}, stranger,
                                              typ="vp+jwt"))))
    assert runner.invoke(main, ["verify", "--at", AT.isoformat(), str(path)]).exit_code == 1
    warned = runner.invoke(main, ["verify", "--at", AT.isoformat(), "--holder-binding", "warn", str(path)])
    assert warned.exit_code == 0, warned.output
    bad = runner.invoke(main, ["verify", "--recipient", "fax:123", str(path)])
    assert bad.exit_code == 2 and "--recipient" in bad.output
