"""The public key of a verification method object (DID Core §5.2, Controlled Identifiers 1.0 §2.2).

Key material forms read: ``publicKeyMultibase`` (Multikey, and the legacy Ed25519VerificationKey2020
form, which is the same multicodec encoding), ``publicKeyJwk`` (JsonWebKey / JsonWebKey2020 and others),
``publicKeyBase58`` (legacy Ed25519VerificationKey2018/2020, EcdsaSecp256k1VerificationKey2019) and
``publicKeyPem`` (SubjectPublicKeyInfo, as in OB 2.0 CryptographicKey). Exactly one must be present.
"""

from __future__ import annotations

import base58
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from verifier.errors import ResolutionError, UnsupportedCryptosuite
from verifier.keys.jwk import b64url_encode, jwk_from_public_key, public_jwk
from verifier.keys.multikey import multikey_to_jwk

__all__ = ["public_jwk_from_method", "KEY_MATERIAL_PROPERTIES"]

KEY_MATERIAL_PROPERTIES = ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58", "publicKeyPem")

# Method types that fix the key type: type -> allowed (kty, crv).
_TYPE_KEYS = {
    "Ed25519VerificationKey2018": {("OKP", "Ed25519")},
    "Ed25519VerificationKey2020": {("OKP", "Ed25519")},
    "EcdsaSecp256k1VerificationKey2019": {("EC", "secp256k1")},
    "EcdsaSecp256r1VerificationKey2019": {("EC", "P-256")},
}
# Key-agreement-only types: never a signing key.
_AGREEMENT_TYPES = frozenset({"X25519KeyAgreementKey2019", "X25519KeyAgreementKey2020"})
_MAX_BASE58_CHARS = 256


def public_jwk_from_method(method: dict) -> dict:
    """Return the public JWK of a verification method object.

    :param method: a verification method object with ``type`` and one key-material property.
    :returns: a public JWK (see :func:`verifier.keys.jwk.public_jwk`); never with private members.
    :raises ResolutionError: not an object, no or several key-material properties, malformed material,
        a private JWK (``d``), or material that contradicts the method ``type``.
    :raises UnsupportedCryptosuite: a key type we do not implement (X25519, BLS, Ed448 ...).
    """
    if not isinstance(method, dict):
        raise ResolutionError("verification method is not a JSON object")
    mtype = method.get("type")
    label = f"verification method {method.get('id')!r}"
    if mtype in _AGREEMENT_TYPES:
        raise UnsupportedCryptosuite(f"{label} is a {mtype} (key agreement), not a signing key")
    if "privateKeyMultibase" in method or "privateKeyJwk" in method or "privateKeyBase58" in method:
        raise ResolutionError(f"{label} publishes private key material; refused")
    present = [p for p in KEY_MATERIAL_PROPERTIES if p in method]
    if len(present) != 1:
        raise ResolutionError(f"{label} must carry exactly one of {', '.join(KEY_MATERIAL_PROPERTIES)}"
                              f" (found {len(present)})")
    prop = present[0]
    value = method[prop]
    if prop == "publicKeyJwk":
        jwk = public_jwk(value)
    elif prop == "publicKeyMultibase":
        jwk = multikey_to_jwk(value)
    elif prop == "publicKeyBase58":
        jwk = _base58_jwk(value, mtype, label)
    else:
        jwk = _pem_jwk(value, label)
    allowed = _TYPE_KEYS.get(mtype)
    if allowed is not None and (jwk["kty"], jwk.get("crv")) not in allowed:
        raise ResolutionError(f"{label} of type {mtype} holds a {jwk['kty']} {jwk.get('crv', '')} key")
    return jwk


def _base58_jwk(value, mtype, label: str) -> dict:
    """``publicKeyBase58``: raw Ed25519 (32 bytes) or a SEC1 secp256k1 point (33 or 65 bytes)."""
    if not isinstance(value, str) or not value or len(value) > _MAX_BASE58_CHARS:
        raise ResolutionError(f"{label} publicKeyBase58 is not a short string")
    try:
        raw = base58.b58decode(value)
    except ValueError as exc:
        raise ResolutionError(f"{label} publicKeyBase58 is not base58btc") from exc
    if mtype in ("Ed25519VerificationKey2018", "Ed25519VerificationKey2020"):
        if len(raw) != 32:
            raise ResolutionError(f"{label} Ed25519 publicKeyBase58 holds {len(raw)} bytes, expected 32")
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if mtype == "EcdsaSecp256k1VerificationKey2019":
        try:
            return jwk_from_public_key(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), raw))
        except ValueError as exc:
            raise ResolutionError(f"{label} publicKeyBase58 is not a secp256k1 point") from exc
    raise UnsupportedCryptosuite(f"{label}: publicKeyBase58 is not supported for type {mtype!r}")


def _pem_jwk(value, label: str) -> dict:
    """``publicKeyPem``: a PEM SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)."""
    if not isinstance(value, str) or "PRIVATE KEY" in value:
        raise ResolutionError(f"{label} publicKeyPem is not a public key PEM string")
    try:
        key = serialization.load_pem_public_key(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ResolutionError(f"{label} publicKeyPem cannot be read") from exc
    except UnsupportedAlgorithm as exc:
        raise UnsupportedCryptosuite(f"{label} publicKeyPem holds an unsupported key") from exc
    return public_jwk(jwk_from_public_key(key))
