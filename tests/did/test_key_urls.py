"""HTTPS key URLs (CID 1.0 §3.3) against a real local server: controller documents and method documents."""

from __future__ import annotations

import pytest

from tests.did.keyhelp import new_key, public_jwk_of, sign
from verifier.errors import FetchError, ResolutionError
from verifier.keys import multikey_from_public_key, verify_signature


def controller_doc(doc_id: str, multikey: str, **extra) -> dict:
    doc = {"id": doc_id,
           "verificationMethod": [{"id": "#key-1", "type": "Multikey", "controller": doc_id,
                                   "publicKeyMultibase": multikey}],
           "assertionMethod": ["#key-1"]}
    doc.update(extra)
    return doc


async def test_controller_document_with_relative_method_id(server, resolver):
    key = new_key("EdDSA")
    doc_id = server.base + "/issuers/1"
    server.json("/issuers/1", controller_doc(doc_id, multikey_from_public_key(key.public_key())))
    vm = await resolver.resolve_verification_method(doc_id + "#key-1")
    assert (vm.id, vm.controller, vm.document_id) == (doc_id + "#key-1", doc_id, doc_id)
    assert vm.relationships == {"assertionMethod"}
    verify_signature(vm.public_jwk, "EdDSA", b"m", sign("EdDSA", key, b"m"))
    again = await resolver.resolve_verification_method(doc_id + "#key-1")
    assert again.from_cache and server.hits["/issuers/1"] == 1


async def test_key_is_never_taken_from_the_url_fragment(server, resolver):
    """1EdTech style ``https://issuer#z6Mk...``: the fragment is a key, but the controller does not list it."""
    listed = multikey_from_public_key(new_key("EdDSA").public_key())
    in_fragment = multikey_from_public_key(new_key("EdDSA").public_key())
    doc_id = server.base + "/issuers/2"
    server.json("/issuers/2", controller_doc(doc_id, listed))
    with pytest.raises(ResolutionError, match="is not a verification method"):
        await resolver.resolve_verification_method(f"{doc_id}#{in_fragment}")


async def test_unpublished_controller_document_is_a_fetch_error(server, resolver):
    multikey = multikey_from_public_key(new_key("EdDSA").public_key())
    with pytest.raises(FetchError, match="404"):
        await resolver.resolve_verification_method(f"{server.base}/issuers/876543#{multikey}")


async def test_controller_document_id_must_be_its_url(server, resolver):
    server.json("/issuers/3", controller_doc("https://elsewhere.example/issuers/3",
                                             multikey_from_public_key(new_key("EdDSA").public_key())))
    with pytest.raises(ResolutionError, match="has id 'https://elsewhere.example/issuers/3'"):
        await resolver.resolve_verification_method(server.base + "/issuers/3#key-1")


async def test_method_document_listed_by_its_controller(server, resolver):
    key = new_key("ES256")
    controller, method_url = server.base + "/issuers/4", server.base + "/keys/4"
    server.json("/keys/4", {"id": method_url, "type": "JsonWebKey2020", "controller": controller,
                            "publicKeyJwk": public_jwk_of(key)})
    server.json("/issuers/4", {"id": controller, "assertionMethod": [method_url]})
    vm = await resolver.resolve_verification_method(method_url)
    assert (vm.id, vm.controller, vm.document_id, vm.type) == (method_url, controller, controller, "JsonWebKey2020")
    assert vm.relationships == {"assertionMethod"}
    verify_signature(vm.public_jwk, "ES256", b"m", sign("ES256", key, b"m"))


async def test_method_document_not_listed_by_its_controller_is_refused(server, resolver):
    controller, method_url = server.base + "/issuers/5", server.base + "/keys/5"
    server.json("/keys/5", {"id": method_url, "type": "JsonWebKey2020", "controller": controller,
                            "publicKeyJwk": public_jwk_of(new_key("ES256"))})
    server.json("/issuers/5", {"id": controller, "assertionMethod": [server.base + "/keys/other"]})
    with pytest.raises(ResolutionError, match="does not list it"):
        await resolver.resolve_verification_method(method_url)


async def test_method_document_whose_controller_embeds_another_key_is_refused(server, resolver):
    controller, method_url = server.base + "/issuers/6", server.base + "/keys/6"
    server.json("/keys/6", {"id": method_url, "type": "JsonWebKey2020", "controller": controller,
                            "publicKeyJwk": public_jwk_of(new_key("ES256"))})
    server.json("/issuers/6", {"id": controller, "verificationMethod": [
        {"id": method_url, "type": "JsonWebKey2020", "controller": controller,
         "publicKeyJwk": public_jwk_of(new_key("ES256"))}]})
    with pytest.raises(ResolutionError, match="different key"):
        await resolver.resolve_verification_method(method_url)


async def test_method_document_with_a_did_controller(server, resolver):
    key = new_key("EdDSA")
    did = "did:key:" + multikey_from_public_key(new_key("EdDSA").public_key())
    method_url = server.base + "/keys/7"
    server.json("/keys/7", {"id": method_url, "type": "Multikey", "controller": did,
                            "publicKeyMultibase": multikey_from_public_key(key.public_key())})
    with pytest.raises(ResolutionError, match="does not list it"):  # a did:key lists only its own key
        await resolver.resolve_verification_method(method_url)


async def test_controller_document_without_fragment_is_not_a_key(server, resolver):
    doc_id = server.base + "/issuers/8"
    server.json("/issuers/8", controller_doc(doc_id, multikey_from_public_key(new_key("EdDSA").public_key())))
    with pytest.raises(ResolutionError, match="not a verification method"):
        await resolver.resolve_verification_method(doc_id)


async def test_plain_http_key_url_is_refused_outside_loopback_tests(resolver):
    with pytest.raises(FetchError, match="not an https URL"):
        await resolver.resolve_verification_method("http://example.org/key1.json")
