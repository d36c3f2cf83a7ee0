"""Values passed between the status methods, the list cache and the source.

* :class:`EntryRef`: one ``credentialStatus`` entry, checked and normalised by its method.
* :class:`DecodedList`: what a method reads from a list document.
* :class:`ListRecord`: one verified, decoded status list as cached (bounded by :attr:`size_bytes`).
* :class:`EntryResult`: the evaluation of one entry, with its evidence.
* :class:`StatusResult`: what :meth:`StatusListSource.check` returns to the ``status`` check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from verifier.report import Outcome

__all__ = ["EntryRef", "DecodedList", "ListRecord", "EntryResult", "StatusResult"]


@dataclass(frozen=True)
class EntryRef:
    """A ``credentialStatus`` entry after its method's field rules.

    :ivar type: the entry type (``BitstringStatusListEntry``, ...).
    :ivar method: the method module's name (the cache partition).
    :ivar list_url: the status list URL (``statusListCredential``, ``revocationListCredential`` or ``id``).
    :ivar purpose: ``revocation``, ``suspension``, ``refresh``, ``message`` or another stated purpose.
    :ivar index: the entry's index in the list (None for id-based lists).
    :ivar size: bits per entry (``statusSize``; 1 unless stated).
    :ivar messages: ``statusMessage`` as status value -> message (empty when absent).
    """

    type: str
    method: str
    list_url: str
    purpose: str
    index: int | None = None
    size: int = 1
    messages: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DecodedList:
    """A list document's decoded content, before it becomes a :class:`ListRecord`.

    :ivar payload: the bitstring (``bytes``) or, for id-based lists, revoked id -> reason (or None).
    :ivar purposes: the list's ``statusPurpose`` values (empty when the method has none).
    :ivar ttl_s: the list's own lifetime (``ttl``) in seconds, or None when it states none.
    """

    payload: Any
    purposes: tuple[str, ...]
    ttl_s: float | None


@dataclass(frozen=True)
class ListRecord:
    """A status list that verified, decoded once and kept in the cache.

    :ivar url: the URL the list was read from (no fragment).
    :ivar method: the method module's name.
    :ivar payload: the decoded bitstring (``bytes``) or, for id-based lists, revoked id -> reason.
    :ivar purposes: the list's ``statusPurpose`` values (empty when the method has none).
    :ivar list_id: the list credential's ``id`` (None when absent).
    :ivar list_issuer: the list's stated issuer id (None when absent).
    :ivar signers: controllers of the list's verified proofs, in proof order (empty: unsigned list).
    :ivar valid_from: the list's earliest stated start (None: none stated).
    :ivar valid_until: the list's earliest stated end (None: none stated).
    :ivar fetched_at: when the list was read (timezone-aware UTC).
    :ivar lifetime_s: how long the cache may keep it, seconds (0: not cached).
    :ivar source: ``"network"`` or ``"offline bundle"``.
    :ivar size_bytes: the cache's estimate of the record's memory, bytes.
    """

    url: str
    method: str
    payload: Any
    purposes: tuple[str, ...]
    list_id: str | None
    list_issuer: str | None
    signers: tuple[str, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    fetched_at: datetime
    lifetime_s: float
    source: str
    size_bytes: int

    @property
    def length_bits(self) -> int:
        """Bits in a bitstring payload (0 for id-based lists)."""
        return len(self.payload) * 8 if isinstance(self.payload, (bytes, bytearray)) else 0


@dataclass
class EntryResult:
    """The evaluation of one entry.

    :ivar outcome: passed / failed / indeterminate.
    :ivar detail: a sentence naming the list URL and index.
    :ivar problem_code: a code of :mod:`verifier.constants` unless passed.
    :ivar evidence: JSON-ready facts (the keys are listed in :mod:`verifier.status.source`).
    :ivar warnings: (problem code, detail) pairs that do not change the outcome.
    """

    outcome: Outcome
    detail: str
    problem_code: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StatusResult:
    """The answer of :meth:`verifier.status.StatusListSource.check` (read by :mod:`verifier.checks.status`).

    :ivar outcome: the deciding entry's outcome (revoked outranks suspended, failed outranks indeterminate).
    :ivar detail: the deciding entry's detail, with a count when there are several entries.
    :ivar problem_code: the deciding entry's code, or None when passed.
    :ivar evidence: the deciding entry's evidence at top level and every entry under ``entries``.
    :ivar warnings: every entry's warnings, without repeats.
    """

    outcome: Outcome
    detail: str
    problem_code: str | None
    evidence: dict[str, Any]
    warnings: list[tuple[str, str]]
