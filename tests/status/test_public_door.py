"""The status package's public door and method registry stay true (STYLE.md rules 1 and 2)."""

from __future__ import annotations

import inspect

import pytest

import verifier.status as status
from verifier.environment import CpuRunner, Environment
from verifier.options import ResourceConfig
from verifier.status import METHODS, StatusListSource
from verifier.status.methods import _registry


def test_all_is_true():
    assert status.__all__ and len(set(status.__all__)) == len(status.__all__)
    for name in status.__all__:
        assert hasattr(status, name), name


def test_every_method_module_has_the_agreed_shape():
    assert set(METHODS) == {"BitstringStatusListEntry", "StatusList2021Entry", "RevocationList2020Status",
                            "1EdTechRevocationList"}
    for entry_type, module in METHODS.items():
        assert module.ENTRY_TYPE == entry_type and isinstance(module.NAME, str)
        assert isinstance(module.UNSIGNED_LIST_ALLOWED, bool)
        for fn in ("parse_entry", "read_list", "evaluate"):
            assert callable(getattr(module, fn)), (entry_type, fn)
    assert len({m.NAME for m in METHODS.values()}) == len(METHODS)


def test_registry_refuses_duplicates():
    module = METHODS["BitstringStatusListEntry"]
    with pytest.raises(ValueError, match="duplicate"):
        _registry(module, module)


def test_source_options_are_keyword_only_with_lenient_defaults():
    params = inspect.signature(StatusListSource).parameters
    assert all(p.kind is p.KEYWORD_ONLY for p in params.values())
    for name in ("strict_status_signer", "strict_list_id", "strict_list_length"):
        assert params[name].default is False
    assert params["authorised_signer"].default is None
    assert params["max_ttl_s"].default == 300
    assert params["cache_max_bytes"].default == 64 * 1024 * 1024


def test_source_refuses_a_list_environment_with_a_status_source():
    env = Environment(resources=ResourceConfig(), key_resolver=None, cpu=CpuRunner(), status=object())
    with pytest.raises(ValueError, match="status is None"):
        StatusListSource(list_env=env, fetcher=None)
