"""Lists that cannot be had: 404, 500, HTML, slow, oversized, a GZIP bomb -- never a pass."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from tests.status.helpers import (AT, bitstring, bitstring_entry, bitstring_list, credential_with, encode, gzip_bomb,
                                  make_source, sign_list)
from verifier import constants as C
from verifier.fetch import Fetcher


async def check_url(fetcher, issuer, url: str):
    return await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                   issuer_id=issuer.did, at=AT)


def retrieval_error(result) -> bool:
    return (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_RETRIEVAL_ERROR)


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_http_errors(server, fetcher, issuer, status):
    server.json("/err", {"error": "nope"}, status=status)
    result = await check_url(fetcher, issuer, f"{server.base}/err")
    assert retrieval_error(result), result.detail
    assert f"HTTP {status}" in result.detail and f"{server.base}/err" in result.detail


@pytest.mark.parametrize("body, content_type", [
    (b"<!doctype html><html><body>Sign in</body></html>", "text/html"),
    (b"", "application/json"),
    (b"not json at all", "application/json"),
    (b'["a", "list"]', "application/json"),
    (b'{"no": "context or type"}', "application/json"),
])
async def test_answers_that_are_not_a_list_credential(server, fetcher, issuer, body, content_type):
    async def handler(_request):
        return web.Response(body=body, content_type=content_type)

    server.route("/odd", handler)
    result = await check_url(fetcher, issuer, f"{server.base}/odd")
    assert retrieval_error(result), result.detail


async def test_slow_answer_times_out(server, fetcher, issuer):
    async def slow(_request):
        await asyncio.sleep(10)
        return web.Response(text="{}")

    server.route("/slow", slow)
    started = time.perf_counter()
    result = await check_url(fetcher, issuer, f"{server.base}/slow")
    assert retrieval_error(result) and "did not answer within" in result.detail
    assert time.perf_counter() - started < 8  # well under the 10 s the host would take: the timeout ended it


async def test_oversized_answer(server, fetcher, issuer):
    async def big(_request):
        return web.Response(body=b"{" + b" " * 500_000 + b"}", content_type="application/json")

    server.route("/big", big)
    result = await check_url(fetcher, issuer, f"{server.base}/big")
    assert retrieval_error(result) and "larger than" in result.detail


async def test_gzip_bomb_list_is_indeterminate_within_milliseconds(server, fetcher, issuer):
    url = f"{server.base}/bomb"
    doc = bitstring_list(url, issuer.did, b"")
    doc["credentialSubject"]["encodedList"] = encode(b"", compressed=gzip_bomb())
    server.json("/bomb", sign_list(doc, issuer))
    source = make_source(fetcher).source
    started = time.process_time()
    result = await source.check(credential_with(issuer.did, bitstring_entry(url, 3)), issuer_id=issuer.did, at=AT)
    elapsed = time.process_time() - started
    assert retrieval_error(result) and "GZIP bomb" in result.detail
    assert elapsed < 5.0  # CPU: fetch + proof + refused inflate; the inflate alone is measured in test_decode


async def test_retrieval_errors_are_not_cached(server, fetcher, issuer):
    url = f"{server.base}/flaky"
    server.json("/flaky", {"error": "down"}, status=503)
    source = make_source(fetcher).source
    cred = credential_with(issuer.did, bitstring_entry(url, 3))
    assert retrieval_error(await source.check(cred, issuer_id=issuer.did, at=AT))
    server.json("/flaky", sign_list(bitstring_list(url, issuer.did, bitstring()), issuer))
    assert (await source.check(cred, issuer_id=issuer.did, at=AT)).outcome.value == "passed"
    assert server.hits["/flaky"] == 2


async def test_https_is_required_without_the_loopback_setting(issuer):
    async with Fetcher(timeout_s=1.0, max_bytes=10_000) as strict:
        result = await check_url(strict, issuer, "http://127.0.0.1:9/list")
    assert retrieval_error(result) and "refused" in result.detail
