"""Interoperability with an independent implementation: didkit (SpruceID, Rust) issues, we verify.

didkit 0.3.3 signs VCDM 1.1 credentials (Ed25519Signature2018 Linked Data proofs, VC-JWT EdDSA) with
its own JSON-LD and JOSE stack, so agreement here is evidence beyond our own signers.
"""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import datetime, timezone

import pytest

from tests.core.credentials import vc11_credential
from tests.core.helpers import outcome, run_verify

didkit = pytest.importorskip("didkit", reason="didkit is a test extra: pip install -e '.[test]'")


def _issue(fmt: str, **changes) -> tuple[str, str]:
    async def go():
        key = didkit.generate_ed25519_key()
        did = didkit.key_to_did("key", key)
        vm = await didkit.key_to_verification_method("key", key)
        cred = vc11_credential(did, **changes)
        options = {"proofPurpose": "assertionMethod", "verificationMethod": vm, "proofFormat": fmt}
        return await didkit.issue_credential(json.dumps(cred), json.dumps(options), key), did

    return asyncio.run(go())


def _verify_now(data):
    """didkit stamps its proofs with the real clock: judge them now (a proof created later than the
    verification instant is refused, Data Integrity §2.1)."""
    return run_verify(data, now=datetime.now(timezone.utc))


def test_didkit_ldp_credential_verifies():
    signed, did = _issue("ldp")
    doc = json.loads(signed)
    assert doc["proof"]["type"] == "Ed25519Signature2018"
    report = _verify_now(doc)
    assert report.verified, report.to_json()
    assert report.credential["issuer"] == did


def test_didkit_ldp_credential_tampered_fails():
    signed, _ = _issue("ldp")
    doc = json.loads(signed)
    doc["credentialSubject"]["id"] = "did:example:mallory"
    assert outcome(run_verify(doc), "proof") == "failed"


def test_didkit_jwt_credential_verifies_and_tampering_fails():
    import base64

    token, _ = _issue("jwt")
    assert _verify_now(token).verified
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["credentialSubject"]["id"] = claims["sub"] = "did:example:mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    report = run_verify(".".join([header, forged_payload, sig]))
    assert outcome(report, "proof") == "failed"
    assert not report.verified


def test_didkit_expired_credential_fails_validity():
    signed, _ = _issue("ldp", expirationDate="2026-06-01T00:00:00Z")
    report = _verify_now(json.loads(signed))
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "validity") == "failed"
    assert not report.verified
    assert copy.deepcopy(report.to_json())["errors"][0]["code"] == "EXPIRED"
