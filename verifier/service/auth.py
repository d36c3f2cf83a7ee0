"""API keys on the verify routes and a per-key rate limit (issue 5 "API keys").

``Authorization: Bearer <key>`` (RFC 6750 §2.1). Keys are the trust registry's (created with
``ler-verifier keys create --role verify|admin``, stored hashed; an ``admin`` key may verify too).
While no live key exists at all, the verify routes are open (the service warns at start-up); once one
exists, every verify request needs one. Admin routes are always closed without an admin key (the
admin sub-application checks that itself). ``GET /metrics`` is open while no key exists and needs an
admin key once one does (unless ``LER_METRICS_PUBLIC``).

Rate limit: a token bucket per key (``rate_limit_per_s`` refill, ``rate_limit_burst`` capacity) in this
process; over it -> 429 with ``Retry-After`` in whole seconds (RFC 9110 §10.2.3).
"""

from __future__ import annotations

import math
import time

from aiohttp import web

from cachetools import TTLCache

from trust_registry import ApiKey, TrustRegistry, list_keys
from trust_registry.keys import token_cache_key
from trust_registry.errors import RegistryUnavailable
from sqlalchemy.exc import SQLAlchemyError

from verifier.refreshed import Refreshed
from verifier.service.problems import FieldProblem, ProblemError

_REALM = 'Bearer realm="ler-verifier"'


def bearer_token(request: web.Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class RateLimiter:
    """Token buckets by key id.

    :param rate_per_s: tokens added per second (0: no limit).
    :param burst: bucket capacity, requests.
    """

    def __init__(self, rate_per_s: float, burst: int, *, clock=time.monotonic):
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key_id: str) -> float:
        """Spend one token of ``key_id``.

        :returns: 0 when allowed, else the seconds until a token is available.
        """
        if self.rate_per_s <= 0:
            return 0.0
        now = self._clock()
        tokens, last = self._buckets.get(key_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_s)
        if tokens >= 1.0:
            self._buckets[key_id] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key_id] = (tokens, now)
        return (1.0 - tokens) / self.rate_per_s


class Authenticator:
    """Checks bearer keys against the registry and applies the rate limit.

    :param registry: the open trust registry (keys live there).
    :param limiter: the per-key rate limiter.
    :param keys_check_s: how long "are any keys configured?" is remembered, seconds.
    """

    def __init__(self, registry: TrustRegistry, limiter: RateLimiter, *, keys_check_s: float = 5.0,
                 key_cache_s: float = 5.0):
        self.registry = registry
        self.limiter = limiter
        self.keys_check_s = keys_check_s
        self.key_cache_s = key_cache_s
        self._configured = Refreshed(self._read_configured, keys_check_s)
        #: token hash -> its remembered key (the token itself is never kept: each read is given the token
        #: of the request that starts it); a token unused for a while is dropped.
        self._keys: TTLCache = TTLCache(maxsize=4096, ttl=max(60.0, 10 * key_cache_s))

    async def keys_configured(self) -> bool:
        """True when at least one live API key exists (remembered ``keys_check_s``, refreshed in the
        background before then; while the database cannot be read, the last answer stands).

        :raises RegistryUnavailable: the key table cannot be read and was never read.
        """
        try:
            return await self._configured.get()
        except RegistryUnavailable:
            if self._configured.last is not None:  # the database is down: what it said last stands
                return self._configured.last
            raise

    async def _read_configured(self) -> bool:
        try:
            async with self.registry.engine.connect() as conn:
                return bool(await list_keys(conn))
        except (SQLAlchemyError, OSError) as exc:
            raise RegistryUnavailable(f"cannot read API keys: {type(exc).__name__}") from exc

    async def _key(self, token: str) -> ApiKey | None:
        """The key of ``token``, remembered ``key_cache_s`` and refreshed ahead of time, so requests with a
        key do not all wait for the database when its answer expires (a revoked key still stops working
        within ``key_cache_s``).

        :raises RegistryUnavailable: the key could not be read (see ``TrustRegistry.authenticate``).
        """
        slot = token_cache_key(token)
        remembered = self._keys.get(slot)
        if remembered is None:
            remembered = self._keys[slot] = Refreshed(None, self.key_cache_s)
        return await remembered.get(lambda: self.registry.authenticate(token))

    def forget(self) -> None:
        """Re-read whether keys exist, and every key, on the next request (after a key was changed here)."""
        self._configured.forget()
        for remembered in list(self._keys.values()):
            remembered.forget()

    async def close(self) -> None:
        """Cancel the reads under way."""
        for remembered in [self._configured, *self._keys.values()]:
            await remembered.close()

    async def require(self, request: web.Request, role: str, *, open_without_keys: bool | None = None) -> ApiKey | None:
        """Authenticate ``request`` for ``role``.

        :param open_without_keys: the route is open while no key is configured (default: verify routes are).
        :returns: the key, or None on an open route (no key configured, none sent).
        :raises ProblemError: 401 no or unknown key, 403 wrong role, 429 over the rate limit.
        """
        token = bearer_token(request)
        if token is None:
            opens = role == "verify" if open_without_keys is None else open_without_keys
            if opens and not await self.keys_configured():
                return None
            raise ProblemError(401, f"send Authorization: Bearer <{role} API key>", headers={"WWW-Authenticate": _REALM},
                               errors=[FieldProblem("Authorization", "missing bearer token")])
        key = await self._key(token)
        if key is None:
            raise ProblemError(401, "the API key is unknown or revoked",
                               headers={"WWW-Authenticate": _REALM + ', error="invalid_token"'},
                               errors=[FieldProblem("Authorization", "unknown or revoked key")])
        if not key.allows(role):
            raise ProblemError(403, f"API key {key.name!r} has role {key.role!r}; this route needs {role!r}")
        wait_s = self.limiter.take(key.id)
        if wait_s > 0:
            raise ProblemError(429, f"API key {key.name!r} is over its rate limit of "
                               f"{self.limiter.rate_per_s:g} requests per second",
                               headers={"Retry-After": str(max(1, math.ceil(wait_s)))})
        return key
