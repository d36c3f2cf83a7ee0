"""The decoded-list cache: hits, lifetimes (ttl, Cache-Control, maximum, validUntil), shared fetches, bounds."""

from __future__ import annotations

import asyncio

from aiohttp import web

from tests.status.helpers import (AT, bitstring, bitstring_entry, bitstring_list, credential_with, make_source,
                                  sign_list)
from verifier import constants as C


def serve_list(server, issuer, path: str, raw: bytes, *, headers: dict | None = None, **kw) -> str:
    url = f"{server.base}{path}"
    server.json(path, sign_list(bitstring_list(url, issuer.did, raw, **kw), issuer), headers=headers)
    return url


async def check(source, issuer, url: str, index: int = 3):
    return await source.check(credential_with(issuer.did, bitstring_entry(url, index)), issuer_id=issuer.did, at=AT)


async def test_second_check_is_a_cache_hit(server, fetcher, issuer):
    url = serve_list(server, issuer, "/hit", bitstring())
    source = make_source(fetcher).source
    first, second = await check(source, issuer, url), await check(source, issuer, url)
    assert (first.evidence["from_cache"], second.evidence["from_cache"]) == (False, True)
    assert first.evidence["fetched_at"] == second.evidence["fetched_at"]
    assert server.hits["/hit"] == 1


async def test_ttl_expiry_refetches(server, fetcher, issuer):
    url = serve_list(server, issuer, "/ttl", bitstring(), ttl_ms=1000)
    wired = make_source(fetcher)
    await check(wired.source, issuer, url)
    wired.timer.advance(0.9)
    assert (await check(wired.source, issuer, url)).evidence["from_cache"] is True
    wired.timer.advance(0.2)
    assert (await check(wired.source, issuer, url)).evidence["from_cache"] is False
    assert server.hits["/ttl"] == 2


async def test_revocation_is_seen_after_the_cache_lifetime(server, fetcher, issuer):
    url = serve_list(server, issuer, "/later", bitstring())
    wired = make_source(fetcher)  # no ttl, no Cache-Control: the 300 s maximum applies
    assert (await check(wired.source, issuer, url)).outcome.value == "passed"
    serve_list(server, issuer, "/later", bitstring([3]))  # the issuer revokes index 3
    wired.timer.advance(299)
    assert (await check(wired.source, issuer, url)).outcome.value == "passed"  # still the cached list
    wired.timer.advance(2)
    result = await check(wired.source, issuer, url)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_REVOKED)
    assert result.evidence["from_cache"] is False


async def test_cache_control_max_age_and_no_store(server, fetcher, issuer):
    url = serve_list(server, issuer, "/maxage", bitstring(), headers={"Cache-Control": "public, max-age=10"})
    wired = make_source(fetcher)
    await check(wired.source, issuer, url)
    wired.timer.advance(9)
    await check(wired.source, issuer, url)
    assert server.hits["/maxage"] == 1
    wired.timer.advance(2)
    await check(wired.source, issuer, url)
    assert server.hits["/maxage"] == 2

    url = serve_list(server, issuer, "/nostore", bitstring(), headers={"Cache-Control": "no-store"})
    for _ in range(2):
        assert (await check(wired.source, issuer, url)).evidence["from_cache"] is False
    assert server.hits["/nostore"] == 2


async def test_lifetime_is_capped_by_the_configured_maximum(server, fetcher, issuer):
    url = serve_list(server, issuer, "/capped", bitstring(), ttl_ms=36_000_000,
                     headers={"Cache-Control": "max-age=86400"})
    wired = make_source(fetcher, max_ttl_s=60)
    await check(wired.source, issuer, url)
    wired.timer.advance(59)
    await check(wired.source, issuer, url)
    wired.timer.advance(2)
    await check(wired.source, issuer, url)
    assert server.hits["/capped"] == 2


async def test_lifetime_never_passes_the_lists_valid_until(server, fetcher, issuer):
    url = serve_list(server, issuer, "/until", bitstring(), valid_until="2026-11-29T12:00:30Z")
    wired = make_source(fetcher)
    await check(wired.source, issuer, url)
    wired.timer.advance(29)
    await check(wired.source, issuer, url)
    assert server.hits["/until"] == 1
    wired.timer.advance(2)
    await check(wired.source, issuer, url)
    assert server.hits["/until"] == 2


async def test_concurrent_checks_share_one_fetch(server, fetcher, issuer):
    url = f"{server.base}/shared"
    body = sign_list(bitstring_list(url, issuer.did, bitstring([3])), issuer)

    async def slowish(_request):
        await asyncio.sleep(0.2)
        return web.json_response(body)

    server.route("/shared", slowish)
    source = make_source(fetcher).source
    results = await asyncio.gather(*(check(source, issuer, url) for _ in range(20)))
    assert server.hits["/shared"] == 1
    assert {r.problem_code for r in results} == {C.PROBLEM_REVOKED}


async def test_cache_is_bounded_by_count_and_bytes(server, fetcher, issuer):
    urls = [serve_list(server, issuer, f"/b{i}", bitstring()) for i in range(3)]
    by_count = make_source(fetcher, cache_max_count=2).source
    for url in urls:
        await check(by_count, issuer, url)
    assert by_count.cache.stats()["count"] == 2
    assert (await check(by_count, issuer, urls[2])).evidence["from_cache"] is True
    assert (await check(by_count, issuer, urls[0])).evidence["from_cache"] is False  # evicted, least recently used

    one_list_bytes = 131_072 // 8 + 1024
    by_bytes = make_source(fetcher, cache_max_bytes=2 * one_list_bytes + 100).source
    for url in urls:
        await check(by_bytes, issuer, url)
    stats = by_bytes.cache.stats()
    assert stats["count"] == 2 and stats["bytes"] == 2 * one_list_bytes <= stats["max_bytes"]

    tiny = make_source(fetcher, cache_max_bytes=1000).source  # a list larger than the whole cache is not kept
    await check(tiny, issuer, urls[0])
    assert tiny.cache.stats()["count"] == 0
    assert (await check(tiny, issuer, urls[0])).outcome.value == "passed"
