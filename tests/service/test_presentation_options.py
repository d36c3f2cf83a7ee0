"""Issue 11 over HTTP: holderBinding and recipient options, enveloped forms on both VC-API routes,
the unsigned presentation's report."""

from __future__ import annotations

import hashlib

import pytest

from tests.core.credentials import issued_to, ob3_credential
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier.options import Recipient, VerifyOptions
from workers.payload import options_from_json, options_to_json

VC2 = "https://www.w3.org/ns/credentials/v2"


def _vp(signer, credential) -> dict:
    return sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [credential]},
                    signer, purpose="authentication")


def _codes(problems) -> list[str]:
    return [p["code"] for p in problems if p["code"] != "TRUST_NOT_CHECKED"]


async def test_holder_binding_is_required_by_default_and_can_be_relaxed(client, held_credential):
    stranger_vp = _vp(new_key(), held_credential)
    body = await (await client.post("/presentations/verify", json={"verifiablePresentation": stranger_vp})).json()
    assert body["verified"] is False and _codes(body["errors"]) == ["HOLDER_NOT_SUBJECT"]
    assert "holder_binding" in body["requiredChecks"]
    body = await (await client.post("/presentations/verify", json={"verifiablePresentation": stranger_vp,
                                                                   "options": {"holderBinding": "warn"}})).json()
    assert body["verified"] is True and "HOLDER_NOT_SUBJECT" in _codes(body["warnings"])
    resp = await client.post("/presentations/verify", json={"verifiablePresentation": stranger_vp},
                             headers={"Prefer": "vc-api-status-codes"})
    assert resp.status == 422


async def test_the_learners_own_presentation_verifies(client, held_credential, holder_key):
    body = await (await client.post("/presentations/verify",
                                    json={"verifiablePresentation": _vp(holder_key, held_credential)})).json()
    assert body["verified"] is True, body
    binding = next(r for r in body["results"] if r["check"] == "holder_binding" and r.get("credential"))
    assert binding["outcome"] == "passed" and binding["signers"] == [holder_key.did]


async def test_unsigned_presentation_says_nothing_binds_its_credentials(client, held_credential):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [held_credential]}
    body = await (await client.post("/presentations/verify", json={"presentation": vp})).json()
    assert body["verified"] is True, body
    warning = next(w for w in body["warnings"] if w["code"] == "HOLDER_NOT_BOUND")
    assert "unsigned" in warning["detail"] and warning["credential"] == "/verifiableCredential/0"


@pytest.mark.parametrize("options, pointer", [
    ({"holderBinding": "sometimes"}, "/options/holderBinding"),
    ({"holderBinding": "warn", "checks": ["proof", "holder_binding"]}, "/options/checks"),
    ({"recipient": "learner@example.org"}, "/options/recipient"),
    ({"recipient": {"type": "fax", "value": "1"}}, "/options/recipient/type"),
    ({"recipient": {"type": "email", "value": ""}}, "/options/recipient/value"),
    ({"recipient": {"type": "email", "value": "a@b.c", "hashed": True}}, "/options/recipient"),
])
async def test_bad_presentation_options_are_400_naming_the_field(client, held_credential, options, pointer):
    resp = await client.post("/presentations/verify", json={"verifiablePresentation": _vp(new_key(), held_credential),
                                                            "options": options})
    problem = await resp.json()
    assert resp.status == 400, problem
    assert pointer in [e["pointer"] for e in problem["errors"]]


async def test_recipient_option_on_the_credential_route(client, issuer_key):
    doc = ob3_credential(issuer_key.did)
    doc["credentialSubject"].pop("id")
    digest = hashlib.sha256(b"learner@example.orgs4lt").hexdigest()
    doc["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "identityType": "emailAddress",
                                               "hashed": True, "identityHash": "sha256$" + digest, "salt": "s4lt"}]
    vc = sign_ldp(doc, issuer_key)
    for value, verified in (("Learner@Example.org", True), ("mallory@example.org", False)):
        body = await (await client.post("/credentials/verify", json={
            "verifiableCredential": vc, "options": {"recipient": {"type": "email", "value": value}}})).json()
        assert body["verified"] is verified, body
        assert "recipient" in body["requiredChecks"]
    body = await (await client.post("/credentials/verify", json={"verifiableCredential": vc})).json()
    assert body["verified"] is True and "recipient" not in body["requiredChecks"]


async def test_enveloped_forms_on_both_routes(client, issuer_key, holder_key):
    vc_jwt = sign_jwt(issued_to(ob3_credential(issuer_key.did), holder_key.did), issuer_key, typ="vc+jwt")
    evc = {"@context": VC2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + vc_jwt}
    body = await (await client.post("/credentials/verify", json={"verifiableCredential": evc})).json()
    assert body["verified"] is True, body
    vp_jwt = sign_jwt({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder_key.did, "nonce": "n-7",
                       "verifiableCredential": [evc]}, holder_key, typ="vp+jwt")
    evp = {"@context": [VC2], "type": ["EnvelopedVerifiablePresentation"], "id": "data:application/vp+jwt," + vp_jwt}
    body = await (await client.post("/presentations/verify", json={"verifiablePresentation": evp,
                                                                   "options": {"challenge": "n-7"}})).json()
    assert body["verified"] is True, body
    assert body["credentials"][0]["pointer"] == "/verifiableCredential/0"
    resp = await client.post("/presentations/verify", json={"verifiablePresentation": {**evp, "@context": []}})
    problem = await resp.json()
    assert resp.status == 400 and problem["errors"][0]["pointer"] == "/verifiablePresentation/@context", problem
    resp = await client.post("/credentials/verify", json={"verifiableCredential": evp})
    assert resp.status == 400


def test_options_reach_workers_whole():
    options = VerifyOptions(holder_binding="warn", recipient=Recipient("email", "learner@example.org"))
    assert options_from_json(options_to_json(options)) == options
    assert options.cache_key_part()["recipient"] == {"type": "email", "value": "learner@example.org"}


@pytest.mark.parametrize("options, valid", [
    ({"holderBinding": "warn"}, True),
    ({"holderBinding": "sometimes"}, False),
    ({"recipient": {"type": "url", "value": "https://learner.example/me"}}, True),
    ({"recipient": {"type": "email"}}, False),
    ({"recipient": {"type": "email", "value": "a@b.c", "salt": "x"}}, False),
])
async def test_the_openapi_document_states_the_new_options_as_the_server_reads_them(client, held_credential,
                                                                                       holder_key, options, valid):
    from jsonschema import Draft202012Validator

    from verifier.service.handlers.meta import openapi_document

    doc = openapi_document()
    body = {"verifiablePresentation": _vp(holder_key, held_credential), "options": options}
    validator = Draft202012Validator({"$ref": "#/components/schemas/VerifyPresentationRequest",
                                      "components": doc["components"]})
    assert validator.is_valid(body) is valid
    resp = await client.post("/presentations/verify", json=body)
    assert (resp.status == 200) is valid, await resp.text()
