"""W3C Bitstring Status List v1.0: ``BitstringStatusListEntry`` and ``BitstringStatusListCredential``.

Purposes ``revocation``, ``suspension``, ``refresh`` and ``message`` (with ``statusSize`` and
``statusMessage``, §2.1); ``encodedList`` is multibase ``u`` + base64url of GZIP (§2.2); the list's
``ttl`` (milliseconds) bounds how long it is cached. The validate steps are in
:mod:`verifier.status.bitlist` (§3.2).
"""

from __future__ import annotations

from typing import Any

from verifier.status import bitlist
from verifier.status.model import DecodedList, EntryRef, EntryResult, ListRecord

NAME = "bitstring"
ENTRY_TYPE = "BitstringStatusListEntry"
#: The list must be a credential that verifies (an unsigned list is refused).
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="BitstringStatusListCredential", subject_type="BitstringStatusList",
    index_field="statusListIndex", url_field="statusListCredential",
    purposes=frozenset({"revocation", "suspension", "refresh", "message"}), multibase=True, status_size=True, ttl=True)


def parse_entry(entry: dict[str, Any]) -> EntryRef:
    """See :func:`verifier.status.bitlist.parse_entry`."""
    return bitlist.parse_entry(SPEC, entry)


def read_list(document: dict[str, Any], *, max_decoded_bytes: int) -> DecodedList:
    """See :func:`verifier.status.bitlist.read_list`."""
    return bitlist.read_list(SPEC, document, max_decoded_bytes=max_decoded_bytes)


def evaluate(ref: EntryRef, record: ListRecord, credential: dict[str, Any], *, strict_length: bool) -> EntryResult:
    """See :func:`verifier.status.bitlist.evaluate`."""
    return bitlist.evaluate(SPEC, ref, record, strict_length=strict_length)
