"""1EdTech Revocation List Status Method v1.0 (Open Badges 3.0 §9.5 / CLR 2.0): ``1EdTechRevocationList``.

The entry is ``{"id": <list URL>, "type": "1EdTechRevocationList"}``. The document at that URL is a
revocation list: ``revokedCredentials`` is a list of ``{"id", "revoked"?, "revocationReason"?}``; the
credential is revoked when its ``id`` is listed and ``revoked`` is true or absent (vcrl v1.0 §3).

The method defines the list as a plain JSON document fetched over HTTPS from the URL the issuer signed
into the credential, so an unsigned list is accepted (its evidence says ``signer: null``). A list that
carries a ``proof`` (or is a JWT) must verify like any status list, and then the signer rules apply.
"""

from __future__ import annotations

from typing import Any

from verifier import constants as C
from verifier.errors import MalformedValue, StatusVerificationFailed
from verifier.report import Outcome
from verifier.status.fields import require_url
from verifier.status.model import DecodedList, EntryRef, EntryResult, ListRecord

NAME = "revocation_list_1edtech"
ENTRY_TYPE = "1EdTechRevocationList"
#: vcrl v1.0 lists are plain JSON over HTTPS; signed ones are verified.
UNSIGNED_LIST_ALLOWED = True

_MAX_REASON_CHARS = 500


def parse_entry(entry: dict[str, Any]) -> EntryRef:
    """The entry's ``id`` is the list URL; the purpose is revocation.

    :raises MalformedValue: ``id`` is not an https URL.
    """
    return EntryRef(type=ENTRY_TYPE, method=NAME, list_url=require_url(entry.get("id"), "id"), purpose="revocation")


def read_list(document: dict[str, Any], *, max_decoded_bytes: int) -> DecodedList:
    """Read ``revokedCredentials`` into revoked id -> reason (entries with ``revoked: false`` are skipped).

    :raises StatusVerificationFailed: no ``revokedCredentials`` list, or an entry without a string id.
    """
    listed = document.get("revokedCredentials")
    if not isinstance(listed, list):
        raise StatusVerificationFailed("the 1EdTech revocation list has no revokedCredentials list")
    revoked: dict[str, str | None] = {}
    for i, item in enumerate(listed):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str) or not cid:
            raise StatusVerificationFailed(f"revokedCredentials[{i}] has no string id")
        flag = item.get("revoked", True)
        if flag is False:
            continue
        if flag is not True:
            raise StatusVerificationFailed(f"revokedCredentials[{i}].revoked must be a boolean")
        reason = item.get("revocationReason")
        revoked[cid] = reason[:_MAX_REASON_CHARS] if isinstance(reason, str) else None
    return DecodedList(payload=revoked, purposes=("revocation",), ttl_s=None)


def evaluate(ref: EntryRef, record: ListRecord, credential: dict[str, Any], *, strict_length: bool) -> EntryResult:
    """Revoked when the credential's ``id`` is listed.

    :raises MalformedValue: the credential has no string ``id`` (the list names credentials by id).
    """
    cid = credential.get("id")
    if not isinstance(cid, str) or not cid:
        raise MalformedValue("a credential with a 1EdTechRevocationList status must have an id (the list names "
                             "credentials by id)", pointer="/id")
    evidence: dict[str, Any] = {"credential_id": cid, "revoked": cid in record.payload}
    if cid in record.payload:
        reason = record.payload[cid]
        if reason:
            evidence["revocationReason"] = reason
        said = f": {reason}" if reason else ""
        return EntryResult(Outcome.FAILED, f"revoked{said} (listed in {ref.list_url})", C.PROBLEM_REVOKED, evidence)
    return EntryResult(Outcome.PASSED, f"not revoked (not listed in {ref.list_url})", None, evidence)
