"""The signed-meaning gate's vocabulary (:mod:`verifier.checked_terms`) is true to the pinned contexts:
every checked term a bundled context defines (at the top or in a type- or property-scoped context)
maps to one of the IRIs the table lists for it (issue 8 section 1)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import vectors_or_skip
from verifier.checked_terms import KNOWN_TYPES, SHAPES
from verifier.contexts.bundled import bundled_manifest
from verifier.jsonld.processor import engine
from verifier.options import ResourceConfig

CHECKED: dict[str, set[str]] = {}
for shape in SHAPES.values():
    for term in shape.terms:
        CHECKED.setdefault(term.name, set()).update(term.iris)


#: proof types whose scoped contexts use a prefix they do not define (VCDM 1.1's RsaSignature2018 maps
#: ``challenge`` to ``sec:challenge``); we verify no such proof (unsupported: indeterminate), so no check reads them.
UNSUPPORTED_SUITES = {"RsaSignature2018"}


def _active_contexts(resources: ResourceConfig, url: str):
    """The context's active context, and the active context under each of its scoped contexts."""
    eng = engine(resources)
    proc, options = eng.processor, eng.options()
    active = proc.process_context(proc._get_initial_context(options), url, options)
    yield "top", active
    for name, mapping in list(active["mappings"].items()):
        if name in UNSUPPORTED_SUITES:
            continue
        if mapping and mapping.get("@context") is not None:
            yield name, proc._process_context(active, mapping["@context"], options, override_protected=True)


def _check(resources: ResourceConfig, url: str) -> None:
    for where, active in _active_contexts(resources, url):
        for name, mapping in active["mappings"].items():
            if not mapping or not isinstance(mapping.get("@id"), str):
                continue
            if name in CHECKED:
                assert mapping["@id"] in CHECKED[name], f"{url} ({where}) maps {name} to {mapping['@id']}"
            if name in KNOWN_TYPES:
                assert mapping["@id"] in KNOWN_TYPES[name], f"{url} ({where}) maps type {name} to {mapping['@id']}"


#: contexts of documents that are not verified through JSON-LD proofs, so the signed-meaning gate never reads
#: them: Open Badges 2.0 assertions (issue 11) are hosted or JWS-signed bytes; their own respelling rule reads
#: this context (verifier/ob2/model.py). A VC naming it gets other IRIs than the table's: the gate fails it.
NOT_GATED = {"https://w3id.org/openbadges/v2"}


@pytest.mark.parametrize("url", sorted(set(bundled_manifest()) - NOT_GATED))
def test_bundled_contexts_agree_with_the_checked_terms(url):
    _check(ResourceConfig(), url)


def test_corpus_contexts_agree_with_the_checked_terms():
    """The corpus carries contexts we do not bundle (CLR 2.0, RevocationList2020 is not among them)."""
    vectors = vectors_or_skip()
    index = json.loads((vectors / "contexts" / "index.json").read_text())
    urls = [u for u in index if "clr" in u or "ob/v3p0" in u or "credentials" in u]
    assert urls
    for url in urls:
        _check(ResourceConfig(offline_bundle=vectors), url)
