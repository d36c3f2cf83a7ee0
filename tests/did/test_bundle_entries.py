"""Broken offline-bundle entries are resolution errors, never crashes (a bundle built in tmp_path)."""

from __future__ import annotations

import json

import pytest

from tests.did.keyhelp import new_key
from verifier.did import KeyResolver
from verifier.errors import ResolutionError
from verifier.keys import multikey_from_public_key
from verifier.options import ResourceConfig

GOOD = "did:web:good.example"


@pytest.fixture
def bundle(tmp_path):
    multikey = multikey_from_public_key(new_key("EdDSA").public_key())
    (tmp_path / "dids").mkdir()
    (tmp_path / "resources").mkdir()
    files = {
        "good.json": json.dumps({"id": GOOD, "verificationMethod": [
            {"id": "#k", "type": "Multikey", "controller": GOOD, "publicKeyMultibase": multikey}],
            "assertionMethod": ["#k"]}),
        "not-json.json": "<html>",
        "list.json": "[]",
        "wrong-id.json": json.dumps({"id": "did:web:other.example"}),
    }
    for name, text in files.items():
        (tmp_path / "dids" / name).write_text(text)
        (tmp_path / "resources" / name).write_text(text)
    (tmp_path / "dids" / "index.json").write_text(json.dumps({
        GOOD: "good.json", "did:web:not-json.example": "not-json.json", "did:web:list.example": "list.json",
        "did:web:wrong-id.example": "wrong-id.json", "did:web:missing-file.example": "absent.json"}))
    (tmp_path / "resources" / "index.json").write_text(json.dumps({
        "https://list.example/key": "list.json", "https://missing.example/key": "absent.json"}))
    return tmp_path


@pytest.fixture
def resolver(bundle):
    return KeyResolver(resources=ResourceConfig(offline_bundle=bundle), fetcher=None)


async def test_good_entry(resolver):
    vm = await resolver.resolve_verification_method(GOOD + "#k")
    assert vm.relationships == {"assertionMethod"}


@pytest.mark.parametrize("vm_id, message", [
    ("did:web:not-json.example#k", "is not JSON"),
    ("did:web:list.example#k", "not a JSON object"),
    ("did:web:wrong-id.example#k", "has id 'did:web:other.example'"),
    ("did:web:missing-file.example#k", "cannot be read"),
    ("https://list.example/key#k", "not a JSON object"),
    ("https://missing.example/key#k", "cannot be read"),
])
async def test_broken_entries(resolver, vm_id, message):
    with pytest.raises(ResolutionError, match=message):
        await resolver.resolve_verification_method(vm_id)
