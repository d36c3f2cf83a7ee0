"""Open Badges 2.0 hosted assertions (OB 2.0 "Hosted Verification"), served by a real local server."""

from __future__ import annotations

from aiohttp import web

from tests.fetch.local_server import LocalServer
from tests.ob2.issuer import AT, ob2_env, outcome, verify_at
from verifier import VerifyOptions, verify







async def test_good_hosted_assertion_verifies(issuer):
    doc = issuer.host("/college/assertions/1.json")
    report = await verify_at(doc)
    assert report.verified, report.to_json()
    assert outcome(report, "proof").evidence["issuer"] == issuer.profile_id
    assert "verification scope" in outcome(report, "issuer_key").detail
    assert outcome(report, "status").outcome.value == "passed"
    assert report.credential["format"] == "ob2-hosted"


async def test_hosted_assertion_is_fetched_with_json_ld_accept(issuer):
    seen = {}

    async def handler(request):
        seen["accept"] = request.headers.get("Accept")
        return web.json_response(doc)

    doc = issuer.assertion(f"{issuer.server.base}/college/a/accept.json")
    issuer.server.route("/college/a/accept.json", handler)
    report = await verify_at(doc)
    assert report.verified
    assert "application/ld+json" in seen["accept"] and "application/json" in seen["accept"]


async def test_answering_410_is_revoked(issuer):
    doc = issuer.assertion(f"{issuer.server.base}/college/a/gone.json")
    issuer.server.json("/college/a/gone.json", {"gone": True}, status=410)
    report = await verify_at(doc)
    assert not report.verified
    status = outcome(report, "status")
    assert status.outcome.value == "failed" and status.problem_code == "REVOKED" and "410" in status.detail


async def test_revoked_true_in_the_hosted_copy_is_revoked(issuer):
    doc = issuer.assertion(f"{issuer.server.base}/college/a/r.json")
    issuer.server.json("/college/a/r.json", {**doc, "revoked": True, "revocationReason": "issued in error"})
    report = await verify_at(doc)
    status = outcome(report, "status")
    assert status.outcome.value == "failed" and status.problem_code == "REVOKED"
    assert "issued in error" in status.detail
    # The presented copy lacks revoked: it differs from the hosted one, so the proof fails too.
    assert outcome(report, "proof").problem_code == "HOSTED_ASSERTION_MISMATCH"
    assert not report.verified


async def test_revoked_true_in_both_copies(issuer):
    doc = issuer.host("/college/a/r2.json", revoked=True)
    report = await verify_at(doc)
    assert outcome(report, "status").problem_code == "REVOKED" and not report.verified


async def test_expired_assertion(issuer):
    doc = issuer.host("/college/a/exp.json", expires="2026-01-01T00:00:00Z")
    report = await verify_at(doc)
    validity = outcome(report, "validity")
    assert validity.outcome.value == "failed" and validity.problem_code == "EXPIRED"
    assert outcome(report, "proof").outcome.value == "passed"
    assert not report.verified


async def test_issued_in_the_future(issuer):
    doc = issuer.host("/college/a/future.json", issuedOn="2030-01-01T00:00:00Z")
    report = await verify_at(doc)
    assert outcome(report, "validity").problem_code == "NOT_YET_VALID" and not report.verified


async def test_unix_timestamp_dates_are_read(issuer):
    doc = issuer.host("/college/a/unix.json", issuedOn=1735689600, expires=1767225600)  # 2025-01-01 .. 2026-01-01
    report = await verify_at(doc)
    assert outcome(report, "validity").problem_code == "EXPIRED"


async def test_foreign_origin_is_outside_the_verification_scope(issuer):
    other = await LocalServer().start()
    try:
        doc = issuer.assertion(f"{other.base}/elsewhere/1.json")
        other.json("/elsewhere/1.json", doc)
        report = await verify_at(doc)
        proof = outcome(report, "proof")
        assert proof.outcome.value == "failed" and proof.problem_code == "OUT_OF_VERIFICATION_SCOPE"
        assert outcome(report, "issuer_key").outcome.value == "failed"
        assert not report.verified

        # The issuer may allow that origin (verification.allowedOrigins, host:port) ...
        issuer.profile["verification"] = {"type": "VerificationObject", "allowedOrigins": f"127.0.0.1:{other.port}"}
        issuer.publish()
        assert (await verify_at(doc)).verified
        # ... and startsWith narrows it to a path.
        issuer.profile["verification"] = {"allowedOrigins": [f"127.0.0.1:{other.port}"],
                                          "startsWith": f"{other.base}/badges/"}
        issuer.publish()
        assert outcome(await verify_at(doc), "proof").problem_code == "OUT_OF_VERIFICATION_SCOPE"
    finally:
        await other.stop()


async def test_start_with_on_the_issuer_origin(issuer):
    issuer.profile["verification"] = {"startsWith": [f"{issuer.server.base}/college/badges/"]}
    issuer.publish()
    inside = issuer.host("/college/badges/1.json")
    outside = issuer.host("/college/other/1.json")
    assert (await verify_at(inside)).verified
    assert outcome(await verify_at(outside), "proof").problem_code == "OUT_OF_VERIFICATION_SCOPE"


async def test_badge_class_and_profile_are_validated(issuer):
    issuer.badge["id"] = issuer.badge_id + "?copy"
    issuer.publish()
    report = await verify_at(issuer.host("/college/a/b.json"))
    proof = outcome(report, "proof")
    assert proof.outcome.value == "failed" and "must carry the id" in proof.detail


async def test_unreachable_issuer_profile_is_indeterminate(issuer):
    issuer.badge["issuer"] = f"{issuer.server.base}/college/missing.json"
    issuer.publish()
    report = await verify_at(issuer.host("/college/a/c.json"))
    assert outcome(report, "proof").outcome.value == "indeterminate"
    assert not report.verified


async def test_no_network_configured_is_indeterminate(issuer):
    doc = issuer.host("/college/a/d.json")
    async with ob2_env() as env:
        env.documents = None
        report = await verify(doc, env=env, options=VerifyOptions(now=AT))
    assert outcome(report, "proof").outcome.value == "indeterminate"
    assert outcome(report, "status").outcome.value == "indeterminate"
    assert not report.verified


async def test_recipient_option_compares_the_hashed_email(issuer):
    from tests.ob2.issuer import EMAIL
    from verifier.options import Recipient

    doc = issuer.host("/college/a/recipient.json")
    report = await verify_at(doc, recipient=Recipient("email", EMAIL.upper()))
    assert outcome(report, "recipient").outcome.value == "passed" and report.verified
    report = await verify_at(doc, recipient=Recipient("email", "someone.else@example.org"))
    assert outcome(report, "recipient").problem_code == "RECIPIENT_MISMATCH" and not report.verified


async def test_malformed_hashed_identity_fails_parse(issuer):
    doc = issuer.host("/college/a/badhash.json", recipient={"type": "email", "hashed": True, "salt": "x",
                                                              "identity": "sha1$abcdef"})
    parse = outcome(await verify_at(doc), "parse")
    assert parse.outcome.value == "failed" and "/recipient/identity" in parse.detail
