"""The :class:`~verifier.environment.StatusSource` of this verifier: every ``credentialStatus`` entry, judged.

For each entry (VCDM 2.0 §4.10 allows several): its method checks the entry's fields (the index rule
first, before anything is fetched), the list comes from the cache or is loaded once for all concurrent
callers (:mod:`verifier.status.lists`: retrieve, verify as a credential, decode), the list's validity
period is judged again at ``at``, and the method decides. Then the source's policies:

* **Signer** (DESIGN.md "Security rules"): the list's signer (the controller of its verified proof)
  should be the credential's issuer, or a signer ``authorised_signer(issuer_id, signer)`` accepts (the
  trust-registry hook; None until issue 4 wires it). Another signer -- common in practice: a separate
  status-service key whose list is fetched over HTTPS from the URL the issuer signed -- leaves the
  result standing with a warning naming the signer; ``strict_status_signer`` makes it ``failed``.
  The evidence always names the signer (``null`` for an unsigned 1EdTech list).
* **List id**: a list whose ``id`` differs from the URL it was read from (DCC serves lists that way)
  gets a warning; ``strict_list_id`` makes it ``failed``.
* **Length**: a bitstring shorter than 131,072 bits is read with a STATUS_LIST_LENGTH_ERROR warning
  (DCC publishes 100,000-bit lists); ``strict_list_length`` makes it ``failed``.

Outcomes: revoked / suspended -> ``failed``; unknown entry type or purpose -> ``indeterminate``
(STATUS_NOT_CHECKED, naming it); retrieval errors -> ``indeterminate`` (STATUS_RETRIEVAL_ERROR); list
proof failure or expired list -> ``failed`` (STATUS_VERIFICATION_ERROR); malformed entries ->
``failed`` (MALFORMED_VALUE_ERROR, RANGE_ERROR). Every entry is reported; revoked outranks suspended.

Evidence of an entry (the deciding entry's at the top of the result, every entry under ``entries``):
``entry_type``, ``statusPurpose``, ``statusListCredential``, ``statusListIndex`` (as read), ``value``
(the bit, or the ``statusSize``-bit value), ``message`` (its ``statusMessage``), ``fetched_at``,
``from_cache``, ``list_source`` (``network`` / ``offline bundle``), ``list_ttl_s`` (how long the list is
cached), ``signer`` (null: unsigned), ``list_id``, ``list_issuer``, ``list_bits``, ``list_valid_until``;
for 1EdTech lists ``credential_id``, ``revoked`` and ``revocationReason``. Entries under ``entries`` add
``outcome``, ``detail`` and ``problem``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from types import ModuleType
from typing import Any, Awaitable, Callable
from urllib.parse import urldefrag

from verifier import constants as C
from verifier.environment import Environment
from verifier.errors import (CheckNotPossible, MalformedValue, StatusVerificationFailed, VerificationFailed,
                             VerifierError)
from verifier.fetch import Fetcher
from verifier.offline_bundle import load_bundle
from verifier.options import Limits
from verifier.report import Outcome
from verifier.status.cache import DEFAULT_MAX_BYTES, DEFAULT_MAX_COUNT, ListCache
from verifier.status.decode import DEFAULT_MAX_DECODED_BYTES
from verifier.status.fields import list_key, types_of
from verifier.status.lists import ListLoader
from verifier.status.methods import method_for
from verifier.status.model import EntryRef, EntryResult, ListRecord, StatusResult
from verifier.timestamps import format_timestamp

__all__ = ["StatusListSource", "AuthorisedSigner", "DEFAULT_MAX_TTL_S", "DEFAULT_MAX_ENTRIES"]

#: ``authorised_signer(issuer_id, signer, at)``: True when the trust registry authorises ``signer`` to publish
#: status for ``issuer_id`` at instant ``at``; False or None when it does not or cannot say. May be a
#: coroutine function.
AuthorisedSigner = Callable[[str | None, str, datetime], "bool | None | Awaitable[bool | None]"]

DEFAULT_MAX_TTL_S = 300.0
DEFAULT_MAX_ENTRIES = 16
#: Warning (or, when strict, failure) codes for a list signed by someone other than the issuer, and for a list
#: whose ``id`` is not the URL it was read from.
SIGNER_WARNING_CODE = C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH
LIST_ID_WARNING_CODE = C.PROBLEM_STATUS_LIST_ID_MISMATCH


class StatusListSource:
    """Evaluates ``credentialStatus`` entries with a per-process cache of verified, decoded lists.

    :param list_env: environment for verifying list credentials (resources, key resolver, CPU runner);
        its ``status`` must be None.
    :param fetcher: the process's fetcher; None with an offline bundle (or without network).
    :param limits: parse limits for list documents, which may be as large as ``limits.max_fetch_bytes``;
        by default the fetcher's body cap.
    :param strict_status_signer: a list signed by someone other than the issuer (and not authorised) fails.
    :param strict_list_id: a list whose ``id`` is not the URL it was read from fails.
    :param strict_list_length: a bitstring shorter than 131,072 bits fails (STATUS_LIST_LENGTH_ERROR).
    :param authorised_signer: the trust-registry hook (see :data:`AuthorisedSigner`), or None.
    :param max_ttl_s: longest a list is cached, seconds (also bounded by its ``ttl``, Cache-Control, validUntil).
    :param cache_max_bytes: bound on the decoded lists kept, bytes.
    :param cache_max_count: bound on the number of lists kept.
    :param max_decoded_bytes: largest decompressed list, bytes (GZIP bombs stop here).
    :param max_entries: most ``credentialStatus`` entries evaluated on one credential.
    :param timer: monotonic clock for cache lifetimes, seconds.
    :param wall_clock: UTC clock for ``fetched_at`` of offline-bundle reads.
    :raises ValueError: ``list_env.status`` is set, or a bound is below 1.
    """

    def __init__(self, *, list_env: Environment, fetcher: Fetcher | None, limits: Limits | None = None,
                 strict_status_signer: bool = False, strict_list_id: bool = False,
                 strict_list_length: bool = False, authorised_signer: AuthorisedSigner | None = None,
                 max_ttl_s: float = DEFAULT_MAX_TTL_S, cache_max_bytes: int = DEFAULT_MAX_BYTES,
                 cache_max_count: int = DEFAULT_MAX_COUNT, max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
                 max_entries: int = DEFAULT_MAX_ENTRIES, timer: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        bundle_path = list_env.resources.offline_bundle
        limits = limits or Limits(max_fetch_bytes=fetcher.max_bytes if fetcher is not None else Limits.max_fetch_bytes)
        limits = dataclasses.replace(limits, max_body_bytes=max(limits.max_body_bytes, limits.max_fetch_bytes))
        self.strict_status_signer = strict_status_signer
        self.strict_list_id = strict_list_id
        self.strict_list_length = strict_list_length
        self.authorised_signer = authorised_signer
        self.max_entries = max_entries
        self.cache = ListCache(max_bytes=cache_max_bytes, max_count=cache_max_count, timer=timer)
        self.loader = ListLoader(list_env=list_env, fetcher=fetcher,
                                 bundle=load_bundle(bundle_path) if bundle_path is not None else None,
                                 limits=limits, max_decoded_bytes=max_decoded_bytes, max_ttl_s=max_ttl_s,
                                 wall_clock=wall_clock)

    async def check(self, credential: dict[str, Any], *, issuer_id: str | None, at: datetime) -> StatusResult:
        """Evaluate every ``credentialStatus`` entry of ``credential`` at ``at``.

        :param credential: the credential document.
        :param issuer_id: the credential's issuer id (the expected list signer), or None.
        :param at: the verification instant (the lists' validity is judged at it).
        :returns: the :class:`StatusResult` (never raises for a verification problem).
        """
        raw = credential.get("credentialStatus")
        entries = raw if isinstance(raw, list) else [raw]
        if not entries:
            return _aggregate([EntryResult(Outcome.FAILED, "credentialStatus is an empty list",
                                           C.PROBLEM_MALFORMED_VALUE_ERROR)])
        if len(entries) > self.max_entries:
            return _aggregate([EntryResult(Outcome.FAILED, f"{len(entries)} credentialStatus entries; at most "
                                           f"{self.max_entries} are evaluated", C.PROBLEM_MALFORMED_VALUE_ERROR)])
        prepared = [self._prepare(e) for e in entries]
        loaded = await self._load_missing(prepared, at)
        return _aggregate([await self._decide(p, loaded, credential, issuer_id, at) for p in prepared])

    def _prepare(self, entry: Any) -> _Prepared:
        """Type and field rules of one entry (nothing fetched); a failure is kept for :meth:`_decide`."""
        evidence: dict[str, Any] = {}
        try:
            if not isinstance(entry, dict):
                raise MalformedValue("each credentialStatus entry must be an object", pointer="/credentialStatus")
            types = types_of(entry)
            evidence["entry_type"] = types[0] if len(types) == 1 else types
            method = method_for(types)
            if method is None:
                named = ", ".join(types) or "(none)"
                raise CheckNotPossible(f"status type {named} is not supported: the credential's status was not "
                                       "checked", problem_code=C.PROBLEM_STATUS_NOT_CHECKED)
            ref = method.parse_entry(entry)
        except VerifierError as exc:
            return _Prepared(evidence, error=exc)
        evidence.update(statusPurpose=ref.purpose, statusListCredential=ref.list_url)
        if ref.index is not None:
            evidence["statusListIndex"] = ref.index
        return _Prepared(evidence, method=method, ref=ref, key=(method.NAME, list_key(ref.list_url)))

    async def _load_missing(self, prepared: list[_Prepared], at: datetime) -> dict[tuple, Any]:
        """Load every list not in the cache, concurrently; key -> (record, from_cache) or the exception.

        A check answered wholly from the cache schedules no task (it stays in the tens of microseconds).
        """
        missing = {p.key: p for p in prepared if p.key is not None and self.cache.get(p.key) is None}
        if not missing:
            return {}
        outcomes = await asyncio.gather(*(self._record(p.method, p.ref.list_url, at) for p in missing.values()),
                                        return_exceptions=True)
        return dict(zip(missing, outcomes))

    async def _decide(self, p: _Prepared, loaded: dict[tuple, Any], credential: dict[str, Any],
                      issuer_id: str | None, at: datetime) -> EntryResult:
        evidence = p.evidence
        try:
            if p.error is not None:
                raise p.error
            outcome = loaded.get(p.key)
            if isinstance(outcome, BaseException):
                raise outcome
            if outcome is None:
                hit = self.cache.get(p.key)
                outcome = (hit, True) if hit is not None else await self._record(p.method, p.ref.list_url, at)
            record, from_cache = outcome
            evidence = {**evidence, **_record_evidence(record, from_cache)}
            _judge_period(record, at)
            result = p.method.evaluate(p.ref, record, credential, strict_length=self.strict_list_length)
            result.evidence = {**evidence, **result.evidence}
            await self._apply_policies(result, record, issuer_id, at)
            return result
        except (VerificationFailed, CheckNotPossible) as exc:
            outcome = Outcome.FAILED if isinstance(exc, VerificationFailed) else Outcome.INDETERMINATE
            return EntryResult(outcome, exc.detail, exc.problem_code, evidence)
        except VerifierError as exc:  # any other error of ours: never a pass
            return EntryResult(Outcome.INDETERMINATE, exc.detail, exc.problem_code, evidence)

    async def _record(self, method: ModuleType, url: str, at: datetime) -> tuple[ListRecord, bool]:
        key = (method.NAME, list_key(url))
        return await self.cache.get_or_load(key, lambda: self.loader.load(method, list_key(url), at))

    async def _apply_policies(self, result: EntryResult, record: ListRecord, issuer_id: str | None,
                              at: datetime) -> None:
        """The signer and list-id rules (module docstring): warnings, or ``failed`` when strict."""
        signer = await self._signer_remark(record, issuer_id, at)
        if signer is not None:
            self._remark(result, SIGNER_WARNING_CODE, signer, self.strict_status_signer)
        if record.list_id is not None and urldefrag(record.list_id)[0] != record.url:
            self._remark(result, LIST_ID_WARNING_CODE,
                         f"the status list read from {record.url} states the id {record.list_id}", self.strict_list_id)

    @staticmethod
    def _remark(result: EntryResult, code: str, detail: str, strict: bool) -> None:
        if strict and result.outcome != Outcome.FAILED:
            result.outcome, result.problem_code = Outcome.FAILED, code
            result.detail = f"{detail} (refused by policy; the list said: {result.detail})"
        else:
            result.warnings.append((code, detail))

    async def _signer_remark(self, record: ListRecord, issuer_id: str | None, at: datetime) -> str | None:
        """None when the list's signer is fine; else a sentence naming it."""
        if not record.signers:
            if record.list_issuer is not None and issuer_id is not None and not _same(record.list_issuer, issuer_id):
                return (f"the unsigned status list {record.url} names the issuer {record.list_issuer}, not the "
                        f"credential's issuer {issuer_id}")
            return None
        if issuer_id is not None and any(_same(s, issuer_id) for s in record.signers):
            return None
        for signer in record.signers:
            if self.authorised_signer is not None:
                answer = self.authorised_signer(issuer_id, signer, at)
                if inspect.isawaitable(answer):
                    answer = await answer
                if answer is True:
                    return None
        who = issuer_id if issuer_id is not None else "(the credential states no issuer id)"
        return (f"the status list {record.url} is signed by {record.signers[0]}, not by the credential's issuer "
                f"{who}, and no registry entry authorises that signer")


@dataclass
class _Prepared:
    """One entry after :meth:`StatusListSource._prepare`: its method and reference, or the error it raised."""

    evidence: dict[str, Any]
    method: ModuleType | None = None
    ref: EntryRef | None = None
    key: tuple[str, str] | None = None
    error: VerifierError | None = None


def _same(controller: str, issuer_id: str) -> bool:
    """A DID controller compares without a fragment (DID Core §3.2), like the issuer_key check."""
    return controller == issuer_id or urldefrag(controller)[0] == issuer_id


def _judge_period(record: ListRecord, at: datetime) -> None:
    """The list's validity period, judged again at ``at`` (a cached list may expire while kept)."""
    if record.valid_until is not None and at > record.valid_until:
        raise StatusVerificationFailed(f"the status list credential at {record.url} expired at "
                                       f"{format_timestamp(record.valid_until)}")
    if record.valid_from is not None and at < record.valid_from:
        raise StatusVerificationFailed(f"the status list credential at {record.url} is not valid until "
                                       f"{format_timestamp(record.valid_from)}")


def _record_evidence(record: ListRecord, from_cache: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"fetched_at": format_timestamp(record.fetched_at), "from_cache": from_cache,
                           "list_source": record.source, "list_ttl_s": record.lifetime_s,
                           "signer": record.signers[0] if record.signers else None}
    if len(record.signers) > 1:
        out["signers"] = list(record.signers)
    if record.list_id is not None:
        out["list_id"] = record.list_id
    if record.list_issuer is not None:
        out["list_issuer"] = record.list_issuer
    if record.length_bits:
        out["list_bits"] = record.length_bits
    if record.valid_until is not None:
        out["list_valid_until"] = format_timestamp(record.valid_until)
    return out


def _rank(r: EntryResult) -> int:
    """Lower decides: revoked, suspended, other failures, indeterminate, passed."""
    if r.outcome == Outcome.FAILED:
        return {C.PROBLEM_REVOKED: 0, C.PROBLEM_SUSPENDED: 1}.get(r.problem_code, 2)
    return 3 if r.outcome == Outcome.INDETERMINATE else 4


def _label(r: EntryResult) -> str:
    if r.problem_code in (C.PROBLEM_REVOKED, C.PROBLEM_SUSPENDED):
        return r.problem_code.lower()
    return r.outcome.value if r.problem_code is None else f"{r.outcome.value} ({r.problem_code})"


def _aggregate(results: list[EntryResult]) -> StatusResult:
    """One result for the credential: the deciding entry leads, every entry is listed under ``entries``."""
    lead_i = min(range(len(results)), key=lambda i: (_rank(results[i]), i))
    lead = results[lead_i]
    detail = lead.detail
    if len(results) > 1:
        detail += f" [entry {lead_i + 1} of {len(results)}: " + ", ".join(_label(r) for r in results) + "]"
    entries = [{**r.evidence, "outcome": r.outcome.value, "detail": r.detail, "problem": r.problem_code}
               for r in results]
    warnings: list[tuple[str, str]] = []
    for r in results:
        for w in r.warnings:
            if w not in warnings:
                warnings.append(w)
    return StatusResult(outcome=lead.outcome, detail=detail, problem_code=lead.problem_code,
                        evidence={**lead.evidence, "entries": entries}, warnings=warnings)
