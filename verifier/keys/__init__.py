"""Public keys: Multikey / JWK / base58 / PEM key material and signature verification.

Public door of the package::

    public_jwk_from_method(method) -> dict        verification method object -> public JWK
    public_jwk(jwk) -> dict                       check and clean a JWK (refuses private members)
    load_public_key(jwk)                          public JWK -> cryptography public key
    verify_signature(jwk, alg, message, signature) -> None   raises InvalidSignature / UnsupportedCryptosuite
    decode_multikey / encode_multikey / multikey_to_jwk / multikey_from_public_key
    jwk_from_public_key / b64url_encode / b64url_decode

Errors: malformed key material -> :class:`verifier.errors.ResolutionError`; key types and algorithms we
do not implement -> :class:`verifier.errors.UnsupportedCryptosuite`; a signature that does not verify
-> :class:`verifier.errors.InvalidSignature`.
"""

from verifier.keys.jwk import (b64url_decode, b64url_encode, jwk_equal, jwk_from_public_key, load_public_key,
                               public_jwk)
from verifier.keys.method import KEY_MATERIAL_PROPERTIES, public_jwk_from_method
from verifier.keys.multikey import (CODEC_ED25519, CODEC_P256, CODEC_P384, CODEC_SECP256K1, decode_multikey,
                                    encode_multikey, multikey_from_public_key, multikey_to_jwk)
from verifier.keys.signature import MIN_RSA_BITS, SUPPORTED_ALGS, verify_signature

__all__ = [
    "CODEC_ED25519", "CODEC_P256", "CODEC_P384", "CODEC_SECP256K1", "KEY_MATERIAL_PROPERTIES", "MIN_RSA_BITS",
    "SUPPORTED_ALGS", "b64url_decode", "b64url_encode", "decode_multikey", "encode_multikey", "jwk_equal",
    "jwk_from_public_key", "load_public_key", "multikey_from_public_key", "multikey_to_jwk", "public_jwk",
    "public_jwk_from_method", "verify_signature",
]
