"""Attack class: a recipient email that only Unicode case folding makes equal to the learner's.

The ``recipient`` check reads email addresses case-insensitively (OB 3.0 "IdentityHash": issuers hash the
address as they have it; mail providers treat ASCII case as one mailbox). Unicode *case folding* goes
further: ``"straße".casefold() == "strasse"``, the ligature ``"ﬁ"`` folds to ``"fi"``, and ``lower()`` maps
the Kelvin sign ``"K"`` (U+212A) to ``"k"``. Those are different mailboxes. Mallory, who owns
``strasse@mail.example``, asks HR to check the badge issued to ``straße@mail.example`` (which she copied)
against her own address: with case folding it was "issued to her". Likewise an address Mallory registers
with a Kelvin sign lower-cases to the learner's ``kelly@...`` and matched the learner's hashed address.

Rule (:mod:`verifier.identity_hash`): the local part is compared case-insensitively for ASCII letters only;
the domain is lower-cased (DNS names are case-insensitive). Source: RFC 5321 §2.4 (the local part is the
mailbox owner's; only its ASCII case is commonly ignored), RFC 6531 (internationalised local parts are
UTF-8, compared as given).
"""

from __future__ import annotations

import hashlib

import pytest

from verifier.identity_hash import identity_matches


def _sha(value: str, salt: str = "") -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("issued, asked", [
    ("straße@mail.example", "strasse@mail.example"),
    ("strasse@mail.example", "straße@mail.example"),
    ("ﬁona@mail.example", "fiona@mail.example"),
    ("kelly@mail.example", "\u212aelly@mail.example"),  # Kelvin sign
    ("\u212aelly@mail.example", "kelly@mail.example"),
])
@pytest.mark.parametrize("hashed", [False, True])
def test_unicode_folding_does_not_make_another_mailbox_the_learners(issued, asked, hashed):
    stated = _sha(issued, "s1") if hashed else issued
    assert not identity_matches(stated, asked, hashed=hashed, salt="s1" if hashed else None, kind="email")


@pytest.mark.parametrize("hashed", [False, True])
def test_ascii_case_and_domain_case_still_match(hashed):
    stated = _sha("alice@example.org", "s1") if hashed else "Alice@Example.org"
    assert identity_matches(stated, "ALICE@EXAMPLE.ORG", hashed=hashed, salt="s1" if hashed else None, kind="email")
    stated = _sha("Jörg@bücher.example", "s1") if hashed else "Jörg@BÜCHER.example"
    assert identity_matches(stated, "Jörg@Bücher.EXAMPLE", hashed=hashed, salt="s1" if hashed else None,
                            kind="email")
