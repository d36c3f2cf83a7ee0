"""The offline loader: unknown URLs raise UnknownContext, and that class reaches callers of
expand/canonicalize through pyld's wrapping; configs never share resolved contexts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld.jsonld import JsonLdError

from tests.jsonld.conftest import VC_V2
from verifier import jsonld
from verifier.contexts import install_context
from verifier.errors import InvalidJsonLd, UnknownContext
from verifier.jsonld.loader import find_our_error, pyld_errors
from verifier.options import ResourceConfig

UNKNOWN = "https://contexts.example/never-installed/v1"


def test_loader_refuses_unknown_url(bundled_only):
    loader = jsonld.document_loader(bundled_only)
    with pytest.raises(UnknownContext) as info:
        loader(UNKNOWN, {})
    assert info.value.url == UNKNOWN
    assert UNKNOWN in info.value.detail
    assert f"ler-verifier contexts add {UNKNOWN} FILE" in info.value.detail


def test_loader_answers_bundled_url(bundled_only):
    remote = jsonld.document_loader(bundled_only)(VC_V2, {})
    assert remote["documentUrl"] == VC_V2 and "@context" in remote["document"]


def test_one_loader_per_config(bundled_only):
    assert jsonld.document_loader(bundled_only) is jsonld.document_loader(ResourceConfig())


@pytest.mark.parametrize("where", ["top", "scoped", "nested"])
def test_unknown_context_reaches_canonicalize_caller(bundled_only, where):
    doc = {"@context": [VC_V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "credentialSubject": {"id": "did:example:s"}}
    if where == "top":
        doc["@context"].append(UNKNOWN)
    elif where == "scoped":
        doc["@context"].append({"Thing": {"@id": "https://ex.example/Thing", "@context": UNKNOWN}})
        doc["credentialSubject"]["type"] = "Thing"
    else:
        doc["credentialSubject"]["@context"] = UNKNOWN
    with pytest.raises(UnknownContext) as info:
        jsonld.canonicalize(doc, resources=bundled_only)
    assert type(info.value) is UnknownContext and info.value.url == UNKNOWN
    with pytest.raises(UnknownContext):
        jsonld.expand(doc, resources=bundled_only)


def test_other_pyld_errors_become_invalid_jsonld(bundled_only):
    doc = {"@context": {"@version": 2.0}, "@id": "urn:x"}
    with pytest.raises(InvalidJsonLd, match="JSON-LD expansion failed") as info:
        jsonld.expand(doc, resources=bundled_only)
    assert isinstance(info.value.__cause__, JsonLdError)


def test_exceptions_pyld_itself_raises_become_invalid_jsonld(bundled_only):
    """pyld deletes a default language that was never set (a KeyError from its own code): the document is
    refused as invalid JSON-LD, by the door with or without the expander, instead of crashing the verifier."""
    doc = {"@context": [VC_V2, {"@language": None}], "type": "VerifiableCredential", "name": "x"}
    with pytest.raises(InvalidJsonLd, match="the JSON-LD library raised KeyError") as info:
        jsonld.expand(doc, resources=bundled_only)
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(InvalidJsonLd, match="the JSON-LD library raised KeyError"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_the_same_exceptions_from_our_own_code_stay_visible():
    with pytest.raises(KeyError):
        with pyld_errors("test"):
            {}["not pyld"]


def test_unwrap_walks_cause_chain_by_class():
    ours = UnknownContext("x", url=UNKNOWN)
    try:
        try:
            try:
                raise ours
            except UnknownContext as exc:
                raise JsonLdError("load failed", "jsonld.InvalidUrl") from exc
        except JsonLdError as exc:
            raise JsonLdError("scoped context failed", "jsonld.SyntaxError") from exc
    except JsonLdError as outer:
        assert find_our_error(outer) is ours
    with pytest.raises(UnknownContext) as info:
        with pyld_errors("test"):
            try:
                raise ours
            except UnknownContext as exc:
                raise JsonLdError("wrapped", "jsonld.InvalidUrl") from exc
    assert info.value is ours


def test_relative_context_reference_is_refused(bundled_only):
    doc = {"@context": [VC_V2, "contexts/local.json"], "type": "VerifiableCredential"}
    with pytest.raises(InvalidJsonLd, match="relative @context reference 'contexts/local.json'"):
        jsonld.expand(doc, resources=bundled_only)


def test_configs_never_share_resolved_contexts(tmp_path: Path):
    """A context installed for one data directory must stay unknown to another config, even after
    the first config has resolved it (pyld's own resolver cache is process-global; ours is not)."""
    url = "https://contexts.example/isolated/v1"
    source = tmp_path / "ctx.json"
    source.write_text(json.dumps({"@context": {"score": "https://contexts.example/isolated#score"}}))
    install_context(url, source, tmp_path / "data")
    doc = {"@context": [VC_V2, url], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "credentialSubject": {"id": "did:example:s", "score": "1"}}
    assert "isolated#score" in jsonld.canonicalize(doc, resources=ResourceConfig(data_dir=tmp_path / "data"))
    with pytest.raises(UnknownContext):
        jsonld.canonicalize(doc, resources=ResourceConfig(data_dir=tmp_path / "other"))


def test_offline_bundle_contexts_are_used(with_corpus_contexts, bundled_only):
    doc = {"@context": [VC_V2, "https://www.w3.org/ns/credentials/examples/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:example:i", "credentialSubject": {"id": "did:example:s", "alumniOf": "Example"}}
    assert "examples#alumniOf" in jsonld.canonicalize(doc, resources=with_corpus_contexts)
    with pytest.raises(UnknownContext):
        jsonld.canonicalize(doc, resources=bundled_only)
