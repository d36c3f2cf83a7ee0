"""The service on a real aiohttp test server (embedded: inline checks, in-process cache, SQLite registry)."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.core.credentials import issued_to, ob3_credential
from tests.signing import new_key, sign_ldp
from verifier.service import create_app
from verifier.settings import Settings


def service_settings(tmp_path, **overrides: Any) -> Settings:
    """Embedded settings in ``tmp_path``: no Redis, checks in place, registry version read every time."""
    values: dict[str, Any] = {"data_dir": tmp_path, "database_url": f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}",
                              "REDIS_URL": None, "cpu_workers": 0, "registry_poll_s": 0.0,
                              "require_trusted_issuer": False, "offline_bundle": None}
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running(settings: Settings, **app_kwargs: Any) -> AsyncIterator[TestClient]:
    """A client of the app built from ``settings``, served on a real port."""
    client = TestClient(TestServer(create_app(settings, **app_kwargs)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def make_client(tmp_path) -> AsyncIterator[Callable]:
    """``await make_client(**settings_overrides)`` -> a started client; all are closed at the end."""
    stack = contextlib.AsyncExitStack()

    async def make(**overrides: Any) -> TestClient:
        return await stack.enter_async_context(running(service_settings(tmp_path, **overrides)))

    async with stack:
        yield make


@pytest.fixture
async def client(make_client) -> TestClient:
    return await make_client()


@pytest.fixture(scope="session")
def issuer_key():
    return new_key("Ed25519")


@pytest.fixture(scope="session")
def signed_credential(issuer_key) -> dict:
    """An OB 3.0 credential signed by its issuer (eddsa-rdfc-2022)."""
    return sign_ldp(ob3_credential(issuer_key.did), issuer_key)


@pytest.fixture(scope="session")
def holder_key():
    """The learner's key: the subject of :func:`held_credential`, who presents it."""
    return new_key("Ed25519")


@pytest.fixture(scope="session")
def held_credential(issuer_key, holder_key) -> dict:
    """An OB 3.0 credential issued to ``holder_key``'s DID, signed by its issuer."""
    return sign_ldp(issued_to(ob3_credential(issuer_key.did), holder_key.did), issuer_key)
