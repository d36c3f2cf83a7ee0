"""Our node map generation (:mod:`verifier.jsonld.node_map`) builds exactly pyld's node map, with the
same blank-node labels, on the corpus and on generated documents; what it does not cover goes to pyld."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from pyld.identifier_issuer import IdentifierIssuer

from tests.jsonld.conftest import json_ld_documents
from tests.jsonld.test_differential import RESOURCES, SETTINGS, documents
from verifier import jsonld
from verifier.errors import InvalidJsonLd, UnknownContext
from verifier.jsonld.node_map import Unsupported, check_supported, create_node_map
from verifier.jsonld.processor import engine


def both(expanded: list) -> tuple:
    """(ours, pyld's): each a node map and the issuer's labels, from copies of ``expanded``."""
    out = []
    for build in ("ours", "pyld"):
        data, issuer, node_map = copy.deepcopy(expanded), IdentifierIssuer("_:b"), {"@default": {}}
        if build == "ours":
            check_supported(data)
            create_node_map(data, node_map, "@default", issuer)
        else:
            engine(RESOURCES).processor._create_node_map(data, node_map, "@default", issuer)
        out.append((node_map, issuer.existing, issuer.counter))
    return tuple(out)


def assert_same(expanded: list) -> None:
    try:
        ours, theirs = both(expanded)
    except Unsupported:
        return  # left to pyld
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert ours == theirs


@SETTINGS
@given(documents())
def test_generated_documents_map_as_pyld(doc):
    try:
        expanded = jsonld.expand(doc, resources=RESOURCES)
    except InvalidJsonLd:
        return
    assert_same(expanded)


def test_corpus_documents_map_as_pyld(corpus, with_corpus_contexts):
    compared = 0
    for _, doc in json_ld_documents(corpus / "credentials"):
        try:
            expanded = jsonld.expand(doc, resources=with_corpus_contexts)
        except (InvalidJsonLd, UnknownContext):
            continue
        assert_same(expanded)
        compared += 1
    assert compared > 20


@pytest.mark.parametrize("expanded", [
    [{"@id": "urn:x", "@reverse": {"https://ex.example/p": [{"@id": "urn:y"}]}}],
    [{"@id": "urn:x", "@included": [{"@id": "urn:y"}]}],
    [{"@id": "urn:x", "@index": "i"}],
])
def test_other_constructs_are_left_to_pyld(expanded):
    with pytest.raises(Unsupported):
        check_supported(expanded)
