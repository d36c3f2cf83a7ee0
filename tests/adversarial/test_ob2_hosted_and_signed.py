"""Attacks on Open Badges 2.0 verification (issue 11): each must end not verified, for the stated reason."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.fetch.local_server import LocalServer
from tests.ob2.issuer import Ob2Issuer, outcome, rsa_key, verify_at



@pytest.fixture
async def issuer(server):
    return Ob2Issuer(server)






async def test_assertion_hosted_on_a_foreign_origin_naming_a_real_badge(issuer):
    """Mallory hosts an assertion of the college's badge on her own server: outside the college's scope."""
    mallory = await LocalServer().start()
    try:
        doc = issuer.assertion(f"{mallory.base}/badge.json")
        mallory.json("/badge.json", doc)
        report = await verify_at(doc)
        assert outcome(report, "proof").problem_code == "OUT_OF_VERIFICATION_SCOPE"
        assert not report.verified
    finally:
        await mallory.stop()


async def test_redirect_to_a_private_address_is_refused(issuer):
    async def to_private(_request):
        raise web.HTTPFound("https://10.0.0.1/assertion.json")

    doc = issuer.assertion(f"{issuer.server.base}/college/a/redirect.json")
    issuer.server.route("/college/a/redirect.json", to_private)
    report = await verify_at(doc)
    proof = outcome(report, "proof")
    assert proof.outcome.value == "indeterminate" and "non-public address" in proof.detail
    assert not report.verified


@pytest.mark.parametrize("member, value", [
    ("recipient", {"type": "email", "hashed": False, "identity": "mallory@example.org"}),
    ("badge", "https://other.example/badge.json"),
    ("expires", "2099-01-01T00:00:00Z"),
    ("issuedOn", "2025-06-02T12:00:00Z"),
    ("evidence", "https://mallory.example/work.html"),
])
async def test_presented_copy_differs_from_the_hosted_one(issuer, member, value):
    hosted = issuer.host(f"/college/a/{member}.json", expires="2026-01-01T00:00:00Z")
    report = await verify_at({**hosted, member: value})
    proof = outcome(report, "proof")
    assert proof.outcome.value == "failed" and proof.problem_code == "HOSTED_ASSERTION_MISMATCH"
    assert member in proof.detail
    assert not report.verified


async def test_presented_copy_dropping_expires(issuer):
    hosted = issuer.host("/college/a/drop.json", expires="2026-01-01T00:00:00Z")
    report = await verify_at({k: v for k, v in hosted.items() if k != "expires"})
    assert outcome(report, "proof").problem_code == "HOSTED_ASSERTION_MISMATCH" and not report.verified


async def test_url_answering_another_assertion(issuer):
    """The URL serves a real assertion of someone else: its id is not the presented id."""
    real = issuer.host("/college/a/real.json")
    doc = issuer.assertion(f"{issuer.server.base}/college/a/fake.json")
    issuer.server.json("/college/a/fake.json", real)
    report = await verify_at(doc)
    assert outcome(report, "proof").problem_code == "HOSTED_ASSERTION_MISMATCH" and not report.verified


async def test_key_listed_by_the_profile_but_owned_by_another(issuer, server):
    """The college lists the key, but the key document names another owner: not linked both ways."""
    issuer.key_doc["owner"] = f"{server.base}/mallory/issuer.json"
    issuer.publish()
    report = await verify_at(issuer.sign())
    proof = outcome(report, "proof")
    assert proof.outcome.value == "failed" and "not the issuer" in proof.detail
    assert not report.verified


async def test_key_owned_by_the_profile_but_not_listed(issuer, server):
    """Mallory publishes a key naming the college as owner; the college does not list it."""
    mallory_key = f"{server.base}/mallory/key.json"
    server.json("/mallory/key.json", {**issuer.key_doc, "id": mallory_key})
    token = issuer.sign(key=rsa_key(1), verification={"type": "signed", "creator": mallory_key})
    report = await verify_at(token)
    assert outcome(report, "proof").outcome.value == "failed" and not report.verified


async def test_respelled_recipient_is_refused(issuer):
    """``obi:recipient`` is ``recipient`` to a JSON-LD reader; the checks read ``recipient``."""
    hosted = issuer.host("/college/a/respelled.json")
    hosted["obi:recipient"] = {"type": "email", "hashed": False, "identity": "mallory@example.org"}
    issuer.server.json("/college/a/respelled.json", hosted)
    report = await verify_at(hosted)
    parse = outcome(report, "parse")
    assert parse.outcome.value == "failed" and "obi:recipient" in parse.detail
    assert not report.verified


async def test_full_iri_key_and_extra_context_are_refused(issuer):
    hosted = issuer.host("/college/a/iri.json")
    doc = {**hosted, "https://w3id.org/openbadges#recipient": {"identity": "x"}}
    assert "recipient" in outcome(await verify_at(doc), "parse").detail
    doc = {**hosted, "@context": ["https://w3id.org/openbadges/v2", {"recipient": "https://example.org/ignored"}]}
    report = await verify_at(doc)
    assert outcome(report, "parse").outcome.value == "failed" and not report.verified


async def test_signed_assertion_claiming_to_be_revoked_list_forged(issuer, server):
    """A revocation list whose id is not its URL is not the issuer's list: failed, never 'not revoked'."""
    issuer.profile["revocationList"] = f"{server.base}/college/forged-list.json"
    issuer.publish()
    server.json("/college/forged-list.json", {"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList",
                                              "id": "https://elsewhere.example/list.json", "revokedAssertions": []})
    report = await verify_at(issuer.sign())
    assert outcome(report, "status").outcome.value == "failed" and not report.verified
