"""The trust source over :mod:`trust_registry`: the only place the core imports the registry (DESIGN.md).

Lookups read an in-process snapshot that reloads when the registry version changes (issue 4).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from datetime import datetime
from typing import AsyncIterator, Sequence

from trust_registry import TrustDecision, TrustRegistry, default_database_url
from trust_registry.errors import ConfigError, RegistryUnavailable
from trust_registry.lookup import AUTHORIZATION_OUTSIDE_WINDOW, LISTED, NOT_AUTHORIZED

from verifier.errors import CheckNotPossible
from verifier.settings import Settings, SettingsError

log = logging.getLogger("verifier.trust")


class RegistryTrustSource:
    """Answers ``issuer_trust`` from a :class:`trust_registry.TrustRegistry`.

    :param registry: an open registry.
    :param registries: restrict to these named registries (sources), or None for all.
    """

    def __init__(self, registry: TrustRegistry, registries: Sequence[str] | None = None):
        self.registry = registry
        self.registries = registries

    async def _snapshot(self):
        """The registry snapshot. The database's address and error go to the log, never into a report
        (a verify key holder must not learn the operator's database host, user or driver errors).

        :raises CheckNotPossible: the registry cannot be read.
        """
        try:
            return await self.registry.snapshot()
        except RegistryUnavailable as exc:
            log.warning("trust registry unavailable: %s", exc)
            raise CheckNotPossible("trust registry unavailable: its database cannot be read now") from exc

    async def decide(self, *, issuer_id: str, credential_types: Sequence[str], at: datetime,
                     verification_methods: Sequence[str] = ()) -> TrustDecision:
        """Return the registry's decision for ``issuer_id`` at ``at`` (issue 4 matching rules).

        :param verification_methods: the proof keys the credential names; an identifier that pins keys
            is trusted only when every one is pinned.

        :raises CheckNotPossible: the registry cannot be read.
        """
        snapshot = await self._snapshot()
        return snapshot.decide(issuer_id=issuer_id, credential_types=credential_types, at=at,
                               registries=self.registries, verification_methods=list(verification_methods) or None)


    async def authorises_status_signer(self, issuer_id: str | None, signer: str, *, at: datetime) -> bool:
        """True when ``signer`` is an active identifier of the same registry issuer as ``issuer_id``
        (issue 3: "a signer the trust registry authorises to publish status for that issuer").

        Both must currently match one registry entry (listed, not suspended or revoked, within their
        windows); credential-type authorisations do not apply to a status list's signer.
        :raises CheckNotPossible: the registry cannot be read.
        """
        if issuer_id is None:
            return False
        snapshot = await self._snapshot()
        usable = {LISTED, NOT_AUTHORIZED, AUTHORIZATION_OUTSIDE_WINDOW}
        decisions = [snapshot.decide(issuer_id=i, credential_types=[], at=at, registries=self.registries)
                     for i in (issuer_id, signer)]
        if not all(d.code in usable and d.issuer for d in decisions):
            return False
        return decisions[0].issuer.get("id") == decisions[1].issuer.get("id")


def configured_database_url(settings: Settings) -> str | None:
    """The registry URL to use, or None when none is configured and the default SQLite file is absent."""
    if settings.database_url:
        return settings.database_url
    url = default_database_url(settings.data_dir)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if not Path(path).is_file():
            return None
    return url


class UnavailableTrustSource:
    """The registry is configured but cannot be reached: every decision is "could not decide"."""

    def __init__(self, reason: str):
        self.reason = reason

    async def decide(self, **_: object) -> TrustDecision:
        """:raises CheckNotPossible: always (the ``issuer_trust`` check is then ``indeterminate``)."""
        log.warning("trust registry unavailable: %s", self.reason)
        raise CheckNotPossible("trust registry unavailable: its database cannot be read now")

    async def authorises_status_signer(self, issuer_id: str | None, signer: str, *, at: datetime) -> bool:
        """No registry answer: no signer is authorised by it."""
        return False


@contextlib.asynccontextmanager
async def open_trust_source(settings: Settings) -> AsyncIterator[RegistryTrustSource | UnavailableTrustSource | None]:
    """Yield a trust source for the configured registry, or None when there is none.

    :raises SettingsError: the registry URL is malformed or names an unsupported database (names
        ``LER_DATABASE_URL``). An unreachable database is not an error here: the source answers
        ``indeterminate`` (fail closed) and says why.
    """
    url = configured_database_url(settings)
    if url is None:
        yield None
        return
    try:
        registry = await TrustRegistry.open(url)
    except ConfigError as exc:
        raise SettingsError(f"bad setting: {exc}") from exc
    except RegistryUnavailable as exc:
        yield UnavailableTrustSource(str(exc))
        return
    try:
        yield RegistryTrustSource(registry)
    finally:
        await registry.close()
