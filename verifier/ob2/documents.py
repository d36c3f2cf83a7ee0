"""Hosted Open Badges 2.0 documents: assertions, BadgeClasses, issuer Profiles, keys, revocation lists.

Open Badges 2.0 "Verification" fetches each of these by its ``id`` with a JSON-LD/JSON ``Accept``
header. Every fetch goes through :class:`verifier.fetch.Fetcher` (https only, no private targets, size
cap, timeout, redirects re-checked); with an offline bundle the bundle's ``resources/index.json``
answers and nothing goes to the network. Answers are cached per process for the answer's
``Cache-Control`` max-age, at most ``max_ttl_s``; concurrent requests for one URL share one fetch.
Failures are never cached.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cachetools import TLRUCache

from verifier.errors import FetchError, InputError
from verifier.fetch import Fetcher
from verifier.jsontext import loads_limited
from verifier.offline_bundle import OfflineBundle, load_bundle
from verifier.options import ResourceConfig

#: Accept header of Open Badges 2.0 "Verification" fetches.
OB2_ACCEPT = "application/ld+json, application/json"
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Hosted:
    """One hosted document.

    :ivar url: the URL asked for.
    :ivar final_url: the URL that answered, after redirects (the same as ``url`` from a bundle).
    :ivar document: the parsed JSON value.
    :ivar source: ``network`` or ``offline bundle``.
    :ivar fetched_at: when it was read (UTC).
    :ivar from_cache: served from this process's cache.
    """

    url: str
    final_url: str
    document: Any
    source: str
    fetched_at: datetime
    from_cache: bool = False


class HostedDocuments:
    """Reads hosted JSON documents for Open Badges 2.0 verification and for verification by link.

    :param resources: offline bundle and loopback permission.
    :param fetcher: the process's fetcher, or None (offline: the bundle answers, or nothing does).
    :param max_ttl_s: longest time an answer is kept, seconds.
    :param max_entries: most answers kept.
    """

    def __init__(self, *, resources: ResourceConfig, fetcher: Fetcher | None, max_ttl_s: float = 300.0,
                 max_entries: int = 1024):
        self._bundle: OfflineBundle | None = (load_bundle(resources.offline_bundle)
                                              if resources.offline_bundle is not None else None)
        self._fetcher = fetcher
        self._max_ttl_s = max_ttl_s
        self._cache: TLRUCache = TLRUCache(maxsize=max_entries, ttu=lambda _k, v, now: now + v[1],
                                           timer=time.monotonic)
        self._inflight: dict[str, asyncio.Future] = {}

    @property
    def offline(self) -> bool:
        """True when an offline bundle answers every lookup."""
        return self._bundle is not None

    async def get_json(self, url: str) -> Hosted:
        """The JSON document at ``url``.

        :raises FetchError: not in the bundle, refused target, timeout, size cap, not JSON;
            :class:`verifier.errors.HttpStatusError` for a non-2xx answer (410 Gone included).
        """
        if not isinstance(url, str) or not url:
            raise FetchError(f"{url!r} is not a URL")
        hit = self._cache.get(url)
        if hit is not None:
            return Hosted(**{**hit[0].__dict__, "from_cache": True})
        task = self._inflight.get(url)
        if task is None:
            task = asyncio.ensure_future(self._load(url))
            self._inflight[url] = task
            task.add_done_callback(lambda _t: self._inflight.pop(url, None))
        return await asyncio.shield(task)

    async def get_bytes(self, url: str, *, accept: str) -> tuple[str, str, bytes]:
        """The raw answer at ``url`` (not cached): (final URL, media type, body).

        :raises FetchError: as :meth:`get_json`.
        """
        if self._bundle is not None:
            return url, "", self._bundle.read_bytes("resources", url)
        if self._fetcher is None:
            raise FetchError(f"{url} cannot be fetched: the network is not configured")
        result = await self._fetcher.get(url, accept=accept)
        return result.url, result.content_type, result.body

    async def _load(self, url: str) -> Hosted:
        now = datetime.now(timezone.utc)
        if self._bundle is not None:
            raw = self._bundle.read_bytes("resources", url)
            hosted = Hosted(url, url, self._parse(raw, url), "offline bundle", now)
            self._cache[url] = (hosted, self._max_ttl_s)
            return hosted
        if self._fetcher is None:
            raise FetchError(f"{url} cannot be fetched: the network is not configured (no fetcher)")
        result = await self._fetcher.get(url, accept=OB2_ACCEPT)
        hosted = Hosted(url, result.url, self._parse(result.body, url), "network", result.fetched_at)
        ttl = self._max_ttl_s if result.max_age_s is None else min(float(result.max_age_s), self._max_ttl_s)
        if ttl > 0:
            self._cache[url] = (hosted, ttl)
        return hosted

    def _parse(self, raw: bytes, url: str) -> Any:
        cap = self._fetcher.max_bytes if self._fetcher is not None else max(len(raw), 1)
        try:
            return loads_limited(raw, max_bytes=cap, max_depth=_MAX_DEPTH, what=f"the document at {url}")
        except InputError as exc:  # not JSON, too deep: for a fetched document it is a retrieval failure
            raise FetchError(f"{url} did not answer with a JSON document: {exc.detail}") from exc
