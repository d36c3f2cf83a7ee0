"""Attack class: moving a credential's own property into the subject of an endorsement of that credential.

An OB 3.0 endorsement of a credential names it by id (``credentialSubject.id`` = the credential's ``id``,
§B.1.3), so in the RDF the credential signs, the endorsement's subject *is* the credential's node: a
property written on that subject object is a property of the credential. Mallory holds a signed badge
that has expired (``validUntil``), or that carries a ``credentialStatus`` (revocable) or a
``credentialSchema``, and that embeds an endorsement of itself. She moves the property from the badge's top
level into the embedded endorsement's ``credentialSubject`` (with an embedded ``@context`` naming the term
there as the VCDM 2.0 context names it on a credential). The badge's dataset, and so its signature,
is unchanged; a check reading the badge's JSON no longer sees the property (the badge would read as
unexpired, unrevocable, schema-free).

The signed-meaning gate (:mod:`verifier.signed_meaning`) compares the badge node of the signed data with
the badge's JSON reading; the merged node carries the moved property, the JSON does not: refused
(``SIGNED_MEANING_MISMATCH``). Only the ``EndorsementSubject`` class may be added by the merge.
"""

from __future__ import annotations

import copy

import pytest

from tests.core.credentials import ob3_credential
from tests.core.test_endorsements import BADGE_ID, endorsement
from tests.adversarial.respell import DEFINITIONS, signed_bytes
from tests.core.test_schema_check import CONTEXT, ENTRY, check, data_dir  # noqa: F401 - fixture
from tests.signing import new_key, sign_ldp

MOVED = {
    "validUntil": "2026-06-01T00:00:00Z",  # before the judging instant: the badge has expired
    "credentialStatus": {"id": "https://status.example/lists/3#94567", "type": "BitstringStatusListEntry",
                         "statusPurpose": "revocation", "statusListIndex": "94567",
                         "statusListCredential": "https://status.example/lists/3"},
    "credentialSchema": [ENTRY],
}


def _proof(report, target=""):
    return next(r for r in report.results if r.check == "proof" and r.target == target)


@pytest.mark.parametrize("term", sorted(MOVED))
async def test_property_moved_into_the_self_endorsements_subject_is_refused(data_dir, term):  # noqa: F811
    issuer, guild = new_key(), new_key()
    own = sign_ldp(endorsement(guild, BADGE_ID), guild)
    doc = ob3_credential(issuer.did, endorsement=[own], **{"@context": CONTEXT, term: MOVED[term]})
    doc["credentialSubject"]["achievement"]["name"] = 42  # schema-invalid as issued
    badge = sign_ldp(doc, issuer)
    baseline = await check(badge, data_dir, require_schema=True)
    assert _proof(baseline).outcome.value == "passed"
    assert not baseline.verified  # expired, status not checkable offline, or schema-invalid

    moved = copy.deepcopy(badge)
    subject = moved["endorsement"][0]["credentialSubject"]
    # the VCDM 2.0 context defines the term only on a VerifiableCredential node: name it here as it means there
    subject["@context"] = {term: DEFINITIONS[term]}
    subject[term] = moved.pop(term)
    assert signed_bytes(moved) == signed_bytes(badge)  # the badge's signature still covers it
    report = await check(moved, data_dir, require_schema=True)
    assert _proof(report).problem_code == "SIGNED_MEANING_MISMATCH", _proof(report).to_json()
    assert term in _proof(report).detail
    assert not report.verified
