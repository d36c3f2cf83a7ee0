"""verifier.identity_hash: OB 3.0 / OB 2.0 IdentityHash comparison (sha256$/md5$, salt, case rules)."""

from __future__ import annotations

import hashlib

import pytest

from verifier.errors import MalformedValue
from verifier.identity_hash import candidate_spellings, identity_matches, parse_identity_hash


def _sha(text: str) -> str:
    return "sha256$" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_sha256_with_salt_matches_and_other_values_do_not():
    stated = _sha("alice@example.org" + "pepper")
    assert identity_matches(stated, "alice@example.org", hashed=True, salt="pepper", kind="email")
    assert not identity_matches(stated, "bob@example.org", hashed=True, salt="pepper", kind="email")
    assert not identity_matches(stated, "alice@example.org", hashed=True, salt=None, kind="email")
    assert not identity_matches(stated, "alice@example.org", hashed=True, salt="other", kind="email")


def test_hex_is_read_case_insensitively_and_algorithm_name_too():
    stated = _sha("alice@example.org")
    upper = "SHA256$" + stated.split("$")[1].upper()
    assert identity_matches(upper, "alice@example.org", hashed=True, salt=None, kind="email")


def test_email_case_rules():
    assert identity_matches(_sha("alice@example.org"), "Alice@Example.ORG", hashed=True, salt=None, kind="email")
    assert identity_matches(_sha("Alice@example.org"), "Alice@EXAMPLE.org", hashed=True, salt=None, kind="email")
    assert identity_matches("Alice@Example.org", "alice@example.ORG", hashed=False, salt=None, kind="email")
    # an id is compared as given: case matters
    assert not identity_matches("S-1234-ab", "S-1234-AB", hashed=False, salt=None, kind="id")
    assert not identity_matches(_sha("abc"), "ABC", hashed=True, salt=None, kind="id")


def test_md5_and_phone_formatting():
    stated = "md5$" + hashlib.md5(b"+15555550100salt").hexdigest()
    assert identity_matches(stated, "+1 555-555-0100", hashed=True, salt="salt", kind="phone")
    assert identity_matches("+1 (555) 555 0100", "+15555550100", hashed=False, salt=None, kind="phone")
    assert candidate_spellings("+1 555.555.0100", "phone") == ["+1 555.555.0100", "+15555550100"]


def test_hashed_flag_absent_reads_the_value():
    assert identity_matches(_sha("x@y.z"), "x@y.z", hashed=None, salt=None, kind="email")
    assert identity_matches("x@y.z", "X@y.z", hashed=None, salt=None, kind="email")


@pytest.mark.parametrize("value", ["sha256$abc", "sha1$" + "0" * 40, "nodollar", "sha256$" + "g" * 64,
                                   "md5$" + "0" * 64])
def test_malformed_hashes_are_refused(value):
    with pytest.raises(MalformedValue):
        parse_identity_hash(value)
    with pytest.raises(MalformedValue):
        identity_matches(value, "x", hashed=True, salt=None, kind="id")
