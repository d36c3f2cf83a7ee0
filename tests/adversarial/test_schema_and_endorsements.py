"""Attack class: make the ``schema`` check or the endorsement reading see something other than what is
signed (issue 11).

The ``schema`` check validates the JSON as presented (1EdTech's validator does the same); a Data Integrity
proof signs the meaning. So a JSON-LD respelling that keeps the meaning (and the proof) can change what the
schema sees. These cases show the verdict stays right: a respelling that hides a checked property
(``credentialSchema``, ``credentialSubject``, ``endorsement``) is refused by the signed-meaning gate; one
that only reshapes an unchecked value flips the schema's answer about the *presented JSON* and nothing
else (the proof, and so ``verified`` without ``requireSchema``, is unchanged); a JWT signs the bytes the
schema sees.
"""

from __future__ import annotations

import base64
import copy
import json

from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.test_endorsements import BADGE_ID, endorsement
from tests.core.test_schema_check import CONTEXT, ENTRY, OB3_SCHEMA_URL, check, data_dir, schema_result  # noqa: F401
from tests.signing import new_key, sign_jwt, sign_ldp

VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def proof(report, target=""):
    return next(r for r in report.results if r.check == "proof" and r.target == target)


async def test_hiding_credential_schema_under_an_alias_is_refused(data_dir):
    key = new_key()
    doc = ob3_credential(key.did, credentialSchema=[ENTRY], **{"@context": CONTEXT})
    doc["credentialSubject"]["achievement"]["name"] = 42  # schema-invalid as issued
    signed = sign_ldp(doc, key)
    attack = copy.deepcopy(signed)
    attack["@context"] = attack["@context"] + [{"xSchema": {"@id": "https://www.w3.org/2018/credentials#credentialSchema",
                                                           "@type": "@id"}}]
    attack["xSchema"] = attack.pop("credentialSchema")
    report = await check(attack, data_dir, require_schema=True)
    assert schema_result(report).outcome.value == "not_applicable"  # the JSON names no schema ...
    assert proof(report).problem_code == "SIGNED_MEANING_MISMATCH"  # ... but the signature says it does
    assert not report.verified


async def test_subject_under_an_alias_fails_schema_and_proof(data_dir):
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did, credentialSchema=[ENTRY], **{"@context": CONTEXT}), key)
    assert (await check(signed, data_dir, require_schema=True)).verified
    attack = copy.deepcopy(signed)
    attack["@context"] = attack["@context"] + [{"xSubject": {
        "@id": "https://www.w3.org/2018/credentials#credentialSubject", "@type": "@id"}}]
    attack["xSubject"] = attack.pop("credentialSubject")
    report = await check(attack, data_dir, require_schema=True)
    assert schema_result(report).outcome.value == "failed"
    assert proof(report).problem_code == "SIGNED_MEANING_MISMATCH"
    assert not report.verified


async def test_reshaping_an_unchecked_value_changes_only_the_schema_answer(data_dir):
    """``"name": ["X"]`` and ``"name": "X"`` are one RDF statement: the proof holds either way, and the
    schema judges the JSON that is presented (a false failure is possible, and so is a pass of a document the
    issuer wrote in a shape the schema refuses -- with the same signed meaning). ``verified`` without
    ``requireSchema`` never depends on it."""
    key = new_key()
    doc = ob3_credential(key.did, credentialSchema=[ENTRY], **{"@context": CONTEXT})
    doc["credentialSubject"]["achievement"]["name"] = ["Welding Fundamentals"]
    as_issued = sign_ldp(doc, key)
    reshaped = copy.deepcopy(as_issued)
    reshaped["credentialSubject"]["achievement"]["name"] = "Welding Fundamentals"
    first, second = await check(as_issued, data_dir), await check(reshaped, data_dir)
    assert proof(first).outcome.value == proof(second).outcome.value == "passed"
    assert schema_result(first).outcome.value == "failed"
    assert schema_result(second).outcome.value == "passed"
    assert first.verified and second.verified
    assert not (await check(as_issued, data_dir, require_schema=True)).verified


async def test_a_jwt_schema_check_reads_the_signed_bytes(data_dir):
    key = new_key()
    doc = ob3_credential(key.did, credentialSchema=[ENTRY])
    doc["credentialSubject"]["achievement"]["name"] = 42
    token = sign_jwt(doc, key, typ="vc+jwt")
    header, payload, signature = token.split(".")
    fixed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    fixed["credentialSubject"]["achievement"]["name"] = "42"
    forged = f"{header}.{base64.urlsafe_b64encode(json.dumps(fixed).encode()).rstrip(b'=').decode()}.{signature}"
    report = await check(forged, data_dir, require_schema=True)
    assert schema_result(report).outcome.value == "passed"  # the JSON is fixed ...
    assert proof(report).outcome.value == "failed"  # ... but it is not what was signed
    assert not report.verified


async def test_endorsement_hidden_under_an_alias_is_refused(data_dir):
    issuer, guild = new_key(), new_key()
    bad = sign_ldp(endorsement(guild, BADGE_ID), guild)
    bad["credentialSubject"]["endorsementComment"] = "forged"
    signed = sign_ldp(ob3_credential(issuer.did, endorsement=[bad]), issuer)
    attack = copy.deepcopy(signed)
    attack["@context"] = attack["@context"] + [{"xEndorsement": {"@id": VOCAB + "endorsement", "@container": "@set"}}]
    attack["xEndorsement"] = attack.pop("endorsement")
    report = await check(attack, data_dir)
    assert not [r for r in report.results if r.target.startswith("/xEndorsement")]  # not read as an endorsement
    assert proof(report).problem_code == "SIGNED_MEANING_MISMATCH"
    assert not report.verified


async def test_merged_subject_may_add_only_the_endorsement_subject_class(data_dir):
    """An endorsement of the credential itself merges its subject with the credential node (same id): the
    gate lets that add ``EndorsementSubject`` and nothing else -- here it would make the badge a CLR in the
    signed data while the JSON's types say otherwise."""
    issuer, guild = new_key(), new_key()
    sneaky = sign_ldp(endorsement(guild, BADGE_ID), guild)
    sneaky["credentialSubject"]["type"] = ["EndorsementSubject", "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential"]
    report = await check(sign_ldp(ob3_credential(issuer.did, endorsement=[sneaky]), issuer), data_dir)
    assert proof(report).problem_code == "SIGNED_MEANING_MISMATCH"
    assert "ClrCredential" in proof(report).detail
    assert not report.verified


async def test_unsigned_endorsement_never_counts_as_verified(data_dir):
    issuer, guild = new_key(), new_key()
    unsigned = endorsement(guild, BADGE_ID, **{"@context": [VC2, OB3]})
    report = await check(sign_ldp(ob3_credential(issuer.did, endorsement=[unsigned]), issuer), data_dir,
                         require_endorsements=True)
    assert proof(report, "/endorsement/0").outcome.value == "failed"
    assert not report.verified
