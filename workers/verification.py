"""One verification as the service runs it: report cache, parse, pipeline through the dispatcher, render.

DESIGN.md "Data flow" steps 2-5. The handlers call :meth:`Verifications.verify` with a parsed request
and render its answer; nothing here knows about HTTP.
"""

from __future__ import annotations


import functools
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from trust_registry.errors import RegistryUnavailable

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.dispatch import Dispatcher
from verifier.environment import Environment
from verifier.i18n import DEFAULT_LANGUAGE
from verifier.i18n.localize import localize_report
from verifier.messages import problem_details
from verifier.options import VerifyOptions
from verifier.parse import CredentialItem, parse_presented
from verifier.refreshed import Refreshed
from verifier.pipeline import verify_presented
from verifier.report import CheckResult, Outcome, Report
from workers.cache import (CachingDispatcher, ResultStore, canonical_bytes, report_key, transient, utc_now_text,
                           validity_horizon_s)

log = logging.getLogger("verifier.service")


class VersionTracker:
    """The trust-registry version for cache keys, read at most every ``poll_s`` seconds, and refreshed in
    the background before it expires (:class:`verifier.refreshed.Refreshed`): requests on a busy service
    never wait for the read, and no version older than ``poll_s`` is used.

    :param registry: a ``trust_registry.TrustRegistry`` (or anything with ``async version() -> int``).
    :param poll_s: how long a read version is trusted, seconds (0: read every time).
    """

    def __init__(self, registry, poll_s: float):
        self.registry = registry
        self.poll_s = poll_s
        self._version = Refreshed(registry.version, poll_s)

    async def current(self) -> int | None:
        """The registry version, or None when the registry cannot be read (then nothing is cached)."""
        try:
            return await self._version.get()
        except RegistryUnavailable:
            return None

    def invalidate(self) -> None:
        """Forget the version read (after a registry write through this process)."""
        self._version.forget()

    async def close(self) -> None:
        """Cancel a read under way."""
        await self._version.close()


@dataclass(frozen=True)
class VerifyRequest:
    """A parsed verify request.

    :ivar document: the credential or presentation (a JSON object, or a compact JWT string).
    :ivar expect: ``credential`` or ``presentation``.
    :ivar options: verification options.
    :ivar unsigned: a presentation given as VC-API ``presentation``: its own proof is not required.
    :ivar lang: the language of the answer's texts (``en``, ``es``); not part of the cache key: a cached
        report is localised again for each request.
    """

    document: dict[str, Any] | str
    expect: Literal["credential", "presentation"]
    options: VerifyOptions
    unsigned: bool = False
    lang: str = DEFAULT_LANGUAGE

    @functools.cached_property
    def presented_bytes(self) -> bytes:
        """The bytes the cache key is taken over: the JWT as given, or canonical JSON."""
        return self.document.encode("utf-8") if isinstance(self.document, str) else canonical_bytes(self.document)


class _UnsignedTop:
    """Reports the top-level presentation's proof as not applicable (VC-API ``presentation`` without proof)."""

    def __init__(self, inner: Dispatcher):
        self.inner = inner

    async def run_checks(self, check_ids, item: CredentialItem, ctx: CheckContext) -> list[CheckResult]:
        unsigned = item.pointer == "" and item.document.get("proof") is None
        if not unsigned or C.CHECK_PROOF not in check_ids:
            return await self.inner.run_checks(check_ids, item, ctx)
        others = [cid for cid in check_ids if cid != C.CHECK_PROOF]
        done = dict(zip(others, await self.inner.run_checks(others, item, ctx))) if others else {}
        done[C.CHECK_PROOF] = CheckResult(C.CHECK_PROOF, Outcome.NOT_APPLICABLE, "an unsigned presentation was given "
                                          "as 'presentation': only the credentials it carries are verified", target="")
        return [done[cid] for cid in check_ids]


@dataclass
class Answer:
    """One verification's answer.

    :ivar body: the response body (:func:`render`).
    :ivar verified: the verdict.
    :ivar cached: served from the report cache.
    :ivar outcomes: (check id, outcome) of each result, for metrics.
    """

    body: dict[str, Any]
    verified: bool
    cached: bool
    outcomes: list[tuple[str, str]]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (a worker's answer to a front end); round-trips through :meth:`from_json`."""
        return {"body": self.body, "verified": self.verified, "cached": self.cached,
                "outcomes": [list(o) for o in self.outcomes]}

    @classmethod
    def from_json(cls, data: Any) -> "Answer":
        """Rebuild an answer from :meth:`to_json` output, trusting nothing about its shape.

        The verdict is true only when both the answer and its body say so.

        :raises ValueError: ``data`` is not what :meth:`to_json` gives.
        """
        if not isinstance(data, dict) or not isinstance(data.get("body"), dict):
            raise ValueError("an answer is an object with a 'body' object")
        body, outcomes = data["body"], data.get("outcomes")
        if not isinstance(outcomes, list) or not all(
                isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) for x in o) for o in outcomes):
            raise ValueError("an answer's 'outcomes' is a list of [check, outcome] pairs")
        if not isinstance(data.get("verified"), bool) or not isinstance(body.get("verified"), bool):
            raise ValueError("an answer's 'verified' and its body's are booleans")
        return cls(body, data["verified"] and body["verified"], data.get("cached") is True,
                   [(o[0], o[1]) for o in outcomes])


class Verifications:
    """Runs verifications for the service.

    :param env: process-wide services (resolvers, CPU runner, trust and status sources).
    :param dispatcher: where dispatched checks run (inline or arq).
    :param cache: the result store (memory or Redis).
    :param versions: the registry version tracker.
    :param max_ttl_s: cap on a cached report's life, seconds.
    :param status_ttl_s: life of a status result whose list states none, seconds.
    """

    def __init__(self, *, env: Environment, dispatcher: Dispatcher, cache: ResultStore, versions: VersionTracker,
                 max_ttl_s: float, status_ttl_s: float):
        self.env = env
        self.dispatcher = dispatcher
        self.cache = cache
        self.versions = versions
        self.max_ttl_s = max_ttl_s
        self.status_ttl_s = status_ttl_s

    async def verify(self, request: VerifyRequest) -> Answer:
        """Verify one credential or presentation, from the cache when a fresh report is there.

        :raises InputError: the document cannot be read (-> 400).
        """
        key, version = await self.report_key(request)
        hit = await self.cached(request, key, version)
        return hit if hit is not None else await self.run(request, key, version)

    async def report_key(self, request: VerifyRequest) -> tuple[str, int | None]:
        """The request's report-cache key and the registry version in it (None: nothing is cached)."""
        version = await self.versions.current()
        expect = request.expect + ("-unsigned" if request.unsigned else "")
        return report_key(request.presented_bytes, expect=expect, options=request.options,
                          registry_version=version), version

    async def cached(self, request: VerifyRequest, key: str, version: int | None) -> Answer | None:
        """The cached answer under ``key`` in the request's language, or None."""
        if version is None or self.max_ttl_s <= 0:
            return None
        hit = await self.cache.get(key)
        if hit is None or hit["expires"] <= time.time():
            return None
        body = dict(hit["body"], cached=True)  # a store answers a fresh copy (JSON read back): no one shares it
        if body.get("lang") != request.lang:  # stored in another language
            body = localize_report(body, request.lang)
        return Answer(body, body["verified"], True, [tuple(o) for o in hit["outcomes"]])

    async def run(self, request: VerifyRequest, key: str, version: int | None, *,
                  dispatcher: Dispatcher | None = None) -> Answer:
        """Verify without reading the report cache, and cache the report when it may be.

        :param dispatcher: where the dispatched checks run this time (default: this object's dispatcher).
        :raises InputError: the document cannot be read (-> 400).
        """
        presented = parse_presented(request.presented_bytes, limits=request.options.limits, expect=request.expect)
        parts = CachingDispatcher(dispatcher or self.dispatcher, self.cache, status_ttl_s=self.status_ttl_s)
        top: Dispatcher = _UnsignedTop(parts) if request.unsigned else parts
        report = await verify_presented(presented, options=request.options, env=self.env, dispatcher=top)
        if request.expect == "presentation":
            presentation_policy(report, presented.items, request.options, unsigned_member=request.unsigned)
        checked_at = utc_now_text()
        body = render(report, checked_at, parts.log.checked_at, request.lang)
        outcomes = [(r.check, r.outcome.value) for r in report.results]
        ttl = self._report_ttl_s(report, presented.items, request.options.now, parts.log.ttl_s)
        if version is not None and ttl > 0:
            await self.cache.set(key, {"body": body, "expires": time.time() + ttl, "outcomes": outcomes}, ttl)
        return Answer(body, report.verified, False, outcomes)

    def _report_ttl_s(self, report: Report, items: tuple[CredentialItem, ...], now: datetime,
                      part_ttls: dict[tuple[str, str], float]) -> float:
        """A report lives no longer than its shortest part, the cap, or the next validity bound."""
        if any(transient(r) for r in report.results):
            return 0.0
        limits = [self.max_ttl_s, *part_ttls.values()]
        horizon = validity_horizon_s(items, now)
        if horizon is not None:
            limits.append(horizon)
        return max(0.0, min(limits))


def presentation_policy(report: Report, items: tuple[CredentialItem, ...], options: VerifyOptions, *,
                        unsigned_member: bool) -> None:
    """What a presentation's signature (or its absence) means for the answer; changes ``report`` in place.

    * an unsigned presentation cannot prove an expected ``challenge`` or ``domain``: each one asked for
      is an error (``INVALID_CHALLENGE_ERROR`` / ``INVALID_DOMAIN_ERROR``), never silently ignored;
    * an unsigned ``presentation`` carrying no credential has nothing to verify: an error;
    * a signed presentation verified without a ``challenge``: a ``NO_CHALLENGE`` warning (replay of a
      captured presentation is not prevented).
    """
    top = next((i for i in items if i.pointer == ""), None)
    if top is None:
        return
    signed = top.jwt is not None or (isinstance(top.document, dict) and top.document.get("proof") is not None)
    errors: list[dict[str, Any]] = []
    if not signed:
        for name, code in (("challenge", C.PROBLEM_INVALID_CHALLENGE_ERROR), ("domain", C.PROBLEM_INVALID_DOMAIN_ERROR)):
            if getattr(options, name) is not None:
                errors.append(problem_details(code, f"the presentation is unsigned, so it cannot prove the expected "
                                              f"{name}: send it signed, as 'verifiablePresentation', with a proof "
                                              f"over this {name}", pointer=f"/options/{name}"))
        if unsigned_member and not any(i.pointer for i in items):
            errors.append(problem_details(C.PROBLEM_VERIFICATION_ERROR, "nothing to verify: the unsigned "
                                          "presentation carries no credential", pointer="/presentation"))
    elif options.challenge is None:
        report.warnings.append(problem_details(C.PROBLEM_NO_CHALLENGE, "the presentation was verified without an "
                                               "expected challenge (options.challenge): a replayed presentation is "
                                               "not detected"))
    if errors:
        report.errors.extend(errors)
        report.verified = False


def render(report: Report, checked_at: str, part_times: dict[tuple[str, str], str],
           lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The answer body: the report (VC-API shape plus ours), ``problemDetails``, ``cached`` and check times,
    with its texts (``headline``, titles, summary) in ``lang``."""
    body = report.to_json(lang)
    for entry, result in zip(body["results"], report.results):
        entry["checkedAt"] = part_times.get((result.target, result.check), checked_at)
    body["problemDetails"] = list(body["errors"])
    body["cached"] = False
    body["checkedAt"] = checked_at
    return localize_report(body, lang)


def now_utc() -> datetime:
    """The verification instant of a request (the service judges at the time of asking)."""
    return datetime.now(timezone.utc)
