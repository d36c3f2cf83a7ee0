"""W3C Bitstring Status List v1.0: ``BitstringStatusListEntry`` and ``BitstringStatusListCredential``.

Purposes ``revocation``, ``suspension``, ``refresh`` and ``message`` (with ``statusSize`` and
``statusMessage``, §2.1); ``encodedList`` is multibase ``u`` + base64url of GZIP (§2.2); the list's
``ttl`` (milliseconds) bounds how long it is cached. The validate steps are in
:mod:`verifier.status.bitlist` (§3.2).
"""

from __future__ import annotations

import functools

from verifier.status import bitlist

NAME = "bitstring"
ENTRY_TYPE = "BitstringStatusListEntry"
#: The list must be a credential that verifies (an unsigned list is refused).
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="BitstringStatusListCredential", subject_type="BitstringStatusList",
    index_field="statusListIndex", url_field="statusListCredential",
    purposes=frozenset({"revocation", "suspension", "refresh", "message"}), multibase=True, status_size=True, ttl=True)


#: The method's three functions (see :mod:`verifier.status.methods`), bound to this method's rules.
parse_entry = functools.partial(bitlist.parse_entry, SPEC)
read_list = functools.partial(bitlist.read_list, SPEC)
evaluate = functools.partial(bitlist.evaluate, SPEC)
