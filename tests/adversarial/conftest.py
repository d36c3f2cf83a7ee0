"""Shared fixtures of the adversarial test set: the public doors, wired to a real local server.

``verify_vc`` and ``verify_vp`` call :func:`verifier.verify_credential` / :func:`verifier.verify_presentation`
with a fresh environment built from settings (loopback ``http`` allowed, so did:web, controller documents
and status lists are read from the real aiohttp ``server`` of ``tests/conftest.py``), judged at
:data:`tests.core.helpers.AT`. ``publish_did_web`` serves a did:web document for a key on that server.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest

from tests.conftest import vectors_or_skip
from tests.core.helpers import AT
from tests.core.test_did_web_end_to_end import did_document
from verifier import Report, VerifyOptions, verify_credential, verify_presentation
from verifier.contexts.installed import install_context
from verifier.runtime import open_environment
from verifier.settings import load_settings

Verify = Callable[..., Awaitable[Report]]


def _door(function) -> Verify:
    async def run(data: Any, *, settings: dict | None = None, **options) -> Report:
        """Verify ``data`` at AT; ``settings``: :func:`load_settings` overrides; ``options``: VerifyOptions fields."""
        async with open_environment(load_settings(allow_insecure_loopback=True, **(settings or {}))) as env:
            return await function(data, env=env, options=VerifyOptions(now=AT).replace(**options))

    return run


@pytest.fixture
def verify_vc() -> Verify:
    """``await verify_vc(data, settings={...}, **options)``: the credential door."""
    return _door(verify_credential)


@pytest.fixture
def verify_vp() -> Verify:
    """``await verify_vp(data, settings={...}, **options)``: the presentation door."""
    return _door(verify_presentation)


@pytest.fixture
def publish_did_web(server) -> Callable[..., str]:
    """``publish_did_web(name, key, relationship=..., edit=None) -> did``: serve a did:web document at
    ``/<name>/did.json`` on the local server listing ``key`` as ``#key-1`` under ``relationship``;
    ``edit(document)`` may change the document first."""

    def publish(name: str, key, *, relationship: str = "assertionMethod",
                edit: Callable[[dict], None] | None = None) -> str:
        did = f"did:web:{server.did_web_host}:{name}"
        document = did_document(did, key, relationship=relationship)
        if edit is not None:
            edit(document)
        server.json(f"/{name}/did.json", document)
        return did

    return publish


CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@pytest.fixture
def clr_data_dir(tmp_path):
    """A data directory with the CLR 2.0 context installed from the corpus (skips when it is absent)."""
    vectors = vectors_or_skip()
    source = vectors / "contexts" / "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
    if not source.is_file():
        pytest.skip(f"the CLR 2.0 context is not in the corpus at {source}")
    data_dir = tmp_path / "data"
    install_context(CLR_CONTEXT, source, data_dir)
    return data_dir
