"""W3C CCG Revocation List 2020: ``RevocationList2020Status`` and ``RevocationList2020Credential``.

Older DCC credentials use it (vc-status-rl-2020 §2): ``revocationListIndex`` and
``revocationListCredential``; the purpose is always revocation; ``encodedList`` is base64url of GZIP.
Its JSON-LD context (``https://w3id.org/vc-revocation-list-2020/v1``) is not bundled: an operator
installs it (``ler-verifier contexts add``) before such credentials and lists can be expanded.
"""

from __future__ import annotations

from typing import Any

from verifier.status import bitlist
from verifier.status.model import DecodedList, EntryRef, EntryResult, ListRecord

NAME = "revocation_list_2020"
ENTRY_TYPE = "RevocationList2020Status"
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="RevocationList2020Credential", subject_type="RevocationList2020",
    index_field="revocationListIndex", url_field="revocationListCredential",
    purposes=frozenset({"revocation"}), implicit_purpose="revocation")


def parse_entry(entry: dict[str, Any]) -> EntryRef:
    """See :func:`verifier.status.bitlist.parse_entry`."""
    return bitlist.parse_entry(SPEC, entry)


def read_list(document: dict[str, Any], *, max_decoded_bytes: int) -> DecodedList:
    """See :func:`verifier.status.bitlist.read_list`."""
    return bitlist.read_list(SPEC, document, max_decoded_bytes=max_decoded_bytes)


def evaluate(ref: EntryRef, record: ListRecord, credential: dict[str, Any], *, strict_length: bool) -> EntryResult:
    """See :func:`verifier.status.bitlist.evaluate`."""
    return bitlist.evaluate(SPEC, ref, record, strict_length=strict_length)
