"""did:web against a real local server (did:web:127.0.0.1%3A<port>, read over http under the loopback test
setting), its URL rules, document checks and the per-process cache."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from tests.did.keyhelp import new_key, sign
from verifier.did import KeyResolver, did_web_url
from verifier.errors import FetchError, ResolutionError
from verifier.fetch import Fetcher
from verifier.keys import multikey_from_public_key, verify_signature
from verifier.options import ResourceConfig


def did_doc(did: str, multikey: str, **extra) -> dict:
    """A DCC-style DID document: Multikey without the Multikey context, relative and absolute references."""
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/data-integrity/v1"],
        "id": did,
        "verificationMethod": [{"id": f"{did}#key-1", "type": "Multikey", "controller": did,
                                "publicKeyMultibase": multikey}],
        "assertionMethod": ["#key-1"],
        "authentication": [f"{did}#key-1"],
    }
    doc.update(extra)
    return doc


@pytest.mark.parametrize("did, url", [
    ("did:web:example.com", "https://example.com/.well-known/did.json"),
    ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
    ("did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
    ("did:web:example.com%3A8443:a:b", "https://example.com:8443/a/b/did.json"),
    ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
    ("did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf",
     "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"),
    ("did:web:example.com:caf%C3%A9", "https://example.com/caf%C3%A9/did.json"),
])
def test_did_web_url(did, url):
    assert did_web_url(did) == url


def test_did_web_url_loopback_http_only_under_the_test_setting():
    assert did_web_url("did:web:127.0.0.1%3A8080") == "https://127.0.0.1:8080/.well-known/did.json"
    assert did_web_url("did:web:127.0.0.1%3A8080:u", allow_insecure_loopback=True) == "http://127.0.0.1:8080/u/did.json"
    assert did_web_url("did:web:example.com", allow_insecure_loopback=True).startswith("https://")


@pytest.mark.parametrize("did", [
    "did:web:example.com:..", "did:web:example.com:.", "did:web:example.com::x", "did:web:example.com:a%2Fb",
    "did:web:example.com:a%3Fb", "did:web:example.com%2Fpath", "did:web:example.com%3A0", "did:web:example.com%3A70000",
    "did:web:user%40example.com", "did:web:-bad.example", "did:web:exa_mple.com", "did:web:example.com:a%20b",
    "did:key:example.com", "did:web:" + "a." * 130 + "com", "did:web:" + "a" * 64 + ".com",
])
def test_did_web_url_refuses_unsafe_identifiers(did):
    with pytest.raises(ResolutionError):
        did_web_url(did)


async def test_did_web_with_port_resolves_and_verifies(server, resolver):
    key = new_key("ES256")
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(key.public_key())))
    vm = await resolver.resolve_verification_method(f"{did}#key-1")
    assert (vm.id, vm.type, vm.controller, vm.document_id) == (f"{did}#key-1", "Multikey", did, did)
    assert vm.relationships == {"assertionMethod", "authentication"}
    assert vm.from_cache is False
    verify_signature(vm.public_jwk, "ES256", b"m", sign("ES256", key, b"m"))
    assert (await resolver.resolve_did(did))["id"] == did


async def test_did_web_with_path(server, resolver):
    key = new_key("EdDSA")
    did = f"did:web:{server.did_web_host}:user:alice"
    server.json("/user/alice/did.json", did_doc(did, multikey_from_public_key(key.public_key())))
    vm = await resolver.resolve_verification_method(f"{did}#key-1")
    verify_signature(vm.public_jwk, "EdDSA", b"m", sign("EdDSA", key, b"m"))
    assert server.hits["/user/alice/did.json"] == 1


async def test_document_id_mismatch_is_refused(server, resolver):
    did = f"did:web:{server.did_web_host}"
    other = "did:web:evil.example"
    server.json("/.well-known/did.json", did_doc(other, multikey_from_public_key(new_key("EdDSA").public_key())))
    with pytest.raises(ResolutionError, match="has id 'did:web:evil.example'"):
        await resolver.resolve_did(did)


async def test_method_controlled_by_another_identifier_is_refused(server, resolver):
    did = f"did:web:{server.did_web_host}"
    doc = did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key()))
    doc["verificationMethod"][0]["controller"] = "did:web:someone.else"
    server.json("/.well-known/did.json", doc)
    with pytest.raises(ResolutionError, match="names controller"):
        await resolver.resolve_verification_method(f"{did}#key-1")


async def test_two_methods_with_one_id_are_refused(server, resolver):
    did = f"did:web:{server.did_web_host}"
    doc = did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key()))
    doc["assertionMethod"] = [{**doc["verificationMethod"][0],
                               "publicKeyMultibase": multikey_from_public_key(new_key("EdDSA").public_key())}]
    server.json("/.well-known/did.json", doc)
    with pytest.raises(ResolutionError, match="different verification methods"):
        await resolver.resolve_verification_method(f"{did}#key-1")


async def test_embedded_and_listed_copies_of_one_method_are_fine(server, resolver):
    """DCC multikey documents repeat the same method object under assertionMethod and verificationMethod."""
    did = f"did:web:{server.did_web_host}"
    doc = did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key()))
    doc["assertionMethod"] = [dict(doc["verificationMethod"][0])]
    server.json("/.well-known/did.json", doc)
    vm = await resolver.resolve_verification_method(f"{did}#key-1")
    assert "assertionMethod" in vm.relationships


async def test_method_missing_from_the_document(server, resolver):
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key())))
    with pytest.raises(ResolutionError, match="is not a verification method"):
        await resolver.resolve_verification_method(f"{did}#key-2")
    with pytest.raises(ResolutionError, match="no #fragment"):
        await resolver.resolve_verification_method(did)


@pytest.mark.parametrize("status", [404, 500])
async def test_error_statuses_are_fetch_errors(server, resolver, status):
    server.json("/.well-known/did.json", {"error": "x"}, status=status)
    with pytest.raises(FetchError, match=str(status)):
        await resolver.resolve_did(f"did:web:{server.did_web_host}")


async def test_html_answer_is_a_fetch_error(server, resolver):
    async def handler(_request):
        return web.Response(text="<html>moved</html>", content_type="text/html")

    server.route("/.well-known/did.json", handler)
    with pytest.raises(FetchError, match="did not answer with JSON"):
        await resolver.resolve_did(f"did:web:{server.did_web_host}")


async def test_non_object_document_is_refused(server, resolver):
    server.json("/.well-known/did.json", ["not", "an", "object"])
    with pytest.raises(ResolutionError, match="not a JSON object"):
        await resolver.resolve_did(f"did:web:{server.did_web_host}")


async def test_oversized_document_is_a_fetch_error(server):
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, "z6Mk", padding="x" * 5000))
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        resolver = KeyResolver(resources=ResourceConfig(allow_insecure_loopback=True), fetcher=fetcher)
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            await resolver.resolve_did(did)


async def test_slow_server_is_a_fetch_error(server):
    async def handler(_request):
        await asyncio.sleep(3)
        return web.json_response({})

    server.route("/.well-known/did.json", handler)
    async with Fetcher(timeout_s=0.2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        resolver = KeyResolver(resources=ResourceConfig(allow_insecure_loopback=True), fetcher=fetcher)
        with pytest.raises(FetchError, match="within 0.2 s"):
            await resolver.resolve_did(f"did:web:{server.did_web_host}")


async def test_loopback_did_web_refused_without_the_test_setting(server):
    server.json("/.well-known/did.json", {})
    async with Fetcher(timeout_s=2, max_bytes=1000) as fetcher:
        resolver = KeyResolver(resources=ResourceConfig(), fetcher=fetcher)
        with pytest.raises(FetchError, match="refused"):
            await resolver.resolve_did(f"did:web:{server.did_web_host}")
    assert server.hits["/.well-known/did.json"] == 0


async def test_no_fetcher_means_no_network():
    resolver = KeyResolver(resources=ResourceConfig(), fetcher=None)
    with pytest.raises(ResolutionError, match="network is not configured"):
        await resolver.resolve_did("did:web:example.com")


async def test_documents_are_cached(server, resolver):
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key())),
                headers={"Cache-Control": "max-age=600"})
    first = await resolver.resolve_verification_method(f"{did}#key-1")
    second = await resolver.resolve_verification_method(f"{did}#key-1")
    assert (first.from_cache, second.from_cache) == (False, True)
    assert server.hits["/.well-known/did.json"] == 1


async def test_no_store_is_not_cached(server, resolver):
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key())),
                headers={"Cache-Control": "no-store"})
    await resolver.resolve_did(did)
    await resolver.resolve_did(did)
    assert server.hits["/.well-known/did.json"] == 2


async def test_cache_lifetime_is_capped(server, fetcher):
    did = f"did:web:{server.did_web_host}"
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key())),
                headers={"Cache-Control": "max-age=86400"})
    resolver = KeyResolver(resources=ResourceConfig(allow_insecure_loopback=True), fetcher=fetcher, cache_ttl_s=0.1)
    await resolver.resolve_did(did)
    await asyncio.sleep(0.2)
    await resolver.resolve_did(did)
    assert server.hits["/.well-known/did.json"] == 2


async def test_concurrent_lookups_share_one_fetch(server, resolver):
    did = f"did:web:{server.did_web_host}"
    body = did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key()))

    async def slowish(_request):
        await asyncio.sleep(0.1)
        return web.json_response(body)

    server.route("/.well-known/did.json", slowish)
    methods = await asyncio.gather(*(resolver.resolve_verification_method(f"{did}#key-1") for _ in range(5)))
    assert len({m.public_jwk["x"] for m in methods}) == 1
    assert server.hits["/.well-known/did.json"] == 1


async def test_failures_are_not_cached(server, resolver):
    did = f"did:web:{server.did_web_host}"
    with pytest.raises(FetchError):
        await resolver.resolve_did(did)
    server.json("/.well-known/did.json", did_doc(did, multikey_from_public_key(new_key("EdDSA").public_key())))
    assert (await resolver.resolve_did(did))["id"] == did
