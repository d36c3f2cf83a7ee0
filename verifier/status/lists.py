"""Read a status list, verify it as a credential, decode it: one :class:`ListRecord` per load.

Where from: the offline bundle's ``status/index.json`` when a bundle is configured (never the network),
else the process's :class:`~verifier.fetch.Fetcher` (https only, SSRF rules, size cap, timeout). Any
failure to obtain a readable list is STATUS_RETRIEVAL_ERROR (``indeterminate``).

The list must itself verify (DESIGN.md "Security rules"; Bitstring Status List §3.2 step "verify the
status list credential"): it runs through the same pipeline as any credential, with an environment
whose ``status`` is None (no recursion), and its ``parse``, ``proof`` and ``validity`` results are
judged here -- a failed proof, a malformed, expired or not-yet-valid list is STATUS_VERIFICATION_ERROR
``failed``; a proof that cannot be checked (unresolvable key, unknown context) is STATUS_VERIFICATION_ERROR
``indeterminate``. The list's own ``issuer_trust`` and ``status`` are irrelevant and ignored.
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType
from typing import Any, Callable

from verifier import constants as C
from verifier.checks.validity import bounds
from verifier.dispatch import InlineDispatcher
from verifier.environment import Environment
from verifier.errors import CheckNotPossible, FetchError, InputError, StatusVerificationFailed
from verifier.fetch import Fetcher
from verifier.jsontext import loads_limited
from verifier.offline_bundle import OfflineBundle
from verifier.options import Limits, VerifyOptions
from verifier.parse import parse_presented
from verifier.pipeline import verify_presented
from verifier.report import CheckResult, Outcome
from verifier.status.model import DecodedList, ListRecord

__all__ = ["ListLoader"]

_LIST_CHECKS = (C.CHECK_PARSE, C.CHECK_PROOF, C.CHECK_VALIDITY)
_RECORD_OVERHEAD_BYTES = 1024
_ID_OVERHEAD_BYTES = 100


def _retrieval_error(detail: str) -> FetchError:
    return FetchError(detail, problem_code=C.PROBLEM_STATUS_RETRIEVAL_ERROR)


class ListLoader:
    """Loads one list: retrieve, verify, decode.

    :param list_env: the environment the list credential is verified with; its ``status`` must be None.
    :param fetcher: the process's fetcher, or None (offline bundle, or no network).
    :param bundle: the offline bundle, or None.
    :param limits: size limits for parsing the list (``max_body_bytes`` should cover the fetcher's cap).
    :param max_decoded_bytes: largest decompressed list, bytes.
    :param max_ttl_s: the longest a list is cached, seconds.
    :param wall_clock: current UTC time for ``fetched_at`` of bundle reads (the fetcher stamps its own).
    :raises ValueError: ``list_env.status`` is set.
    """

    def __init__(self, *, list_env: Environment, fetcher: Fetcher | None, bundle: OfflineBundle | None,
                 limits: Limits, max_decoded_bytes: int, max_ttl_s: float,
                 wall_clock: Callable[[], datetime]):
        if list_env.status is not None:
            raise ValueError("status lists must be verified with an environment whose status is None")
        self.list_env = list_env
        self.fetcher = fetcher
        self.bundle = bundle
        self.limits = limits
        self.max_decoded_bytes = max_decoded_bytes
        self.max_ttl_s = max_ttl_s
        self.wall_clock = wall_clock

    async def load(self, method: ModuleType, url: str, at: datetime) -> ListRecord:
        """Retrieve, verify and decode the list at ``url`` for ``method``, judged at ``at``.

        :raises FetchError: (STATUS_RETRIEVAL_ERROR) not obtainable or not a readable document.
        :raises StatusVerificationFailed: the list did not verify, is expired, or breaks its method's rules.
        :raises CheckNotPossible: the list's proof could not be checked; the list decompresses beyond the cap.
        """
        raw, fetched_at, max_age_s, source = await self._retrieve(url)
        document, signers, item = await self._verify(method, raw, url, at)
        decoded: DecodedList = method.read_list(document, max_decoded_bytes=self.max_decoded_bytes)
        valid_from = valid_until = None
        if item is not None:
            starts, ends, _ = bounds(item)
            valid_from = max((t for _, t in starts), default=None)
            valid_until = min((t for _, t in ends), default=None)
        issuer = document.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        list_id = document.get("id")
        return ListRecord(
            url=url, method=method.NAME, payload=decoded.payload, purposes=decoded.purposes,
            list_id=list_id if isinstance(list_id, str) else None,
            list_issuer=issuer if isinstance(issuer, str) else None, signers=signers,
            valid_from=valid_from, valid_until=valid_until, fetched_at=fetched_at,
            lifetime_s=self._lifetime_s(decoded.ttl_s, max_age_s, valid_until, at), source=source,
            size_bytes=_size_bytes(decoded.payload))

    def _lifetime_s(self, ttl_s: float | None, max_age_s: int | None, valid_until: datetime | None,
                    at: datetime) -> float:
        """min(list ``ttl``, ``Cache-Control`` max-age, configured maximum, time left before ``validUntil``)."""
        candidates = [self.max_ttl_s]
        if ttl_s is not None:
            candidates.append(ttl_s)
        if max_age_s is not None:
            candidates.append(float(max_age_s))
        if valid_until is not None:
            candidates.append((valid_until - at).total_seconds())
        return max(0.0, min(candidates))

    async def _retrieve(self, url: str) -> tuple[bytes, datetime, int | None, str]:
        """(body, fetched_at, Cache-Control max-age, source name)."""
        if self.bundle is not None:
            if self.bundle.lookup("status", url) is None:
                raise _retrieval_error(f"status list {url} is not in the offline bundle's status/index.json "
                                       "(offline: nothing is fetched)")
            try:
                return self.bundle.read_bytes("status", url), self.wall_clock(), None, "offline bundle"
            except OSError as exc:
                raise _retrieval_error(f"the offline bundle's file for status list {url} is unreadable") from exc
        if self.fetcher is None:
            raise _retrieval_error(f"status list {url} cannot be fetched: the network is not configured")
        try:
            result = await self.fetcher.get(url)
        except FetchError as exc:
            raise _retrieval_error(f"status list {exc.detail}" if exc.detail.startswith(url)
                                   else f"status list {url}: {exc.detail}") from exc
        return result.body, result.fetched_at, result.max_age_s, "network"

    async def _verify(self, method: ModuleType, raw: bytes, url: str, at: datetime):
        """(document, signers, parsed item or None): verify a secured list; pass an allowed unsigned one."""
        if method.UNSIGNED_LIST_ALLOWED and raw.strip()[:1] == b"{":
            try:
                doc = loads_limited(raw, max_bytes=self.limits.max_body_bytes, max_depth=self.limits.max_json_depth,
                                    what=f"status list {url}")
            except InputError as exc:
                raise _retrieval_error(exc.detail) from exc
            if not isinstance(doc, dict):
                raise _retrieval_error(f"status list {url} is not a JSON object")
            if "proof" not in doc:
                return doc, (), None
        try:
            presented = parse_presented(raw, limits=self.limits, expect="credential")
        except InputError as exc:
            raise _retrieval_error(f"{url} did not answer with a status list credential: {exc.detail}") from exc
        options = VerifyOptions(now=at, limits=self.limits, checks=_LIST_CHECKS)
        report = await verify_presented(presented, options=options, env=self.list_env, dispatcher=InlineDispatcher())
        results = {r.check: r for r in report.results if r.target == ""}
        _judge(results, url)
        proofs = results[C.CHECK_PROOF].evidence.get("proofs", [])
        signers = tuple(dict.fromkeys(p["controller"] for p in proofs if p.get("outcome") == Outcome.PASSED.value
                                      and isinstance(p.get("controller"), str)))
        return presented.top.document, signers, presented.top


def _judge(results: dict[str, CheckResult], url: str) -> None:
    """Raise unless the list's parse, proof and validity checks passed."""
    for check, what in ((C.CHECK_PARSE, "is malformed"), (C.CHECK_PROOF, "did not verify"),
                        (C.CHECK_VALIDITY, "is not valid")):
        r = results[check]
        if r.outcome == Outcome.PASSED:
            continue
        if r.outcome == Outcome.INDETERMINATE:
            raise CheckNotPossible(f"the status list credential at {url} could not be verified: {r.detail}",
                                   problem_code=C.PROBLEM_STATUS_VERIFICATION_ERROR)
        raise StatusVerificationFailed(f"the status list credential at {url} {what}: {r.detail}")


def _size_bytes(payload: Any) -> int:
    """Estimated memory of a decoded payload, bytes (the cache's byte bound)."""
    if isinstance(payload, (bytes, bytearray)):
        return len(payload) + _RECORD_OVERHEAD_BYTES
    return _RECORD_OVERHEAD_BYTES + sum(len(k) + len(v or "") + _ID_OVERHEAD_BYTES for k, v in payload.items())
