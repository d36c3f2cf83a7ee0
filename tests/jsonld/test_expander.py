"""The table-driven expander (:mod:`verifier.jsonld.expander`) gives exactly what the pyld path gives.

For every document: the public door (expander first) and the reference path (pyld's safe-mode expansion,
then the safe-mode walk; the code before the expander) return the same expanded document, or raise the
same error with the same message. What the expander does not handle goes to pyld (each shape below is
shown to); what safe mode refuses is still refused, with pyld's words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.jsonld.conftest import json_ld_documents
from tests.jsonld.test_differential import stock
from verifier import jsonld
from verifier.errors import InvalidJsonLd, UnknownContext, VerifierError
from verifier.jsonld.expander import Unsupported
from verifier.jsonld.processor import Engine, engine
from verifier.jsonld.safe_mode import check_expanded
from verifier.options import ResourceConfig

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EX = "https://ex.example/"
RESOURCES = ResourceConfig()
_REFERENCE: dict[ResourceConfig, Engine] = {}


def reference(doc: dict, resources: ResourceConfig = RESOURCES) -> Any:
    """The path without the expander: ("ok", expanded) or ("error", class, message)."""
    if resources not in _REFERENCE:
        _REFERENCE[resources] = Engine(jsonld.document_loader(resources), fast=False)
    try:
        expanded = _REFERENCE[resources].expand(doc)
        check_expanded(expanded)
        return "ok", expanded
    except VerifierError as exc:
        return "error", type(exc), str(exc)


def door(doc: dict, resources: ResourceConfig = RESOURCES) -> Any:
    """The public door (expander first): ("ok", expanded) or ("error", class, message)."""
    try:
        return "ok", jsonld.expand(doc, resources=resources)
    except VerifierError as exc:
        return "error", type(exc), str(exc)


def expander_only(doc: dict, resources: ResourceConfig = RESOURCES) -> list:
    """The expander alone (raises Unsupported, or the context error pyld would raise)."""
    eng = engine(resources)
    return eng.expander.expand(doc, eng.options())


def assert_as_reference(doc: dict, resources: ResourceConfig = RESOURCES) -> Any:
    ours, theirs = door(doc, resources), reference(doc, resources)
    assert json.dumps(ours, sort_keys=True, default=str) == json.dumps(theirs, sort_keys=True, default=str)
    assert ours == theirs
    return ours


def ob3(**fields) -> dict:
    """An Open Badges 3.0 credential (unsigned) with extra or replaced ``fields``."""
    doc = {
        "@context": [VC2, OB3], "id": "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "College",
                   "image": {"id": "https://college.example/logo.png", "type": "Image"}},
        "validFrom": "2026-01-01T00:00:00Z", "name": "Welding",
        "credentialSubject": {
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://college.example/a/1", "type": ["Achievement"], "name": "Welding",
                            "description": "WELD 101", "criteria": {"narrative": "Pass."}, "creditsAvailable": 3,
                            "alignment": [{"type": ["Alignment"], "targetName": "Welders",
                                           "targetUrl": "https://onet.example/51-4121", "targetType": "ceterms:Occupation"}]},
            "result": [{"type": ["Result"], "value": "A", "status": "Completed"}]},
    }
    doc.update(fields)
    return doc


# -- the common case goes through the expander, with pyld's result ---------------------------------

HANDLED = {
    "ob3": ob3(),
    "type aliased as @type, id as @id": ob3(**{"@type": ["VerifiableCredential", "OpenBadgeCredential"],
                                               "@id": "urn:uuid:1"}) | {"type": None, "id": None},
    "property spelled as its full IRI": ob3(**{"https://schema.org/description": "full IRI"}),
    "a type given as a full IRI": ob3(credentialSubject={"id": "did:example:s", "type": [
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject"]}),
    "an inline context after the pinned ones": ob3(**{"@context": [VC2, OB3, {"nick": "https://schema.org/nick"}],
                                                     "nick": "n"}),
    "a nested context list": ob3(evidence=[{"@context": [VC2, OB3], "id": "https://ex.example/e", "type": ["Evidence"],
                                            "name": "portfolio"}]),
    "type-scoped contexts applied in sorted order (the last wins)": {
        "@context": {"type": "@type", "A": {"@id": EX + "A", "@context": {"x": EX + "from-A"}},
                     "B": {"@id": EX + "B", "@context": {"x": EX + "from-B"}}},
        "type": ["B", "A"], "x": "which?"},
    "compact IRIs as @id values, blank node ids, a scheme that is also a term": {
        "@context": {"ex": EX, "urn": EX + "urn-term", "id": "@id", "ref": {"@id": EX + "ref", "@type": "@id"},
                     "refs": {"@id": EX + "refs", "@type": "@id"}},
        "id": "ex:top", "ref": "_:b7", "refs": ["urn:isbn:1", "ex:other", "https://ex.example/x", "_:b7"]},
    "a lone @id at top level (dropped, as pyld drops it)": {"@context": [VC2], "id": "urn:uuid:1"},
    "a lone reference in a type-scoped node": ob3(credentialSubject={
        "id": "did:example:s", "type": ["AchievementSubject"],
        "achievement": {"id": "https://college.example/a/1", "type": ["Achievement"], "name": "x",
                        "criteria": {"id": "https://college.example/criteria"}}}),
    "inline context: coercions, containers, scoped terms, default language": {
        "@context": {"@vocab": EX + "v#", "@language": "en", "id": "@id", "type": "@type",
                     "ref": {"@id": EX + "ref", "@type": "@id"}, "kind": {"@id": EX + "kind", "@type": "@vocab"},
                     "n": {"@id": EX + "n", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
                     "seq": {"@id": EX + "seq", "@container": "@list"}, "set": {"@id": EX + "set", "@container": "@set"},
                     "g": {"@id": EX + "g", "@container": "@graph"},
                     "plain": {"@id": EX + "plain", "@language": None},
                     "scoped": {"@id": EX + "scoped", "@context": {"inner": EX + "inner"}},
                     "T": {"@id": EX + "T", "@context": {"only": {"@id": EX + "only", "@type": "@id"},
                                                         "U": EX + "scoped/U"}},
                     "U": EX + "U"},
        "id": EX + "top", "type": ["U", "T"], "only": "urn:x:1", "ref": "urn:x:2", "kind": "T", "n": 5,
        "seq": ["a", ["b", "c"], {"id": EX + "m"}, 1.5], "set": [], "g": {"id": EX + "in-graph", "name": "x"},
        "plain": "no language", "name": "tagged", "scoped": {"inner": True, "other": None},
        "nested": [[{"name": "flattened"}], None, False]},
}


@pytest.mark.parametrize("name", sorted(HANDLED))
def test_handled_documents_take_the_expander_and_match_pyld(name):
    doc = HANDLED[name]
    doc = {k: v for k, v in doc.items() if v is not None}
    expanded, checked = engine(RESOURCES).expand_checked(doc)
    assert checked, "the expander should handle this document"
    outcome = assert_as_reference(doc)
    assert outcome[0] == "ok" and outcome[1] == expanded
    assert jsonld.canonicalize(doc, resources=RESOURCES) == stock(doc)


def test_the_input_is_not_modified():
    doc = ob3()
    before = json.dumps(doc)
    jsonld.canonicalize(doc, resources=RESOURCES)
    assert json.dumps(doc) == before


def test_corpus_documents_expand_as_the_reference(corpus, with_corpus_contexts):
    """Every JSON-LD document of the corpus: the same expansion or the same error; most through the expander,
    and those with pyld's canonical N-Quads."""
    handled = total = 0
    for path, doc in json_ld_documents(Path(corpus)):
        total += 1
        outcome = assert_as_reference(doc, with_corpus_contexts)
        try:
            expander_only(doc, with_corpus_contexts)
        except Exception:  # noqa: BLE001 -- left to pyld
            continue
        handled += 1
        assert outcome[0] == "ok"
        assert jsonld.canonicalize(doc, resources=with_corpus_contexts) == stock_with(doc, with_corpus_contexts), path
    assert total >= 100 and handled >= 0.8 * total, (handled, total)


def stock_with(doc: dict, resources: ResourceConfig) -> str:
    import copy

    from pyld import jsonld as pyld_jsonld
    return pyld_jsonld.normalize(copy.deepcopy(doc), {"algorithm": "URDNA2015", "format": "application/n-quads",
                                                      "documentLoader": jsonld.document_loader(resources),
                                                      "processingMode": "json-ld-1.1"})


# -- what the expander leaves to pyld -------------------------------------------------------------

CTX = {"@vocab": EX + "v#", "id": "@id", "type": "@type"}
FALLBACK = {
    "value object": {"@context": CTX, "name": {"@value": "x", "@language": "en"}},
    "typed value object": {"@context": CTX, "when": {"@value": "2026", "@type": EX + "year"}},
    "language map": {"@context": CTX | {"label": {"@id": EX + "label", "@container": "@language"}},
                     "label": {"en": "x", "es": "y"}},
    "index map": {"@context": CTX | {"byKey": {"@id": EX + "byKey", "@container": "@index"}},
                  "byKey": {"a": {"id": EX + "a"}}},
    "id map": {"@context": CTX | {"byId": {"@id": EX + "byId", "@container": "@id"}},
               "byId": {EX + "a": {"name": "a"}}},
    "type map": {"@context": CTX | {"byType": {"@id": EX + "byType", "@container": "@type"}},
                 "byType": {EX + "T": {"name": "a"}}},
    "@reverse keyword": {"@context": CTX, "id": EX + "a", "@reverse": {EX + "knows": {"id": EX + "b"}}},
    "reverse term": {"@context": CTX | {"knownBy": {"@reverse": EX + "knows"}}, "id": EX + "a",
                     "knownBy": {"id": EX + "b"}},
    "@graph keyword": {"@context": CTX, "id": EX + "g", "@graph": [{"id": EX + "a", "name": "x"}]},
    "@nest": {"@context": CTX | {"meta": "@nest"}, "id": EX + "a", "meta": {"name": "x"}},
    "@included": {"@context": CTX, "id": EX + "a", "@included": [{"id": EX + "b", "name": "x"}]},
    "@json term": {"@context": CTX | {"data": {"@id": EX + "data", "@type": "@json"}}, "data": {"any": [1, 2]}},
    "@list object": {"@context": CTX, "items": {"@list": ["a", "b"]}},
    "@set object": {"@context": CTX, "items": {"@set": ["a", "b"]}},
    "@index in a node": {"@context": CTX, "id": EX + "a", "@index": "i", "name": "x"},
    "direction in a value object": {"@context": CTX, "name": {"@value": "x", "@direction": "rtl"}},
    "@context inside @context (an error)": {"@context": {"@context": CTX}, "name": "x"},
    "colliding @id (an error)": {"@context": CTX, "id": EX + "a", "@id": EX + "b"},
    "non-string @id (an error)": {"@context": CTX, "id": 5},
    "null @type (an error)": {"@context": CTX, "type": None, "name": "x"},
    "object @type (an error)": {"@context": CTX, "type": {"a": "b"}, "name": "x"},
}


@pytest.mark.parametrize("name", sorted(FALLBACK))
def test_unsupported_shapes_fall_back_to_pyld(name):
    doc = FALLBACK[name]
    with pytest.raises(Unsupported):
        expander_only(doc)
    assert not engine(RESOURCES).expand_checked(doc)[1] if reference(doc)[0] == "ok" else True
    outcome = assert_as_reference(doc)
    if outcome[0] == "ok":
        assert jsonld.canonicalize(doc, resources=RESOURCES) == stock(doc)


def test_a_document_pyld_accepts_is_never_half_expanded():
    """A fallback deep inside (a value object in the fifth level) still gives pyld's whole document."""
    doc = ob3()
    doc["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = {"@value": "Welders", "@language": "en"}
    with pytest.raises(Unsupported):
        expander_only(doc)
    outcome = assert_as_reference(doc)
    assert outcome[0] == "ok"
    assert jsonld.canonicalize(doc, resources=RESOURCES) == stock(doc)


# -- safe mode through the fast path ----------------------------------------------------------------

SAFE_MODE = {
    "undefined term (VCDM 1.1 has no @vocab)": {
        "@context": ["https://www.w3.org/2018/credentials/v1"], "id": "urn:uuid:1", "type": ["VerifiableCredential"],
        "issuer": "did:example:i", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s", "favouriteColour": "green"}},
    "term mapped to null": {"@context": [VC2, {"secretNote": None}], "secretNote": "x", "type": ["VerifiableCredential"]},
    "keyword-like key": ob3(**{"@unknown": "x"}),
    "relative @id": ob3(id="0b5c2c7e-0000-4000-8000-000000000001"),
    "relative nested @id": ob3(issuer={"id": "#me", "type": ["Profile"], "name": "x"}),
    "relative @id through @type: @id coercion": {
        "@context": {"id": "@id", "ref": {"@id": EX + "ref", "@type": "@id"}}, "id": EX + "a", "ref": "rel/path"},
    "relative type": ob3(type=["VerifiableCredential", "NoSuchType"]) | {"@context": [
        "https://www.w3.org/2018/credentials/v1"]},
    "malformed default language tag": {"@context": {"@language": "not a tag!", "name": EX + "name"}, "name": "x"},
    "a type-scoped term outside its type (revert to the previous context)": {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB3], "id": "urn:uuid:1",
        "type": ["VerifiableCredential"], "issuer": "did:example:i", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s", "type": ["AchievementSubject"],
                              "achievement": {"id": "https://college.example/a/1", "type": ["Achievement"],
                                              "criteria": {"achievementType": "scoped to Achievement nodes"}}}},
    "a type-scoped term beside an id outside its type": {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB3], "id": "urn:uuid:1",
        "type": ["VerifiableCredential"], "issuer": "did:example:i", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s", "type": ["AchievementSubject"],
                              "achievement": {"id": "https://college.example/a/1", "type": ["Achievement"],
                                              "criteria": {"id": "https://college.example/c",
                                                           "achievementType": "scoped to Achievement nodes"}}}},
}


@pytest.mark.parametrize("name", sorted(SAFE_MODE))
def test_safe_mode_refusals_are_pyld_s(name):
    doc = {k: v for k, v in SAFE_MODE[name].items() if v is not None}
    outcome = assert_as_reference(doc)
    assert outcome[0] == "error" and outcome[1] is InvalidJsonLd, outcome
    with pytest.raises(InvalidJsonLd):
        jsonld.canonicalize(doc, resources=RESOURCES)
    with pytest.raises(Exception) as caught:  # the expander never answers for a refused document
        expander_only(doc)
    assert not isinstance(caught.value, AssertionError)


def test_an_unbundled_context_stays_refused():
    for doc in (ob3(**{"@context": [VC2, "https://evil.example/context.jsonld"]}),
                ob3(evidence=[{"@context": "https://evil.example/context.jsonld", "id": EX + "e", "name": "x"}])):
        outcome = assert_as_reference(doc)
        assert outcome[0] == "error" and outcome[1] is UnknownContext
        assert not_expanded(doc)


def test_a_protected_term_cannot_be_redefined():
    for doc in (ob3(**{"@context": [VC2, OB3, {"name": "https://evil.example/name"}]}),
                ob3(credentialSubject={"@context": {"id": "https://evil.example/id"}, "id": "did:example:s"})):
        outcome = assert_as_reference(doc)
        assert outcome[0] == "error" and outcome[1] is InvalidJsonLd and "protected" in outcome[2]
        assert not_expanded(doc)


def not_expanded(doc: dict) -> bool:
    try:
        expander_only(doc)
    except Exception:  # noqa: BLE001
        return True
    return False


def test_a_type_scoped_context_that_makes_another_key_a_type_is_worked_out_each_time():
    """``zkind`` becomes a ``@type`` alias only inside ``T``: its values' scoped contexts differ per document
    (what the expander remembers per type values must not answer for them)."""
    ctx = {"type": "@type", "T": {"@id": EX + "T", "@context": {"zkind": "@type"}},
           "A": {"@id": EX + "A", "@context": {"x": EX + "from-A"}}, "B": {"@id": EX + "B", "@context": {"x": EX + "from-B"}}}
    for kind in ("A", "B", "A"):
        doc = {"@context": ctx, "type": "T", "zkind": kind, "x": "which?"}
        outcome = assert_as_reference(doc)
        assert outcome[0] == "ok" and EX + f"from-{kind}" in outcome[1][0]


def test_what_the_expander_remembers_is_bounded(monkeypatch):
    """Documents with ever new inline contexts (new active contexts each time) never grow its memos past
    their bounds, and clearing them changes no result."""
    from verifier.jsonld import expander as module
    monkeypatch.setattr(module, "MAX_TERMS", 40)
    monkeypatch.setattr(module, "MAX_SHAPES", 8)
    fresh = Engine(jsonld.document_loader(RESOURCES))
    for i in range(60):
        doc = {"@context": {"id": "@id", "type": "@type", f"t{i}": EX + f"t{i}",
                            "T": {"@id": EX + "T", "@context": {"x": EX + f"x{i}"}}},
               "id": EX + f"n{i}", "type": "T", f"t{i}": {"x": i, "type": "T"}, "x": [str(i), {}]}
        expanded, by_expander = fresh.expand_checked(doc)
        assert by_expander and ("ok", expanded) == reference(doc)
        memos = fresh.expander
        assert memos._count <= 40 and sum(len(t) for t in memos._tables.values()) + len(memos._tables) <= 40
        assert all(len(m) <= 8 for m in (memos._entered, memos._plans, memos._typed, memos._locals, memos._vocab_iris))
