import pytest

from verifier.did import KeyResolver
from verifier.fetch import Fetcher
from verifier.options import ResourceConfig


@pytest.fixture
async def fetcher():
    async with Fetcher(timeout_s=2.0, max_bytes=100_000, allow_insecure_loopback=True) as f:
        yield f


@pytest.fixture
def resolver(fetcher):
    """A resolver that reads did:web:127.0.0.1%3A<port> over http (the loopback test setting)."""
    return KeyResolver(resources=ResourceConfig(allow_insecure_loopback=True), fetcher=fetcher)
