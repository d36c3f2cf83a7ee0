"""Safe mode (Data Integrity §4, VCDM 2.0 §4.1): what expansion would silently drop or leave
relative is refused, naming the term or value."""

from __future__ import annotations

import copy

import pytest

from tests.jsonld.conftest import VC_V1, VC_V2, load_vector, vc1
from verifier import jsonld
from verifier.errors import InvalidJsonLd


def test_valid_vcdm11_credential_passes(bundled_only):
    doc = vc1()
    before = copy.deepcopy(doc)
    expanded = jsonld.expand(doc, resources=bundled_only)
    assert expanded[0]["@id"] == doc["id"]
    assert doc == before  # the input is not modified


def test_undefined_term_in_vcdm11_fails_naming_the_term(bundled_only):
    doc = vc1(credentialSubject={"id": "did:example:subject", "favouriteColour": "green"})
    with pytest.raises(InvalidJsonLd, match="favouriteColour"):
        jsonld.expand(doc, resources=bundled_only)
    with pytest.raises(InvalidJsonLd, match="favouriteColour"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_term_mapped_to_null_fails_naming_the_term(bundled_only):
    doc = vc1()
    doc["@context"] = [VC_V1, {"secretNote": None}]
    doc["secretNote"] = "dropped"
    with pytest.raises(InvalidJsonLd, match="'secretNote' is mapped to null"):
        jsonld.expand(doc, resources=bundled_only)


def test_bare_uuid_id_fails_naming_it(bundled_only):
    doc = vc1(id="0b5c2c7e-0000-4000-8000-000000000001")
    with pytest.raises(InvalidJsonLd, match="'0b5c2c7e-0000-4000-8000-000000000001' is a relative IRI"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_relative_fragment_id_in_nested_node_fails(bundled_only):
    doc = vc1(credentialSubject={"id": "#me"})
    with pytest.raises(InvalidJsonLd, match="'#me'"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_undefined_type_fails(bundled_only):
    doc = vc1(type=["VerifiableCredential", "UniversityDegreeCredential"])
    with pytest.raises(InvalidJsonLd, match="@type value 'UniversityDegreeCredential'"):
        jsonld.expand(doc, resources=bundled_only)


def test_undefined_term_and_type_fail_in_vcdm2_too(bundled_only):
    """The VCDM 2.0 context defines no @vocab: undefined terms and types are refused as in 1.1."""
    doc = {"@context": [VC_V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "credentialSubject": {"id": "did:example:s", "favouriteColour": "green"}}
    with pytest.raises(InvalidJsonLd, match="favouriteColour"):
        jsonld.canonicalize(doc, resources=bundled_only)
    doc["credentialSubject"] = {"id": "did:example:s", "type": "Alumnus"}
    with pytest.raises(InvalidJsonLd, match="@type value 'Alumnus' is a relative IRI"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_type_with_a_space_is_refused(bundled_only):
    doc = {"@context": [VC_V2, {"@vocab": "https://ex.example/vocab#"}], "type": ["VerifiableCredential"],
           "issuer": "did:example:i", "credentialSubject": {"id": "did:example:s", "type": "not an iri"}}
    with pytest.raises(InvalidJsonLd, match="'https://ex.example/vocab#not an iri' is not an absolute IRI"):
        jsonld.expand(doc, resources=bundled_only)


def test_relative_datatype_fails(bundled_only):
    doc = vc1()
    doc["@context"] = [VC_V1, {"level": "https://ex.example/level"}]
    doc["credentialSubject"]["level"] = {"@value": "3", "@type": "LevelType"}
    with pytest.raises(InvalidJsonLd, match="value datatype 'LevelType' is a relative IRI"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_relative_datatype_in_a_context_is_a_json_ld_error(bundled_only):
    doc = vc1()
    doc["@context"] = [VC_V1, {"level": {"@id": "https://ex.example/level", "@type": "LevelType"}}]
    doc["credentialSubject"]["level"] = "3"
    with pytest.raises(InvalidJsonLd, match="invalid type mapping"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_not_an_object_is_refused(bundled_only):
    with pytest.raises(InvalidJsonLd, match="JSON object"):
        jsonld.expand(["not", "a", "document"], resources=bundled_only)


@pytest.mark.parametrize("relative, term", [
    ("dcc-verifier-core/safeModeBreaker.json", "endorsementJwt"),
    ("1edtech-validator-ob30/simple-err-context.json", "credentialSubject"),
    ("1edtech-validator-ob30/simple-err-type.json", "OtherCredential"),
])
def test_corpus_safe_mode_breakers_fail(corpus, with_corpus_contexts, relative, term):
    doc = load_vector(corpus, relative)
    doc.pop("proof", None)
    with pytest.raises(InvalidJsonLd, match=term):
        jsonld.canonicalize(doc, resources=with_corpus_contexts)


def test_protected_term_redefinition_is_refused(bundled_only):
    doc = {"@context": [VC_V2, {"VerifiableCredential": "https://evil.example/Credential"}],
           "type": ["VerifiableCredential"], "issuer": "did:example:i", "credentialSubject": {"id": "did:example:s"}}
    with pytest.raises(InvalidJsonLd, match="protected term redefinition"):
        jsonld.canonicalize(doc, resources=bundled_only)


def test_reserved_keyword_like_key_is_named(bundled_only):
    doc = vc1(**{"@foo": "x"})
    with pytest.raises(InvalidJsonLd, match="'@foo' is mapped to null by the @context or is a reserved @-keyword"):
        jsonld.expand(doc, resources=bundled_only)


def test_malformed_language_tag_is_refused(bundled_only):
    doc = {"@context": [VC_V1, {"n": "https://ex.example/n"}], "@id": "urn:x",
           "n": {"@value": "x", "@language": "not valid!"}}
    with pytest.raises(InvalidJsonLd, match="not a well-formed language tag"):
        jsonld.canonicalize(doc, resources=bundled_only)
    doc["n"]["@language"] = "en-GB"  # expansion lower-cases tags (as jsonld.js does)
    assert jsonld.canonicalize(doc, resources=bundled_only) == '<urn:x> <https://ex.example/n> "x"@en-gb .\n'
