"""Reading request bodies: content codings (gzip, deflate), corrupt or truncated ones, compression bombs,
unsupported codings, and what aiohttp's parser refuses before the application sees a request."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import zlib

import brotli
import pytest
from backports import zstd

from tests.service.conftest import running, service_settings

PATHS = ["/credentials/verify", "/verifications"]


def _verify_body(credential) -> bytes:
    return json.dumps({"verifiableCredential": credential}).encode()


async def _post(client, path: str, data: bytes, coding: str):
    return await client.post(path, data=data, headers={"Content-Type": "application/json", "Content-Encoding": coding})


def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", PATHS)
async def test_compressed_bodies_are_read(client, signed_credential, path):
    body = _verify_body(signed_credential)
    for coding, data in (("gzip", gzip.compress(body)), ("deflate", zlib.compress(body)), ("GZIP", gzip.compress(body)),
                         ("br", brotli.compress(body)), ("zstd", zstd.compress(body)), ("identity", body)):
        resp = await _post(client, path, data, coding)
        assert resp.status in (200, 202), (coding, await resp.text())
        if resp.status == 200:
            assert (await resp.json())["verified"] is True


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coding, mangle", [
    ("gzip", lambda body: body),  # declared gzip, sent plain
    ("gzip", lambda body: gzip.compress(body)[:10] + b"\x00" * 8 + gzip.compress(body)[18:]),  # corrupt stream
    ("deflate", lambda body: b"\x08" + b"\xff" * 40),  # corrupt deflate
    ("deflate", lambda body: body),  # declared deflate, sent plain
])
async def test_bodies_that_do_not_decode_are_400_problems(client, signed_credential, caplog, path, coding, mangle):
    resp = await _post(client, path, mangle(_verify_body(signed_credential)), coding)
    problem = await resp.json()
    assert resp.status == 400, problem
    assert resp.content_type == "application/problem+json" and problem["code"] == "INVALID_REQUEST"
    assert f"Content-Encoding: {coding}" in problem["detail"]
    assert problem["errors"] == [{"pointer": "Content-Encoding", "detail": f"the body is not valid {coding}"}]
    assert problem["requestId"] == resp.headers["X-Request-Id"]
    assert resp.headers["Connection"] == "close"  # the rest of the body cannot be parsed: the connection ends
    await asyncio.sleep(0.05)  # aiohttp finishes the connection after the answer is sent
    assert not _errors(caplog), [r.getMessage() for r in _errors(caplog)]  # a client error, not a traceback
    assert (await client.get("/healthz")).status == 200  # the next request gets a fresh connection


@pytest.mark.parametrize("path", PATHS)
async def test_truncated_gzip_names_the_coding(client, signed_credential, path):
    resp = await _post(client, path, gzip.compress(_verify_body(signed_credential))[:-40], "gzip")
    problem = await resp.json()
    assert resp.status == 400 and problem["code"] == "PARSING_ERROR", problem
    assert "Content-Encoding: gzip" in problem["detail"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coding, compress", [("gzip", gzip.compress), ("br", brotli.compress),
                                              ("zstd", zstd.compress)])
async def test_compression_bomb_is_413(make_client, caplog, path, coding, compress):
    client = await make_client(max_body_bytes=10_000, max_batch_body_bytes=100_000)
    bomb = compress(b" " * 20_000_000)  # a few kB that inflate to 20 MB
    assert len(bomb) < 100_000
    resp = await _post(client, path, bomb, coding)
    problem = await resp.json()
    assert resp.status == 413 and problem["code"] == "PAYLOAD_TOO_LARGE", problem
    assert not _errors(caplog)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coding", ["compress", "gzip, gzip", "x-custom", "xz", "gzip, br"])
async def test_unsupported_coding_is_415_with_accept_encoding(client, signed_credential, path, coding):
    resp = await _post(client, path, _verify_body(signed_credential), coding)
    problem = await resp.json()
    assert resp.status == 415 and problem["code"] == "UNSUPPORTED_MEDIA_TYPE", problem
    assert resp.headers["Accept-Encoding"] == "gzip, deflate, br, zstd"
    assert problem["errors"][0]["pointer"] == "Content-Encoding" and repr(coding) in problem["detail"]


async def _raw_exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()


async def test_protocol_errors_are_answered_by_aiohttp_before_the_app(tmp_path):
    """``Content-Length: 99999999999999999999`` is refused by aiohttp's HTTP parser: a 400 (never a 500,
    never a hang), connection closed. It is plain text, not ProblemDetails, and carries no request id:
    the parser answers before any application code runs, and aiohttp 3.14 has no supported hook to
    render such answers (see :mod:`verifier.service.middleware`)."""
    async with running(service_settings(tmp_path)) as client:
        head = (b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 99999999999999999999\r\n\r\n{}")
        answer = await _raw_exchange(client.port, head)
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.split()[1] == b"400", answer
        assert b"X-Request-Id" not in rest.partition(b"\r\n\r\n")[0]
