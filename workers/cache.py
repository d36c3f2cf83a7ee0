"""The result cache (DESIGN.md "Caches", issue 5 "Result cache").

Two stores with one shape: :class:`MemoryCache` (cachetools, one process: the embedded default) and
:class:`RedisCache` (shared by every front end). Two kinds of entries:

* a **report** under :func:`report_key` = SHA-256 of the presented bytes + the options that change a
  report + the trust-registry version (a registry write bumps the version, so old entries are never
  read again);
* a **part** (the result of one dispatched ``proof`` or ``status`` check of one credential) under
  :func:`part_key`, with its own lifetime: a proof by a ``did:key``/``did:jwk`` key lives long
  (:data:`PROOF_LONG_TTL_S`), one by a fetched key as long as the DID document cache keeps it, a status
  result only as long as its list may be cached. Undecided (``indeterminate``) results of a transient
  kind are never cached.

A report lives no longer than its shortest part, no longer than ``cache_max_ttl_s``, and never past
the next validity bound of any of its credentials (``validFrom`` / ``validUntil`` / ``nbf`` / ``exp`` /
a proof's ``expires``). :class:`CachingDispatcher` wraps any dispatcher to read and write parts.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from cachetools import TLRUCache

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.checks.validity import bounds
from verifier.dispatch import Dispatcher
from verifier.errors import VerifierError
from verifier.jsontext import dumps_bytes
from verifier.options import VerifyOptions
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome
from verifier.timestamps import from_numeric_date, parse_timestamp

#: lifetime of a proof result whose keys need no fetching (did:key, did:jwk): a month.
PROOF_LONG_TTL_S = 30 * 24 * 3600.0
#: lifetime of a proof result by a fetched key: the DID document cache's cap (``KeyResolver`` default).
PROOF_FETCHED_KEY_TTL_S = 300.0
#: undecided outcomes that would be the same on a retry (so they may be cached).
_STABLE_UNDECIDED = frozenset({C.PROBLEM_UNSUPPORTED_CRYPTOSUITE, C.PROBLEM_UNKNOWN_CONTEXT,
                               C.PROBLEM_STATUS_NOT_CHECKED})
_STATUS_TTL_FIELDS = ("ttl_s", "max_age_s", "cache_ttl_s", "list_ttl_s")


class ResultStore(Protocol):
    """Where cached JSON values live."""

    async def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None when absent or expired."""
        ...

    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        """Store a JSON-ready ``value`` for ``ttl_s`` seconds (no-op when ``ttl_s <= 0``)."""
        ...

    async def get_many(self, keys: list[str]) -> list[Any | None]:
        """The values under ``keys``, in order (None where absent or expired); one round trip."""
        ...


class MemoryCache:
    """A per-process store: cachetools ``TLRUCache`` with a lifetime per entry.

    Values are kept as JSON bytes, as Redis keeps them: a cached report is one object for the garbage
    collector, not hundreds (10,000 reports as Python objects made each full collection take over 100 ms,
    the tail of every request in flight), it takes a tenth of the memory, and a caller can never change
    what is stored through the value it was given.

    :param max_entries: most entries kept (least recently used dropped first); 0 disables caching.
    """

    def __init__(self, max_entries: int = 10_000):
        self._data: TLRUCache | None = (
            TLRUCache(maxsize=max_entries, ttu=lambda _k, v, _now: v[0], timer=time.monotonic)
            if max_entries > 0 else None)

    async def get(self, key: str) -> Any | None:
        if self._data is None:
            return None
        hit = self._data.get(key)
        return None if hit is None else json.loads(hit[1])

    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        if self._data is not None and ttl_s > 0:
            self._data[key] = (time.monotonic() + ttl_s, dumps_bytes(value))

    async def get_many(self, keys: list[str]) -> list[Any | None]:
        return [await self.get(key) for key in keys]

    def clear(self) -> None:
        """Drop every entry."""
        if self._data is not None:
            self._data.clear()


class RedisCache:
    """A store shared by every process: JSON values under ``prefix + key`` with a Redis expiry.

    :param redis: a ``redis.asyncio.Redis`` client (an arq pool is one).
    :param prefix: key prefix, e.g. ``"ler:checks:cache:"``.
    """

    def __init__(self, redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    async def get(self, key: str) -> Any | None:
        raw = await self.redis.get(self.prefix + key)
        return None if raw is None else json.loads(raw)

    async def get_many(self, keys: list[str]) -> list[Any | None]:
        """One ``MGET`` for every key."""
        if not keys:
            return []
        raws = await self.redis.mget([self.prefix + key for key in keys])
        return [None if raw is None else json.loads(raw) for raw in raws]

    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        if ttl_s > 0:
            await self.redis.set(self.prefix + key, dumps_bytes(value), px=max(1, int(ttl_s * 1000)))


def canonical_bytes(value: Any) -> bytes:
    """JSON with sorted keys and no spaces: equal documents give equal bytes."""
    return dumps_bytes(value, sort_keys=True)


def _sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def options_part(options: VerifyOptions) -> dict[str, Any]:
    """The options that change a report, without ``now`` (a report's lifetime covers time instead)."""
    part = options.cache_key_part()
    part.pop("now_s", None)
    return part


#: the shape of a cached report body; bumped when the body gains or changes a member, so reports cached
#: in Redis by an older release are never served without it (2: ``requiredChecks``).
REPORT_FORMAT = 2


def report_key(presented: bytes, *, expect: str, options: VerifyOptions, registry_version: int | None) -> str:
    """Key of a full report: SHA-256 of the presented bytes, the endpoint's kind, options, registry version
    and :data:`REPORT_FORMAT`."""
    return "r:" + _sha256(presented, expect.encode(), canonical_bytes(options_part(options)),
                          str(registry_version).encode(), str(REPORT_FORMAT).encode())


def item_bytes(item: CredentialItem) -> bytes:
    """What a part is computed from: the JWT as presented, or the canonical JSON of the document."""
    return item.jwt.compact.encode("ascii") if item.jwt is not None else canonical_bytes(item.document)


def memo_item_bytes(item: CredentialItem, ctx: CheckContext) -> bytes:
    """:func:`item_bytes`, computed once per verification (kept in ``ctx.memo``)."""
    slot = ("bytes", item.pointer)
    value = ctx.memo.get(slot)
    if value is None:
        value = ctx.memo[slot] = item_bytes(item)
    return value


def part_key(check_id: str, item: CredentialItem, options: VerifyOptions, *, registry_version: int | None = None,
             document_bytes: bytes | None = None) -> str:
    """Key of one dispatched check's result on one credential.

    Includes what that check reads: the credential, its kind and nesting (a top-level document's proof,
    presentation or credential, is judged against ``challenge``/``domain``), the canonicalization budget, and for
    ``issuer_trust`` the registry version.
    """
    bound = item.parent is None
    extra = {"kind": item.kind, "top": item.parent is None,
             "challenge": options.challenge if bound else None, "domain": options.domain if bound else None,
             "work": options.limits.canonicalization_max_work,
             "registry": registry_version if check_id == C.CHECK_ISSUER_TRUST else None}
    return f"p:{check_id}:" + _sha256(document_bytes if document_bytes is not None else item_bytes(item),
                                      canonical_bytes(extra))


def _proof_instants(item: CredentialItem, now: datetime, member: str) -> float | None:
    """Seconds until the earliest future ``member`` (``expires``, ``created``) of an embedded proof, or None."""
    proofs = item.document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    left = []
    for proof in proofs:
        if isinstance(proof, dict) and member in proof:
            try:
                stamp, _ = parse_timestamp(proof[member], f"proof.{member}")
            except VerifierError:
                continue
            left.append((stamp - now).total_seconds())
    future = [s for s in left if s > 0]
    return min(future) if future else None


def _proof_horizon_s(item: CredentialItem, now: datetime) -> float | None:
    """Seconds until the proof's verdict may change, or None: the earliest future ``expires`` of an embedded
    proof, or ``created`` of one, or a JWT's ``iat`` (a proof from the future fails until then)."""
    later = [_proof_instants(item, now, "expires"), _proof_instants(item, now, "created")]
    if item.jwt is not None and "iat" in item.jwt.payload:
        try:
            later.append((from_numeric_date(item.jwt.payload["iat"], "iat") - now).total_seconds())
        except VerifierError:
            pass
    future = [s for s in later if s is not None and s > 0]
    return min(future) if future else None


def part_ttl_s(result: CheckResult, item: CredentialItem, *, now: datetime, status_ttl_s: float,
               max_ttl_s: float = PROOF_LONG_TTL_S) -> float:
    """How long a dispatched check's result may be reused, seconds (0: not at all)."""
    if result.outcome == Outcome.INDETERMINATE and result.problem_code not in _STABLE_UNDECIDED:
        return 0.0
    if result.check == C.CHECK_PROOF:
        methods = [p.get("verificationMethod") for p in result.evidence.get("proofs", [])]
        local = methods and all(isinstance(m, str) and m.startswith(("did:key:", "did:jwk:")) for m in methods)
        ttl = PROOF_LONG_TTL_S if local else PROOF_FETCHED_KEY_TTL_S
        horizon = _proof_horizon_s(item, now)  # an expiring proof, or one from the future, is judged again
        return min(ttl, max_ttl_s, horizon if horizon is not None else ttl)
    if result.check == C.CHECK_STATUS:
        return max(0.0, min([status_ttl_s, *_status_lifetimes(result.evidence, now)]))
    return 0.0  # issuer_trust: cheap, and the report key carries the registry version


def _status_lifetimes(evidence: dict[str, Any], now: datetime) -> list[float]:
    """What is left of each status list's cache lifetime (``list_ttl_s`` counted from ``fetched_at``), seconds."""
    out: list[float] = []
    for entry in [evidence, *(e for e in evidence.get("entries", ()) if isinstance(e, dict))]:
        for name in _STATUS_TTL_FIELDS:
            value = entry.get(name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            left = float(value)
            fetched = entry.get("fetched_at")
            if isinstance(fetched, str):
                try:
                    left -= max(0.0, (now - datetime.fromisoformat(fetched.replace("Z", "+00:00"))).total_seconds())
                except (ValueError, TypeError):
                    pass
            out.append(left)
    return out


def validity_horizon_s(items: tuple[CredentialItem, ...], now: datetime) -> float | None:
    """Seconds until the next validity bound of any item passes (its verdict may change then), or None:
    ``validFrom``/``validUntil`` and their kin, a proof's ``expires``, and a proof's ``created`` or a JWT's
    ``iat`` still in the future."""
    horizon: list[float] = []
    for item in items:
        try:
            starts, ends, _ = bounds(item)
        except VerifierError:
            continue
        horizon += [(t - now).total_seconds() for _, t in starts + ends]
        proof = _proof_horizon_s(item, now)
        if proof is not None:
            horizon.append(proof)
    future = [s for s in horizon if s > 0]
    return min(future) if future else None


def transient(result: CheckResult) -> bool:
    """True for a result that a retry might change: network, deadline, unreadable registry."""
    if result.outcome != Outcome.INDETERMINATE:
        return False
    if result.check == C.CHECK_ISSUER_TRUST:
        return "registry_version" not in result.evidence  # the registry could not be read
    if result.check in (C.CHECK_PROOF, C.CHECK_STATUS):
        return result.problem_code not in _STABLE_UNDECIDED
    return False


@dataclass
class PartLog:
    """What one verification learnt from the part cache: when each part was checked and how long it lasts.

    :ivar checked_at: (credential pointer, check id) -> RFC 3339 instant the result was computed.
    :ivar ttl_s: (credential pointer, check id) -> seconds the part may still be reused.
    """

    checked_at: dict[tuple[str, str], str] = field(default_factory=dict)
    ttl_s: dict[tuple[str, str], float] = field(default_factory=dict)


def utc_now_text() -> str:
    """Now, as an RFC 3339 UTC instant with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CachingDispatcher:
    """A dispatcher that answers ``proof`` and ``status`` from the part cache and stores what ``inner`` decides.

    Made per verification (it keeps a :class:`PartLog`); the store and the inner dispatcher are shared.

    :param inner: the dispatcher that runs checks (inline or arq).
    :param store: the part store.
    :param status_ttl_s: lifetime of a status result whose list states none, seconds.
    :param max_ttl_s: cap on any part's lifetime, seconds.
    """

    CACHED = frozenset({C.CHECK_PROOF, C.CHECK_STATUS})

    def __init__(self, inner: Dispatcher, store: ResultStore, *, status_ttl_s: float,
                 max_ttl_s: float = PROOF_LONG_TTL_S):
        self.inner = inner
        self.store = store
        self.status_ttl_s = status_ttl_s
        self.max_ttl_s = max_ttl_s
        self.log = PartLog()

    async def run_checks(self, check_ids, item: CredentialItem, ctx: CheckContext) -> list[CheckResult]:
        """Fresh cached results where there are; the rest run through ``inner`` as one unit and are stored."""
        done: dict[str, CheckResult] = {}
        keys: dict[str, str] = {}
        cached = [cid for cid in check_ids if cid in self.CACHED]
        if cached:
            doc = memo_item_bytes(item, ctx)
            for check_id in cached:
                keys[check_id] = part_key(check_id, item, ctx.options, document_bytes=doc)
            for check_id, hit in zip(cached, await self.store.get_many([keys[cid] for cid in cached])):
                if hit is not None and hit.get("expires", 0) > time.time():
                    slot = (item.pointer, check_id)
                    self.log.checked_at[slot] = hit["checked_at"]
                    self.log.ttl_s[slot] = hit["expires"] - time.time()
                    done[check_id] = _retarget(CheckResult.from_json(hit["result"]), item.pointer)
        missing = [cid for cid in check_ids if cid not in done]
        if missing:
            for check_id, result in zip(missing, await self.inner.run_checks(missing, item, ctx)):
                done[check_id] = result
                await self._record(check_id, result, item, ctx, keys.get(check_id))
        return [done[cid] for cid in check_ids]

    async def _record(self, check_id: str, result: CheckResult, item: CredentialItem, ctx: CheckContext,
                      key: str | None) -> None:
        slot = (item.pointer, check_id)
        checked_at = utc_now_text()
        self.log.checked_at[slot] = checked_at
        if key is None:  # not a cached part (issuer_trust follows the registry version)
            return
        ttl = min(part_ttl_s(result, item, now=ctx.options.now, status_ttl_s=self.status_ttl_s), self.max_ttl_s)
        self.log.ttl_s[slot] = ttl
        if ttl > 0:
            await self.store.set(key, {"result": result.to_transport(), "checked_at": checked_at,
                                       "expires": time.time() + ttl}, ttl)


def _retarget(result: CheckResult, pointer: str) -> CheckResult:
    """The same result for the credential at ``pointer`` (a part may be shared by equal credentials)."""
    if result.target == pointer:
        return result
    return CheckResult(result.check, result.outcome, result.detail, result.problem_code, result.evidence,
                       result.warnings, pointer)
