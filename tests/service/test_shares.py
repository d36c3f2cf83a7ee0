"""Shared verifications over HTTP (issue 12 §3): create, read in four states and two languages,
revocation within the status list's lifetime, expiry, removal, bad input, keys, CORS and oEmbed."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.fetch.local_server import LocalServer
from tests.service.conftest import running, service_settings
from tests.service.share_fixtures import ACHIEVEMENT, LEARNER_ID, LEARNER_NAME, rich_credential, state_credentials
from tests.signing import new_key, sign_ldp
from tests.status.helpers import bitstring, bitstring_entry, bitstring_list, sign_list
from trust_registry import create_key, migrate
from trust_registry.db import create_engine
from trust_registry.schema import shares
from verifier.service import share_text as T

STATE_TEXT = {"en": {"verified": "Verified", "not_verified": "Not verified", "could_not_check": "Could not check",
                     "expired": "Expired, but authentic"},
              "es": {"verified": "Verificada", "not_verified": "No verificada", "could_not_check": "No se pudo comprobar",
                     "expired": "Caducada, pero auténtica"}}


@pytest.fixture(scope="module")
def key():
    return new_key("Ed25519")


@pytest.fixture(scope="module")
def credentials(key):
    return state_credentials(key)


async def share(client, credential, **extra) -> dict:
    resp = await client.post("/shares", json={"verifiableCredential": credential, **extra})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_a_share_reads_in_four_states_and_two_languages(tmp_path, credentials):
    settings = service_settings(tmp_path, allow_insecure_loopback=True, fetch_timeout_s=1.0)
    async with running(settings) as client:
        for state, credential in credentials.items():
            made = await share(client, credential)
            assert made["state"] == state and made["verified"] is (state == "verified")
            assert len(made["id"]) >= 32 and made["url"].endswith("/v/" + made["id"])
            for lang, header in (("en", "en-GB,en;q=0.9"), ("es", "es-MX, en;q=0.5")):
                page = await client.get(f"/v/{made['id']}", headers={"Accept-Language": header})
                html = await page.text()
                assert page.status == 200 and page.headers["Content-Language"] == lang
                assert f'<html lang="{lang}">' in html
                assert f'<span class="state-text">{STATE_TEXT[lang][state]}</span>' in html
                assert f'class="card state-{state}"' in html and "<details" in html
                view = await (await client.get(f"/v/{made['id']}.json?lang={lang}")).json()
                assert view["state"] == state and view["stateLabel"] == STATE_TEXT[lang][state]
                assert view["headline"] and view["checkedAtText"]
            if state == "verified":
                assert view["headline"].startswith("Válida: emitida por Example Community College")
                assert [a["name"] for a in view["alignments"]] == ["Weld metal joints", "Welders, Cutters, Solderers, and Brazers"]
                assert "ESCO" in view["alignments"][0]["framework"] and "O*NET-SOC" in view["alignments"][1]["framework"]
            if state == "could_not_check":
                assert view["headline"].startswith("No se pudo comprobar")
            if state == "not_verified":
                assert view["headline"].startswith("No válida") and "Brain Surgery" not in str(view)
                assert view["detailsHidden"] is True and "achievement" not in view


async def test_query_lang_wins_over_accept_language(client, credentials):
    made = await share(client, credentials["verified"])
    page = await client.get(f"/v/{made['id']}?lang=es", headers={"Accept-Language": "en"})
    assert page.headers["Content-Language"] == "es"
    fallback = await client.get(f"/v/{made['id']}?lang=fr", headers={"Accept-Language": "de, fr;q=0.8"})
    assert fallback.headers["Content-Language"] == "en"
    assert T.choose_language(None, "fr;q=0.9, es;q=0.8, en;q=0.1") == "es"
    assert T.choose_language(None, "es;q=0, en") == "en"


async def test_learner_data_is_opt_in_and_the_learner_id_never_shows(client, credentials):
    default = await share(client, credentials["verified"])
    html = await (await client.get(f"/v/{default['id']}")).text()
    view = await (await client.get(f"/v/{default['id']}.json")).json()
    assert ACHIEVEMENT in html and "Example Community College" in html
    for private in (LEARNER_NAME, "Weld portfolio", LEARNER_ID):
        assert private not in html and private not in str(view)
    assert "learnerName" not in view and "results" not in view and "evidence" not in view
    opted = await share(client, credentials["verified"], show=["learnerName", "results", "evidence"])
    view = await (await client.get(f"/v/{opted['id']}.json")).json()
    assert view["learnerName"] == LEARNER_NAME and view["results"] == [{"value": "A", "status": None}]
    assert view["evidence"] == [{"name": "Weld portfolio", "url": "https://college.example/portfolio/7"}]
    assert LEARNER_ID not in str(view)


async def test_revocation_turns_the_page_to_not_verified_within_the_list_lifetime(tmp_path, key):
    server = await LocalServer().start()
    try:
        url = f"{server.base}/status/1"
        server.json("/status/1", sign_list(bitstring_list(url, key.did, bitstring(), ttl_ms=1000), key))
        credential = sign_ldp(rich_credential(key.did, credentialStatus=bitstring_entry(url, 42)), key)
        settings = service_settings(tmp_path, allow_insecure_loopback=True, cache_status_ttl_s=300)
        async with running(settings) as client:
            made = await share(client, credential)
            assert made["state"] == "verified"
            first = await (await client.get(f"/v/{made['id']}.json")).json()
            assert first["state"] == "verified" and "not revoked" in first["headline"], first["headline"]
            server.json("/status/1", sign_list(bitstring_list(url, key.did, bitstring([42]), ttl_ms=1000), key))
            started = asyncio.get_running_loop().time()
            while True:  # the list says ttl 1 s: the page must turn within it (plus a little slack)
                view = await (await client.get(f"/v/{made['id']}.json")).json()
                if view["state"] != "verified":
                    break
                assert asyncio.get_running_loop().time() - started < 3.0, "revocation not shown within the list's ttl"
                await asyncio.sleep(0.2)
            assert view["state"] == "not_verified" and "revoked" in view["headline"], view["headline"]
            page = await (await client.get(f"/v/{made['id']}")).text()
            assert '<span class="state-text">Not verified</span>' in page
    finally:
        await server.stop()


async def test_an_expired_share_is_gone_and_a_removed_one_not_found(client, credentials):
    soon = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    made = await share(client, credentials["verified"], expires=soon)
    assert made["expires"] is not None
    assert (await client.get(f"/v/{made['id']}")).status == 200
    await asyncio.sleep(1.2)
    for path in (f"/v/{made['id']}", f"/v/{made['id']}.json"):
        assert (await client.get(path)).status == 410
    kept = await share(client, credentials["verified"])
    assert (await client.delete(f"/shares/{kept['id']}")).status == 204
    assert (await client.get(f"/v/{kept['id']}")).status == 404
    assert (await client.delete(f"/shares/{kept['id']}")).status == 404


@pytest.mark.parametrize(("body", "pointer"), [
    ({}, "/verifiableCredential"),
    ({"verifiableCredential": 7}, "/verifiableCredential"),
    ({"verifiableCredential": "not a jwt"}, "/verifiableCredential"),
    ({"verifiableCredential": {"type": "nothing"}}, "/verifiableCredential"),
    ({"verifiableCredential": {}, "colour": "red"}, "/colour"),
    ({"verifiableCredential": {}, "show": ["learnerId"]}, "/show/0"),
    ({"verifiableCredential": {}, "show": "learnerName"}, "/show"),
    ({"verifiableCredential": {}, "expires": "2020-01-01T00:00:00Z"}, "/expires"),
    ({"verifiableCredential": {}, "expires": "2030-01-01T00:00:00"}, "/expires"),
    ({"verifiableCredential": {}, "expires": "tomorrow"}, "/expires"),
    ({"verifiableCredential": {}, "expires": 1893456000}, "/expires"),
])
async def test_bad_share_bodies_name_the_field(client, body, pointer):
    resp = await client.post("/shares", json=body)
    problem = await resp.json()
    assert resp.status == 400 and resp.content_type == "application/problem+json", problem
    assert pointer in [e["pointer"] for e in problem["errors"]] or problem["errors"][0]["pointer"].startswith(pointer)


async def verify_keys(tmp_path, *names: str) -> list[str]:
    """Create verify-role API keys named ``names`` in the test registry; returns their tokens."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}"
    await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return [(await create_key(conn, name=name, role="verify", actor="test"))[1] for name in names]
    finally:
        await engine.dispose()


async def test_shares_need_the_verify_key_and_only_its_maker_removes_one(tmp_path, credentials):
    mine, other = await verify_keys(tmp_path, "marketplace", "someone-else")
    async with running(service_settings(tmp_path)) as client:
        body = {"verifiableCredential": credentials["verified"]}
        assert (await client.post("/shares", json=body)).status == 401
        made = await (await client.post("/shares", json=body, headers={"Authorization": f"Bearer {mine}"})).json()
        assert (await client.get(f"/v/{made['id']}")).status == 200  # the page itself is public
        assert (await client.delete(f"/shares/{made['id']}")).status == 401
        assert (await client.delete(f"/shares/{made['id']}", headers={"Authorization": f"Bearer {other}"})).status == 404
        assert (await client.delete(f"/shares/{made['id']}", headers={"Authorization": f"Bearer {mine}"})).status == 204


async def test_the_database_keeps_only_a_digest_of_the_share_id(tmp_path, credentials):
    async with running(service_settings(tmp_path)) as client:
        made = await share(client, credentials["verified"])
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
    try:
        async with engine.connect() as conn:
            keys = (await conn.execute(select(shares.c.id_sha256))).scalars().all()
    finally:
        await engine.dispose()
    assert keys == [hashlib.sha256(made["id"].encode()).hexdigest()]


async def test_share_survives_a_restart(tmp_path, credentials):
    settings = service_settings(tmp_path)
    async with running(settings) as client:
        made = await share(client, credentials["verified"])
    async with running(settings) as client:
        assert (await (await client.get(f"/v/{made['id']}.json")).json())["state"] == "verified"


async def test_page_metadata_headers_and_oembed(client, credentials):
    made = await share(client, credentials["verified"])
    page = await client.get(f"/v/{made['id']}")
    html = await page.text()
    csp = page.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in page.headers and "<script" not in html
    assert f'<meta property="og:title" content="Verified: {ACHIEVEMENT}">' in html
    assert f'<meta property="og:url" content="{made["url"]}">' in html
    oembed_href = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html).group(1)
    oembed_href = oembed_href.replace("&amp;", "&")
    assert oembed_href.startswith(made["url"].rsplit("/v/", 1)[0] + "/oembed?")
    oembed = await client.get("/oembed?" + oembed_href.split("?", 1)[1])
    data = await oembed.json()
    assert oembed.status == 200 and data["type"] == "rich" and data["version"] == "1.0"
    assert f'src="{made["url"]}?embed=1&amp;lang=en"' in data["html"] and data["title"] == f"Verified: {ACHIEVEMENT}"
    framed = await client.get(f"/v/{made['id']}?embed=1")
    assert "frame-ancestors *" in framed.headers["Content-Security-Policy"] and "X-Frame-Options" not in framed.headers
    small = await (await client.get("/oembed", params={"url": made["url"], "maxwidth": "300"})).json()
    assert small["width"] == 300
    assert (await client.get("/oembed", params={"url": made["url"], "format": "xml"})).status == 501
    assert (await client.get("/oembed", params={"url": "https://elsewhere.example/v/" + made["id"]})).status == 404
    assert (await client.get("/oembed", params={"url": made["url"] + "x"})).status == 404


async def test_component_script_and_styles_are_served(client):
    js = await client.get("/embed/v1/ler-verification.js")
    body = await js.text()
    assert js.status == 200 and js.content_type == "text/javascript" and js.headers["X-Content-Type-Options"] == "nosniff"
    assert 'customElements.define("ler-verification"' in body and "innerHTML" not in body and "eval(" not in body
    assert (await client.get("/embed/v1/share.css")).content_type == "text/css"


def test_every_page_text_has_english_and_spanish():
    missing = [code for code, entry in T.TEXT.items() for lang in T.LANGUAGES if not entry.get(lang)]
    assert missing == []
    for state in T.STATES:
        assert f"state.{state}" in T.TEXT
    for outcome in ("passed", "failed", "indeterminate", "not_applicable"):
        assert f"outcome.{outcome}" in T.TEXT


async def test_share_answers_match_the_openapi_document(client, credentials):
    from tests.service.test_openapi_and_metrics import _check
    resp = await client.post("/shares", json={"verifiableCredential": credentials["verified"], "show": ["results"]})
    made = await _check(resp, "/shares", "post")
    await _check(await client.post("/shares", json={"verifiableCredential": {}, "show": ["x"]}), "/shares", "post")
    await _check(await client.get(f"/v/{made['id']}"), "/v/{share_id}", "get")
    await _check(await client.get(f"/v/{made['id']}.json?lang=es"), "/v/{share_id}.json", "get")
    await _check(await client.get("/v/" + "A" * 32 + ".json"), "/v/{share_id}.json", "get")
    await _check(await client.get("/oembed", params={"url": made["url"]}), "/oembed", "get")
    await _check(await client.get("/oembed", params={"url": "x"}), "/oembed", "get")
    await _check(await client.delete("/shares/" + "A" * 32), "/shares/{share_id}", "delete")
    await _check(await client.get("/embed/v1/ler-verification.js"), "/embed/v1/ler-verification.js", "get")


async def test_an_item_of_a_finished_verification_job_is_shared_by_its_key_only(tmp_path, credentials):
    """``POST /shares {"verification": {"id", "item"}}``: the credential a bulk job verified, without sending
    it again; another key's job is not told apart from a missing one."""
    mine, other = await verify_keys(tmp_path, "hr-system", "someone-else")
    me, them = {"Authorization": f"Bearer {mine}"}, {"Authorization": f"Bearer {other}"}
    async with running(service_settings(tmp_path, rate_limit_per_s=0)) as client:
        items = [{"verifiableCredential": credentials["not_verified"]}, {"verifiableCredential": credentials["verified"]},
                 {"verifiableCredential": "not.a.jwt"}]
        resp = await client.post("/verifications", json={"items": items}, headers=me)
        assert resp.status == 202
        job_id = (await resp.json())["id"]
        for _ in range(500):
            job = await (await client.get(f"/verifications/{job_id}", headers=me)).json()
            if job["status"] != "running":
                break
            await asyncio.sleep(0.02)
        assert job["status"] == "done" and all("_document" not in item for item in job["items"])
        made = await client.post("/shares", json={"verification": {"id": job_id, "item": 1}}, headers=me)
        assert made.status == 201, await made.text()
        assert (await made.json())["state"] == "verified"
        first = await (await client.post("/shares", json={"verification": {"id": job_id}}, headers=me)).json()
        assert first["state"] == "not_verified"  # item 0 by default; every view verifies again
        for body, headers, status, pointer in (
                ({"verification": {"id": job_id, "item": 1}}, them, 404, "/verification"),
                ({"verification": {"id": job_id, "item": 2}}, me, 404, "/verification"),  # refused at submission
                ({"verification": {"id": job_id, "item": 9}}, me, 404, "/verification"),
                ({"verification": {"id": "nope", "item": 1}}, me, 400, "/verification/id"),
                ({"verification": {"id": job_id, "item": -1}}, me, 400, "/verification/item"),
                ({"verification": {"id": job_id, "item": True}}, me, 400, "/verification/item"),
                ({"verification": [job_id]}, me, 400, "/verification"),
                ({"verification": {"id": job_id}, "verifiableCredential": credentials["verified"]}, me, 400,
                 "/verification"),
                ({}, me, 400, "/verifiableCredential")):
            resp = await client.post("/shares", json=body, headers=headers)
            problem = await resp.json()
            assert resp.status == status, (body, problem)
            assert problem["errors"][0]["pointer"] == pointer, problem


async def test_shares_expired_long_ago_are_purged_and_recent_ones_still_answer_gone(tmp_path):
    from trust_registry.shares import Share, get_share, insert_share, purge_expired

    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}"
    await migrate(url)
    engine = create_engine(url)
    now = datetime.now(timezone.utc)
    try:
        async with engine.begin() as conn:
            for share_id, expires in (("long-ago-expired-share-id-000", now - timedelta(days=40)),
                                      ("recently-expired-share-id-0000", now - timedelta(days=10)),
                                      ("never-expiring-share-id-000000", None)):
                await insert_share(conn, share_id=share_id, share=Share(document={"id": share_id}, show=(),
                                                                         created_at=now - timedelta(days=50),
                                                                         expires_at=expires, owner=None))
        async with engine.begin() as conn:
            assert await purge_expired(conn, now=now) == 1
        async with engine.connect() as conn:
            assert await get_share(conn, share_id="long-ago-expired-share-id-000") is None
            recent = await get_share(conn, share_id="recently-expired-share-id-0000")
            assert recent is not None and recent.expired(now)
            assert await get_share(conn, share_id="never-expiring-share-id-000000") is not None
    finally:
        await engine.dispose()
