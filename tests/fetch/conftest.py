import pytest

from tests.fetch.local_server import LocalServer
from verifier.fetch import Fetcher


@pytest.fixture
async def server():
    srv = await LocalServer().start()
    yield srv
    await srv.stop()


@pytest.fixture
async def fetcher():
    async with Fetcher(timeout_s=2.0, max_bytes=10_000, allow_insecure_loopback=True) as f:
        yield f
