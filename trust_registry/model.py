"""The registry's values: registries, issuers, their identifiers and authorisations.

Plain frozen dataclasses; JSON conversion lives in :mod:`trust_registry.codec`. Times are
timezone-aware UTC. ``revision`` is the registry version of the write that last changed the entity
(issuers: the entity or any of its identifiers/authorisations), so it is unique and only grows: it is
the entity's ETag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from trust_registry.normalize import (bad_characters, did_web_host, identifier_problem, is_bare_did_web_host,
                                      normalize_identifier, shown)

STATUSES = ("active", "suspended", "revoked")
MATCH_EXACT = "exact"
MATCH_DID_WEB_HOST = "did_web_host"
MATCHES = (MATCH_EXACT, MATCH_DID_WEB_HOST)
DEFAULT_REGISTRY = "local"
# Bounds of integer inputs (CLI options, query parameters, bodies): beyond them a database driver fails.
PRIORITY_RANGE = (-1_000_000, 1_000_000)   # a registry's priority
MAX_OFFSET = 2**31 - 1                     # issuers to skip when paging
MAX_AUDIT_ID = 2**63 - 1                   # audit log ids are 64-bit
SECTORS_SUGGESTED = ("community_college", "university", "state_system", "training_provider", "employer",
                     "k12", "professional_body", "government", "other")


@dataclass(frozen=True)
class Registry:
    """A named source of entries.

    :ivar name: key, ``[a-z0-9][a-z0-9._-]{0,63}``.
    :ivar priority: smaller is consulted first; the first registry listing an identifier decides.
    :ivar authority_id: the registry's identifier for TRQP ``authority_id`` (a DID or URL), optional.
    """

    name: str
    priority: int = 100
    description: str | None = None
    authority_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 0


@dataclass(frozen=True)
class Authorization:
    """The issuer is trusted for ``credential_type`` (None: every type) from ``valid_from`` (inclusive)
    until ``valid_until`` (exclusive); None bounds are open."""

    credential_type: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class Identifier:
    """A DID or issuer URL under which an issuer signs credentials.

    :ivar value: as registered; compared in its normalised form (:mod:`trust_registry.normalize`).
    :ivar match: ``exact``, or ``did_web_host``: ``value`` is ``did:web:<host>`` and any did:web on that
        host (and port) matches.
    :ivar verification_methods: pinned verification method ids; empty means any key of the identifier.
    :ivar valid_from: inclusive start, or None. :ivar valid_until: exclusive end, or None.
    :ivar status: ``active``, ``suspended`` or ``revoked``; ``status_reason`` says why.
    """

    value: str
    id: str | None = None
    issuer_id: str | None = None
    match: str = MATCH_EXACT
    verification_methods: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status: str = "active"
    status_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 0

    @property
    def normalized(self) -> str:
        """:returns: the comparison form of ``value``."""
        return normalize_identifier(self.value)


@dataclass(frozen=True)
class Issuer:
    """An institution the operator trusts (or did), as asserted by ``registry``.

    :ivar external_ids: scheme -> id, e.g. ``{"ror": "https://ror.org/042nb2s44", "ctid": "ce-...",
        "ipeds": "166683", "opeid": "00217800"}``.
    :ivar authorizations: empty means every credential type, always.
    """

    name: str
    id: str | None = None
    registry: str = DEFAULT_REGISTRY
    legal_name: str | None = None
    homepage: str | None = None
    logo_url: str | None = None
    country: str | None = None
    location: str | None = None
    sector: str | None = None
    external_ids: Mapping[str, str] = field(default_factory=dict)
    accreditor: str | None = None
    notes: str | None = None
    status: str = "active"
    status_reason: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    authorizations: tuple[Authorization, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 0


ISSUER_FIELDS = ("name", "legal_name", "homepage", "logo_url", "country", "location", "sector",
                 "external_ids", "accreditor", "notes", "status", "status_reason")
IDENTIFIER_FIELDS = ("value", "match", "verification_methods", "valid_from", "valid_until", "status",
                     "status_reason")


def window_problem(valid_from: datetime | None, valid_until: datetime | None) -> str | None:
    """:returns: a sentence when ``valid_until`` is not after ``valid_from``, else None."""
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        return "valid_until must be later than valid_from"
    return None


def identifier_problems(identifier: Identifier, pointer: str, *, check_syntax: bool = True) -> list[tuple[str, str]]:
    """Semantic rules JSON Schema cannot express.

    :param pointer: JSON pointer of the identifier object in the request document.
    :param check_syntax: check that ``value`` is a DID or an http(s) URL
        (:func:`trust_registry.normalize.identifier_problem`) and that pinned verification methods hold
        no whitespace or control characters; False when neither changed (entries stored before the rule).
    :returns: ``[(pointer, sentence)]``, empty when the identifier is acceptable.
    """
    problems = []
    if not identifier.value or identifier.value != identifier.value.strip():
        problems.append((f"{pointer}/value", "identifier must be non-empty without surrounding spaces"))
    elif check_syntax:
        syntax = identifier_problem(identifier.value)
        if syntax:
            problems.append((f"{pointer}/value", syntax))
    value_ok = not problems
    if check_syntax:
        for n, method in enumerate(identifier.verification_methods):
            if not method or bad_characters(method):
                problems.append((f"{pointer}/verification_methods/{n}",
                                 f"verification method {shown(method)} contains whitespace or control characters"))
    if identifier.match not in MATCHES:
        problems.append((f"{pointer}/match", f"match must be one of {', '.join(MATCHES)}"))
    elif value_ok and identifier.match == MATCH_DID_WEB_HOST and not is_bare_did_web_host(identifier.normalized):
        problems.append((f"{pointer}/value",
                         "a did_web_host entry must be did:web:<host> with no path (e.g. did:web:example.edu)"))
    if identifier.status not in STATUSES:
        problems.append((f"{pointer}/status", f"status must be one of {', '.join(STATUSES)}"))
    window = window_problem(identifier.valid_from, identifier.valid_until)
    if window:
        problems.append((f"{pointer}/valid_until", window))
    return problems


def registry_problems(registry: Registry, pointer: str = "") -> list[tuple[str, str]]:
    """:returns: ``[(pointer, sentence)]``: ``priority`` must be an integer in :data:`PRIORITY_RANGE`;
    ``authority_id``, when set, a DID or an http(s) URL."""
    problems = []
    low, high = PRIORITY_RANGE
    if isinstance(registry.priority, bool) or not isinstance(registry.priority, int) \
            or not low <= registry.priority <= high:
        problems.append((f"{pointer}/priority", f"priority must be an integer from {low} to {high}"))
    if registry.authority_id is not None:
        problem = identifier_problem(registry.authority_id)
        if problem:
            problems.append((f"{pointer}/authority_id", problem.replace("identifier ", "authority_id ", 1)))
    return problems


def issuer_problems(issuer: Issuer, pointer: str = "", *, check_syntax: bool = True) -> list[tuple[str, str]]:
    """Semantic rules of an issuer and everything it carries.

    :param check_syntax: see :func:`identifier_problems` (False when the identifiers are not being changed).
    :returns: ``[(pointer, sentence)]``, empty when acceptable.
    """
    problems = []
    if not issuer.name.strip():
        problems.append((f"{pointer}/name", "name must not be blank"))
    if issuer.status not in STATUSES:
        problems.append((f"{pointer}/status", f"status must be one of {', '.join(STATUSES)}"))
    seen: dict[str, int] = {}
    for i, ident in enumerate(issuer.identifiers):
        problems.extend(identifier_problems(ident, f"{pointer}/identifiers/{i}", check_syntax=check_syntax))
        key = ident.normalized
        if key in seen:
            problems.append((f"{pointer}/identifiers/{i}/value",
                             f"duplicate of identifiers/{seen[key]} ({ident.value!r})"))
        seen.setdefault(key, i)
    for i, auth in enumerate(issuer.authorizations):
        window = window_problem(auth.valid_from, auth.valid_until)
        if window:
            problems.append((f"{pointer}/authorizations/{i}/valid_until", window))
    return problems


def host_key(identifier: Identifier) -> str | None:
    """:returns: the did:web host segment a ``did_web_host`` identifier matches, else None."""
    return did_web_host(identifier.normalized) if identifier.match == MATCH_DID_WEB_HOST else None
