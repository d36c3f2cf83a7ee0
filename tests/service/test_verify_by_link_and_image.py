"""``POST /credentials/verify`` by link (``credentialUrl``) and by image (``image`` base64, multipart), issue 11."""

from __future__ import annotations

import base64
import io
import json

import aiohttp

from tests.ob2.baking import bake_png, bake_svg
from tests.ob2.issuer import Ob2Issuer

OPTIONS = {"requireTrustedIssuer": False}


async def test_credential_url_of_a_hosted_assertion(make_client, server):
    issuer = Ob2Issuer(server)
    doc = issuer.host("/college/a/http.json")
    client = await make_client(allow_insecure_loopback=True)
    resp = await client.post("/credentials/verify", json={"credentialUrl": doc["id"], "options": OPTIONS})
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body
    assert body["credential"]["format"] == "ob2-hosted"


async def test_image_as_base64_and_as_multipart(make_client, server):
    issuer = Ob2Issuer(server)
    png = bake_png(issuer.sign())
    client = await make_client(allow_insecure_loopback=True)
    resp = await client.post("/credentials/verify",
                             json={"image": base64.b64encode(png).decode(), "options": OPTIONS})
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body

    form = aiohttp.FormData()
    form.add_field("image", bake_svg(issuer.sign(), attribute=True), filename="badge.svg", content_type="image/svg+xml")
    form.add_field("options", json.dumps(OPTIONS), content_type="application/json")
    resp = await client.post("/credentials/verify", data=form)
    body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body


async def test_refusals_name_the_member(make_client, server):
    client = await make_client(allow_insecure_loopback=True)
    resp = await client.post("/credentials/verify", json={"image": "not base64!!"})
    body = await resp.json()
    assert resp.status == 400 and body["errors"][0]["pointer"] == "/image"
    resp = await client.post("/credentials/verify", json={"image": base64.b64encode(b"GIF89a").decode()})
    assert resp.status == 400 and "PNG or SVG" in (await resp.json())["detail"]
    resp = await client.post("/credentials/verify", json={"credentialUrl": "https://10.1.2.3/badge.json"})
    body = await resp.json()
    assert resp.status == 400 and body["code"] == "RETRIEVAL_ERROR" and "non-public" in body["detail"]
    resp = await client.post("/credentials/verify", json={"credentialUrl": f"{server.base}/x",
                                                          "verifiableCredential": {}})
    assert resp.status == 400 and "exactly one" in (await resp.json())["detail"]
    form = aiohttp.FormData()
    form.add_field("image", io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4_100_000), filename="big.png",
                   content_type="image/png")
    resp = await client.post("/credentials/verify", data=form)
    assert resp.status == 413


async def test_private_targets_are_refused_without_the_loopback_setting(make_client, server):
    issuer = Ob2Issuer(server)
    doc = issuer.host("/college/a/ssrf.json")
    client = await make_client()
    resp = await client.post("/credentials/verify", json={"credentialUrl": doc["id"]})
    assert resp.status == 400 and (await resp.json())["code"] == "RETRIEVAL_ERROR"
