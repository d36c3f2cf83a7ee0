"""End to end over a real local HTTP server: a did:web issuer's credential, and a JWT whose ``kid`` is an
HTTPS-style controller-document URL (served on 127.0.0.1 with the test-only loopback setting)."""

from __future__ import annotations

from tests.core.credentials import ob3_credential
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import VerifyOptions, verify
from verifier.keys.multikey import multikey_from_public_key
from verifier.runtime import open_environment
from verifier.settings import load_settings

from tests.core.helpers import AT


def did_document(did: str, key, *, relationship: str = "assertionMethod") -> dict:
    vm = f"{did}#key-1"
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"], "id": did,
            "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did,
                                    "publicKeyMultibase": multikey_from_public_key(key.public)}],
            relationship: [vm]}


async def _verify(data):
    settings = load_settings(allow_insecure_loopback=True)
    async with open_environment(settings) as env:
        return await verify(data, env=env, options=VerifyOptions(now=AT))


async def test_did_web_issuer_verifies_and_key_purpose_is_enforced(server):
    key = new_key("P-256")
    did = f"did:web:{server.did_web_host}:issuers:college"
    server.json("/issuers/college/did.json", did_document(did, key))
    signed = sign_ldp(ob3_credential(did), key, suite="ecdsa-rdfc-2019", vm=f"{did}#key-1")
    report = await _verify(signed)
    assert report.verified, report.to_json()

    # The same key listed only for authentication may not sign credentials.
    other = f"did:web:{server.did_web_host}:issuers:auth-only"
    server.json("/issuers/auth-only/did.json", did_document(other, key, relationship="authentication"))
    signed = sign_ldp(ob3_credential(other), key, suite="ecdsa-rdfc-2019", vm=f"{other}#key-1")
    report = await _verify(signed)
    proof = next(r for r in report.results if r.check == "proof")
    assert proof.outcome.value == "failed" and "assertionMethod" in proof.detail


async def test_did_web_unreachable_is_indeterminate(server):
    key = new_key()
    did = f"did:web:{server.did_web_host}:nobody"
    signed = sign_ldp(ob3_credential(did), key, vm=f"{did}#key-1")
    report = await _verify(signed)
    proof = next(r for r in report.results if r.check == "proof")
    assert proof.outcome.value == "indeterminate"
    assert not report.verified


async def test_jwt_kid_controller_document_url(server):
    key = new_key("Ed25519")
    controller = f"{server.base}/issuers/7"
    vm = f"{controller}#key-1"
    server.json("/issuers/7", {"@context": ["https://www.w3.org/ns/cid/v1"], "id": controller,
                               "verificationMethod": [{"id": vm, "type": "Multikey", "controller": controller,
                                                       "publicKeyMultibase": multikey_from_public_key(key.public)}],
                               "assertionMethod": [vm]})
    token = sign_jwt(ob3_credential(controller), key, typ="vc+jwt", kid=vm)
    report = await _verify(token)
    assert report.verified, report.to_json()
