"""Public JSON Web Keys: validation, cleaning and conversion to cryptography key objects.

Supported: OKP Ed25519 (RFC 8037 §2), EC P-256 / P-384 / secp256k1 (RFC 7518 §6.2, RFC 8812 §3.1),
RSA (RFC 7518 §6.3). A JWK carrying private members is refused: keys reach us from documents, never
with their secrets.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from verifier.errors import ResolutionError, UnsupportedCryptosuite

__all__ = ["b64url_decode", "b64url_encode", "public_jwk", "load_public_key", "jwk_from_public_key", "jwk_equal"]

# crv -> (cryptography curve class, coordinate length in bytes)
EC_CURVES: dict[str, tuple[type[ec.EllipticCurve], int]] = {
    "P-256": (ec.SECP256R1, 32),
    "P-384": (ec.SECP384R1, 48),
    "secp256k1": (ec.SECP256K1, 32),
}
_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp256k1": "secp256k1"}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_KEY_MEMBERS = {"OKP": ("crv", "x"), "EC": ("crv", "x", "y"), "RSA": ("n", "e")}
_KEPT_MEMBERS = ("alg", "use", "key_ops")
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(value: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2).

    :raises ValueError: not a string of the base64url alphabet, or an impossible length.
    """
    if not isinstance(value, str) or not _B64URL.match(value) or len(value) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc


def public_jwk(jwk: dict) -> dict:
    """Check a public JWK and return a clean copy holding only public members.

    Kept: ``kty``, the key members (``crv``/``x``/``y`` or ``n``/``e``) and ``alg``, ``use``, ``key_ops``
    (they restrict what the key may verify; :func:`verifier.keys.verify_signature` honours them).

    :param jwk: a JWK object (RFC 7517 §4).
    :returns: the cleaned public JWK.
    :raises ResolutionError: not an object, private members (``d`` ...), missing or malformed members,
        or a point that is not on its curve.
    :raises UnsupportedCryptosuite: a ``kty``/``crv`` we do not implement (``oct``, X25519, Ed448 ...).
    """
    if not isinstance(jwk, dict):
        raise ResolutionError("publicKeyJwk is not a JSON object")
    private = [m for m in _PRIVATE_MEMBERS if m in jwk]
    if private:
        raise ResolutionError(f"JWK carries private key member(s) {', '.join(private)}; refused")
    kty = jwk.get("kty")
    if kty not in _KEY_MEMBERS:
        raise UnsupportedCryptosuite(f"JWK key type {kty!r} is not supported (OKP, EC or RSA)")
    clean = {"kty": kty}
    for member in _KEY_MEMBERS[kty]:
        if not isinstance(jwk.get(member), str):
            raise ResolutionError(f"{kty} JWK lacks the string member {member!r}")
        clean[member] = jwk[member]
    for member in _KEPT_MEMBERS:
        if member in jwk:
            clean[member] = jwk[member]
    load_public_key(clean)  # validates lengths and curve membership
    return clean


def load_public_key(jwk: dict):
    """Return the cryptography public key of a public JWK.

    :param jwk: a public JWK (private members refused).
    :returns: ``Ed25519PublicKey``, ``EllipticCurvePublicKey`` or ``RSAPublicKey``.
    :raises ResolutionError: malformed members, private members or a point not on the curve.
    :raises UnsupportedCryptosuite: unsupported ``kty``/``crv``.
    """
    if not isinstance(jwk, dict):
        raise ResolutionError("JWK is not a JSON object")
    if any(m in jwk for m in _PRIVATE_MEMBERS):
        raise ResolutionError("JWK carries private key members; refused")
    members = tuple(jwk.get(m) for m in ("kty", "crv", "x", "y", "n", "e"))
    if not all(v is None or isinstance(v, str) for v in members):
        raise ResolutionError("JWK members kty, crv, x, y, n, e must be strings")
    return _load(*members)


@lru_cache(maxsize=1024)
def _load(kty, crv, x, y, n, e):
    try:
        if kty == "OKP":
            if crv != "Ed25519":
                raise UnsupportedCryptosuite(f"OKP curve {crv!r} is not supported (Ed25519 only)")
            raw = b64url_decode(x or "")
            if len(raw) != 32:
                raise ResolutionError(f"Ed25519 JWK x is {len(raw)} bytes, expected 32")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if kty == "EC":
            if crv not in EC_CURVES:
                raise UnsupportedCryptosuite(f"EC curve {crv!r} is not supported (P-256, P-384, secp256k1)")
            curve, size = EC_CURVES[crv]
            xb, yb = b64url_decode(x or ""), b64url_decode(y or "")
            if len(xb) != size or len(yb) != size:
                raise ResolutionError(f"{crv} JWK coordinates must be {size} bytes each")
            numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(xb, "big"), int.from_bytes(yb, "big"), curve())
            return numbers.public_key()
        if kty == "RSA":
            nb, eb = b64url_decode(n or ""), b64url_decode(e or "")
            if not nb or not eb:
                raise ResolutionError("RSA JWK n and e must be non-empty big-endian integers")
            return rsa.RSAPublicNumbers(int.from_bytes(eb, "big"), int.from_bytes(nb, "big")).public_key()
    except ValueError as exc:
        raise ResolutionError(f"{kty} JWK is malformed or not a valid public key") from exc
    raise UnsupportedCryptosuite(f"JWK key type {kty!r} is not supported (OKP, EC or RSA)")


def jwk_from_public_key(key) -> dict:
    """Return the public JWK of a cryptography Ed25519, EC (P-256, P-384, secp256k1) or RSA public key.

    :raises UnsupportedCryptosuite: any other key type or curve.
    """
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in _CURVE_NAMES:
        crv = _CURVE_NAMES[key.curve.name]
        size = EC_CURVES[crv][1]
        numbers = key.public_numbers()
        return {"kty": "EC", "crv": crv, "x": b64url_encode(numbers.x.to_bytes(size, "big")),
                "y": b64url_encode(numbers.y.to_bytes(size, "big"))}
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": b64url_encode(_int_bytes(numbers.n)), "e": b64url_encode(_int_bytes(numbers.e))}
    raise UnsupportedCryptosuite(f"{type(key).__name__} keys are not supported")


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")


def jwk_equal(a: dict, b: dict) -> bool:
    """True when two public JWKs hold the same key (key members only, RFC 7638 §3.2 members)."""
    members = ("kty", "crv", "x", "y", "n", "e")
    return json.dumps([a.get(m) for m in members]) == json.dumps([b.get(m) for m in members])
