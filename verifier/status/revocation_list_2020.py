"""W3C CCG Revocation List 2020: ``RevocationList2020Status`` and ``RevocationList2020Credential``.

Older DCC credentials use it (vc-status-rl-2020 §2): ``revocationListIndex`` and
``revocationListCredential``; the purpose is always revocation; ``encodedList`` is base64url of GZIP.
Its JSON-LD context (``https://w3id.org/vc-revocation-list-2020/v1``) is not bundled: an operator
installs it (``ler-verifier contexts add``) before such credentials and lists can be expanded.
"""

from __future__ import annotations

import functools

from verifier.status import bitlist

NAME = "revocation_list_2020"
ENTRY_TYPE = "RevocationList2020Status"
UNSIGNED_LIST_ALLOWED = False

SPEC = bitlist.BitlistSpec(
    name=NAME, entry_type=ENTRY_TYPE, list_type="RevocationList2020Credential", subject_type="RevocationList2020",
    index_field="revocationListIndex", url_field="revocationListCredential",
    purposes=frozenset({"revocation"}), implicit_purpose="revocation")


#: The method's three functions (see :mod:`verifier.status.methods`), bound to this method's rules.
parse_entry = functools.partial(bitlist.parse_entry, SPEC)
read_list = functools.partial(bitlist.read_list, SPEC)
evaluate = functools.partial(bitlist.evaluate, SPEC)
