"""A report is cached no longer than its verdict holds: a proof "from the future" (a ``created`` or a JWT
``iat`` later than now) fails only until then, so neither the report nor the proof's part outlives it.

An issuer whose clock runs a few seconds ahead must not have its credential refused from the cache for
an hour. Real embedded service, its in-process cache.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_jwt, sign_ldp

KEY = new_key()
AHEAD_S = 2.0


def _ahead() -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=AHEAD_S)


def _created_ahead() -> dict:
    return sign_ldp(ob3_credential(KEY.did, id="urn:uuid:f0f0f0f0-0000-4000-8000-000000000001"), KEY,
                    created=_ahead().isoformat(timespec="seconds").replace("+00:00", "Z"))


def _iat_ahead() -> str:
    payload = ob3_credential(KEY.did, id="urn:uuid:f0f0f0f0-0000-4000-8000-000000000002") | {
        "iat": int(_ahead().timestamp()) + 1}
    return sign_jwt(payload, KEY, typ="vc+jwt")


@pytest.mark.parametrize("make", [_created_ahead, _iat_ahead], ids=["proof created", "JWT iat"])
async def test_a_proof_from_the_future_is_judged_again_once_it_is_not(tmp_path, make):
    document = make()
    body = {"verifiableCredential": document, "options": {"requireTrustedIssuer": False}}
    async with running(service_settings(tmp_path)) as client:
        first = await (await client.post("/credentials/verify", json=body)).json()
        assert first["verified"] is False and "later than now" in next(
            r for r in first["results"] if r["check"] == "proof")["detail"]
        await asyncio.sleep(AHEAD_S + 1.5)
        later = await (await client.post("/credentials/verify", json=body)).json()
    assert later["verified"] is True, later["results"]
    assert later["cached"] is False


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_proof_from_the_future_is_not_called_tampered_with(tmp_path, lang):
    """Its problem is NOT_YET_VALID: the headline and the proof's title speak of time, not of a change."""
    body = {"verifiableCredential": _created_ahead(), "options": {"requireTrustedIssuer": False}}
    async with running(service_settings(tmp_path)) as client:
        answer = await (await client.post("/credentials/verify", json=body, headers={"Accept-Language": lang})).json()
    proof = next(r for r in answer["results"] if r["check"] == "proof")
    assert proof["problem"] == "NOT_YET_VALID"
    for words in (answer["headline"], proof["title"]):
        assert not any(w in words.lower() for w in ("changed", "modific", "does not match", "no coincide")), words
