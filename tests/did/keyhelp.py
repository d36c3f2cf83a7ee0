"""Test-only helpers: generate keys and sign with them the way each JOSE algorithm encodes signatures."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from verifier.keys import jwk_from_public_key

_EC = {"ES256": (ec.SECP256R1, hashes.SHA256, 32), "ES384": (ec.SECP384R1, hashes.SHA384, 48),
       "ES256K": (ec.SECP256K1, hashes.SHA256, 32)}


def new_key(alg: str, rsa_bits: int = 2048):
    """A fresh private key suited to ``alg``."""
    if alg in ("EdDSA", "Ed25519"):
        return ed25519.Ed25519PrivateKey.generate()
    if alg in _EC:
        return ec.generate_private_key(_EC[alg][0]())
    return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)


def sign(alg: str, key, message: bytes) -> bytes:
    """Sign ``message`` as JOSE ``alg`` does (raw r||s for ECDSA)."""
    if alg in ("EdDSA", "Ed25519"):
        return key.sign(message)
    if alg in _EC:
        _, hash_cls, size = _EC[alg]
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hash_cls())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "PS256":
        return key.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def public_jwk_of(key) -> dict:
    return jwk_from_public_key(key.public_key())
