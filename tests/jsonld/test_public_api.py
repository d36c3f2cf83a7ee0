"""The public doors of verifier.jsonld and verifier.contexts stay true (STYLE.md rule 1)."""

from __future__ import annotations

import inspect

import verifier.contexts
import verifier.jsonld


def test_jsonld_all_is_true():
    for name in verifier.jsonld.__all__:
        assert hasattr(verifier.jsonld, name), name


def test_contexts_all_is_true():
    for name in verifier.contexts.__all__:
        assert hasattr(verifier.contexts, name), name


def test_signatures_other_code_depends_on():
    expand = inspect.signature(verifier.jsonld.expand)
    assert list(expand.parameters) == ["document", "resources"]
    assert expand.parameters["resources"].kind is inspect.Parameter.KEYWORD_ONLY
    canon = inspect.signature(verifier.jsonld.canonicalize)
    assert list(canon.parameters) == ["document", "resources", "hash_algorithm", "max_work"]
    assert canon.parameters["hash_algorithm"].default == "sha256"
    assert canon.parameters["max_work"].default == 200_000
    install = inspect.signature(verifier.contexts.install_context)
    assert list(install.parameters) == ["url", "source", "data_dir"]
