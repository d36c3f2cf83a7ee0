"""The processed-context memo changes nothing but speed: over every JSON-LD credential of the
corpus, canonical N-Quads with the memo equal stock pyld's (``jsonld.normalize`` without the memo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from tests.conftest import VECTORS
from verifier import jsonld
from verifier.errors import InvalidJsonLd, UnknownContext
from verifier.jsonld.context_cache import ProcessedContextCache
from verifier.jsonld.processor import Engine, SafeProcessor
from verifier.jsonld.rdfc import RDFC10
from verifier.options import ResourceConfig


# The corpus documents that safe mode must refuse (their MANIFEST reasons: safe-mode violation,
# base context removed, undefined type); every other JSON-LD document must canonicalize, at least
# without its proof (a few proofs are broken on purpose or are not Linked Data proofs).
SAFE_MODE_BREAKERS = {
    "dcc-verifier-core/safeModeBreaker.json",
    "1edtech-validator-ob30/simple-err-context.json",
    "1edtech-validator-ob30/simple-err-type.json",
}


def corpus_documents() -> list:
    """Every ``credentials/**/*.json`` of the corpus that is a JSON-LD object (has ``@context``)."""
    root = VECTORS / "credentials"
    if not root.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"shared vector corpus not found at {root}"))]
    params = []
    for path in sorted(root.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(doc, dict) and "@context" in doc:
            params.append(pytest.param(path, id=str(path.relative_to(root))))
    return params


def stock_options(resources: ResourceConfig) -> dict:
    """Options for stock pyld: our offline loader, a fresh resolver cache, nothing of ours besides."""
    loader = jsonld.document_loader(resources)
    return {"documentLoader": loader, "contextResolver": ContextResolver(LRUCache(maxsize=100), loader)}


@pytest.mark.parametrize("path", corpus_documents())
def test_memo_matches_stock_pyld(path: Path):
    resources = ResourceConfig(offline_bundle=VECTORS)
    doc = json.loads(path.read_text(encoding="utf-8"))
    try:
        ours = jsonld.canonicalize(doc, resources=resources)
    except InvalidJsonLd:  # safe mode refuses it: compare plain expansions instead
        if path.relative_to(VECTORS / "credentials").as_posix() not in SAFE_MODE_BREAKERS:
            # only its (deliberately broken or non-RDF) proof may be what safe mode refuses
            jsonld.canonicalize({k: v for k, v in doc.items() if k != "proof"}, resources=resources)
        memo_free = SafeProcessor(None, safe=False).expand(doc, stock_options(resources))
        with_memo = SafeProcessor(ProcessedContextCache(), safe=False).expand(doc, stock_options(resources))
        assert with_memo == memo_free == pyld_jsonld.expand(doc, stock_options(resources))
        return
    except UnknownContext as exc:
        pytest.skip(f"the corpus does not carry context {exc.url}")
    stock = pyld_jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                        **stock_options(resources)})
    assert ours == stock
    memo_free = Engine(jsonld.document_loader(resources), memo=False)
    assert RDFC10().canonicalize_quads(memo_free.to_quads(memo_free.expand(doc))[0]) == ours


def test_memo_is_used_on_open_badges(corpus):
    path = corpus / "credentials" / "1edtech-validator-ob30" / "simple.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    doc = json.loads(path.read_text(encoding="utf-8"))
    # pyld's path (fast=False): the expander answers from its own tables without asking the memo again
    engine = Engine(jsonld.document_loader(ResourceConfig(offline_bundle=corpus)), fast=False)
    first = engine.expand(doc)
    memo = engine.processor.memo
    misses, hits = memo.misses, memo.hits
    assert engine.expand(doc) == first
    assert memo.misses == misses and memo.hits > hits  # the second run processes no context


def test_memo_is_bounded():
    memo = ProcessedContextCache(max_entries=2)
    for i in range(5):
        active = frozendict({"_uuid": f"u{i}", "mappings": {}})
        memo.process(lambda: frozendict({"_uuid": "r"}), active, "https://ex.example/c", {},
                     override_protected=False, propagate=True, validate_scoped=True)
    assert len(memo._entries) == 2


def test_unfrozen_active_contexts_are_not_memoised():
    memo = ProcessedContextCache()
    calls = []
    for _ in range(2):
        memo.process(lambda: calls.append(1), {"_uuid": "mutable", "mappings": {}}, "https://ex.example/c", {},
                     override_protected=False, propagate=True, validate_scoped=True)
    assert len(calls) == 2 and memo.hits == 0


def test_memo_keys_on_context_content(bundled_only):
    """Two documents whose inline (and type-scoped) contexts differ only in content must not share
    memo entries: each expands with its own definitions."""
    def doc(base: str) -> dict:
        scoped = {"Badge": {"@id": f"{base}Badge", "@context": {"level": f"{base}level"}}}
        return {"@context": [{"name": f"{base}name", "item": f"{base}item"}, scoped], "@id": "urn:x", "name": "n",
                "item": {"@id": "urn:y", "@type": "Badge", "level": "3"}}

    first = jsonld.canonicalize(doc("https://a.example/"), resources=bundled_only)
    second = jsonld.canonicalize(doc("https://b.example/"), resources=bundled_only)
    assert "https://a.example/level" in first and "https://b.example/" not in first
    assert "https://b.example/level" in second and "https://a.example/" not in second
