"""Open Badges 3.0 endorsements (issue 11): each embedded ``EndorsementCredential`` and ``endorsementJwt``
is verified like a credential, with its own report entries; ``requireEndorsements`` decides whether a bad
one fails the whole credential (default: reported as warnings)."""

from __future__ import annotations

import base64
import copy
import json

from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.helpers import outcome, result, run_verify
from tests.signing import new_key, sign_jwt, sign_ldp

BADGE_ID = "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50"  # ob3_credential's id
ACHIEVEMENT_ID = "https://college.example/achievements/weld-101"


def endorsement(endorser, endorsed: str, **changes) -> dict:
    """An unsigned OB 3.0 EndorsementCredential (§B.1.3) by ``endorser`` of ``endorsed``."""
    doc = {
        "@context": [VC2, OB3],
        "id": "urn:uuid:9b0c5f2e-0d7e-4b43-9a57-2f6ab6b2e0c1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": endorser.did, "type": ["Profile"], "name": "Welders Guild"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Guild endorsement",
        "credentialSubject": {"id": endorsed, "type": ["EndorsementSubject"],
                              "endorsementComment": "Meets the guild's standard."},
    }
    doc.update(changes)
    return doc


def tamper_jwt(token: str) -> str:
    """Change the payload of a compact JWS and keep its signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["endorsementComment"] = "The best welder we have ever seen."
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def codes(report, where: str) -> list[str]:
    return [p["code"] for p in report.to_json()[where]]


def test_good_endorsement_is_verified_and_reported_by_pointer():
    issuer, guild = new_key(), new_key()
    good = sign_ldp(endorsement(guild, BADGE_ID), guild)
    badge = sign_ldp(ob3_credential(issuer.did, endorsement=[good]), issuer)
    report = run_verify(badge)
    assert report.verified, report.to_json()["errors"]
    for check in ("parse", "proof", "issuer_key", "validity"):
        assert outcome(report, check, "/endorsement/0") == "passed", check
    assert result(report, "issuer_trust", "/endorsement/0")  # the endorser's trust is reported too
    summary = report.to_json()["credentials"]
    assert summary[0]["pointer"] == "/endorsement/0" and summary[0]["endorsement"] is True
    assert "ENDORSEMENT_NOT_VERIFIED" not in codes(report, "warnings")
    assert run_verify(badge, require_endorsements=True).verified


def test_tampered_endorsement_is_reported_and_fails_only_when_required():
    issuer, guild = new_key(), new_key()
    tampered = sign_ldp(endorsement(guild, BADGE_ID), guild)
    tampered["credentialSubject"]["endorsementComment"] = "The best welder we have ever seen."
    badge = sign_ldp(ob3_credential(issuer.did, endorsement=[tampered]), issuer)  # the issuer signs it as is
    report = run_verify(badge)
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "proof", "/endorsement/0") == "failed"
    assert report.verified  # default: reported, not required
    assert "ENDORSEMENT_NOT_VERIFIED" in codes(report, "warnings")
    summary = report.to_json()["summary"]  # the learner's records only: the bad endorsement does not taint it
    assert [c.get("pointer", "") for c in summary["credentials"]] == [""] and summary["basis"] == "signed"
    required = run_verify(badge, require_endorsements=True)
    assert not required.verified
    assert "ENDORSEMENT_NOT_VERIFIED" in codes(required, "errors")


def test_unsigned_endorsement_fails():
    issuer, guild = new_key(), new_key()
    badge = sign_ldp(ob3_credential(issuer.did, endorsement=[endorsement(guild, BADGE_ID)]), issuer)
    report = run_verify(badge, require_endorsements=True)
    assert outcome(report, "proof", "/endorsement/0") == "failed"
    assert not report.verified


def test_endorsement_of_something_else_is_not_this_ones():
    """A genuine endorsement of another badge, copied in by the issuer, does not endorse this one."""
    issuer, guild = new_key(), new_key()
    other = sign_ldp(endorsement(guild, "urn:uuid:00000000-0000-4000-8000-000000000000"), guild)
    badge = sign_ldp(ob3_credential(issuer.did, endorsement=[other]), issuer)
    report = run_verify(badge, require_endorsements=True)
    assert outcome(report, "proof", "/endorsement/0") == "passed"
    parse = result(report, "parse", "/endorsement/0")
    assert parse.outcome.value == "failed" and "endorses" in parse.detail
    assert not report.verified
    not_one = sign_ldp(endorsement(guild, BADGE_ID, type=["VerifiableCredential"]), guild)
    badge = sign_ldp(ob3_credential(issuer.did, endorsement=[not_one]), issuer)
    assert "EndorsementCredential" in result(run_verify(badge), "parse", "/endorsement/0").detail


def test_endorsements_on_the_issuer_profile_and_the_achievement():
    issuer, guild = new_key(), new_key()
    of_issuer = sign_ldp(endorsement(guild, issuer.did), guild)
    of_achievement = sign_ldp(endorsement(guild, ACHIEVEMENT_ID), guild)
    doc = ob3_credential(issuer.did)
    doc["issuer"]["endorsement"] = [of_issuer]
    doc["credentialSubject"]["achievement"]["endorsement"] = [of_achievement]
    report = run_verify(sign_ldp(doc, issuer), require_endorsements=True)
    assert report.verified, report.to_json()["errors"]
    assert outcome(report, "proof", "/issuer/endorsement/0") == "passed"
    assert outcome(report, "proof", "/credentialSubject/achievement/endorsement/0") == "passed"


def test_endorsement_jwt_good_and_tampered():
    """``endorsementJwt`` strings (OB 3.0 §B.1.2 Achievement, §B.2.2 Profile) in a VC-JWT badge."""
    issuer, guild = new_key(), new_key()
    good = sign_jwt(endorsement(guild, ACHIEVEMENT_ID), guild, typ="vc+jwt")
    doc = ob3_credential(issuer.did)
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = [good, tamper_jwt(good)]
    token = sign_jwt(doc, issuer, typ="vc+jwt")
    report = run_verify(token)
    base = "/credentialSubject/achievement/endorsementJwt"
    assert outcome(report, "proof", base + "/0") == "passed"
    assert outcome(report, "proof", base + "/1") == "failed"
    assert report.verified and "ENDORSEMENT_NOT_VERIFIED" in codes(report, "warnings")
    assert not run_verify(token, require_endorsements=True).verified
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = [good]
    assert run_verify(sign_jwt(doc, issuer, typ="vc+jwt"), require_endorsements=True).verified


def test_endorsement_jwt_on_a_data_integrity_credential():
    """``endorsementJwt`` on the credential itself, under a Data Integrity proof (the term is defined by a
    context of our own here: OB 3.0.3 as published on purl does not define it)."""
    issuer, guild = new_key(), new_key()
    good = sign_jwt(endorsement(guild, BADGE_ID), guild, typ="vc+jwt")
    define = {"endorsementJwt": {"@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt",
                                 "@container": "@set"}}
    doc = ob3_credential(issuer.did, **{"@context": [VC2, OB3, define]}, endorsementJwt=[tamper_jwt(good)])
    report = run_verify(sign_ldp(doc, issuer), require_endorsements=True)
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "proof", "/endorsementJwt/0") == "failed"
    assert not report.verified


def test_endorsement_hidden_under_an_alias_is_refused():
    """An endorsement moved under another name by an inline context is the same signed endorsement: the
    signed-meaning gate refuses the JSON that hides it from the checks."""
    issuer, guild = new_key(), new_key()
    bad = sign_ldp(endorsement(guild, BADGE_ID), guild)
    bad["credentialSubject"]["endorsementComment"] = "forged"
    signed = sign_ldp(ob3_credential(issuer.did, endorsement=[bad]), issuer)
    attack = copy.deepcopy(signed)
    attack["@context"] = attack["@context"] + [{"xEndorsement": {
        "@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsement", "@container": "@set"}}]
    attack["xEndorsement"] = attack.pop("endorsement")
    report = run_verify(attack)
    assert outcome(report, "proof") == "failed"
    assert result(report, "proof").problem_code == "SIGNED_MEANING_MISMATCH"
    assert not report.verified
