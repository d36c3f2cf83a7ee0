"""did:key: the DID document is derived from the identifier itself (w3c-ccg did-method-key §3.1.2
"Read", "Document Creation Algorithm" and "Decode Public Key Algorithm").

``did:key:<multikey>`` with an Ed25519, P-256, P-384 or secp256k1 Multikey yields one ``Multikey``
verification method ``did:key:<multikey>#<multikey>`` listed under authentication, assertionMethod,
capabilityInvocation and capabilityDelegation. Legacy documents typed the Ed25519 key
``Ed25519VerificationKey2020``; the key material (``publicKeyMultibase``) is the same encoding.
"""

from __future__ import annotations


from verifier.did.syntax import parse_did
from verifier.errors import ResolutionError
from verifier.keys import multikey_to_jwk

__all__ = ["did_key_document", "did_key_method_id"]

SIGNING_RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation")


def did_key_method_id(did: str) -> str:
    """The id of the single verification method of a did:key: ``did + "#" + multikey``."""
    return f"{did}#{did[len('did:key:'):]}"


def did_key_document(did: str) -> dict:
    """Build the DID document of a did:key.

    :param did: ``did:key:z...`` (no fragment).
    :returns: the DID document (a fresh dict).
    :raises ResolutionError: not a did:key, not base58btc multibase, bad length or invalid point.
    :raises UnsupportedCryptosuite: a key type other than Ed25519, P-256, P-384 or secp256k1.
    """
    method, multikey = parse_did(did)
    if method != "key":
        raise ResolutionError(f"{did[:120]!r} is not a did:key")
    multikey_to_jwk(multikey)  # validates codec, length and point
    vm_id = did_key_method_id(did)
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}],
    }
    for rel in SIGNING_RELATIONSHIPS:
        doc[rel] = [vm_id]
    return doc
