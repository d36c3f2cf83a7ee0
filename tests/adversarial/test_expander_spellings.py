"""Attack class: spell a credential so that the table-driven expander (issue 10) would read it otherwise
than pyld -- a term as its full IRI, as a compact IRI, through an inline alias, ``@type``/``@id`` and their
aliases, the same property twice under two spellings, a type-scoped term outside its type, a protected term
redefined (at the top or in a nested ``@context``), a context that is not bundled.

Source: JSON-LD 1.1 §4.1 (scoped contexts, ``@propagate``), §4.1.11 (protected term definitions), §9.15
(keyword aliasing); JSON-LD 1.1 API §5.1.2 (Expansion Algorithm) and §5.2 (IRI Expansion); Data Integrity
§4 (safe mode); issue 10 ("a fast path must give byte-identical canonical N-Quads").

Every case asserts that the canonical N-Quads are stock pyld's (or that both paths refuse the document,
with the same error), and, where the expander answers, that it did.
"""

from __future__ import annotations

import copy
import json

import pytest
from pyld import jsonld as pyld_jsonld

from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.helpers import result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C, jsonld
from verifier.errors import InvalidJsonLd, UnknownContext, VerifierError
from verifier.jsonld.processor import Engine, engine
from verifier.jsonld.safe_mode import check_expanded
from verifier.options import ResourceConfig
from verifier.report import Outcome

RESOURCES = ResourceConfig()
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
ISSUER = "did:example:issuer"


def stock(doc: dict) -> str:
    return pyld_jsonld.normalize(copy.deepcopy(doc), {"algorithm": "URDNA2015", "format": "application/n-quads",
                                                      "documentLoader": jsonld.document_loader(RESOURCES),
                                                      "processingMode": "json-ld-1.1"})


def without_expander(doc: dict):
    try:
        expanded = Engine(jsonld.document_loader(RESOURCES), fast=False).expand(doc)
        check_expanded(expanded)
        return "ok", expanded
    except VerifierError as exc:
        return "error", type(exc), str(exc)


def with_expander(doc: dict):
    try:
        return "ok", jsonld.expand(doc, resources=RESOURCES)
    except VerifierError as exc:
        return "error", type(exc), str(exc)


def subject(doc: dict) -> dict:
    return doc["credentialSubject"]


def achievement(doc: dict) -> dict:
    return doc["credentialSubject"]["achievement"]


def _full_iri(doc):
    achievement(doc)[OB + "achievementType"] = "Certificate"


def _compact_iri(doc):
    doc["@context"] = doc["@context"] + [{"ob": OB}]
    achievement(doc)["ob:humanCode"] = "WELD 101"


def _alias(doc):
    doc["@context"] = doc["@context"] + [{"label": "https://schema.org/alternateName"}]
    doc["label"] = "alias"


def _type_alias(doc):
    doc["@context"] = doc["@context"] + [{"kind": "@type"}]
    subject(doc)["kind"] = subject(doc).pop("type")


def _at_keywords(doc):
    achievement(doc)["@id"] = achievement(doc).pop("id")
    achievement(doc)["@type"] = achievement(doc).pop("type")


def _twice(doc):
    doc["https://schema.org/name"] = "second spelling"  # VCDM 2.0's name is schema.org's


SAME_MEANING_SHAPES = {"full IRI": _full_iri, "compact IRI": _compact_iri, "inline alias": _alias,
                       "@type alias": _type_alias, "@id and @type": _at_keywords,
                       "one property spelled twice": _twice}


@pytest.mark.parametrize("name", sorted(SAME_MEANING_SHAPES))
def test_spellings_are_read_as_pyld_reads_them(name):
    doc = ob3_credential(ISSUER)
    SAME_MEANING_SHAPES[name](doc)
    expanded, by_expander = engine(RESOURCES).expand_checked(doc)
    assert by_expander, "this spelling is one the expander handles"
    assert with_expander(doc) == without_expander(doc) == ("ok", expanded)
    assert jsonld.canonicalize(doc, resources=RESOURCES) == stock(doc)


def test_a_full_iri_spelling_signs_the_same_bytes():
    """``achievement.name`` written as its full IRI is the same statement: the same canonical bytes."""
    doc = ob3_credential(ISSUER)
    respelled = json.loads(json.dumps(doc))
    achievement(respelled)["https://schema.org/name"] = achievement(respelled).pop("name")
    assert jsonld.canonicalize(respelled, resources=RESOURCES) == jsonld.canonicalize(doc, resources=RESOURCES)


def test_a_type_scoped_term_outside_its_type_is_refused_as_pyld_refuses_it():
    doc = ob3_credential(ISSUER, **{"@context": ["https://www.w3.org/2018/credentials/v1", OB3],
                                    "issuanceDate": "2026-01-01T00:00:00Z"})
    achievement(doc)["criteria"] = {"id": "https://college.example/c", "achievementType": "Certificate"}
    outcome = with_expander(doc)
    assert outcome == without_expander(doc)
    assert outcome[0] == "error" and outcome[1] is InvalidJsonLd and "achievementType" in outcome[2]


@pytest.mark.parametrize("where", ["top-level context", "nested context"])
def test_protected_terms_cannot_be_redefined(where):
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)  # then changed: the change must be refused, not only unsigned
    if where == "top-level context":
        doc["@context"] = [VC2, OB3, {"name": "https://evil.example/name"}]
    else:
        subject(doc)["@context"] = {"id": "https://evil.example/id"}
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    outcome = with_expander(unsigned)
    assert outcome == without_expander(unsigned)
    assert outcome[0] == "error" and outcome[1] is InvalidJsonLd and "protected" in outcome[2]
    report = run_verify(doc)
    assert not report.verified
    assert result(report, C.CHECK_PROOF).outcome != Outcome.PASSED


@pytest.mark.parametrize("where", ["top-level context", "nested context"])
def test_a_context_that_is_not_bundled_stays_refused(where):
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    if where == "top-level context":
        doc["@context"] = [VC2, OB3, "https://evil.example/context.jsonld"]
    else:
        achievement(doc)["@context"] = "https://evil.example/context.jsonld"
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    outcome = with_expander(unsigned)
    assert outcome == without_expander(unsigned)
    assert outcome[0] == "error" and outcome[1] is UnknownContext
    report = run_verify(doc)
    assert not report.verified
    assert result(report, C.CHECK_PROOF).problem_code == C.PROBLEM_UNKNOWN_CONTEXT
