"""Attack class: a verifier that accepts ``options.challenge`` / ``options.domain`` for a credential and
then ignores them, so a replayed credential proof passes a caller's freshness test (issue 8 section 2).

Source: W3C VC-API (verify options ``challenge``, ``domain``); VC Data Integrity 1.0 §2.1 (proof
``challenge``/``domain``) and §4.4 (they must match what the verifier expects). On
``POST /credentials/verify`` the options are compared with the credential's own proof; a JWT credential
carries them as ``nonce``/``aud``.
"""

from __future__ import annotations

import pytest

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C


async def _verify(client, credential, **options):
    resp = await client.post("/credentials/verify", json={"verifiableCredential": credential,
                                                          "options": {"requireTrustedIssuer": False, **options}})
    assert resp.status == 200
    return await resp.json()


def _proof_problem(body) -> str | None:
    return next(r.get("problem") for r in body["results"] if r["check"] == C.CHECK_PROOF)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
async def test_challenge_and_domain_are_compared_with_the_credential_proof(tmp_path, suite):
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key, suite=suite,
                      extra={"challenge": "nonce-123", "domain": "hr.example"})
    async with running(service_settings(tmp_path)) as client:
        assert (await _verify(client, signed, challenge="nonce-123", domain="hr.example"))["verified"] is True
        body = await _verify(client, signed, challenge="nonce-999")
        assert body["verified"] is False and _proof_problem(body) == C.PROBLEM_INVALID_CHALLENGE_ERROR
        body = await _verify(client, signed, domain="evil.example")
        assert body["verified"] is False and _proof_problem(body) == C.PROBLEM_INVALID_DOMAIN_ERROR


async def test_challenge_asked_of_a_proof_without_one_fails(tmp_path):
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key)
    async with running(service_settings(tmp_path)) as client:
        assert (await _verify(client, signed))["verified"] is True
        body = await _verify(client, signed, challenge="nonce-123")
        assert body["verified"] is False and _proof_problem(body) == C.PROBLEM_INVALID_CHALLENGE_ERROR


async def test_jwt_credential_binds_nonce_and_aud(tmp_path):
    key = new_key()
    token = sign_jwt(ob3_credential(key.did) | {"nonce": "nonce-123", "aud": "hr.example"}, key, typ="vc+jwt")
    async with running(service_settings(tmp_path)) as client:
        assert (await _verify(client, token, challenge="nonce-123", domain="hr.example"))["verified"] is True
        body = await _verify(client, token, challenge="other")
        assert body["verified"] is False and _proof_problem(body) == C.PROBLEM_INVALID_CHALLENGE_ERROR
        body = await _verify(client, token, domain="evil.example")
        assert body["verified"] is False and _proof_problem(body) == C.PROBLEM_INVALID_DOMAIN_ERROR
