"""CLR 2.0 (issue 11): every nested credential is verified whatever its type or form, associations that
name missing achievements are reported, and ``endorsementJwt`` inside the CLR's achievements is verified.

The CLR 2.0 context is not bundled (no registry package carries it): it is installed from the shared
corpus, as an operator would with ``ler-verifier contexts add``.
"""

from __future__ import annotations

import pytest

from tests.conftest import vectors_or_skip
from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.test_endorsements import endorsement, tamper_jwt
from tests.core.test_schema_check import check
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier.contexts.installed import install_context
from verifier.options import ResourceConfig

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
ENDORSEMENT_JWT = {"endorsementJwt": {"@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt",
                                      "@container": "@set"}}
A1 = "urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002"
A2 = "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002"


@pytest.fixture
def clr_dir(tmp_path):
    source = vectors_or_skip() / "contexts" / "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
    if not source.is_file():
        pytest.skip(f"the CLR 2.0 context is not in the corpus at {source}")
    install_context(CLR_CONTEXT, source, tmp_path / "data")
    return tmp_path / "data"


def achievement(aid: str, **extra) -> dict:
    return {"id": aid, "type": ["Achievement"], "name": f"Course {aid[-4:]}", "description": "A course.",
            "criteria": {"narrative": "Pass it."}, **extra}


def clr(issuer, data_dir, nested: list, **subject) -> dict:
    doc = {
        "@context": [VC2, CLR_CONTEXT, OB3, ENDORSEMENT_JWT],
        "id": "urn:uuid:2e1f0b9e-6d4c-4c57-a7d5-5bbf3d7c1a10",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Example Community College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": "did:example:learner-7", "type": ["ClrSubject"], "verifiableCredential": nested,
                              **subject},
    }
    return sign_ldp(doc, issuer, resources=ResourceConfig(data_dir=data_dir))


def outcomes(report, check_id: str) -> dict[str, str]:
    return {r.target: r.outcome.value for r in report.results if r.check == check_id}


async def test_clr_with_a_tampered_a_jwt_and_a_non_achievement_credential(clr_dir):
    issuer = new_key()
    good = sign_ldp(ob3_credential(issuer.did, id="urn:uuid:11111111-1111-4111-8111-111111111111"), issuer)
    tampered = sign_ldp(ob3_credential(issuer.did, id="urn:uuid:22222222-2222-4222-8222-222222222222"), issuer)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
    as_jwt = sign_jwt(ob3_credential(issuer.did, id="urn:uuid:33333333-3333-4333-8333-333333333333"), issuer,
                      typ="vc+jwt")
    plain = sign_ldp({"@context": [VC2], "id": "urn:uuid:44444444-4444-4444-8444-444444444444",
                      "type": ["VerifiableCredential"], "issuer": issuer.did, "validFrom": "2026-01-01T00:00:00Z",
                      "credentialSubject": {"id": "did:example:learner-7", "name": "Learner Seven"}}, issuer)
    signed = clr(issuer, clr_dir, [good, tampered, as_jwt, plain])
    report = await check(signed, clr_dir)
    base = "/credentialSubject/verifiableCredential"
    assert outcomes(report, "proof") == {"": "passed", f"{base}/0": "passed", f"{base}/1": "failed",
                                         f"{base}/2": "passed", f"{base}/3": "passed"}
    assert outcomes(report, "issuer_key")[f"{base}/2"] == "passed"  # the JWT's key is its issuer's
    assert not report.verified  # a tampered nested credential fails the CLR
    summaries = {c["pointer"]: c for c in report.to_json()["credentials"]}
    assert set(summaries) == {f"{base}/{i}" for i in range(4)}
    signed = clr(issuer, clr_dir, [good, as_jwt, plain])
    assert (await check(signed, clr_dir)).verified


async def test_associations_naming_missing_achievements_are_reported(clr_dir):
    issuer = new_key()
    nested = sign_ldp(ob3_credential(issuer.did), issuer)  # carries weld-101
    weld = ob3_credential(issuer.did)["credentialSubject"]["achievement"]["id"]
    associations = [
        {"type": "Association", "associationType": "isParentOf", "sourceId": A1, "targetId": A2},
        {"type": "Association", "associationType": "precedes", "sourceId": A1, "targetId": weld},
        {"type": "Association", "associationType": "isChildOf", "sourceId": A2, "targetId": "urn:uuid:missing-1"},
    ]
    signed = clr(issuer, clr_dir, [nested], achievement=[achievement(A1), achievement(A2)], association=associations)
    report = await check(signed, clr_dir)
    warnings = [w for w in report.to_json()["warnings"] if w["code"] == "CLR_ASSOCIATION_UNRESOLVED"]
    assert len(warnings) == 1, warnings
    assert "/credentialSubject/association/2/targetId" in warnings[0]["detail"]
    assert "urn:uuid:missing-1" in warnings[0]["detail"]
    assert report.verified  # reported, not a failure of the signature or the data model


async def test_endorsement_jwt_inside_a_clr_achievement_is_verified(clr_dir):
    issuer, guild = new_key(), new_key()
    good = sign_jwt(endorsement(guild, A1, **{"@context": [VC2, OB3]}), guild, typ="vc+jwt")
    signed = clr(issuer, clr_dir, [], achievement=[achievement(A1, endorsementJwt=[good, tamper_jwt(good)])])
    report = await check(signed, clr_dir)
    base = "/credentialSubject/achievement/0/endorsementJwt"
    assert outcomes(report, "proof") == {"": "passed", f"{base}/0": "passed", f"{base}/1": "failed"}
    assert report.verified
    assert not (await check(signed, clr_dir, require_endorsements=True)).verified
