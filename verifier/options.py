"""Verification options: time, limits and policy as explicit inputs (STYLE.md rule 5).

No check reads the clock: ``now`` is part of the options. Units are in the field names.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Size and shape limits applied before any parsing or network work.

    :ivar max_body_bytes: largest presented document, bytes.
    :ivar max_json_depth: deepest JSON nesting (objects and arrays) accepted.
    :ivar max_credentials: most credentials one presentation (or CLR) may carry, nested ones included.
    :ivar max_fetch_bytes: largest response body an outbound fetch may return, bytes.
    :ivar fetch_timeout_s: per-request timeout of outbound fetches, seconds.
    :ivar canonicalization_max_work: RDFC-1.0 work budget (hash operations; RDFC-1.0 §4.4 poison graphs).
    :ivar max_image_bytes: largest baked badge image (PNG or SVG) accepted, bytes (issue 11).
    :ivar max_proofs: most embedded proofs one document may carry (a proof set or chain, VC Data Integrity
        §2.1.1-§2.1.2); each costs a canonicalization and a signature check, so more is refused unread.
    """

    max_body_bytes: int = 1_000_000
    max_json_depth: int = 64
    max_credentials: int = 100
    max_fetch_bytes: int = 2_000_000
    fetch_timeout_s: float = 5.0
    canonicalization_max_work: int = 200_000
    max_image_bytes: int = 4_000_000
    max_proofs: int = 16


#: ``holderBinding`` values (issue 11): the ``holder_binding`` check counts towards ``verified``, is
#: reported as a warning only, or is not run.
HOLDER_BINDING_MODES = ("required", "warn", "off")
#: ``recipient.type`` values: what kind of identity the caller gives.
RECIPIENT_TYPES = ("email", "url", "phone", "id")


@dataclass(frozen=True)
class Recipient:
    """The learner the caller expects a credential to be issued to (the ``recipient`` check).

    :ivar type: ``email``, ``url``, ``phone`` or ``id`` (:data:`RECIPIENT_TYPES`).
    :ivar value: the identity as the caller knows it (plain text, never hashed).
    """

    type: str
    value: str


@dataclass(frozen=True)
class VerifyOptions:
    """Everything one verification depends on besides the presented bytes.

    :ivar now: the instant to judge validity against (timezone-aware UTC).
    :ivar max_clock_skew_s: tolerance applied to ``validFrom``/``validUntil``/``nbf``/``exp``, seconds.
    :ivar challenge: expected presentation ``challenge`` (Data Integrity §2.1), or None.
    :ivar domain: expected presentation ``domain`` (Data Integrity §2.1), or None.
    :ivar require_trusted_issuer: fold ``issuer_trust`` into ``verified``.
    :ivar checks: the checks the caller requires; None means the default required set.
    :ivar limits: size and time limits.
    :ivar holder_binding: ``required`` (default), ``warn`` or ``off``: whether a presented credential's
        subject must be the presentation's signer (:data:`HOLDER_BINDING_MODES`).
    :ivar recipient: the expected recipient, or None (then the ``recipient`` check does not apply).
    :ivar require_schema: fold the ``schema`` check (``credentialSchema`` validation) into ``verified``.
    :ivar require_endorsements: fold every embedded endorsement's checks into ``verified`` (default:
        endorsements are verified and reported, their failures are warnings).
    """

    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    max_clock_skew_s: float = 0.0
    challenge: str | None = None
    domain: str | None = None
    require_trusted_issuer: bool = False
    checks: tuple[str, ...] | None = None
    limits: Limits = field(default_factory=Limits)
    holder_binding: str = "required"
    recipient: Recipient | None = None
    require_schema: bool = False
    require_endorsements: bool = False

    def replace(self, **changes) -> "VerifyOptions":
        """Return a copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def cache_key_part(self) -> dict:
        """The options that change a report, as JSON-ready data (for result cache keys).

        Every field but ``limits`` (sizes and timeouts decide whether an answer is given, not which), with
        ``now`` as whole seconds (``now_s``). Generic over the fields, so an option added here is part of
        every cache key without a change elsewhere: a report judged under one option is never served
        for another.
        """
        part: dict = {}
        for f in dataclasses.fields(self):
            if f.name == "limits":
                continue
            value = getattr(self, f.name)
            if f.name == "now":
                part["now_s"] = int(value.timestamp())
            else:
                part[f.name] = _key_value(value)
        part["limits"] = {"canonicalization_max_work": self.limits.canonicalization_max_work}
        return part


def _key_value(value):
    """A JSON-ready, order-stable form of an option value (sets sorted, dataclasses as objects)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _key_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(_key_value(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [_key_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _key_value(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


@dataclass(frozen=True)
class ResourceConfig:
    """Where lookups are answered from; plain paths and flags so it can cross into worker processes.

    :ivar offline_bundle: a directory in the offline-bundle layout; when set nothing goes to the network.
    :ivar data_dir: the data directory (operator-installed contexts live in ``data_dir/contexts``).
    :ivar allow_insecure_loopback: allow ``http://`` and loopback targets (tests only).
    :ivar fetch_schemas: fetch a ``credentialSchema`` document that is neither installed nor in the
        offline bundle (operator's choice; off by default: an unknown schema is ``indeterminate``).
    """

    offline_bundle: Path | None = None
    data_dir: Path | None = None
    allow_insecure_loopback: bool = False
    fetch_schemas: bool = False
