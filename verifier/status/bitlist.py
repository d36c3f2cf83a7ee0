"""What the three bitstring status methods share: entry rules, list rules and the bit decision.

A :class:`BitlistSpec` states a method's names (entry type, list credential type, subject type, field
names), its encoding and the purposes it understands; :mod:`~verifier.status.bitstring`,
:mod:`~verifier.status.statuslist2021` and :mod:`~verifier.status.revocation_list_2020` each hold one.
The steps follow Bitstring Status List v1.0 §3.2 "Validate Algorithm": purposes match (else
STATUS_VERIFICATION_ERROR), the list holds at least 131,072 bits (STATUS_LIST_LENGTH_ERROR), the entry
lies inside the list (RANGE_ERROR), then the value at ``index * statusSize`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier import constants as C
from verifier.errors import CheckNotPossible, MalformedValue, StatusVerificationFailed
from verifier.report import Outcome
from verifier.status.decode import decode_base64url, decode_multibase_base64url, gunzip_capped, status_value
from verifier.status.fields import parse_index, require_url, types_of
from verifier.status.model import DecodedList, EntryRef, EntryResult, ListRecord

__all__ = ["BitlistSpec", "MIN_BITS", "parse_entry", "read_list", "evaluate"]

#: Bitstring Status List §2.1 / StatusList2021 §2.1: the uncompressed list is at least 16 KiB.
MIN_BITS = 131_072
_MAX_STATUS_SIZE = 8  # statusMessage must then list 2**8 values; larger sizes are refused


@dataclass(frozen=True)
class BitlistSpec:
    """One bitstring method.

    :ivar name: the method module's name (cache partition, evidence).
    :ivar entry_type: the ``credentialStatus`` type.
    :ivar list_type: the type the list credential must carry.
    :ivar subject_type: the type of the list credential's subject.
    :ivar index_field: the entry's index field.
    :ivar url_field: the entry's list URL field.
    :ivar purposes: purposes understood; the entry's ``statusPurpose`` must be one of them.
    :ivar implicit_purpose: the purpose when the method has no ``statusPurpose`` field (else None).
    :ivar multibase: True when ``encodedList`` must carry the multibase ``u`` prefix.
    :ivar status_size: True when entries may state ``statusSize`` / ``statusMessage``.
    :ivar ttl: True when the list subject may state ``ttl`` (milliseconds).
    """

    name: str
    entry_type: str
    list_type: str
    subject_type: str
    index_field: str
    url_field: str
    purposes: frozenset[str]
    implicit_purpose: str | None = None
    multibase: bool = False
    status_size: bool = False
    ttl: bool = False


def parse_entry(spec: BitlistSpec, entry: dict[str, Any]) -> EntryRef:
    """Check an entry's fields (before anything is fetched).

    :raises MalformedValue: a missing or malformed field (MALFORMED_VALUE_ERROR / RANGE_ERROR).
    :raises CheckNotPossible: (STATUS_NOT_CHECKED) a purpose this verifier does not understand.
    """
    if spec.implicit_purpose is not None:
        purpose = spec.implicit_purpose
    else:
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str) or not purpose:
            raise MalformedValue(f"{spec.entry_type} statusPurpose must be a string, got {purpose!r:.40}",
                                 pointer="/credentialStatus/statusPurpose")
        if purpose not in spec.purposes:
            raise CheckNotPossible(f"{spec.entry_type} statusPurpose {purpose!r:.40} is not one this verifier "
                                   f"understands ({', '.join(sorted(spec.purposes))})",
                                   problem_code=C.PROBLEM_STATUS_NOT_CHECKED)
    index = parse_index(entry.get(spec.index_field), spec.index_field)
    url = require_url(entry.get(spec.url_field), spec.url_field)
    size, messages = (_size_and_messages(entry) if spec.status_size else (1, {}))
    return EntryRef(type=spec.entry_type, method=spec.name, list_url=url, purpose=purpose, index=index,
                    size=size, messages=messages)


def _size_and_messages(entry: dict[str, Any]) -> tuple[int, dict[int, str]]:
    """``statusSize`` (default 1) and ``statusMessage`` (Bitstring Status List §2.1)."""
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= _MAX_STATUS_SIZE:
        raise MalformedValue(f"statusSize must be an integer from 1 to {_MAX_STATUS_SIZE}, got {size!r:.20}",
                             pointer="/credentialStatus/statusSize")
    raw = entry.get("statusMessage")
    if raw is None:
        if size > 1:
            raise MalformedValue("statusMessage must be present when statusSize is greater than 1",
                                 pointer="/credentialStatus/statusMessage")
        return size, {}
    if not isinstance(raw, list) or len(raw) != 2 ** size:
        raise MalformedValue(f"statusMessage must be a list of {2 ** size} entries (one per value of a "
                             f"{size}-bit status)", pointer="/credentialStatus/statusMessage")
    messages: dict[int, str] = {}
    for item in raw:
        status = item.get("status") if isinstance(item, dict) else None
        message = item.get("message") if isinstance(item, dict) else None
        try:
            value = int(status, 16) if isinstance(status, str) and status.lower().startswith("0x") else None
        except ValueError:
            value = None
        if value is None or not isinstance(message, str) or value in messages or value >= 2 ** size:
            raise MalformedValue("each statusMessage entry needs a distinct hex 'status' (\"0x0\", \"0x1\", ...) "
                                 "within statusSize and a string 'message'", pointer="/credentialStatus/statusMessage")
        messages[value] = message
    return size, messages


def read_list(spec: BitlistSpec, document: dict[str, Any], *, max_decoded_bytes: int) -> DecodedList:
    """Check the list credential's types and decode its ``encodedList``.

    :raises StatusVerificationFailed: wrong credential or subject type, missing purpose, undecodable list.
    :raises CheckNotPossible: (STATUS_RETRIEVAL_ERROR) the list decompresses beyond ``max_decoded_bytes``.
    """
    if spec.list_type not in types_of(document):
        raise StatusVerificationFailed(f"the status list credential's type lacks {spec.list_type}")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or spec.subject_type not in types_of(subject):
        raise StatusVerificationFailed(f"the status list credential's subject must be a {spec.subject_type}")
    purposes: tuple[str, ...] = ()
    if spec.implicit_purpose is None:
        raw = subject.get("statusPurpose")
        purposes = (raw,) if isinstance(raw, str) else tuple(raw) if isinstance(raw, list) else ()
        if not purposes or not all(isinstance(p, str) and p for p in purposes):
            raise StatusVerificationFailed("the status list's statusPurpose must be one or more strings")
    encoded = subject.get("encodedList")
    if spec.multibase:
        compressed = decode_multibase_base64url(encoded)
    elif isinstance(encoded, str) and encoded.startswith("uH4sI"):
        compressed = decode_base64url(encoded[1:])  # a multibase prefix some issuers add to legacy lists
    else:
        compressed = decode_base64url(encoded)
    payload = gunzip_capped(compressed, max_bytes=max_decoded_bytes)
    return DecodedList(payload=payload, purposes=purposes, ttl_s=_ttl_s(subject) if spec.ttl else None)


def _ttl_s(subject: dict[str, Any]) -> float | None:
    """The subject's ``ttl`` (milliseconds, Bitstring Status List §2.2) in seconds; None when absent or unusable."""
    ttl = subject.get("ttl")
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < 0:
        return None
    return float(ttl) / 1000.0


def evaluate(spec: BitlistSpec, ref: EntryRef, record: ListRecord, credential: dict[str, Any] | None = None, *,
             strict_length: bool) -> EntryResult:
    """Decide one entry against its verified list.

    :param credential: the credential (part of the method interface; a bit list does not need it).
    :param strict_length: a list shorter than :data:`MIN_BITS` fails (STATUS_LIST_LENGTH_ERROR) instead of
        being read with a warning.
    :raises StatusVerificationFailed: purpose mismatch; too short a list under ``strict_length``.
    :raises MalformedValue: (RANGE_ERROR) the entry is outside the list.
    """
    where = f"index {ref.index} of {ref.list_url}"
    if record.purposes and ref.purpose not in record.purposes:
        raise StatusVerificationFailed(f"the entry's statusPurpose {ref.purpose!r} is not among the list's "
                                       f"({', '.join(record.purposes)}) at {ref.list_url}")
    warnings: list[tuple[str, str]] = []
    if record.length_bits < MIN_BITS:
        short = (f"the status list {ref.list_url} holds {record.length_bits} bits; at least {MIN_BITS} are "
                 "required (herd privacy)")
        if strict_length:
            raise StatusVerificationFailed(short, problem_code=C.PROBLEM_STATUS_LIST_LENGTH_ERROR)
        warnings.append((C.PROBLEM_STATUS_LIST_LENGTH_ERROR, short + "; the entry was read anyway"))
    value = status_value(record.payload, ref.index, ref.size)
    evidence: dict[str, Any] = {"value": value}
    if ref.size > 1:
        evidence["statusSize"] = ref.size
    message = ref.messages.get(value)
    if message is not None:
        evidence["message"] = message
    said = f" ({message})" if message else ""
    if ref.purpose in ("revocation", "suspension"):
        word = "revoked" if ref.purpose == "revocation" else "suspended"
        if value:
            code = C.PROBLEM_REVOKED if ref.purpose == "revocation" else C.PROBLEM_SUSPENDED
            return EntryResult(Outcome.FAILED, f"{word}{said} ({where})", code, evidence, warnings)
        return EntryResult(Outcome.PASSED, f"not {word} ({where})", None, evidence, warnings)
    if ref.purpose == "refresh":
        state = "a refreshed version is available from the issuer" if value else "no refresh pending"
        return EntryResult(Outcome.PASSED, f"{state} ({where})", None, evidence, warnings)
    return EntryResult(Outcome.PASSED, f"status message {value:#x}{said or ' (no message text)'} ({where})", None,
                       evidence, warnings)
