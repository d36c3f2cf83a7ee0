"""What checks may use besides the credential: resolvers, the CPU runner, trust and status sources.

Built once per process by a composition root (the CLI, the service, a worker) and handed to the
pipeline; the checks never construct their own. Everything here is replaceable by a real
implementation of the same shape (inline or distributed).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Protocol, Sequence

from verifier.options import ResourceConfig


class TrustSource(Protocol):
    """Answers issuer trust (issue 4); implemented over :mod:`trust_registry`."""

    async def decide(self, *, issuer_id: str, credential_types: Sequence[str], at: datetime,
                     verification_methods: Sequence[str] = ()) -> Any:
        """Return a ``trust_registry.TrustDecision``; raise ``CheckNotPossible`` on an unreadable registry."""
        ...


class StatusSource(Protocol):
    """Evaluates ``credentialStatus`` entries (issue 3)."""

    async def check(self, credential: dict[str, Any], *, issuer_id: str | None, at: datetime) -> Any:
        """Return the status evaluation for the credential."""
        ...


class CpuRunner:
    """Runs CPU-bound functions (JSON-LD canonicalization, signatures) off the event loop.

    With an executor (a process pool sized to the cores, DESIGN.md "Data flow"), work goes to it;
    without one (the CLI, an arq worker process which is already one per core) it runs in place.
    pyld is not thread-safe: never pass a thread pool here.

    :param executor: a :class:`concurrent.futures.ProcessPoolExecutor`, or None to run in place.
    """

    def __init__(self, executor: Executor | None = None):
        self.executor = executor

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call ``fn(*args)``; in the pool when there is one. ``fn`` and args must be picklable."""
        if self.executor is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


@dataclass
class Environment:
    """Process-wide services for checks.

    :ivar resources: offline bundle, data directory and the test-only loopback flag.
    :ivar key_resolver: a :class:`verifier.did.KeyResolver`.
    :ivar cpu: the CPU runner.
    :ivar trust: the trust source, or None when no registry is configured.
    :ivar status: the status source, or None when status checking is not available.
    :ivar documents: hosted documents (Open Badges 2.0 assertions, BadgeClasses, Profiles, keys; verification
        by link), a :class:`verifier.ob2.documents.HostedDocuments`, or None when not available.
    :ivar fetcher: the process's :class:`verifier.fetch.Fetcher`, or None (offline bundle, or none given):
        the ``schema`` check uses it only when ``resources.fetch_schemas`` is set.
    """

    resources: ResourceConfig
    key_resolver: Any
    cpu: CpuRunner
    trust: TrustSource | None = None
    status: StatusSource | None = None
    documents: Any = None
    fetcher: Any = None
