"""did:jwk: the DID document is derived from a base64url-encoded JWK (did:jwk spec §2.3 "Read").

``did:jwk:<base64url(JSON JWK)>`` yields one ``JsonWebKey2020`` verification method ``did:jwk:...#0``.
A JWK with ``"use": "sig"`` is listed for signing relationships only, ``"use": "enc"`` for keyAgreement
only, otherwise for all five. A JWK carrying private members (``d`` ...) is refused.
"""

from __future__ import annotations

import json

from verifier.did.syntax import parse_did
from verifier.errors import ResolutionError
from verifier.keys import b64url_decode, public_jwk

__all__ = ["did_jwk_document", "did_jwk_method_id"]

_SIGNING = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")


def did_jwk_method_id(did: str) -> str:
    """The id of the single verification method of a did:jwk: ``did + "#0"``."""
    return f"{did}#0"


def did_jwk_document(did: str) -> dict:
    """Build the DID document of a did:jwk.

    :param did: ``did:jwk:eyJ...`` (no fragment).
    :returns: the DID document (a fresh dict).
    :raises ResolutionError: not a did:jwk, not base64url JSON, or a private / malformed JWK.
    :raises UnsupportedCryptosuite: a key type we do not implement.
    """
    method, encoded = parse_did(did)
    if method != "jwk":
        raise ResolutionError(f"{did[:120]!r} is not a did:jwk")
    try:
        jwk = json.loads(b64url_decode(encoded).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ResolutionError(f"{did[:120]!r} does not hold a base64url-encoded JSON JWK") from exc
    public_jwk(jwk)  # refuses private members, validates the key
    vm_id = did_jwk_method_id(did)
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": did,
        "verificationMethod": [{"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}],
    }
    use = jwk.get("use")
    if use != "enc":
        for rel in _SIGNING:
            doc[rel] = [vm_id]
    if use != "sig":
        doc["keyAgreement"] = [vm_id]
    return doc
