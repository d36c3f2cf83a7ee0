"""Open Badges 2.0 signed assertions (OB 2.0 "Signed Verification"): compact JWS, key listed by the issuer
Profile and owned by it, the Profile's revocationList."""

from __future__ import annotations

from tests.ob2.issuer import outcome, rsa_key, verify_at
from tests.signing import new_key







async def test_good_signed_assertion_verifies(issuer):
    report = await verify_at(issuer.sign())
    assert report.verified, report.to_json()
    proof = outcome(report, "proof")
    assert proof.evidence["proofs"][0]["verificationMethod"] == issuer.key_id
    assert outcome(report, "issuer_key").evidence["issuer"] == issuer.profile_id
    assert outcome(report, "status").outcome.value == "passed"
    assert report.credential["format"] == "ob2-signed"


async def test_signed_with_an_ec_key_and_no_creator(server):
    from tests.ob2.issuer import Ob2Issuer

    issuer = Ob2Issuer(server, key=new_key("P-256"), name="ec")
    token = issuer.sign(alg="ES256", verification={"type": "SignedBadge"})
    assert (await verify_at(token)).verified


async def test_listed_in_the_revocation_list_is_revoked(issuer):
    aid = "urn:uuid:0b9c8a5e-2f55-4c1e-8d11-7a0b3c2d1e0f"
    issuer.revoked = ["urn:uuid:someone-else", {"id": aid, "revocationReason": "misconduct"}]
    issuer.publish()
    report = await verify_at(issuer.sign(aid))
    status = outcome(report, "status")
    assert status.outcome.value == "failed" and status.problem_code == "REVOKED" and "misconduct" in status.detail
    assert outcome(report, "proof").outcome.value == "passed"
    assert not report.verified


async def test_no_revocation_list_is_not_applicable(issuer):
    del issuer.profile["revocationList"]
    issuer.publish()
    report = await verify_at(issuer.sign())
    assert outcome(report, "status").outcome.value == "not_applicable" and report.verified


async def test_unreadable_revocation_list_is_indeterminate(issuer):
    issuer.profile["revocationList"] = f"{issuer.server.base}/college/nowhere.json"
    issuer.publish()
    report = await verify_at(issuer.sign())
    assert outcome(report, "status").outcome.value == "indeterminate" and not report.verified


async def test_tampered_payload_fails(issuer):
    token = issuer.sign()
    head, _, sig = token.split(".")
    other = issuer.sign(recipient={"type": "email", "hashed": False, "identity": "mallory@example.org"}).split(".")[1]
    report = await verify_at(f"{head}.{other}.{sig}")
    assert outcome(report, "proof").outcome.value == "failed" and not report.verified


async def test_key_of_another_issuer_fails(issuer):
    token = issuer.sign(key=rsa_key(1))
    report = await verify_at(token)
    assert outcome(report, "proof").outcome.value == "failed" and not report.verified


async def test_creator_not_listed_by_the_profile_fails(issuer):
    stray = f"{issuer.server.base}/college/stray-key.json"
    issuer.server.json("/college/stray-key.json", {**issuer.key_doc, "id": stray})
    report = await verify_at(issuer.sign(verification={"type": "signed", "creator": stray}))
    proof = outcome(report, "proof")
    assert proof.outcome.value == "failed" and "not among the publicKey" in proof.detail


async def test_refused_algorithms(issuer):
    for alg in ("HS256", "none"):
        head = {"HS256": "eyJhbGciOiJIUzI1NiJ9", "none": "eyJhbGciOiJub25lIn0"}[alg]
        payload = issuer.sign().split(".")[1]
        report = await verify_at(f"{head}.{payload}.AAAA")
        proof = outcome(report, "proof")
        assert proof.outcome.value == "failed" and proof.problem_code == "CRYPTOGRAPHIC_SECURITY_ERROR", alg
    # alg is compared case-sensitively: "rs256" is not RS256 and is never verified.
    import base64
    import json
    head = base64.urlsafe_b64encode(json.dumps({"alg": "rs256"}).encode()).rstrip(b"=").decode()
    _, payload, sig = issuer.sign().split(".")
    report = await verify_at(f"{head}.{payload}.{sig}")
    assert outcome(report, "proof").outcome.value != "passed" and not report.verified


async def test_hosted_verification_type_in_a_jws_is_refused(issuer):
    token = issuer.sign(verification={"type": "hosted"})
    report = await verify_at(token)
    assert outcome(report, "parse").outcome.value == "failed"
    assert outcome(report, "proof").outcome.value == "failed"
