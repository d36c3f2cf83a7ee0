"""Build the process-wide :class:`Environment` from settings (used by the CLI, the service, workers).

One fetcher (HTTP client) and one key resolver per process (DESIGN.md "Data flow"); with an
offline bundle no fetcher exists at all, so nothing can reach the network.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor
from typing import AsyncIterator

from verifier.did import KeyResolver
from verifier.environment import CpuRunner, Environment, StatusSource, TrustSource
from verifier.fetch import Fetcher
from verifier.settings import Settings


@contextlib.asynccontextmanager
async def open_environment(settings: Settings, *, executor: Executor | None = None,
                           trust: TrustSource | None = None,
                           status: StatusSource | None = None) -> AsyncIterator[Environment]:
    """Yield an :class:`Environment` for ``settings``; close its HTTP client on exit.

    :param settings: process settings.
    :param executor: process pool for CPU-bound checks, or None to run them in place.
    :param trust: trust source (issue 4), or None.
    :param status: status source; by default a :class:`verifier.status.StatusListSource` over this
        environment's fetcher (or offline bundle), key resolver and CPU runner (issue 3).
    """
    from verifier.status import StatusListSource  # the status package builds on the whole verification core

    resources = settings.resources()
    fetcher = None
    if settings.offline_bundle is None:
        fetcher = Fetcher(timeout_s=settings.fetch_timeout_s, max_bytes=settings.max_fetch_bytes,
                          allow_insecure_loopback=settings.allow_insecure_loopback)
    try:
        resolver = KeyResolver(resources=resources, fetcher=fetcher)
        cpu = CpuRunner(executor)
        if status is None:
            lists_env = Environment(resources=resources, key_resolver=resolver, cpu=cpu)  # status None: no recursion
            authorised = getattr(trust, "authorises_status_signer", None)
            status = StatusListSource(
                list_env=lists_env, fetcher=fetcher, limits=settings.limits(),
                strict_status_signer=settings.strict_status_signer,
                strict_list_length=settings.strict_status_list_length,
                authorised_signer=(lambda i, s, at: authorised(i, s, at=at)) if authorised else None)
        from verifier.ob2.documents import HostedDocuments

        documents = HostedDocuments(resources=resources, fetcher=fetcher)
        yield Environment(resources=resources, key_resolver=resolver, cpu=cpu, trust=trust, status=status,
                          fetcher=fetcher, documents=documents)
    finally:
        if fetcher is not None:
            await fetcher.close()
