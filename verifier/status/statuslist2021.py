"""W3C CCG StatusList2021: ``StatusList2021Entry`` and ``StatusList2021Credential`` (VC Status List 2021 §2).

Purposes ``revocation`` and ``suspension``; ``encodedList`` is base64url of GZIP without a multibase
prefix (§2.3; a ``u``-prefixed value some issuers publish is read too). Same validate steps as
Bitstring Status List (:mod:`verifier.status.bitlist`), including the 16 KiB minimum.
"""

from __future__ import annotations

from typing import Any

from verifier.status import bitlist
from verifier.status.model import DecodedList, EntryRef, EntryResult, ListRecord

NAME = "statuslist2021"
ENTRY_TYPE = "StatusList2021Entry"
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="StatusList2021Credential", subject_type="StatusList2021",
    index_field="statusListIndex", url_field="statusListCredential",
    purposes=frozenset({"revocation", "suspension"}))


def parse_entry(entry: dict[str, Any]) -> EntryRef:
    """See :func:`verifier.status.bitlist.parse_entry`."""
    return bitlist.parse_entry(SPEC, entry)


def read_list(document: dict[str, Any], *, max_decoded_bytes: int) -> DecodedList:
    """See :func:`verifier.status.bitlist.read_list`."""
    return bitlist.read_list(SPEC, document, max_decoded_bytes=max_decoded_bytes)


def evaluate(ref: EntryRef, record: ListRecord, credential: dict[str, Any], *, strict_length: bool) -> EntryResult:
    """See :func:`verifier.status.bitlist.evaluate`."""
    return bitlist.evaluate(SPEC, ref, record, strict_length=strict_length)
