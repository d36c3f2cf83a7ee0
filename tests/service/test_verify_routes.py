"""POST /credentials/verify and /presentations/verify: VC-API shapes, options, status codes, limits."""

from __future__ import annotations

import copy
import json

import pytest

from tests.core.credentials import ob3_credential
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier.checks import CHECKS

VC2 = "https://www.w3.org/ns/credentials/v2"


async def post(client, path, body, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return await client.post(path, data=data, headers={"Content-Type": "application/json", **headers})


async def test_verified_credential_answers_200_with_report(client, signed_credential):
    resp = await post(client, "/credentials/verify", {"verifiableCredential": signed_credential})
    body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is True and body["errors"] == [] and body["problemDetails"] == []
    assert [r["check"] for r in body["results"]] == list(CHECKS)  # every check, in report order
    assert body["credential"]["issuer"] == signed_credential["issuer"]["id"]
    assert body["cached"] is False and body["checkedAt"].endswith("Z")
    assert all("checkedAt" in r for r in body["results"])
    assert resp.headers["X-Request-Id"]


async def test_tampered_credential_is_200_or_422_with_prefer(client, signed_credential):
    bad = copy.deepcopy(signed_credential)
    bad["name"] = "Something else"
    resp = await post(client, "/credentials/verify", {"verifiableCredential": bad})
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is False
    assert any(e["check"] == "proof" for e in body["errors"])
    resp = await post(client, "/credentials/verify", {"verifiableCredential": bad}, Prefer="vc-api-status-codes")
    assert resp.status == 422
    assert (await resp.json())["verified"] is False


async def test_status_code_setting_gives_422(make_client, signed_credential):
    client = await make_client(vc_api_status_codes=True)
    bad = copy.deepcopy(signed_credential)
    bad["name"] = "x"
    assert (await post(client, "/credentials/verify", {"verifiableCredential": bad})).status == 422
    ok = await post(client, "/credentials/verify", {"verifiableCredential": signed_credential})
    assert ok.status == 200


async def test_checks_option_selects_the_required_checks(client):
    issuer, other = new_key(), new_key()
    signed = sign_ldp(ob3_credential(issuer.did), other)  # valid signature, wrong signer
    resp = await post(client, "/credentials/verify", {"verifiableCredential": signed})
    assert (await resp.json())["verified"] is False
    resp = await post(client, "/credentials/verify", {"verifiableCredential": signed, "options": {"checks": ["proof"]}})
    body = await resp.json()
    assert body["verified"] is True and body["errors"] == []
    assert any(w["check"] == "issuer_key" for w in body["warnings"])
    assert body["requiredChecks"] == ["proof"]
    assert body["checks"] == list(CHECKS)  # all run


async def test_required_checks_are_reported(make_client, signed_credential):
    client = await make_client()
    answers = {}
    for options in ({}, {"checks": ["status", "validity"]}, {"requireTrustedIssuer": True}):
        resp = await post(client, "/credentials/verify", {"verifiableCredential": signed_credential, "options": options})
        answers[json.dumps(options)] = await resp.json()
    assert [a["requiredChecks"] for a in answers.values()] == [
        ["parse", "proof", "issuer_key", "validity", "status"],  # the service default: LER_REQUIRE_TRUSTED_ISSUER off
        ["proof", "validity", "status"],  # a selection never drops the proof
        ["parse", "proof", "issuer_key", "validity", "status", "issuer_trust"]]
    assert all(a["checks"] == list(CHECKS) for a in answers.values())
    trusted = answers['{"requireTrustedIssuer": true}']
    assert trusted["verified"] is False and [e["check"] for e in trusted["errors"]] == ["issuer_trust"]


@pytest.mark.parametrize("options, code, pointer", [
    ({"nonsense": 1}, "UNKNOWN_OPTION_PROVIDED", "/options/nonsense"),
    ({"checks": ["proof", "astrology"]}, "INVALID_REQUEST", "/options/checks/1"),
    ({"checks": "proof"}, "INVALID_REQUEST", "/options/checks"),
    ({"challenge": 5}, "INVALID_REQUEST", "/options/challenge"),
    ({"requireTrustedIssuer": "yes"}, "INVALID_REQUEST", "/options/requireTrustedIssuer"),
    ({"requireSchema": "yes"}, "INVALID_REQUEST", "/options/requireSchema"),
    ({"requireEndorsements": 1}, "INVALID_REQUEST", "/options/requireEndorsements"),
    ([], "INVALID_REQUEST", "/options"),
])
async def test_bad_options_are_400_naming_the_field(client, signed_credential, options, code, pointer):
    resp = await post(client, "/credentials/verify", {"verifiableCredential": signed_credential, "options": options})
    body = await resp.json()
    assert resp.status == 400 and resp.content_type == "application/problem+json"
    assert body["code"] == code and body["status"] == 400
    assert pointer in [e["pointer"] for e in body["errors"]]
    assert body["requestId"] == resp.headers["X-Request-Id"]


@pytest.mark.parametrize("raw, status, code, pointer", [
    (b"{not json", 400, "PARSING_ERROR", ""),
    (b"", 400, "INVALID_REQUEST", ""),
    (b"[1, 2]", 400, "INVALID_REQUEST", ""),
    (b'{"options": {}}', 400, "INVALID_REQUEST", "/verifiableCredential"),
    (b'{"verifiableCredential": 7}', 400, "INVALID_REQUEST", "/verifiableCredential"),
    (b'{"verifiableCredential": "not-a-jwt"}', 400, "PARSING_ERROR", "/verifiableCredential"),
    (b'{"verifiableCredential": "{\\"type\\": \\"VerifiableCredential\\"}"}', 400, "PARSING_ERROR",
     "/verifiableCredential"),
    (b'{"verifiableCredential": {"foo": 1}}', 400, "PARSING_ERROR", "/verifiableCredential"),
    (b'{"verifiableCredential": {"type": ["VerifiablePresentation"], "@context": []}}', 400, "PARSING_ERROR",
     "/verifiableCredential/type"),
    (b"[" * 200 + b"]" * 200, 400, "PARSING_ERROR", ""),
    (b'{"a": NaN}', 400, "PARSING_ERROR", ""),
    (b"\xff\xfe{}", 400, "PARSING_ERROR", ""),
])
async def test_unreadable_bodies_are_400_problems(client, raw, status, code, pointer):
    resp = await post(client, "/credentials/verify", raw)
    body = await resp.json()
    assert resp.status == status, body
    assert body["code"] == code
    assert any(e["pointer"] == pointer for e in body["errors"]), body


async def test_body_over_the_limit_is_413(make_client, signed_credential):
    client = await make_client(max_body_bytes=500)
    resp = await post(client, "/credentials/verify", {"verifiableCredential": signed_credential})
    body = await resp.json()
    assert resp.status == 413 and body["code"] == "PAYLOAD_TOO_LARGE"
    assert body["errors"][0]["pointer"] == "/verifiableCredential"
    resp = await post(client, "/credentials/verify", b'{"x": "' + b"a" * 100_000 + b'"}')
    assert resp.status == 413


async def test_media_type_must_be_json(client, signed_credential):
    resp = await client.post("/credentials/verify", data=json.dumps({"verifiableCredential": signed_credential}),
                             headers={"Content-Type": "text/plain"})
    assert resp.status == 415
    assert (await resp.json())["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_jwt_credential_as_a_string(client, issuer_key):
    payload = dict(ob3_credential(issuer_key.did), issuer=issuer_key.did)
    token = sign_jwt(payload, issuer_key, typ="vc+jwt")
    resp = await post(client, "/credentials/verify", {"verifiableCredential": token})
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body


def _presentation(holder, credential, **proof_extra) -> dict:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
          "verifiableCredential": [credential]}
    return sign_ldp(vp, holder, purpose="authentication", extra=proof_extra)


async def test_presentation_with_challenge_and_domain(client, held_credential, holder_key):
    vp = _presentation(holder_key, held_credential, challenge="c-123", domain="jobs.example")
    ok = await post(client, "/presentations/verify", {"verifiablePresentation": vp,
                                                      "options": {"challenge": "c-123", "domain": "jobs.example"}})
    body = await ok.json()
    assert ok.status == 200 and body["verified"] is True, body
    assert body["credentials"][0]["pointer"] == "/verifiableCredential/0"
    bad = await post(client, "/presentations/verify", {"verifiablePresentation": vp, "options": {"challenge": "other"}},
                     Prefer="vc-api-status-codes")
    assert bad.status == 422
    assert any(e["code"] == "INVALID_CHALLENGE_ERROR" for e in (await bad.json())["errors"])


async def test_unsigned_presentation_verifies_its_credentials(client, signed_credential):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [signed_credential]}
    resp = await post(client, "/presentations/verify", {"presentation": vp})
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body
    top_proof = next(r for r in body["results"] if r["check"] == "proof" and "credential" not in r)
    assert top_proof["outcome"] == "not_applicable"
    signed_req = await post(client, "/presentations/verify", {"verifiablePresentation": vp})
    assert (await signed_req.json())["verified"] is False  # a verifiablePresentation must carry a proof


async def test_credential_at_the_presentation_route_is_400(client, signed_credential):
    resp = await post(client, "/presentations/verify", {"verifiablePresentation": signed_credential})
    assert resp.status == 400
    assert (await resp.json())["errors"][0]["pointer"] == "/verifiablePresentation/type"


async def test_both_presentation_members_is_ambiguous(client, signed_credential):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [signed_credential]}
    resp = await post(client, "/presentations/verify", {"verifiablePresentation": vp, "presentation": vp})
    problem = await resp.json()
    assert resp.status == 400 and "both" in problem["detail"], problem
    assert {e["pointer"] for e in problem["errors"]} == {"/verifiablePresentation", "/presentation"}


@pytest.mark.parametrize("options, code", [({"challenge": "c-1"}, "INVALID_CHALLENGE_ERROR"),
                                           ({"domain": "jobs.example"}, "INVALID_DOMAIN_ERROR")])
async def test_unsigned_presentation_cannot_prove_a_challenge_or_domain(client, signed_credential, options, code):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [signed_credential]}
    resp = await post(client, "/presentations/verify", {"presentation": vp, "options": options},
                      Prefer="vc-api-status-codes")
    body = await resp.json()
    assert resp.status == 422 and body["verified"] is False, body
    error = next(e for e in body["errors"] if e["code"] == code)
    assert "unsigned" in error["detail"] and "cannot prove" in error["detail"]
    assert error in body["problemDetails"]


async def test_unsigned_presentation_without_credentials_has_nothing_to_verify(client):
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"]}
    body = await (await post(client, "/presentations/verify", {"presentation": vp})).json()
    assert body["verified"] is False, body
    assert any("nothing to verify" in e["detail"] for e in body["errors"])


async def test_signed_presentation_without_challenge_warns_of_replay(client, held_credential, holder_key):
    vp = _presentation(holder_key, held_credential)
    body = await (await post(client, "/presentations/verify", {"verifiablePresentation": vp})).json()
    assert body["verified"] is True, body
    warning = next(w for w in body["warnings"] if w["code"] == "NO_CHALLENGE")
    assert "replay" in warning["detail"] and warning["type"].endswith("NO_CHALLENGE")
    vp = _presentation(holder_key, held_credential, challenge="c-9")
    body = await (await post(client, "/presentations/verify", {"verifiablePresentation": vp,
                                                               "options": {"challenge": "c-9"}})).json()
    assert body["verified"] is True and not any(w["code"] == "NO_CHALLENGE" for w in body["warnings"])


async def test_a_bad_member_of_a_presentation_is_named(client, signed_credential):
    """Issue 9 trial: the error points at the member, not at the whole presentation."""
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [signed_credential, "garbage"]}
    resp = await client.post("/presentations/verify", json={"presentation": vp})
    problem = await resp.json()
    assert resp.status == 400
    assert problem["errors"][0]["pointer"] == "/presentation/verifiableCredential/1"


async def test_unknown_top_level_member_is_refused_like_in_bulk_jobs(client, signed_credential):
    resp = await client.post("/credentials/verify", json={"verifiableCredential": signed_credential, "extra": 1})
    problem = await resp.json()
    assert resp.status == 400 and problem["errors"][0]["pointer"] == "/extra"


async def test_overlong_callback_url_is_refused(make_client, signed_credential):
    client = await make_client(callback_secret="s3cret")
    url = "https://hooks.example/" + "a" * 3000
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential, "callback_url": url})
    problem = await resp.json()
    assert resp.status == 400 and problem["errors"][0]["pointer"] == "/callback_url" and "limit" in problem["detail"]


async def test_require_schema_and_endorsements_options(client):
    """Issue 11: requireSchema adds the schema check to the required ones; requireEndorsements makes a bad
    endorsement fail the credential."""
    issuer, guild = new_key(), new_key()
    subject_id = "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50"
    unsigned = {"@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "type": ["VerifiableCredential", "EndorsementCredential"], "issuer": guild.did,
                "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": subject_id,
                                                                          "type": ["EndorsementSubject"]}}
    schema = {"id": "https://schemas.example/none.json", "type": "JsonSchema"}
    signed = sign_ldp(ob3_credential(issuer.did, endorsement=[unsigned], credentialSchema=schema), issuer)
    plain = await (await post(client, "/credentials/verify", {"verifiableCredential": signed})).json()
    assert plain["verified"] is True, plain["errors"]
    assert {w["code"] for w in plain["warnings"]} >= {"ENDORSEMENT_NOT_VERIFIED", "SCHEMA_NOT_AVAILABLE"}
    assert plain["credentials"][0]["endorsement"] is True
    for options, code in (({"requireSchema": True}, "SCHEMA_NOT_AVAILABLE"),
                          ({"requireEndorsements": True}, "ENDORSEMENT_NOT_VERIFIED")):
        body = await (await post(client, "/credentials/verify", {"verifiableCredential": signed,
                                                                 "options": options})).json()
        assert body["verified"] is False and code in {e["code"] for e in body["errors"]}
