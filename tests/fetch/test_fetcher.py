"""The outbound fetcher against a real local server: answers, limits, redirects and refused targets."""

from __future__ import annotations

import asyncio
import time
from datetime import timezone

import pytest
from aiohttp import web

from verifier.errors import CheckNotPossible, FetchError
from verifier.fetch import Fetcher, check_url


async def test_json_answer_with_cache_control(server, fetcher):
    server.json("/doc.json", {"id": "x"}, headers={"Cache-Control": "public, max-age=60"})
    result = await fetcher.get(server.base + "/doc.json")
    assert result.status == 200
    assert result.url == server.base + "/doc.json"
    assert result.content_type == "application/json"
    assert result.json() == {"id": "x"}
    assert result.max_age_s == 60
    assert result.fetched_at.tzinfo == timezone.utc


@pytest.mark.parametrize("header, expected", [
    (None, None), ("no-store", 0), ("no-cache, max-age=30", 0), ("s-maxage=99", None), ('max-age="15"', 15),
])
async def test_max_age_from_cache_control(server, fetcher, header, expected):
    server.json("/c", {}, headers={"Cache-Control": header} if header else None)
    assert (await fetcher.get(server.base + "/c")).max_age_s == expected


async def test_accept_header_is_sent(server, fetcher):
    seen = {}

    async def handler(request):
        seen["accept"] = request.headers.get("Accept")
        return web.json_response({})

    server.route("/a", handler)
    await fetcher.get(server.base + "/a", accept="application/did+json")
    assert seen["accept"] == "application/did+json"


@pytest.mark.parametrize("status", [403, 404, 500, 503])
async def test_non_2xx_is_a_fetch_error_naming_the_status(server, fetcher, status):
    server.json("/s", {"error": True}, status=status)
    with pytest.raises(FetchError, match=str(status)) as info:
        await fetcher.get(server.base + "/s")
    assert isinstance(info.value, CheckNotPossible)


async def test_missing_path_is_404(server, fetcher):
    with pytest.raises(FetchError, match="404"):
        await fetcher.get(server.base + "/nothing-here")


async def test_html_answer_is_not_json(server, fetcher):
    async def handler(_request):
        return web.Response(text="<html><body>Sign in to the captive portal</body></html>", content_type="text/html")

    server.route("/page", handler)
    result = await fetcher.get(server.base + "/page")
    with pytest.raises(FetchError, match=r"/page did not answer with JSON \(text/html\)"):
        result.json()


async def test_oversized_answer_with_content_length(server):
    async def handler(_request):
        return web.Response(body=b"x" * 5000)

    server.route("/big", handler)
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            await fetcher.get(server.base + "/big")


async def test_oversized_streamed_answer_is_cut(server):
    async def handler(request):
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for _ in range(50):
            await resp.write(b"y" * 100)
        await resp.write_eof()
        return resp

    server.route("/stream", handler)
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            await fetcher.get(server.base + "/stream")


async def test_answer_at_the_cap_is_accepted(server):
    async def handler(_request):
        return web.Response(body=b"z" * 1000)

    server.route("/exact", handler)
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        assert len((await fetcher.get(server.base + "/exact")).body) == 1000


async def test_slow_answer_times_out(server):
    async def handler(_request):
        await asyncio.sleep(5)
        return web.json_response({})

    server.route("/slow", handler)
    async with Fetcher(timeout_s=0.3, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="within 0.3 s"):
            await fetcher.get(server.base + "/slow")
        assert time.monotonic() - started < 4  # under the host's 5 s: the 0.3 s timeout ended it


async def test_slow_body_times_out(server):
    async def handler(request):
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"{")
        await asyncio.sleep(5)
        return resp

    server.route("/trickle", handler)
    async with Fetcher(timeout_s=0.3, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        with pytest.raises(FetchError, match="within"):
            await fetcher.get(server.base + "/trickle")


async def test_relative_redirect_is_followed(server, fetcher):
    async def hop(_request):
        raise web.HTTPFound("/final")

    server.route("/start", hop)
    server.json("/final", {"ok": True})
    result = await fetcher.get(server.base + "/start")
    assert result.url == server.base + "/final"
    assert result.json() == {"ok": True}


@pytest.mark.parametrize("target", [
    "https://10.0.0.7/did.json",             # private
    "https://192.168.1.1/",                  # private
    "https://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
    "https://[fd00::1]/",                    # unique local IPv6
    "https://[::ffff:10.0.0.1]/",            # IPv4-mapped private
    "https://0.0.0.0/",                      # unspecified
    "https://224.0.0.1/",                    # multicast
    "https://0xa.0.0.1/",                    # a name that resolves to 10.0.0.1: refused after DNS
])
async def test_redirect_to_a_private_address_is_refused(server, fetcher, target):
    async def hop(_request):
        raise web.HTTPFound(target)

    server.route("/hop", hop)
    with pytest.raises(FetchError, match="refused|not a canonical"):
        await fetcher.get(server.base + "/hop")


async def test_redirect_to_plain_http_is_refused(server, fetcher):
    async def hop(_request):
        raise web.HTTPMovedPermanently("http://example.com/did.json")

    server.route("/hop", hop)
    with pytest.raises(FetchError, match="not an https URL"):
        await fetcher.get(server.base + "/hop")


async def test_redirect_loop_stops_after_max_redirects(server):
    async def loop(_request):
        raise web.HTTPTemporaryRedirect("/loop")

    server.route("/loop", loop)
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True, max_redirects=3) as fetcher:
        with pytest.raises(FetchError, match="more than 3 times"):
            await fetcher.get(server.base + "/loop")
    assert server.hits["/loop"] == 4


async def test_redirect_without_location(server, fetcher):
    async def bad(_request):
        return web.Response(status=302)

    server.route("/bad", bad)
    with pytest.raises(FetchError, match="without a Location"):
        await fetcher.get(server.base + "/bad")


async def test_loopback_refused_without_the_test_setting(server):
    server.json("/doc.json", {})
    async with Fetcher(timeout_s=2, max_bytes=1000) as fetcher:
        for url in (server.base + "/doc.json", f"https://127.0.0.1:{server.port}/doc.json",
                    f"https://localhost:{server.port}/", "https://[::1]/", "https://[::ffff:127.0.0.1]/"):
            with pytest.raises(FetchError, match="refused"):
                await fetcher.get(url)
        # a name that is not literally loopback but resolves there: refused by the resolver, after DNS
        with pytest.raises(FetchError, match="resolves to the non-public address 127.0.0.1"):
            await fetcher.get(f"https://0x7f.0.0.1:{server.port}/doc.json")
    assert server.hits["/doc.json"] == 0


async def test_loopback_name_allowed_with_the_test_setting(server, fetcher):
    server.json("/doc.json", {"n": 1})
    assert (await fetcher.get(f"http://localhost:{server.port}/doc.json")).json() == {"n": 1}


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/x", "not an https URL"),
    ("http://example.com/x", "not an https URL"),
    ("https://user:secret@example.com/", "user information"),
    ("/relative/path", "absolute URL"),
    ("https://printer.local/", "local-network"),
    ("https://[fe80::1]/", "non-public"),
    ("https://[2002:a00:1::]/", "non-public"),          # 6to4 wrapping 10.0.0.1
    ("https://[64:ff9b::a00:1]/", "non-public"),        # NAT64 wrapping 10.0.0.1
    ("https://100.64.0.1/", "non-public"),              # shared address space (RFC 6598)
    ("https://[2001:db8::1]/", "non-public"),           # documentation
])
def test_check_url_refuses_before_any_connection(url, message):
    with pytest.raises(FetchError, match=message):
        check_url(url)


def test_check_url_accepts_public_https():
    assert str(check_url("https://example.com/.well-known/did.json")) == "https://example.com/.well-known/did.json"


async def test_connection_refused_is_a_fetch_error(server):
    port = server.port
    await server.stop()
    async with Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True) as fetcher:
        with pytest.raises(FetchError, match="could not be reached") as info:
            await fetcher.get(f"http://127.0.0.1:{port}/gone")
    assert info.value.__cause__ is not None


async def test_one_session_reused_and_close_is_idempotent(server):
    server.json("/a", {})
    fetcher = Fetcher(timeout_s=2, max_bytes=1000, allow_insecure_loopback=True)
    await fetcher.get(server.base + "/a")
    session = fetcher._session
    await fetcher.get(server.base + "/a")
    assert fetcher._session is session
    await fetcher.close()
    await fetcher.close()


async def test_a_fetcher_belongs_to_one_event_loop(server, fetcher):
    server.json("/a", {})
    await fetcher.get(server.base + "/a")

    def other_loop():
        return asyncio.run(fetcher.get(server.base + "/a"))

    with pytest.raises(RuntimeError, match="one per loop"):
        await asyncio.to_thread(other_loop)
