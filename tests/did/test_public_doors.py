"""Each package's ``__all__`` names what it exports (STYLE.md rule 1)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

from verifier.did import KeyResolver, VerificationMethod


@pytest.mark.parametrize("module", ["verifier.did", "verifier.keys", "verifier.fetch"])
def test_all_is_true(module):
    mod = importlib.import_module(module)
    assert mod.__all__ and len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.__all__ names missing {name}"


def test_resolver_signature_is_the_agreed_one():
    params = inspect.signature(KeyResolver).parameters
    assert list(params) == ["resources", "fetcher", "cache_ttl_s", "cache_size"]
    assert all(p.kind is p.KEYWORD_ONLY for p in params.values())
    assert (params["cache_ttl_s"].default, params["cache_size"].default) == (300, 1024)


def test_verification_method_fields():
    assert [f.name for f in dataclasses.fields(VerificationMethod)] == [
        "id", "type", "controller", "public_jwk", "document_id", "relationships", "from_cache", "revoked", "expires"]
    assert VerificationMethod.__dataclass_params__.frozen
