import pytest

from tests.fetch.local_server import LocalServer
from tests.signing import new_key
from verifier.fetch import Fetcher


@pytest.fixture
async def server():
    """A real aiohttp server on 127.0.0.1 that publishes the lists a test signs."""
    srv = await LocalServer().start()
    yield srv
    await srv.stop()


@pytest.fixture
async def fetcher():
    async with Fetcher(timeout_s=1.0, max_bytes=400_000, allow_insecure_loopback=True) as f:
        yield f


@pytest.fixture(scope="session")
def issuer():
    """The credential issuer's key (did:key); it signs its own lists unless a test says otherwise."""
    return new_key("Ed25519")
