"""Self-resolving DIDs: did:key (w3c-ccg did-method-key) and did:jwk."""

from __future__ import annotations

import json

import pytest

from tests.did.keyhelp import new_key, public_jwk_of, sign
from tests.conftest import VECTORS
from verifier.did import KeyResolver, did_jwk_document, did_key_document
from verifier.errors import InvalidSignature, ResolutionError, UnsupportedCryptosuite
from verifier.keys import b64url_encode, encode_multikey, multikey_from_public_key, verify_signature
from verifier.options import ResourceConfig

SIGNING = {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"}


@pytest.fixture
def offline():
    """No network and no bundle: only self-resolving DIDs can answer."""
    return KeyResolver(resources=ResourceConfig(), fetcher=None)


@pytest.mark.parametrize("alg, prefix", [("EdDSA", "did:key:z6Mk"), ("ES256", "did:key:zDna"),
                                         ("ES384", "did:key:z82L"), ("ES256K", "did:key:zQ3s")])
async def test_did_key_each_type_resolves_and_verifies(offline, alg, prefix):
    key = new_key(alg)
    multikey = multikey_from_public_key(key.public_key())
    did = f"did:key:{multikey}"
    assert did.startswith(prefix)
    vm = await offline.resolve_verification_method(f"{did}#{multikey}")
    assert (vm.id, vm.type, vm.controller, vm.document_id) == (f"{did}#{multikey}", "Multikey", did, did)
    assert vm.relationships == SIGNING
    assert vm.public_jwk == public_jwk_of(key)
    verify_signature(vm.public_jwk, alg, b"message", sign(alg, key, b"message"))
    with pytest.raises(InvalidSignature):
        verify_signature(vm.public_jwk, alg, b"other", sign(alg, key, b"message"))


async def test_did_key_document_shape(offline):
    multikey = multikey_from_public_key(new_key("EdDSA").public_key())
    did = f"did:key:{multikey}"
    doc = await offline.resolve_did(did)
    assert doc == did_key_document(did)
    assert doc["verificationMethod"] == [{"id": f"{did}#{multikey}", "type": "Multikey", "controller": did,
                                          "publicKeyMultibase": multikey}]
    for rel in SIGNING:
        assert doc[rel] == [f"{did}#{multikey}"]
    doc["id"] = "mutated"
    assert (await offline.resolve_did(did))["id"] == did


async def test_bare_did_key_resolves_to_its_single_key(offline):
    multikey = multikey_from_public_key(new_key("ES256").public_key())
    vm = await offline.resolve_verification_method(f"did:key:{multikey}")
    assert vm.id == f"did:key:{multikey}#{multikey}"


async def test_did_key_with_another_fragment_is_not_in_the_document(offline):
    multikey = multikey_from_public_key(new_key("EdDSA").public_key())
    with pytest.raises(ResolutionError, match="is not a verification method"):
        await offline.resolve_verification_method(f"did:key:{multikey}#key-1")


@pytest.mark.parametrize("did, error", [
    ("did:key:6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", ResolutionError),  # no multibase prefix
    ("did:key:" + encode_multikey(0xED, b"\1" * 31), ResolutionError),  # Ed25519 key one byte short
    ("did:key:" + encode_multikey(0xEC, b"\1" * 32), UnsupportedCryptosuite),  # X25519 is not a signing key
    ("did:key:", ResolutionError),
    ("did:key:z6Mk/path", ResolutionError),
])
async def test_malformed_did_keys(offline, did, error):
    with pytest.raises(error):
        await offline.resolve_verification_method(did)


async def test_legacy_ed25519verificationkey2020_typed_did_key_method_has_the_same_key(offline):
    """Older did:key documents typed the method Ed25519VerificationKey2020 with the same multibase."""
    from verifier.did.document import method_from_document

    key = new_key("EdDSA")
    multikey = multikey_from_public_key(key.public_key())
    did = f"did:key:{multikey}"
    legacy = did_key_document(did)
    legacy["verificationMethod"][0]["type"] = "Ed25519VerificationKey2020"
    vm = method_from_document(legacy, f"{did}#{multikey}", from_cache=False)
    assert vm.type == "Ed25519VerificationKey2020"
    assert vm.public_jwk == (await offline.resolve_verification_method(did)).public_jwk


def _did_jwk(jwk: dict) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode())


@pytest.mark.parametrize("alg", ["ES256", "EdDSA", "ES256K", "ES384"])
async def test_did_jwk_resolves_and_verifies(offline, alg):
    key = new_key(alg)
    did = _did_jwk(public_jwk_of(key))
    vm = await offline.resolve_verification_method(f"{did}#0")
    assert (vm.id, vm.type, vm.document_id) == (f"{did}#0", "JsonWebKey2020", did)
    assert vm.relationships == SIGNING | {"keyAgreement"}
    verify_signature(vm.public_jwk, alg, b"m", sign(alg, key, b"m"))
    assert (await offline.resolve_verification_method(did)).id == f"{did}#0"  # bare did:jwk


async def test_did_jwk_use_sig_is_not_for_key_agreement(offline):
    did = _did_jwk({**public_jwk_of(new_key("ES256")), "use": "sig"})
    assert (await offline.resolve_verification_method(did)).relationships == SIGNING
    assert "keyAgreement" not in did_jwk_document(did)


async def test_did_jwk_with_private_key_is_refused(offline):
    key = new_key("ES256")
    d = key.private_numbers().private_value.to_bytes(32, "big")
    with pytest.raises(ResolutionError, match="private"):
        await offline.resolve_verification_method(_did_jwk({**public_jwk_of(key), "d": b64url_encode(d)}) + "#0")


@pytest.mark.parametrize("did", ["did:jwk:not-json", "did:jwk:" + b64url_encode(b"[1,2]"),
                                 "did:jwk:" + b64url_encode(b'{"kty":"EC"}'), "did:jwk:e30=", "did:jwk:" + "W" * 5000])
async def test_malformed_did_jwks(offline, did):
    with pytest.raises(ResolutionError):
        await offline.resolve_did(did)


async def test_did_jwk_other_fragment_refused(offline):
    with pytest.raises(ResolutionError, match="is not a verification method"):
        await offline.resolve_verification_method(_did_jwk(public_jwk_of(new_key("ES256"))) + "#1")


@pytest.mark.parametrize("vm_id, message", [
    ("did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ#key-1", "DID method ion is not supported"),
    ("did:example:123#key-1", "DID method example is not supported"),
    ("did:example:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "DID method example is not supported"),
    ("z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "neither a DID URL nor an https URL"),
    ("xxx:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "neither a DID URL nor an https URL"),
    ("did:Key:z6Mk", "is not a DID"),
    ("did:key:z6Mk?versionId=1", "paths and queries"),
    ("did:key:z6Mk#", "empty fragment"),
    ("", "is not a verification method id"),
])
async def test_unresolvable_ids(offline, vm_id, message):
    with pytest.raises(ResolutionError, match=message):
        await offline.resolve_verification_method(vm_id)


async def test_every_self_resolving_method_in_the_vector_manifest_resolves(offline):
    if not (VECTORS / "MANIFEST.json").is_file():
        pytest.skip(f"the corpus is absent at {VECTORS} (set LER_VECTORS)")
    manifest = json.loads((VECTORS / "MANIFEST.json").read_text())
    ids = {vm for entry in manifest for vm in entry.get("verification_methods") or []
           if vm.startswith(("did:key:", "did:jwk:"))}
    assert len(ids) > 40
    for vm_id in sorted(ids):
        vm = await offline.resolve_verification_method(vm_id)
        assert "assertionMethod" in vm.relationships, vm_id
