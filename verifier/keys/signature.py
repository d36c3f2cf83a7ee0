"""Signature verification by JOSE algorithm name (RFC 7518 §3, RFC 8037 §3.1, RFC 8812 §3.2).

=========  ==============  =========================================  ========
alg        key             signature                                  hash
=========  ==============  =========================================  ========
EdDSA      OKP Ed25519     64 bytes (RFC 8032 §5.1.6)                 -
Ed25519    OKP Ed25519     same (fully specified name, RFC 9864)      -
ES256      EC P-256        raw r||s, 64 bytes (RFC 7518 §3.4)         SHA-256
ES384      EC P-384        raw r||s, 96 bytes                         SHA-384
ES256K     EC secp256k1    raw r||s, 64 bytes (RFC 8812 §3.2)         SHA-256
RS256      RSA >= 2048     RSASSA-PKCS1-v1_5 (RFC 7518 §3.3)          SHA-256
PS256      RSA >= 2048     RSASSA-PSS, MGF1, salt 32 (RFC 7518 §3.5)  SHA-256
=========  ==============  =========================================  ========

The algorithm must match the key exactly: ES256 with a P-384 key is refused, never "adapted".
"""

from __future__ import annotations

from cryptography import exceptions as crypto_exceptions
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from verifier.errors import InvalidSignature, UnsupportedCryptosuite
from verifier.keys.jwk import load_public_key

__all__ = ["verify_signature", "SUPPORTED_ALGS", "MIN_RSA_BITS"]

MIN_RSA_BITS = 2048

# alg -> (kty, crv or None, hash class or None, raw signature length or None)
_ALGS: dict[str, tuple[str, str | None, type[hashes.HashAlgorithm] | None, int | None]] = {
    "EdDSA": ("OKP", "Ed25519", None, 64),
    "Ed25519": ("OKP", "Ed25519", None, 64),
    "ES256": ("EC", "P-256", hashes.SHA256, 64),
    "ES384": ("EC", "P-384", hashes.SHA384, 96),
    "ES256K": ("EC", "secp256k1", hashes.SHA256, 64),
    "RS256": ("RSA", None, hashes.SHA256, None),
    "PS256": ("RSA", None, hashes.SHA256, None),
}
SUPPORTED_ALGS = frozenset(_ALGS)


def verify_signature(jwk: dict, alg: str, message: bytes, signature: bytes) -> None:
    """Verify ``signature`` over ``message`` with the public key ``jwk`` under JOSE algorithm ``alg``.

    :param jwk: a public JWK (from :func:`verifier.keys.public_jwk_from_method` or a DID document).
    :param alg: a JOSE algorithm name from the table in the module docstring.
    :param message: the signed bytes (JWS signing input, or a Data Integrity hash data), bytes.
    :param signature: the signature bytes (raw r||s for ECDSA).
    :raises UnsupportedCryptosuite: an algorithm we do not implement (``none``, ``HS256``, ``ES512`` ...),
        a key type or curve we do not implement, or an RSA key shorter than 2048 bits.
    :raises InvalidSignature: the signature does not verify, has the wrong length, or the key cannot be
        used with ``alg`` (other key type or curve, or the JWK's ``alg``/``use``/``key_ops`` forbid it).
    :raises ResolutionError: the JWK is malformed or carries private members.
    """
    if not isinstance(alg, str) or alg not in _ALGS:
        raise UnsupportedCryptosuite(f"signature algorithm {alg!r} is not supported "
                                     f"({', '.join(sorted(_ALGS))})")
    kty, crv, hash_cls, sig_len = _ALGS[alg]
    key = load_public_key(jwk)
    if jwk.get("kty") != kty or (crv is not None and jwk.get("crv") != crv):
        have = " ".join(str(v) for v in (jwk.get("kty"), jwk.get("crv")) if v)
        need = " ".join(v for v in (kty, crv) if v)
        raise InvalidSignature(f"a {have} key cannot verify {alg} (needs {need})")
    _check_key_restrictions(jwk, alg)
    if sig_len is not None and len(signature) != sig_len:
        raise InvalidSignature(f"{alg} signature is {len(signature)} bytes, expected {sig_len}")
    try:
        if kty == "OKP":
            key.verify(signature, message)
        elif kty == "EC":
            half = sig_len // 2
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
            key.verify(der, message, ec.ECDSA(hash_cls()))
        else:
            _verify_rsa(key, alg, hash_cls, message, signature)
    except crypto_exceptions.InvalidSignature as exc:
        raise InvalidSignature(f"{alg} signature does not verify with the resolved key") from exc


def _verify_rsa(key: rsa.RSAPublicKey, alg: str, hash_cls, message: bytes, signature: bytes) -> None:
    if key.key_size < MIN_RSA_BITS:
        raise UnsupportedCryptosuite(f"RSA keys of {key.key_size} bits are refused (at least {MIN_RSA_BITS})")
    if alg == "PS256":
        pad = padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=hash_cls.digest_size)
    else:
        pad = padding.PKCS1v15()
    key.verify(signature, message, pad, hash_cls())


def _check_key_restrictions(jwk: dict, alg: str) -> None:
    """Honour the JWK's own ``alg``, ``use`` and ``key_ops`` (RFC 7517 §4.2-4.4)."""
    key_alg = jwk.get("alg")
    if key_alg is not None and key_alg != alg and {key_alg, alg} != {"EdDSA", "Ed25519"}:
        raise InvalidSignature(f"the key is restricted to {key_alg!r}, the signature uses {alg}")
    if jwk.get("use") not in (None, "sig"):
        raise InvalidSignature(f"the key is for use {jwk.get('use')!r}, not signatures")
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        raise InvalidSignature("the key's key_ops do not include 'verify'")
