"""Test issuers: keys generated in the test, and signers for each proof suite we verify.

Data Integrity / Linked Data signatures are produced here from the spec algorithms (Data
Integrity §4.2 "Add Proof") with cryptography; JWTs with joserfc. didkit, an independent
implementation, signs the VCDM 1.1 fixtures in tests that use it.
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
import warnings

from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jws import JWSRegistry
from joserfc.jwk import JWKRegistry

from verifier.keys.jwk import jwk_from_public_key
from verifier.keys.multikey import multikey_from_public_key
from verifier.options import ResourceConfig
from verifier.suites.embedded import verify_data
from verifier.suites.registry import SUITES

_CURVES = {"P-256": (ec.SECP256R1, hashes.SHA256, 32), "P-384": (ec.SECP384R1, hashes.SHA384, 48),
           "secp256k1": (ec.SECP256K1, hashes.SHA256, 32)}


@dataclass
class TestKey:
    """A generated key with its did:key identity."""

    private: Any
    kind: str  # "Ed25519", "P-256", "P-384", "secp256k1", "RSA"

    @property
    def public(self):
        return self.private.public_key()

    @property
    def did(self) -> str:
        return "did:key:" + multikey_from_public_key(self.public)

    @property
    def vm(self) -> str:
        return f"{self.did}#{self.did.split(':')[-1]}"

    @property
    def public_jwk(self) -> dict:
        return jwk_from_public_key(self.public)

    @property
    def did_jwk(self) -> str:
        raw = json.dumps(self.public_jwk, separators=(",", ":")).encode()
        return "did:jwk:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def sign(self, data: bytes, alg: str | None = None) -> bytes:
        """Raw signature: Ed25519, ECDSA r||s (IEEE P1363) or RSA (PKCS#1 v1.5 / PSS)."""
        if self.kind == "Ed25519":
            return self.private.sign(data)
        if self.kind == "RSA":
            if alg == "PS256":
                return self.private.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        _, hash_cls, size = _CURVES[self.kind]
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hash_cls())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def private_jwk(self) -> dict:
        pem = self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        kty = {"Ed25519": "OKP", "RSA": "RSA"}.get(self.kind, "EC")
        return JWKRegistry.import_key(pem, kty).as_dict(private=True)


def new_key(kind: str = "Ed25519") -> TestKey:
    """Generate a key: ``Ed25519``, ``P-256``, ``P-384``, ``secp256k1`` or ``RSA``."""
    if kind == "Ed25519":
        return TestKey(ed25519.Ed25519PrivateKey.generate(), kind)
    if kind == "RSA":
        return TestKey(rsa.generate_private_key(public_exponent=65537, key_size=2048), kind)
    return TestKey(ec.generate_private_key(_CURVES[kind][0]()), kind)


def sign_ldp(document: dict, key: TestKey, *, suite: str = "eddsa-rdfc-2022", vm: str | None = None,
             purpose: str = "assertionMethod", created: str = "2026-01-01T00:00:00Z",
             resources: ResourceConfig | None = None, extra: dict | None = None, proof_id: str | None = None,
             previous: list[dict] | None = None) -> dict:
    """Return ``document`` with one more proof of ``suite`` by ``key`` (Data Integrity §4.2 Add Proof)."""
    resources = resources or ResourceConfig()
    doc = copy.deepcopy(document)
    s = SUITES.get(("DataIntegrityProof", suite)) or SUITES[(suite, None)]
    proof = {"type": s.proof_type, "created": created, "verificationMethod": vm or key.vm, "proofPurpose": purpose}
    if s.proof_type == "DataIntegrityProof":
        proof["cryptosuite"] = suite
    if proof_id:
        proof["id"] = proof_id
    if previous:
        proof["previousProof"] = previous[0]["id"] if len(previous) == 1 else [p["id"] for p in previous]
    proof.update(extra or {})
    hash_name = "sha384" if key.kind == "P-384" and s.proof_type == "DataIntegrityProof" else "sha256"
    data = verify_data(doc, proof, previous or [], s, hash_name, resources, 200_000)
    if s.signature == "multibase":
        proof["proofValue"] = "z" + base58.b58encode(key.sign(data)).decode()
    else:
        alg = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "secp256k1": "ES256K"}[key.kind]
        header = base64.urlsafe_b64encode(json.dumps({"alg": alg, "b64": False, "crit": ["b64"]}).encode()).rstrip(b"=")
        sig = key.sign(header + b"." + data)
        proof["jws"] = header.decode() + ".." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()
    existing = doc.get("proof")
    if existing is None:
        doc["proof"] = proof
    else:
        doc["proof"] = (existing if isinstance(existing, list) else [existing]) + [proof]
    return doc


def sign_jwt(payload: dict, key: TestKey, *, alg: str | None = None, kid: str | None = "default",
             typ: str | None = None, header: dict | None = None) -> str:
    """Sign a compact JWS over ``payload`` (RFC 7515) with joserfc."""
    alg = alg or {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "secp256k1": "ES256K", "RSA": "RS256"}[key.kind]
    protected = {"alg": alg}
    if kid == "default":
        protected["kid"] = key.vm
    elif kid is not None:
        protected["kid"] = kid
    if typ:
        protected["typ"] = typ
    protected.update(header or {})
    jwk = JWKRegistry.import_key(key.private_jwk())
    registry = JWSRegistry(algorithms=[alg])
    registry.max_header_length = 8192
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # RFC 9864 deprecates the name EdDSA
        return jws.serialize_compact(protected, json.dumps(payload).encode(), jwk, registry=registry)
