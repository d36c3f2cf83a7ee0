"""Attacks on shared verifications (issue 12 §3): script through credential fields, dangerous links,
forged credentials, guessing share ids, CORS beyond the share's read route, wording the proof does not sign."""

from __future__ import annotations

import copy
import json
import re
import secrets

import pytest

from tests.service.conftest import running, service_settings
from tests.service.share_fixtures import XSS_NAME, hostile_credential, rich_credential
from tests.signing import new_key, sign_ldp
from verifier.service.share_view import safe_url



@pytest.fixture
async def client(tmp_path):
    """The embedded service on a real port (no key configured: the verify routes are open)."""
    async with running(service_settings(tmp_path)) as started:
        yield started


@pytest.fixture(scope="module")
def key():
    return new_key("Ed25519")


async def _share(client, credential, **extra) -> dict:
    resp = await client.post("/shares", json={"verifiableCredential": credential, **extra})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_script_in_credential_fields_is_text_and_script_links_are_dropped(client, key):
    made = await _share(client, hostile_credential(key), show=["evidence"])
    assert made["state"] == "verified"  # the issuer signed these words: they are shown, as text
    html = await (await client.get(f"/v/{made['id']}")).text()
    assert "<script" not in html and "javascript:" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b onmouseover" not in html
    view = await (await client.get(f"/v/{made['id']}.json")).json()
    assert view["achievement"]["name"] == XSS_NAME and view["achievement"]["image"] is None
    assert view["alignments"][0]["url"] is None and view["evidence"][0]["url"] is None
    oembed = await (await client.get("/oembed", params={"url": made["url"]})).json()
    assert "<script" not in oembed["html"] and "&lt;script&gt;" in oembed["html"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>", "vbscript:x",
                                 "java\tscript:alert(1)", " https://x.example", "https://", "//evil.example/x",
                                 "file:///etc/passwd", 7, None])
def test_only_http_links_pass(url):
    assert safe_url(url) is None


async def test_forged_or_changed_credentials_never_show_verified(client, key):
    other = new_key("Ed25519")
    signed = sign_ldp(rich_credential(key.did), key)
    wrong_signer = sign_ldp(rich_credential(key.did), other, vm=other.vm)          # claims key's DID, signed by another
    stolen_proof = copy.deepcopy(signed)
    stolen_proof["issuer"]["id"] = other.did                                       # proof moved to another issuer
    no_proof = {k: v for k, v in signed.items() if k != "proof"}
    renamed = copy.deepcopy(signed)
    renamed["credentialSubject"]["achievement"]["name"] = "Doctor of Medicine"
    for forged in (wrong_signer, stolen_proof, no_proof, renamed):
        made = await _share(client, forged)
        assert made["state"] != "verified" and made["verified"] is False
        for lang in ("en", "es"):
            view = await (await client.get(f"/v/{made['id']}.json?lang={lang}")).json()
            assert view["state"] == "not_verified" and view["detailsHidden"] is True
            assert "Doctor of Medicine" not in str(view)
        html = await (await client.get(f"/v/{made['id']}")).text()
        assert '<span class="state-text">Verified</span>' not in html and "Doctor of Medicine" not in html


async def test_wording_the_proof_may_not_sign_is_not_shown(client, key):
    doc = rich_credential(key.did)
    doc["@context"] = doc["@context"] + [{"headline": "https://schema.org/headline"}]  # an inline context
    doc["headline"] = "Chief Surgeon"
    made = await _share(client, sign_ldp(doc, key))
    view = await (await client.get(f"/v/{made['id']}.json")).json()
    assert view["detailsHidden"] is True and "achievement" not in view and "alignments" not in view


async def test_share_ids_cannot_be_guessed_or_told_apart(client, key):
    made = [await _share(client, sign_ldp(rich_credential(key.did), key)) for _ in range(3)]
    ids = [m["id"] for m in made]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]{32}", i) for i in ids)  # 192 random bits
    bodies = set()
    for guess in [secrets.token_urlsafe(24) for _ in range(20)] + [ids[0][:-1] + ("A" if ids[0][-1] != "A" else "B")]:
        resp = await client.get(f"/v/{guess}.json")
        assert resp.status == 404
        body = await resp.json()
        body.pop("requestId")
        bodies.add(json.dumps(body, sort_keys=True))
    assert len(bodies) == 1  # nothing in the answer depends on the guess
    for odd in ("short", "x" * 129, "..%2Fadmin", "%00" * 30, ids[0] + ".html", "'" * 30):
        assert (await client.get(f"/v/{odd}")).status == 404
        assert (await client.delete(f"/shares/{odd}")).status in (404, 405)


@pytest.mark.parametrize(("method", "path"), [("GET", "/openapi.json"), ("POST", "/credentials/verify"),
                                              ("OPTIONS", "/credentials/verify"), ("POST", "/shares"),
                                              ("OPTIONS", "/shares"), ("GET", "/healthz"), ("GET", "/v/{id}"),
                                              ("GET", "/oembed?url={url}")])
async def test_cors_is_open_only_on_the_share_read_route(client, key, method, path):
    made = await _share(client, sign_ldp(rich_credential(key.did), key))
    headers = {"Origin": "https://marketplace.example", "Access-Control-Request-Method": "POST"}
    resp = await client.request(method, path.format(id=made["id"], url=made["url"]), headers=headers, json={})
    if path.startswith("/oembed"):  # oEmbed answers may be read by any consumer, as the spec intends
        assert resp.headers.get("Access-Control-Allow-Credentials") is None
        return
    assert "Access-Control-Allow-Origin" not in resp.headers
    read = await client.get(f"/v/{made['id']}.json", headers={"Origin": "https://marketplace.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in read.headers
    assert "Set-Cookie" not in read.headers
