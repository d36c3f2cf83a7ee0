"""Resolution from the offline bundle (the shared corpus, ``LER_VECTORS``): DCC did:web DIDs and hosted key documents,
never the network."""

from __future__ import annotations

import json

import pytest

from tests.conftest import VECTORS
from verifier.did import KeyResolver
from verifier.errors import FetchError, ResolutionError
from verifier.fetch import Fetcher
from verifier.keys import multikey_to_jwk
from verifier.options import ResourceConfig

pytestmark = pytest.mark.skipif(not (VECTORS / "dids" / "index.json").is_file(),
                                reason=f"offline bundle {VECTORS} is absent (set LER_VECTORS)")

DCC_DIDS = {
    "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy":
        ("z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ", "Ed25519VerificationKey2020"),
    "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf":
        ("z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ", "Multikey"),
    "did:web:digitalcredentials.github.io:dcc-did-web":
        ("z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q", "Ed25519VerificationKey2020"),
    "did:web:digitalcredentials.github.io:dcc-did-web:multikey":
        ("z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q", "Multikey"),
}


@pytest.fixture
async def bundled():
    """A bundle-backed resolver that also holds a fetcher: the bundle must win, the fetcher stays unused."""
    async with Fetcher(timeout_s=1, max_bytes=1000) as fetcher:
        yield KeyResolver(resources=ResourceConfig(offline_bundle=VECTORS), fetcher=fetcher)
        assert fetcher._session is None  # never opened: nothing went to the network


@pytest.mark.parametrize("did", sorted(DCC_DIDS))
async def test_dcc_did_web_documents_from_the_bundle(bundled, did):
    multikey, mtype = DCC_DIDS[did]
    vm = await bundled.resolve_verification_method(f"{did}#{multikey}")
    assert (vm.type, vm.controller, vm.document_id) == (mtype, did, did)
    assert "assertionMethod" in vm.relationships
    assert vm.public_jwk == multikey_to_jwk(multikey)
    assert (await bundled.resolve_verification_method(f"{did}#{multikey}")).from_cache


async def test_every_did_web_method_in_the_manifest(bundled):
    manifest = json.loads((VECTORS / "MANIFEST.json").read_text())
    expected_unresolvable = json.loads((VECTORS / "dids" / "SOURCES.json").read_text())["_notes"][
        "intentionally_unresolvable"]
    for vm_id in sorted({vm for e in manifest for vm in e.get("verification_methods") or []
                         if vm.startswith("did:web:")}):
        if vm_id.split("#")[0] in expected_unresolvable:
            with pytest.raises(ResolutionError, match="not in the offline bundle"):
                await bundled.resolve_verification_method(vm_id)
        else:
            assert "assertionMethod" in (await bundled.resolve_verification_method(vm_id)).relationships


async def test_did_not_in_the_bundle_is_not_fetched(bundled):
    with pytest.raises(ResolutionError, match="not in the offline bundle"):
        await bundled.resolve_did("did:web:example.com")


async def test_did_ion_in_the_bundle_is_still_unsupported(bundled):
    with pytest.raises(ResolutionError, match="DID method ion is not supported"):
        await bundled.resolve_verification_method("did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ#key-1")


async def test_blockcerts_key_url_from_bundled_resources(bundled):
    url = "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json"
    vm = await bundled.resolve_verification_method(url + "#key-1")
    assert (vm.type, vm.controller, vm.document_id) == ("EcdsaSecp256k1VerificationKey2019", url, url)
    assert vm.public_jwk["crv"] == "secp256k1" and "kid" not in vm.public_jwk
    assert vm.relationships == {"assertionMethod"}


async def test_key_url_not_in_the_bundle(bundled):
    with pytest.raises(FetchError, match="not in the offline bundle"):
        await bundled.resolve_verification_method(
            "https://example.com/issuers/876543#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
