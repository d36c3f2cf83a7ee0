"""Shared test fixtures: where the shared vector corpus lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
#: the conformance corpus: ``LER_VECTORS`` when set (run the tests from anywhere), else ``../shared/vectors``.
VECTORS = Path(os.environ["LER_VECTORS"]).resolve() if os.environ.get("LER_VECTORS") else SHARED / "vectors"


def vectors_or_skip() -> Path:
    """The shared vector corpus directory, or skip the test with a message when it is absent."""
    if not (VECTORS / "MANIFEST.json").is_file():
        pytest.skip(f"shared vector corpus not found at {VECTORS} (set LER_VECTORS to its folder; by default it "
                    "sits beside the checkout as ../shared/vectors)")
    return VECTORS


@pytest.fixture
async def server():
    """A real aiohttp server on 127.0.0.1 whose routes a test sets (:class:`tests.fetch.local_server.LocalServer`)."""
    from tests.fetch.local_server import LocalServer

    srv = await LocalServer().start()
    yield srv
    await srv.stop()
