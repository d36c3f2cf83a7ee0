"""Attack class: a proof made with a key its controller has revoked or let expire (issue 8 section 2),
for example after a did:web key rotation.

Source: W3C Controlled Identifiers 1.0, §2.2.1 Verification Methods (``revoked``, ``expires``): a
method revoked at or before the proof's ``created`` (or before now without one) or expired signs
nothing. Served by a real did:web host on 127.0.0.1.
"""

from __future__ import annotations

from datetime import timedelta

from tests.core.credentials import ob3_credential
from tests.core.helpers import AT
from tests.core.test_did_web_end_to_end import _verify, did_document
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C
from verifier.timestamps import format_timestamp

CREATED = AT - timedelta(days=30)


def _proof(report):
    return next(r for r in report.results if r.check == C.CHECK_PROOF)


def _issuer(server, name: str, key, **lifecycle):
    did = f"did:web:{server.did_web_host}:{name}"
    doc = did_document(did, key)
    doc["verificationMethod"][0].update(lifecycle)
    server.json(f"/{name}/did.json", doc)
    return did


async def test_key_revoked_before_the_proof_was_made_fails(server):
    key = new_key("P-256")
    did = _issuer(server, "rotated", key, revoked=format_timestamp(CREATED - timedelta(days=1)))
    signed = sign_ldp(ob3_credential(did), key, suite="ecdsa-rdfc-2019", vm=f"{did}#key-1",
                      created=format_timestamp(CREATED))
    report = await _verify(signed)
    proof = _proof(report)
    assert not report.verified
    assert proof.outcome.value == "failed" and proof.problem_code == C.PROBLEM_INVALID_VERIFICATION_METHOD
    assert "revoked" in proof.detail


async def test_key_revoked_after_the_proof_was_made_still_verifies(server):
    """Rotation does not void what the key signed while it was current."""
    key = new_key("P-256")
    did = _issuer(server, "rotated-later", key, revoked=format_timestamp(CREATED + timedelta(days=1)))
    signed = sign_ldp(ob3_credential(did), key, suite="ecdsa-rdfc-2019", vm=f"{did}#key-1",
                      created=format_timestamp(CREATED))
    assert (await _verify(signed)).verified


async def test_revoked_key_without_created_fails(server):
    """A JWT without ``iat`` has no signing time: a key revoked before now signs nothing."""
    key = new_key("P-256")
    did = _issuer(server, "jwt-rotated", key, revoked=format_timestamp(AT - timedelta(days=1)))
    token = sign_jwt(ob3_credential(did), key, kid=f"{did}#key-1", typ="vc+jwt")
    report = await _verify(token)
    assert not report.verified
    assert _proof(report).problem_code == C.PROBLEM_INVALID_VERIFICATION_METHOD


async def test_expired_key_fails(server):
    key = new_key("Ed25519")
    did = _issuer(server, "expired", key, expires=format_timestamp(AT - timedelta(hours=1)))
    signed = sign_ldp(ob3_credential(did), key, vm=f"{did}#key-1", created=format_timestamp(CREATED))
    report = await _verify(signed)
    proof = _proof(report)
    assert not report.verified and proof.problem_code == C.PROBLEM_INVALID_VERIFICATION_METHOD
    assert "expired" in proof.detail


async def test_malformed_revoked_date_fails_closed(server):
    key = new_key("Ed25519")
    did = _issuer(server, "garbled", key, revoked="last tuesday")
    signed = sign_ldp(ob3_credential(did), key, vm=f"{did}#key-1", created=format_timestamp(CREATED))
    report = await _verify(signed)
    assert not report.verified and _proof(report).outcome.value == "failed"
