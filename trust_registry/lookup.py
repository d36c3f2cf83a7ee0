"""Issuer trust lookups: an immutable in-memory snapshot of the registry and the decision rules.

Matching (issue 4, "The issuer_trust check"):

* the credential's issuer id is normalised (:func:`trust_registry.normalize.normalize_identifier`:
  scheme and host case, the did:web ``%3A`` port encoding; nothing else, a trailing slash included)
  and compared with ``==`` against the normalised registered identifiers;
* a did:web issuer also matches a ``did_web_host`` entry registered for its host (and port);
* registries are consulted in priority order (smaller first) and the first registry that lists the
  identifier decides, so an operator's own registry can override an imported one; within one registry
  an exact entry beats a host entry;
* the deciding entry must be active (issuer and identifier), inside the identifier's validity window,
  authorised for one of the credential's types at ``at`` (no authorisations: every type), and, when
  the identifier pins verification methods, the proof's methods must all be pinned.

Windows are half-open: ``valid_from <= at < valid_until``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cachetools import TTLCache
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from trust_registry.audit import current_version
from trust_registry.db import connect, create_engine, describe_error
from trust_registry.errors import ConfigError, RegistryUnavailable
from trust_registry.keys import ApiKey, authenticate_token, token_cache_key
from trust_registry.migrate import migrate_engine
from trust_registry.model import MATCH_DID_WEB_HOST, Issuer, Registry
from trust_registry.normalize import did_web_host, normalize_identifier
from trust_registry.rows import load_issuers, load_registries

# Reason codes of TrustDecision.code (stable; the verifier maps them to its problem codes).
LISTED = "listed"
REGISTRY_EMPTY = "registry_empty"
UNKNOWN_REGISTRY = "unknown_registry"
NOT_LISTED = "not_listed"
ISSUER_SUSPENDED = "issuer_suspended"
ISSUER_REVOKED = "issuer_revoked"
IDENTIFIER_SUSPENDED = "identifier_suspended"
IDENTIFIER_REVOKED = "identifier_revoked"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
NOT_AUTHORIZED = "not_authorized_for_type"
AUTHORIZATION_OUTSIDE_WINDOW = "authorization_outside_window"
KEY_NOT_PINNED = "verification_method_not_pinned"
REASON_CODES = (LISTED, REGISTRY_EMPTY, UNKNOWN_REGISTRY, NOT_LISTED, ISSUER_SUSPENDED, ISSUER_REVOKED,
                IDENTIFIER_SUSPENDED, IDENTIFIER_REVOKED, NOT_YET_VALID, EXPIRED, NOT_AUTHORIZED,
                AUTHORIZATION_OUTSIDE_WINDOW, KEY_NOT_PINNED)

# Credential type spellings that mean the same type (OB 3.0 context: AchievementCredential is an alias).
TYPE_ALIASES = {
    "AchievementCredential": "OpenBadgeCredential",
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential": "OpenBadgeCredential",
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential": "OpenBadgeCredential",
    "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential": "ClrCredential",
}


@dataclass(frozen=True)
class TrustDecision:
    """The registry's answer for one credential.

    :ivar trusted: True / False; None when the (selected) registry is empty or not configured.
    :ivar reason: a sentence for people (the report's ``detail``).
    :ivar issuer: display data of the matched issuer (``id``, ``name``, ``legal_name``, ``homepage``,
        ``logo_url``, ``country``, ``location``, ``sector``, ``external_ids``, ``accreditor``), or None
        when nothing matched. Present on failures too (e.g. suspended), for the report.
    :ivar registry: name of the deciding registry, or None. :ivar identifier: the registered identifier
        that matched, or None. :ivar version: registry version of the snapshot (evidence, cache keys).
    :ivar code: stable reason code, one of :data:`REASON_CODES`.
    """

    trusted: bool | None
    reason: str
    issuer: dict | None
    registry: str | None
    identifier: str | None
    version: int
    code: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    rank: int
    exact: bool
    registry: str
    identifier: str
    issuer_name: str
    issuer_status: str
    issuer_reason: str | None
    status: str
    status_reason: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    pinned: frozenset
    auths: tuple  # ((canonical type | None, valid_from, valid_until), ...)
    display: dict


class RegistrySnapshot:
    """An immutable index of the registry at one version; :meth:`decide` is pure and allocation-light.

    :param version: the registry version the data was read at.
    :param registries: every registry. :param issuers: every issuer with identifiers and authorisations.
    """

    def __init__(self, *, version: int, registries: Sequence[Registry], issuers: Iterable[Issuer]):
        self.version = version
        order = sorted(registries, key=lambda r: (r.priority, r.name))
        rank = {r.name: n for n, r in enumerate(order)}
        self.registries: tuple[str, ...] = tuple(r.name for r in order)
        self.authority_ids: dict[str, str | None] = {r.name: r.authority_id for r in order}
        exact: dict[str, list[_Entry]] = {}
        hosts: dict[str, list[_Entry]] = {}
        counts = dict.fromkeys(self.registries, 0)
        for issuer in issuers:
            display = issuer_display(issuer)
            auths = tuple((canonical_type(a.credential_type) if a.credential_type else None, a.valid_from,
                           a.valid_until) for a in issuer.authorizations)
            for ident in issuer.identifiers:
                normalized = ident.normalized
                host = did_web_host(normalized) if ident.match == MATCH_DID_WEB_HOST else None
                entry = _Entry(rank[issuer.registry], host is None, issuer.registry, ident.value, issuer.name,
                               issuer.status, issuer.status_reason, ident.status, ident.status_reason,
                               ident.valid_from, ident.valid_until,
                               frozenset(normalize_identifier(v) for v in ident.verification_methods), auths, display)
                (hosts.setdefault(host, []) if host else exact.setdefault(normalized, [])).append(entry)
                counts[issuer.registry] += 1
        key = lambda e: (e.rank, not e.exact)  # noqa: E731
        self._exact = {k: tuple(sorted(v, key=key)) for k, v in exact.items()}
        self._hosts = {k: tuple(sorted(v, key=key)) for k, v in hosts.items()}
        self._counts = counts
        self.identifier_count = sum(counts.values())

    @classmethod
    def empty(cls, version: int = 0) -> "RegistrySnapshot":
        """:returns: a snapshot with no registries (every decision ``trusted=None``)."""
        return cls(version=version, registries=(), issuers=())

    def decide(self, *, issuer_id: str, credential_types: Sequence[str], at: datetime,
               registries: Sequence[str] | None = None,
               verification_methods: Sequence[str] | None = None) -> TrustDecision:
        """Is ``issuer_id`` trusted for one of ``credential_types`` at ``at``?

        :param issuer_id: the credential's issuer id (the string, or the ``id`` of the issuer object).
        :param credential_types: the credential's ``type`` values (``VerifiableCredential`` may be included).
        :param at: the verification instant, timezone-aware.
        :param registries: consult only these registry names; None means all.
        :param verification_methods: the proofs' verification method ids; checked only against
            identifiers that pin methods (pins with None given -> not trusted).
        :returns: the decision (never raises for any string input).
        :raises ValueError: ``at`` is naive.
        """
        if at.tzinfo is None:
            raise ValueError("decide(at=...) needs a timezone-aware datetime")
        if registries is not None:
            unknown = [r for r in registries if r not in self._counts]
            if unknown:
                return TrustDecision(False, f"unknown registry {unknown[0]!r}", None, None, None, self.version,
                                     UNKNOWN_REGISTRY)
            allowed = set(registries)
            listed = sum(self._counts[r] for r in allowed)
        else:
            allowed, listed = None, self.identifier_count
        if not listed:
            return TrustDecision(None, NO_REGISTRY_REASON, None, None, None, self.version,
                                 REGISTRY_EMPTY)
        normalized = normalize_identifier(issuer_id)
        entry = _first(self._exact.get(normalized, ()), allowed)
        host = did_web_host(normalized)
        if host is not None:
            by_host = _first(self._hosts.get(host, ()), allowed)
            if by_host is not None and (entry is None or by_host.rank < entry.rank):
                entry = by_host
        if entry is None:
            return TrustDecision(False, f"issuer {issuer_id!r} is not listed in the trust registry", None, None,
                                 None, self.version, NOT_LISTED)
        code, reason = _judge(entry, credential_types, at, verification_methods)
        return TrustDecision(code == LISTED, reason, dict(entry.display, external_ids=dict(entry.display["external_ids"])),
                             entry.registry, entry.identifier, self.version, code)


def _first(entries: tuple, allowed: set | None):
    if allowed is None:
        return entries[0] if entries else None
    for entry in entries:
        if entry.registry in allowed:
            return entry
    return None


def _judge(e: _Entry, credential_types: Sequence[str], at: datetime,
           verification_methods: Sequence[str] | None) -> tuple[str, str]:
    who = f"issuer {e.issuer_name!r} (registry {e.registry!r})"
    if e.issuer_status != "active":
        code = ISSUER_REVOKED if e.issuer_status == "revoked" else ISSUER_SUSPENDED
        return code, f"{who} is {e.issuer_status}" + (f": {e.issuer_reason}" if e.issuer_reason else "")
    if e.status != "active":
        code = IDENTIFIER_REVOKED if e.status == "revoked" else IDENTIFIER_SUSPENDED
        return code, f"identifier {e.identifier!r} of {who} is {e.status}" + (
            f": {e.status_reason}" if e.status_reason else "")
    if e.valid_from is not None and at < e.valid_from:
        return NOT_YET_VALID, f"identifier {e.identifier!r} of {who} is registered only from {_iso(e.valid_from)}"
    if e.valid_until is not None and at >= e.valid_until:
        return EXPIRED, f"registration of identifier {e.identifier!r} of {who} ended at {_iso(e.valid_until)}"
    if e.auths:
        wanted = {canonical_type(t) for t in credential_types}
        matching = [a for a in e.auths if a[0] is None or a[0] in wanted]
        if not matching:
            types = ", ".join(t for t in credential_types if t != "VerifiableCredential") or "this credential type"
            return NOT_AUTHORIZED, f"{who} is not authorised for {types}"
        if not any((a[1] is None or a[1] <= at) and (a[2] is None or at < a[2]) for a in matching):
            return AUTHORIZATION_OUTSIDE_WINDOW, f"{who} is not authorised for this credential type at {_iso(at)}"
    if e.pinned:
        given = [normalize_identifier(v) for v in verification_methods or ()]
        if not given or any(v not in e.pinned for v in given):
            return KEY_NOT_PINNED, f"the proof's verification method is not one pinned for {e.identifier!r}"
    return LISTED, f"listed by registry {e.registry!r} as {e.issuer_name!r}"


def canonical_type(credential_type: str) -> str:
    """:returns: the canonical spelling of a credential type (aliases of :data:`TYPE_ALIASES` folded)."""
    return TYPE_ALIASES.get(credential_type, credential_type)


def issuer_display(issuer: Issuer) -> dict:
    """:returns: the display data a report shows for a listed issuer."""
    return {"id": issuer.id, "name": issuer.name, "legal_name": issuer.legal_name, "homepage": issuer.homepage,
            "logo_url": issuer.logo_url, "country": issuer.country, "location": issuer.location,
            "sector": issuer.sector, "external_ids": dict(issuer.external_ids), "accreditor": issuer.accreditor}


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


#: The one wording, in the CLI, the HTTP answer and README, for "there is no registry to ask" (none
#: configured, or one with no issuer): the issuer's trust cannot be judged.
NO_REGISTRY_REASON = ("trust not checked: no trust registry is imported (import one with 'ler-verifier registry "
                      "import', or do not require a trusted issuer: requireTrustedIssuer: false)")

#: how long the last answer for an API key stands in for the database while it cannot be read, seconds.
OUTAGE_KEY_TTL_S = 900.0


class TrustRegistry:
    """A process's handle on the registry database: cached snapshot, API key checks.

    Create with :meth:`open`; share one per process; :meth:`close` at shutdown.
    """

    def __init__(self, engine: AsyncEngine, *, refresh_interval_s: float = 0.0, key_cache_ttl_s: float = 10.0):
        self.engine = engine
        self._refresh_interval_s = refresh_interval_s
        self._snapshot: RegistrySnapshot | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()
        self._keys: TTLCache = TTLCache(maxsize=1024, ttl=key_cache_ttl_s) if key_cache_ttl_s > 0 else None
        #: the last answer for each token, kept ``outage_key_ttl_s``: used only while the database cannot
        #: be read (then no key can be revoked through it either).
        self._last_keys: TTLCache = TTLCache(maxsize=1024, ttl=OUTAGE_KEY_TTL_S)

    @classmethod
    async def open(cls, database_url: str, *, migrate_schema: bool = True, refresh_interval_s: float = 0.0,
                   key_cache_ttl_s: float = 10.0, connect_timeout_s: float = 5.0) -> "TrustRegistry":
        """Open the registry at ``database_url``.

        :param migrate_schema: bring the schema to the latest migration first (creates the SQLite file);
            False opens lazily without touching the database.
        :param refresh_interval_s: seconds during which :meth:`snapshot` trusts its cached version
            without asking the database (0: ask every time; one cheap ``SELECT``).
        :param key_cache_ttl_s: seconds an :meth:`authenticate` answer is cached (0: no cache): a key
            revoked in the database stops working in this process within this time.
        :param connect_timeout_s: seconds to wait for a connection.
        :raises ConfigError: a malformed or unsupported URL: not parseable, a database other than SQLite or
            PostgreSQL, a port outside 1..65535, or (when migrating) a URL setting the driver refuses. The
            message names ``LER_DATABASE_URL`` and the value (password hidden). Nothing is retried.
        :raises RegistryUnavailable: (only when ``migrate_schema``) the database cannot be reached, refuses
            the login, does not exist, or cannot be migrated; the SQLite directory cannot be created. The
            message names the URL (password hidden) and the driver's reason, never SQL. With
            ``migrate_schema=False`` an unreachable database is noticed by the first read instead
            (:meth:`snapshot`, :meth:`version`, :meth:`authenticate` raise :class:`RegistryUnavailable`).
        """
        engine = create_engine(database_url, connect_timeout_s=connect_timeout_s)
        if migrate_schema:
            try:
                await migrate_engine(engine)
            except BaseException:
                await engine.dispose()
                raise
        return cls(engine, refresh_interval_s=refresh_interval_s, key_cache_ttl_s=key_cache_ttl_s)

    async def version(self) -> int:
        """:returns: the current registry version. :raises RegistryUnavailable: the database cannot be read."""
        conn = await self._connect()
        try:
            return await current_version(conn)
        except (SQLAlchemyError, OSError, asyncio.TimeoutError) as exc:
            raise RegistryUnavailable(f"cannot read the trust registry: {describe_error(exc)}") from exc
        finally:
            await _close(conn)

    async def _connect(self) -> AsyncConnection:
        try:
            return await connect(self.engine)
        except ConfigError as exc:  # a lazily opened handle: the caller treats any read failure alike
            raise RegistryUnavailable(exc.detail) from exc

    async def snapshot(self) -> RegistrySnapshot:
        """The cached snapshot, reloaded only when the registry version changed.

        :raises RegistryUnavailable: the database cannot be read (the caller reports indeterminate).
        """
        cached = self._snapshot
        if cached is not None and time.monotonic() - self._checked_at < self._refresh_interval_s:
            return cached
        version = await self.version()
        if cached is not None and cached.version == version:
            self._checked_at = time.monotonic()
            return cached
        async with self._lock:
            if self._snapshot is not None and self._snapshot.version == version:
                return self._snapshot
            try:
                snap = await self._load()
            except (SQLAlchemyError, OSError, asyncio.TimeoutError) as exc:
                raise RegistryUnavailable(f"cannot read the trust registry: {describe_error(exc)}") from exc
            self._snapshot, self._checked_at = snap, time.monotonic()
            return snap

    def invalidate(self) -> None:
        """Ask the database for the version on the next :meth:`snapshot` (after a write through this process)."""
        self._checked_at = float("-inf")

    async def authenticate(self, token: str) -> ApiKey | None:
        """The live API key a bearer token belongs to (answers cached ``key_cache_ttl_s``).

        While the database cannot be read, a token answered in the last :data:`OUTAGE_KEY_TTL_S`
        seconds gets that answer again (so verification goes on through a database outage);
        a token never seen raises.

        :param token: the bearer token as presented.
        :returns: the key, or None for an unknown, malformed or revoked token.
        :raises RegistryUnavailable: the database cannot be read.
        """
        cache_key = token_cache_key(token)
        if self._keys is not None and cache_key in self._keys:
            return self._keys[cache_key]
        try:
            conn = await self._connect()
            try:
                key = await authenticate_token(conn, token=token)
            except (SQLAlchemyError, OSError, asyncio.TimeoutError) as exc:
                raise RegistryUnavailable(f"cannot read API keys: {describe_error(exc)}") from exc
            finally:
                await _close(conn)
        except RegistryUnavailable:
            if cache_key in self._last_keys:  # the database is down: the answer it gave last
                return self._last_keys[cache_key]
            raise
        if self._keys is not None:
            self._keys[cache_key] = key
        self._last_keys[cache_key] = key
        return key

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()

    async def _load(self) -> RegistrySnapshot:
        async with self.engine.connect() as conn:
            for _ in range(5):
                before = await current_version(conn)
                regs = await load_registries(conn)
                items = await load_issuers(conn)
                after = await current_version(conn)
                await conn.rollback()
                if before == after:
                    break
            # Tag with the earlier version: if a write slipped in, the next call reloads.
            return RegistrySnapshot(version=before, registries=regs, issuers=items)


async def _close(conn: AsyncConnection) -> None:
    try:
        await conn.close()
    except (SQLAlchemyError, OSError):  # a broken connection: the read's own error says why
        pass
