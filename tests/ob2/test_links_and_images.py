"""Verify by link and by image (issue 11): baked PNG/SVG of OB 2.0 and OB 3.0, credential URLs, share pages
announcing their JSON by <link rel="alternate">, on real local servers; the CLI with a file and a URL."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from aiohttp import web

from tests.core.credentials import ob3_credential
from tests.ob2.baking import bake_png, bake_svg
from tests.ob2.issuer import AT, ob2_env
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import VerifyOptions, verify
from verifier.errors import InputError
from verifier.links import from_image, from_url

ROOT = Path(__file__).resolve().parents[2]


def ob3_signed() -> dict:
    key = new_key("Ed25519")
    return sign_ldp(ob3_credential(key.did), key, vm=key.vm)


def ob3_jwt() -> str:
    key = new_key("Ed25519")
    return sign_jwt(ob3_credential(key.did), key, typ="vc+jwt")


async def _verify_image(image: bytes):
    async with ob2_env() as env:
        data = await from_image(image, env.documents, max_image_bytes=4_000_000)
        return await verify(data, env=env, options=VerifyOptions(now=AT))


async def _verify_url(url: str):
    async with ob2_env() as env:
        data = await from_url(url, env.documents, max_image_bytes=4_000_000)
        return await verify(data, env=env, options=VerifyOptions(now=AT))


async def test_png_ob2_hosted_by_url_and_by_json(issuer):
    doc = issuer.host("/college/a/png.json")
    for payload in (doc["id"], json.dumps(doc)):
        report = await _verify_image(bake_png(payload))
        assert report.verified and report.credential["format"] == "ob2-hosted", report.to_json()


async def test_png_ob2_signed_compressed(issuer):
    report = await _verify_image(bake_png(issuer.sign(), compressed=True))
    assert report.verified and report.credential["format"] == "ob2-signed"


async def test_png_ob3_json_and_jwt():
    assert (await _verify_image(bake_png(json.dumps(ob3_signed())))).verified
    assert (await _verify_image(bake_png(ob3_jwt()))).verified


async def test_svg_ob2_hosted_signed_and_ob3(issuer):
    doc = issuer.host("/college/a/svg.json")
    assert (await _verify_image(bake_svg(json.dumps(doc)))).verified
    assert (await _verify_image(bake_svg(doc["id"], attribute=True))).verified
    assert (await _verify_image(bake_svg(issuer.sign(), attribute=True))).verified
    assert (await _verify_image(bake_svg(json.dumps(ob3_signed()), ob3=True))).verified
    assert (await _verify_image(bake_svg(ob3_jwt(), ob3=True, attribute=True))).verified


async def test_tampered_baked_ob3_fails():
    cred = ob3_signed()
    cred["credentialSubject"]["achievement"]["name"] = "Master Welder"
    report = await _verify_image(bake_png(json.dumps(cred)))
    assert not report.verified


async def test_credential_url_serving_ob3_json(server):
    cred = ob3_signed()
    server.json("/c/1", cred)
    report = await _verify_url(f"{server.base}/c/1")
    assert report.verified


async def test_share_page_with_link_rel_alternate(issuer):
    doc = issuer.host("/college/a/share.json")

    async def page(_request):
        return web.Response(text='<!doctype html><html><head><title>Badge</title>'
                                 '<link rel="alternate" type="application/ld+json" href="/college/a/share.json">'
                                 '</head><body>Welding I</body></html>', content_type="text/html")

    issuer.server.route("/share/abc", page)
    report = await _verify_url(f"{issuer.server.base}/share/abc")
    assert report.verified, report.to_json()


async def test_share_page_without_alternate_is_refused(server):
    async def page(_request):
        return web.Response(text="<html><head></head><body>nothing</body></html>", content_type="text/html")

    server.route("/share/none", page)
    with pytest.raises(InputError, match="rel=\"alternate\""):
        await _verify_url(f"{server.base}/share/none")


async def test_baked_image_served_at_a_url(issuer):
    doc = issuer.host("/college/a/img.json")
    png = bake_png(doc["id"])

    async def image(_request):
        return web.Response(body=png, content_type="image/png")

    issuer.server.route("/college/badge.png", image)
    assert (await _verify_url(f"{issuer.server.base}/college/badge.png")).verified


async def _cli(*args: str, data_dir: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from verifier.cli import run; run()", *args, cwd=ROOT,
        env={**os.environ, "LER_DATA_DIR": str(data_dir), "LER_ALLOW_INSECURE_LOOPBACK": "true"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode(), err.decode()


async def test_cli_verifies_a_url_and_a_baked_file(issuer, tmp_path):
    doc = issuer.host("/college/a/cli.json")
    png = tmp_path / "badge.png"
    png.write_bytes(bake_png(issuer.sign()))
    code, out, err = await _cli("verify", "--json", doc["id"], str(png), data_dir=tmp_path)
    assert code == 0, out + err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["verified"] for r in lines] == [True, True]
    assert [r["credential"]["format"] for r in lines] == ["ob2-hosted", "ob2-signed"]
    code, out, err = await _cli("verify", f"{issuer.server.base}/college/nothing-here", data_dir=tmp_path)
    assert code == 2 and "retrieved" in err, err
