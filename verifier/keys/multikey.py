"""Multibase / multicodec public keys (``publicKeyMultibase``, did:key identifiers).

A Multikey value is ``'z'`` + base58btc( varint(codec) || key bytes ) (Controlled Identifiers 1.0
§2.2.2 "Multikey", did:key spec §3.1 "Format"). Supported codecs, all with compressed EC points:

=================  =======  =========  ===========
key                codec    varint     key bytes
=================  =======  =========  ===========
Ed25519            0xed     ``ed01``   32
P-256              0x1200   ``8024``   33
P-384              0x1201   ``8124``   49
secp256k1          0xe7     ``e701``   33
=================  =======  =========  ===========
"""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from verifier.errors import ResolutionError, UnsupportedCryptosuite
from verifier.keys.jwk import b64url_encode, jwk_from_public_key

__all__ = ["CODEC_ED25519", "CODEC_P256", "CODEC_P384", "CODEC_SECP256K1", "decode_multikey",
           "encode_multikey", "multikey_from_public_key", "multikey_to_jwk", "decode_varint", "encode_varint"]

CODEC_ED25519 = 0xED
CODEC_P256 = 0x1200
CODEC_P384 = 0x1201
CODEC_SECP256K1 = 0xE7

# codec -> (name, key length in bytes, EC curve or None for Ed25519)
_CODECS: dict[int, tuple[str, int, ec.EllipticCurve | None]] = {
    CODEC_ED25519: ("Ed25519", 32, None),
    CODEC_P256: ("P-256", 33, ec.SECP256R1()),
    CODEC_P384: ("P-384", 49, ec.SECP384R1()),
    CODEC_SECP256K1: ("secp256k1", 33, ec.SECP256K1()),
}
_MAX_MULTIBASE_CHARS = 256  # base58 decoding is quadratic; real keys are < 100 characters


def decode_varint(data: bytes) -> tuple[int, int]:
    """Decode an unsigned LEB128 varint (multiformats unsigned-varint, at most 9 bytes).

    :returns: (value, number of bytes consumed).
    :raises ResolutionError: when the varint is truncated, too long or not minimal.
    """
    value = 0
    for i, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if byte == 0 and i > 0:
                raise ResolutionError("multicodec varint is not minimally encoded")
            return value, i + 1
    raise ResolutionError("multicodec varint is truncated or longer than 9 bytes")


def encode_varint(value: int) -> bytes:
    """Encode a non-negative integer as an unsigned LEB128 varint."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def decode_multikey(value: str) -> tuple[int, bytes]:
    """Decode a ``z``-multibase multicodec public key.

    :param value: e.g. ``"z6Mk..."``.
    :returns: (codec, raw key bytes) with the key length checked for the codec.
    :raises ResolutionError: not base58btc multibase, bad varint or wrong key length.
    :raises UnsupportedCryptosuite: a codec other than Ed25519, P-256, P-384 or secp256k1 public keys.
    """
    if not isinstance(value, str) or not value.startswith("z") or len(value) > _MAX_MULTIBASE_CHARS:
        raise ResolutionError(f"{str(value)[:80]!r} is not a base58btc multibase value ('z' prefix)")
    try:
        data = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ResolutionError(f"{value[:80]!r} is not valid base58btc") from exc
    codec, used = decode_varint(data)
    if codec not in _CODECS:
        raise UnsupportedCryptosuite(f"multicodec 0x{codec:x} in {value[:80]!r} is not a supported public key type")
    name, length, _ = _CODECS[codec]
    key = data[used:]
    if len(key) != length:
        raise ResolutionError(f"{name} multikey {value[:80]!r} holds {len(key)} bytes, expected {length}")
    return codec, key


def encode_multikey(codec: int, key: bytes) -> str:
    """Return ``'z'`` + base58btc(varint(codec) || key)."""
    return "z" + base58.b58encode(encode_varint(codec) + key).decode("ascii")


def multikey_to_jwk(value: str) -> dict:
    """Decode a Multikey into a public JWK (RFC 7517; OKP per RFC 8037, EC per RFC 7518 §6.2).

    :raises ResolutionError: malformed value or an EC point that is not on the curve.
    :raises UnsupportedCryptosuite: unsupported codec.
    """
    codec, key = decode_multikey(value)
    name, _, curve = _CODECS[codec]
    if curve is None:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key)}
    if key[0] not in (2, 3):
        raise ResolutionError(f"{name} multikey {value[:80]!r} is not a compressed point")
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(curve, key)
    except ValueError as exc:
        raise ResolutionError(f"{name} multikey {value[:80]!r} is not a point on the curve") from exc
    return jwk_from_public_key(public)


def multikey_from_public_key(key) -> str:
    """Encode a cryptography Ed25519 or EC (P-256, P-384, secp256k1) public key as a Multikey.

    :raises UnsupportedCryptosuite: any other key type.
    """
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return encode_multikey(CODEC_ED25519, raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        by_curve = {"secp256r1": CODEC_P256, "secp384r1": CODEC_P384, "secp256k1": CODEC_SECP256K1}
        codec = by_curve.get(key.curve.name)
        if codec is not None:
            point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
            return encode_multikey(codec, point)
    raise UnsupportedCryptosuite(f"{type(key).__name__} cannot be encoded as a supported Multikey")
