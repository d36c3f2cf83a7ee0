"""Key material decoding and signature verification (verifier.keys)."""

from __future__ import annotations

import json

import base58
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519

from tests.did.keyhelp import new_key, public_jwk_of, sign
from tests.conftest import VECTORS
from verifier.errors import InvalidSignature, ResolutionError, UnsupportedCryptosuite, VerificationFailed
from verifier.keys import (CODEC_ED25519, CODEC_P256, CODEC_P384, CODEC_SECP256K1, b64url_encode, decode_multikey,
                           encode_multikey, load_public_key, multikey_from_public_key, multikey_to_jwk, public_jwk,
                           public_jwk_from_method, verify_signature)

MESSAGE = b"the signed bytes"
ALGS = ["EdDSA", "Ed25519", "ES256", "ES384", "ES256K", "RS256", "PS256"]


@pytest.fixture(scope="module")
def keys():
    """One private key per algorithm (RSA generation is slow: once per module)."""
    made = {alg: new_key(alg) for alg in ALGS if alg != "PS256"}
    made["PS256"] = made["RS256"]
    return made


# -- verify_signature ------------------------------------------------------------------------------

@pytest.mark.parametrize("alg", ALGS)
def test_every_alg_verifies_and_detects_tampering(keys, alg):
    jwk = public_jwk_of(keys[alg])
    signature = sign(alg, keys[alg], MESSAGE)
    verify_signature(jwk, alg, MESSAGE, signature)
    with pytest.raises(InvalidSignature):
        verify_signature(jwk, alg, MESSAGE + b"!", signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(InvalidSignature):
        verify_signature(jwk, alg, MESSAGE, flipped)


@pytest.mark.parametrize("alg, key_alg", [
    ("ES256", "ES384"), ("ES384", "ES256"), ("ES256", "ES256K"), ("ES256K", "ES256"),
    ("EdDSA", "ES256"), ("ES256", "EdDSA"), ("RS256", "ES256"), ("PS256", "EdDSA"), ("ES384", "RS256"),
])
def test_alg_must_match_the_key_exactly(keys, alg, key_alg):
    jwk = public_jwk_of(keys[key_alg])
    with pytest.raises(InvalidSignature, match=f"cannot verify {alg}"):
        verify_signature(jwk, alg, MESSAGE, sign(key_alg, keys[key_alg], MESSAGE))


def test_rs256_signature_does_not_pass_as_ps256(keys):
    jwk = public_jwk_of(keys["RS256"])
    with pytest.raises(InvalidSignature):
        verify_signature(jwk, "PS256", MESSAGE, sign("RS256", keys["RS256"], MESSAGE))


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512", "RS512", "eddsa", "", None])
def test_unsupported_algs_are_refused(keys, alg):
    with pytest.raises(UnsupportedCryptosuite):
        verify_signature(public_jwk_of(keys["EdDSA"]), alg, MESSAGE, b"")


def test_hs256_with_a_symmetric_key_is_refused():
    with pytest.raises(UnsupportedCryptosuite):
        verify_signature({"kty": "oct", "k": "c2VjcmV0"}, "HS256", MESSAGE, b"x" * 32)


def test_short_rsa_key_is_refused():
    key = new_key("RS256", rsa_bits=1024)
    with pytest.raises(UnsupportedCryptosuite, match="1024 bits"):
        verify_signature(public_jwk_of(key), "RS256", MESSAGE, sign("RS256", key, MESSAGE))


@pytest.mark.parametrize("alg, length", [("ES256", 63), ("ES256", 72), ("ES384", 64), ("EdDSA", 63)])
def test_wrong_signature_length(keys, alg, length):
    with pytest.raises(InvalidSignature, match="bytes, expected"):
        verify_signature(public_jwk_of(keys[alg]), alg, MESSAGE, b"\x01" * length)


def test_der_encoded_ecdsa_signature_is_not_accepted(keys):
    der = keys["ES256"].sign(MESSAGE, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        verify_signature(public_jwk_of(keys["ES256"]), "ES256", MESSAGE, der)


@pytest.mark.parametrize("restriction", [{"alg": "ES384"}, {"use": "enc"}, {"key_ops": ["encrypt"]}])
def test_jwk_restrictions_are_honoured(keys, restriction):
    jwk = {**public_jwk_of(keys["ES256"]), **restriction}
    with pytest.raises(InvalidSignature):
        verify_signature(jwk, "ES256", MESSAGE, sign("ES256", keys["ES256"], MESSAGE))


def test_jwk_alg_eddsa_accepts_fully_specified_ed25519(keys):
    jwk = {**public_jwk_of(keys["EdDSA"]), "alg": "EdDSA"}
    verify_signature(jwk, "Ed25519", MESSAGE, sign("EdDSA", keys["EdDSA"], MESSAGE))


def test_invalid_signature_is_a_verification_failure():
    assert issubclass(InvalidSignature, VerificationFailed)


# -- JWKs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi"])
def test_jwk_with_private_members_is_refused(keys, member):
    jwk = {**public_jwk_of(keys["ES256"]), member: "AAAA"}
    with pytest.raises(ResolutionError, match="private"):
        public_jwk(jwk)
    with pytest.raises(ResolutionError, match="private"):
        load_public_key(jwk)
    with pytest.raises(ResolutionError, match="private"):
        verify_signature(jwk, "ES256", MESSAGE, b"\0" * 64)


def test_public_jwk_keeps_only_public_members(keys):
    jwk = {**public_jwk_of(keys["ES256"]), "kid": "k1", "x5c": ["..."], "alg": "ES256", "use": "sig"}
    clean = public_jwk(jwk)
    assert set(clean) == {"kty", "crv", "x", "y", "alg", "use"}


@pytest.mark.parametrize("jwk, error", [
    ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, ResolutionError),  # wrong lengths
    ({"kty": "EC", "crv": "P-256", "x": b64url_encode(b"\1" * 32), "y": b64url_encode(b"\2" * 32)},
     ResolutionError),  # not on the curve
    ({"kty": "EC", "crv": "P-256", "x": "not base64!", "y": "AAAA"}, ResolutionError),
    ({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(b"\1" * 31)}, ResolutionError),
    ({"kty": "OKP", "crv": "Ed25519"}, ResolutionError),
    ({"kty": "OKP", "crv": "X25519", "x": b64url_encode(b"\1" * 32)}, UnsupportedCryptosuite),
    ({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}, UnsupportedCryptosuite),
    ({"kty": "oct", "k": "AAAA"}, ResolutionError),  # carries the secret member k
    ({"kty": "RSA", "n": "", "e": "AQAB"}, ResolutionError),
    ("not a jwk", ResolutionError),
])
def test_malformed_jwks(jwk, error):
    with pytest.raises(error):
        public_jwk(jwk)


# -- Multikey ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("alg, codec, prefix", [
    ("EdDSA", CODEC_ED25519, "z6Mk"), ("ES256", CODEC_P256, "zDna"), ("ES384", CODEC_P384, "z82L"),
    ("ES256K", CODEC_SECP256K1, "zQ3s"),
])
def test_multikey_round_trip(keys, alg, codec, prefix):
    multikey = multikey_from_public_key(keys[alg].public_key())
    assert multikey.startswith(prefix)
    assert decode_multikey(multikey)[0] == codec
    assert multikey_to_jwk(multikey) == public_jwk_of(keys[alg])


@pytest.mark.parametrize("value, error, message", [
    ("6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", ResolutionError, "'z' prefix"),
    ("z0OIl", ResolutionError, "base58btc"),
    (encode_multikey(CODEC_ED25519, b"\1" * 31), ResolutionError, "expected 32"),
    (encode_multikey(CODEC_P256, b"\4" + b"\1" * 32), ResolutionError, "compressed"),
    (encode_multikey(CODEC_P256, b"\2" + b"\xff" * 32), ResolutionError, "not a point"),
    (encode_multikey(0xEC, b"\1" * 32), UnsupportedCryptosuite, "0xec"),  # X25519
    ("z" + base58.b58encode(b"\xed").decode(), ResolutionError, "truncated"),
    ("z" + "1" * 300, ResolutionError, "multibase"),
])
def test_malformed_multikeys(value, error, message):
    with pytest.raises(error, match=message):
        multikey_to_jwk(value)


def test_uncompressed_p256_multikey_is_refused(keys):
    point = keys["ES256"].public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
    with pytest.raises(ResolutionError, match="holds 65 bytes"):
        multikey_to_jwk(encode_multikey(CODEC_P256, point))


def test_w3c_published_public_keys_match_their_private_keys():
    """The W3C vc-di-eddsa / vc-di-ecdsa test key pairs: the decoded public key is the private key's."""
    if not (VECTORS / "keys").is_dir():
        pytest.skip(f"the corpus is absent at {VECTORS} (set LER_VECTORS)")
    pairs = [json.loads((VECTORS / p).read_text()) for p in (
        "keys/w3c-vc-di-eddsa/keyPair.json", "keys/w3c-vc-di-ecdsa/p256KeyPair.json",
        "keys/w3c-vc-di-ecdsa/p384KeyPair.json")]
    pairs += list(json.loads((VECTORS / "keys/w3c-vc-di-eddsa/multiKeyPairs.json").read_text()).values())
    for pair in pairs:
        secret = base58.b58decode((pair.get("privateKeyMultibase") or pair["secretKeyMultibase"])[1:])
        prefix, raw = secret[:2], secret[2:]
        if prefix == bytes.fromhex("8026"):
            private = ed25519.Ed25519PrivateKey.from_private_bytes(raw)
        else:
            curve = {bytes.fromhex("8626"): ec.SECP256R1(), bytes.fromhex("8726"): ec.SECP384R1()}[prefix]
            private = ec.derive_private_key(int.from_bytes(raw, "big"), curve)
        assert multikey_to_jwk(pair["publicKeyMultibase"]) == public_jwk_of(private)
        assert multikey_from_public_key(private.public_key()) == pair["publicKeyMultibase"]


# -- key material of verification methods -----------------------------------------------------------

def test_publickeybase58_legacy_ed25519(keys):
    raw = keys["EdDSA"].public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    for mtype in ("Ed25519VerificationKey2018", "Ed25519VerificationKey2020"):
        method = {"id": "did:example:1#k", "type": mtype, "publicKeyBase58": base58.b58encode(raw).decode()}
        assert public_jwk_from_method(method) == public_jwk_of(keys["EdDSA"])


def test_publickeybase58_secp256k1(keys):
    point = keys["ES256K"].public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.CompressedPoint)
    method = {"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyBase58": base58.b58encode(point).decode()}
    assert public_jwk_from_method(method) == public_jwk_of(keys["ES256K"])


def test_publickeybase58_of_other_types_is_unsupported():
    with pytest.raises(UnsupportedCryptosuite):
        public_jwk_from_method({"type": "Bls12381G2Key2020", "publicKeyBase58": "2" * 40})


def test_legacy_ed25519verificationkey2020_multibase(keys):
    multikey = multikey_from_public_key(keys["EdDSA"].public_key())
    method = {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": multikey}
    assert public_jwk_from_method(method) == public_jwk_of(keys["EdDSA"])


def test_publickeyjwk_method(keys):
    method = {"type": "JsonWebKey2020", "publicKeyJwk": {**public_jwk_of(keys["ES384"]), "kid": "x"}}
    assert public_jwk_from_method(method) == public_jwk_of(keys["ES384"])


def test_publickeyjwk_with_d_is_refused(keys):
    private = keys["ES256"].private_numbers().private_value.to_bytes(32, "big")
    method = {"type": "JsonWebKey2020", "publicKeyJwk": {**public_jwk_of(keys["ES256"]), "d": b64url_encode(private)}}
    with pytest.raises(ResolutionError, match="private"):
        public_jwk_from_method(method)


def test_publickeypem_ob2_cryptographic_key():
    path = VECTORS / "resources/1edtech-ob20/key1.json"
    if not path.is_file():
        pytest.skip(f"the corpus is absent at {VECTORS} (set LER_VECTORS)")
    jwk = public_jwk_from_method(json.loads(path.read_text()))
    assert jwk["kty"] == "RSA" and jwk["e"] == "AQAB"


@pytest.mark.parametrize("method, error, message", [
    ({"type": "Multikey"}, ResolutionError, "exactly one"),
    ({"type": "Multikey", "publicKeyMultibase": "z6Mk", "publicKeyJwk": {}}, ResolutionError, "exactly one"),
    ({"type": "Multikey", "publicKeyMultibase": "x", "privateKeyMultibase": "z"}, ResolutionError, "private"),
    ({"type": "X25519KeyAgreementKey2020", "publicKeyMultibase": "z6LS"}, UnsupportedCryptosuite, "key agreement"),
    ({"type": "Multikey", "publicKeyPem": "-----BEGIN PRIVATE KEY-----"}, ResolutionError, "PEM"),
    ({"type": "Multikey", "publicKeyPem": "garbage"}, ResolutionError, "cannot be read"),
    ("not an object", ResolutionError, "not a JSON object"),
])
def test_malformed_methods(method, error, message):
    with pytest.raises(error, match=message):
        public_jwk_from_method(method)


def test_method_type_must_match_key_material(keys):
    method = {"type": "Ed25519VerificationKey2020",
              "publicKeyMultibase": multikey_from_public_key(keys["ES256"].public_key())}
    with pytest.raises(ResolutionError, match="holds a EC P-256 key"):
        public_jwk_from_method(method)


def test_x25519_pem_is_unsupported():
    pem = x25519.X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(UnsupportedCryptosuite):
        public_jwk_from_method({"type": "CryptographicKey", "publicKeyPem": pem})
