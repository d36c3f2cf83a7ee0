"""Published W3C cryptosuite vectors verify end to end with our canonical form: the signature is
over ``H(canonical proof config) || H(canonical document)`` (vc-di-eddsa §3.3, vc-di-ecdsa §3.3), so a
verifying signature proves our RDFC-1.0 output is byte-for-byte the issuer's."""

from __future__ import annotations

import hashlib

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.jsonld.conftest import load_vector
from verifier import jsonld

# multicodec prefixes (varint) of did:key public keys
ED25519, P256, P384 = b"\xed\x01", b"\x80\x24", b"\x81\x24"


def did_key_bytes(verification_method: str, prefix: bytes) -> bytes:
    """The raw public key of a did:key verification method (base58btc multikey)."""
    multikey = verification_method.split("#", 1)[1]
    assert multikey.startswith("z")
    raw = base58.b58decode(multikey[1:])
    assert raw.startswith(prefix)
    return raw[len(prefix):]


def hash_data(doc: dict, resources, digest: str, rdfc: str | None = None) -> tuple[bytes, dict]:
    """Data Integrity "hashing": H(proof config with the document's @context) || H(document).

    :param digest: H; :param rdfc: the hash RDFC-1.0 labels blank nodes with (default: ``digest``).
    """
    doc = dict(doc)
    proof = doc.pop("proof")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = doc["@context"]
    parts = [jsonld.canonicalize(d, resources=resources, hash_algorithm=rdfc or digest) for d in (config, doc)]
    return b"".join(hashlib.new(digest, p.encode("utf-8")).digest() for p in parts), proof


def test_eddsa_alumni_canonical_hashes(corpus, with_corpus_contexts):
    doc = load_vector(corpus, "w3c-vc-di-eddsa/eddsa-rdfc-2022-alumni.json")
    data, _ = hash_data(doc, with_corpus_contexts, "sha256")
    assert data.hex() == ("bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
                          "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017")


@pytest.mark.parametrize("name", ["eddsa-rdfc-2022-alumni.json", "eddsa-rdfc-2022-employment-auth.json"])
def test_eddsa_rdfc_2022_vectors_verify(corpus, with_corpus_contexts, name):
    doc = load_vector(corpus, f"w3c-vc-di-eddsa/{name}")
    data, proof = hash_data(doc, with_corpus_contexts, "sha256")
    key = Ed25519PublicKey.from_public_bytes(did_key_bytes(proof["verificationMethod"], ED25519))
    key.verify(base58.b58decode(proof["proofValue"][1:]), data)
    tampered = dict(doc, name="Tampered")
    data, _ = hash_data(tampered, with_corpus_contexts, "sha256")
    with pytest.raises(InvalidSignature):
        key.verify(base58.b58decode(proof["proofValue"][1:]), data)


def _ecdsa_verify(doc: dict, resources, curve, prefix: bytes, digest: str, rdfc: str) -> None:
    data, proof = hash_data(doc, resources, digest, rdfc)
    key = ec.EllipticCurvePublicKey.from_encoded_point(curve, did_key_bytes(proof["verificationMethod"], prefix))
    raw = base58.b58decode(proof["proofValue"][1:])
    half = len(raw) // 2
    signature = encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
    key.verify(signature, data, ec.ECDSA(hashes.SHA384() if digest == "sha384" else hashes.SHA256()))


def test_ecdsa_rdfc_2019_p384_needs_sha384_canonicalization(corpus, with_corpus_contexts):
    """vc-di-ecdsa §3.2.4: with P-384, RDFC-1.0 itself uses SHA-384. This vector has blank nodes,
    so labelling them with SHA-256 yields other N-Quads and the signature fails."""
    doc = load_vector(corpus, "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384-employment-auth.json")
    _ecdsa_verify(doc, with_corpus_contexts, ec.SECP384R1(), P384, "sha384", "sha384")
    with pytest.raises(InvalidSignature):
        _ecdsa_verify(doc, with_corpus_contexts, ec.SECP384R1(), P384, "sha384", "sha256")


def test_ecdsa_rdfc_2019_p256_verifies(corpus, with_corpus_contexts):
    doc = load_vector(corpus, "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256-employment-auth.json")
    _ecdsa_verify(doc, with_corpus_contexts, ec.SECP256R1(), P256, "sha256", "sha256")
