"""Attack class: passing the recipient check (issue 11) with someone else's badge.

Mallory holds Alice's Open Badges 3.0 badge, whose subject names Alice by a hashed email
(``identifier``, OB 3.0 IdentityObject), and applies to an employer who asks "was this issued to
mallory@example.org?" (``options.recipient``). Every JSON-visible identifier Mallory adds is a new
statement the issuer did not sign (the signature fails); what is left is re-spelling the signed ones.
A re-spelling that keeps the signed data but changes what the plain reading of ``identifier`` /
``identityHash`` shows is refused by the signed-meaning gate (``SIGNED_MEANING_MISMATCH``), and the
recipient check then reads nothing (``indeterminate``): it never passes on unsigned values. Hiding
Alice's identifier altogether leaves no recipient to match: ``failed``/``indeterminate``, never passed.

Sources: OB 3.0 data model "IdentityObject", "IdentityHash"; Data Integrity §4.4 (RDF-canonicalised
proofs sign the meaning, not the JSON key names).
"""

from __future__ import annotations

import copy
import hashlib

import pytest

from tests.adversarial.respell import signed_bytes
from tests.core.credentials import ob3_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.options import Recipient

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
ALICE, MALLORY = "alice@example.org", "mallory@example.org"


def _hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


@pytest.fixture(scope="module")
def alices_badge():
    issuer = new_key()
    doc = ob3_credential(issuer.did)
    subject = doc["credentialSubject"]
    subject.pop("id")
    subject["identifier"] = [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                              "identityHash": _hash(ALICE, "s1"), "salt": "s1"}]
    return sign_ldp(doc, issuer)


async def test_baseline(verify_vc, alices_badge):
    assert (await verify_vc(alices_badge, recipient=Recipient("email", ALICE))).verified
    report = await verify_vc(alices_badge, recipient=Recipient("email", MALLORY))
    assert not report.verified
    assert result(report, C.CHECK_RECIPIENT).problem_code == C.PROBLEM_RECIPIENT_MISMATCH


async def test_an_added_identifier_is_not_signed(verify_vc, alices_badge):
    forged = copy.deepcopy(alices_badge)
    forged["credentialSubject"]["identifier"].append(
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
         "identityHash": _hash(MALLORY, "s2"), "salt": "s2"})
    report = await verify_vc(forged, recipient=Recipient("email", MALLORY))
    assert not report.verified
    assert result(report, C.CHECK_PROOF).outcome.value == "failed"
    assert result(report, C.CHECK_RECIPIENT).outcome.value == "indeterminate"


@pytest.mark.parametrize("spelling", ["value_object", "absolute_iri_key", "hidden_identifier"])
async def test_respelled_identifier(verify_vc, alices_badge, spelling):
    respelled = copy.deepcopy(alices_badge)
    subject = respelled["credentialSubject"]
    entry = subject["identifier"][0]
    if spelling == "value_object":
        entry["identityHash"] = {"@value": entry["identityHash"]}
    elif spelling == "absolute_iri_key":
        entry[OB + "identityHash"] = entry.pop("identityHash")
    else:  # the whole identifier under its IRI: the plain reading sees no identifier at all
        subject[OB + "identifier"] = subject.pop("identifier")
    assert signed_bytes(respelled) == signed_bytes(alices_badge)
    for asked in (ALICE, MALLORY):
        report = await verify_vc(respelled, recipient=Recipient("email", asked))
        assert not report.verified
        proof = result(report, C.CHECK_PROOF)
        assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_SIGNED_MEANING_MISMATCH), \
            proof.to_json()
        assert result(report, C.CHECK_RECIPIENT).outcome.value == "indeterminate"
