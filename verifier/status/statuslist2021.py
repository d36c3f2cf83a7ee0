"""W3C CCG StatusList2021: ``StatusList2021Entry`` and ``StatusList2021Credential`` (VC Status List 2021 §2).

Purposes ``revocation`` and ``suspension``; ``encodedList`` is base64url of GZIP without a multibase
prefix (§2.3; a ``u``-prefixed value some issuers publish is read too). Same validate steps as
Bitstring Status List (:mod:`verifier.status.bitlist`), including the 16 KiB minimum.
"""

from __future__ import annotations

import functools

from verifier.status import bitlist

NAME = "statuslist2021"
ENTRY_TYPE = "StatusList2021Entry"
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="StatusList2021Credential", subject_type="StatusList2021",
    index_field="statusListIndex", url_field="statusListCredential",
    purposes=frozenset({"revocation", "suspension"}))


#: The method's three functions (see :mod:`verifier.status.methods`), bound to this method's rules.
parse_entry = functools.partial(bitlist.parse_entry, SPEC)
read_list = functools.partial(bitlist.read_list, SPEC)
evaluate = functools.partial(bitlist.evaluate, SPEC)
