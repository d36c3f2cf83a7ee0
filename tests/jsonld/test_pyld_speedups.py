"""The faster pyld predicates (:mod:`verifier.jsonld.pyld_speedups`) answer as pyld's own on every kind of value."""

from __future__ import annotations

from frozendict import frozendict
from pyld import jsonld as pyld_jsonld

from verifier.jsonld import pyld_speedups

SAMPLES = [None, True, False, 0, 1, 1.5, "", "@id", "@value", "@foo", "id", "a:b", "_:b0", "http://x.example/a b",
           "https://x.example/a", "urn:uuid:1", "1a:b", "a+b.c-d:x", ":x", "é:x", "a:\n", [], [1], {}, {"@value": 1},
           {"@list": []}, {"@id": "x"}, frozendict({"@value": 1}), frozendict(), ("@id",), b"@id", object()]


def test_every_replacement_answers_as_pyld():
    assert pyld_speedups.check_equivalent(SAMPLES) == []


def test_the_replacements_are_installed():
    import verifier.jsonld.processor  # noqa: F401 - installs them
    for name, function in pyld_speedups.REPLACEMENTS.items():
        assert getattr(pyld_jsonld, name) is function
