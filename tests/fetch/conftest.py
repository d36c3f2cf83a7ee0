import pytest

from verifier.fetch import Fetcher


@pytest.fixture
async def fetcher():
    async with Fetcher(timeout_s=2.0, max_bytes=10_000, allow_insecure_loopback=True) as f:
        yield f
