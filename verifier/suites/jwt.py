"""VC-JWT / VP-JWT signature verification (VC-JWT 1.1 §6.3, VC-JOSE-COSE §3.1.1, RFC 7515 §5.2).

The algorithm is taken from the header and must be on our list; ``none`` and HMAC algorithms
are refused outright (RFC 8725 §3.1-3.2). The key comes from the issuer's DID or controller
document (resolved by the caller), never from the header's ``jwk`` alone.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from typing import Any

from joserfc import jws
from joserfc.jws import JWSRegistry
from joserfc.errors import BadSignatureError, JoseError, SecurityWarning
from joserfc.jwk import JWKRegistry

from verifier import constants as C
from verifier.errors import InvalidProof, InvalidSignature, UnsupportedCryptosuite

#: JWS algorithms we verify (issue 2), with the key type each needs (RFC 7518 §3.1, RFC 8037, RFC 8812).
ALGORITHMS: dict[str, tuple[str, str | None]] = {
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),  # RFC 9864 fully-specified name
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES256K": ("EC", "secp256k1"),
    "RS256": ("RSA", None),
    "PS256": ("RSA", None),
}


def check_algorithm(header: dict[str, Any]) -> str:
    """Return the header's ``alg`` if we accept it.

    :raises InvalidProof: ``alg`` missing, ``none`` or an HMAC algorithm (refused: CRYPTOGRAPHIC_SECURITY_ERROR).
    :raises UnsupportedCryptosuite: another algorithm we do not implement.
    """
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise InvalidProof("the JWT header has no alg", pointer="/alg")
    if alg.lower() == "none" or alg.upper().startswith("HS"):
        raise InvalidProof(f"JWT alg {alg} is refused: unsigned and shared-secret tokens are not verifiable credentials",
                           problem_code=C.PROBLEM_CRYPTOGRAPHIC_SECURITY_ERROR, pointer="/alg")
    if alg not in ALGORITHMS:
        raise UnsupportedCryptosuite(f"JWT alg {alg} is not supported (supported: {', '.join(ALGORITHMS)})")
    return alg


#: ``crit`` header parameters we understand (RFC 7515 §4.1.11): none -- we implement no JWS extension.
UNDERSTOOD_CRITICAL: frozenset[str] = frozenset()


def check_critical(header: dict[str, Any]) -> None:
    """RFC 7515 §4.1.11: a ``crit`` header lists extensions the recipient must understand, or reject the JWS.

    :raises InvalidProof: ``crit`` is present and malformed (not a non-empty list of strings) or names an
        extension we do not understand.
    """
    if "crit" not in header:
        return
    crit = header["crit"]
    if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
        raise InvalidProof("the JWT header crit must be a non-empty list of header names (RFC 7515 §4.1.11)",
                           pointer="/crit")
    unknown = [c for c in crit if c not in UNDERSTOOD_CRITICAL]
    if unknown:
        raise InvalidProof(f"the JWT header marks {', '.join(map(repr, unknown))} critical, which this verifier "
                           "does not understand (RFC 7515 §4.1.11): the JWT is refused", pointer="/crit")


#: Largest protected header we read, bytes: a did:jwk RSA ``kid`` alone is ~600 bytes.
MAX_HEADER_BYTES = 8192
#: Largest payload we read, bytes (the presented-body limit applies before this).
MAX_PAYLOAD_BYTES = 10_000_000


def _registry(alg: str) -> JWSRegistry:
    """A joserfc registry that accepts exactly ``alg``, with our size limits instead of joserfc's defaults."""
    registry = JWSRegistry(algorithms=[alg])
    registry.max_header_length = MAX_HEADER_BYTES
    registry.max_payload_length = MAX_PAYLOAD_BYTES
    return registry


@lru_cache(maxsize=1024)
def _import_key(jwk_json: str):
    """joserfc key for a public JWK, memoised: a loaded key object keeps its decoded point, which makes
    repeated verifications by one issuer several times cheaper."""
    return JWKRegistry.import_key(json.loads(jwk_json))


def verify_compact(compact: str, public_jwk: dict[str, Any], alg: str) -> None:
    """Verify a compact JWS with ``public_jwk``, accepting exactly ``alg``.

    :param compact: the compact serialization (RFC 7515 §7.1).
    :param public_jwk: the resolved public key (RFC 7517).
    :param alg: the algorithm from :func:`check_algorithm`; the key must be of its type.
    :raises InvalidSignature: the signature does not verify.
    :raises InvalidProof: the key does not fit ``alg`` or the token is malformed.
    """
    kty, crv = ALGORITHMS[alg]
    if public_jwk.get("kty") != kty or (crv is not None and public_jwk.get("crv") != crv):
        raise InvalidProof(f"JWT alg {alg} needs a {kty} {crv or ''} key; the issuer's key is "
                           f"{public_jwk.get('kty')} {public_jwk.get('crv', '')}".rstrip())
    try:
        key = _import_key(json.dumps(public_jwk, sort_keys=True))
        with warnings.catch_warnings():
            # RFC 9864 deprecates the name "EdDSA"; VC-JWT issuers still use it, and we verify it on purpose.
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(compact, key, registry=_registry(alg))
    except BadSignatureError as exc:
        raise InvalidSignature(f"the JWT signature ({alg}) does not verify") from exc
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidProof(f"the JWT could not be verified with {alg}: {type(exc).__name__}") from exc
