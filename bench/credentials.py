"""The credentials the core, peer and scaling benchmarks verify, and the floor of each.

Every builder returns a *fresh* credential (a new ``id``, so a new signature): verifying it is cold
for the process. Keys are our test keys (``tests/signing.py``); did:key issuers, so no network.

The floor (issue 10): what a proof costs at the least -- for an RDF-canonicalised Data Integrity
proof, SHA-256 of the canonical proof configuration and of the canonical document plus one raw
signature verification with a preloaded key, on the same bytes (computed beforehand); for
eddsa-jcs-2022, the same over the JCS bytes; for a JWT, the raw verification of its signing input.
A CLR's floor is the sum over its proofs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import base58  # noqa: E402
import rfc8785  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402

from bench.bench_signed_meaning import realistic  # noqa: E402
from tests.conftest import VECTORS  # noqa: E402  (LER_VECTORS, else ../shared/vectors)
from tests.core.credentials import OB3, VC1, VC2, vc11_credential  # noqa: E402
from tests.signing import TestKey, new_key, sign_jwt, sign_ldp  # noqa: E402
from verifier import jsonld  # noqa: E402
from verifier.contexts import install_context  # noqa: E402
from verifier.options import ResourceConfig  # noqa: E402

CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def clr_data_dir() -> Path | None:
    """A scratch data directory with the CLR 2.0 context installed from the corpus (None when absent)."""
    source = VECTORS / "contexts" / "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
    if not source.is_file():
        return None
    data_dir = Path(tempfile.mkdtemp(prefix="ler-bench-data-"))
    install_context(CLR, source, data_dir)
    return data_dir


@dataclass
class Kind:
    """One credential kind: a builder of fresh signed credentials and the floor of one."""

    name: str
    make: Callable[[], Any]  # -> dict (JSON-LD) or str (JWT)
    floor: Callable[[Any], Callable[[], None]]  # credential -> a zero-argument floor run
    resources: ResourceConfig


def _raw_verifier(key: TestKey, alg: str | None = None) -> Callable[[bytes, bytes], None]:
    public = key.private.public_key()
    if key.kind == "Ed25519":
        return lambda sig, data: public.verify(sig, data)
    if key.kind == "RSA":
        return lambda sig, data: public.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
    size = 32 if key.kind == "P-256" else 48
    algorithm = ec.ECDSA(hashes.SHA256() if size == 32 else hashes.SHA384())

    def verify(sig: bytes, data: bytes) -> None:
        der = encode_dss_signature(int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big"))
        public.verify(der, data, algorithm)
    return verify


def di_floor_parts(doc: dict, resources: ResourceConfig) -> list[tuple[bytes, bytes, bytes]]:
    """For each Data Integrity proof of ``doc`` (nested ones not included): (canonical config,
    canonical document, signature), computed beforehand."""
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    parts = []
    for proof in proofs:
        config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
        if proof.get("cryptosuite", "").endswith("jcs-2022") or proof.get("cryptosuite", "").endswith("jcs-2019"):
            canon = rfc8785.dumps(config), rfc8785.dumps(unsecured)
        else:
            canon = (jsonld.canonicalize(config, resources=resources).encode(),
                     jsonld.canonicalize(unsecured, resources=resources).encode())
        parts.append((*canon, base58.b58decode(proof["proofValue"][1:])))
    return parts


def quad_count(doc: dict, resources: ResourceConfig) -> int:
    """Quads of the unsecured document (nested credentials' quads included)."""
    return jsonld.canonicalize({k: v for k, v in doc.items() if k != "proof"}, resources=resources).count("\n")


def _di_kind(name: str, key: TestKey, suite: str, make_doc: Callable[[], dict], resources: ResourceConfig) -> Kind:
    raw = _raw_verifier(key)

    def floor(doc: dict) -> Callable[[], None]:
        parts = di_floor_parts(doc, resources)

        def run() -> None:
            for config, canon, sig in parts:
                raw(sig, hashlib.sha256(config).digest() + hashlib.sha256(canon).digest())
        return run
    return Kind(name, lambda: sign_ldp(make_doc(), key, suite=suite, resources=resources), floor, resources)


def _jwt_kind(name: str, key: TestKey, make_doc: Callable[[], dict], kid: str = "default") -> Kind:
    raw = _raw_verifier(key)

    def floor(token: str) -> Callable[[], None]:
        header, payload, sig = token.split(".")
        signing_input = f"{header}.{payload}".encode()
        signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        return lambda: raw(signature, signing_input)
    return Kind(name, lambda: sign_jwt(make_doc(), key, typ="vc+jwt", kid=kid), floor, ResourceConfig())


def clr_kind(key: TestKey, badges: int, data_dir: Path) -> Kind:
    """A CLR 2.0 ClrCredential holding ``badges`` signed OB 3.0 badges, itself signed: badges + 1 proofs."""
    resources = ResourceConfig(data_dir=data_dir)
    raw = _raw_verifier(key)

    def make() -> dict:
        inner = [sign_ldp(realistic(key.did), key) for _ in range(badges)]
        clr = {"@context": [VC2, CLR, OB3], "id": f"urn:uuid:{uuid.uuid4()}",
               "type": ["VerifiableCredential", "ClrCredential"],
               "issuer": {"id": key.did, "type": ["Profile"], "name": "Example Community College"},
               "validFrom": "2026-01-01T00:00:00Z", "name": "Transcript",
               "credentialSubject": {"type": ["ClrSubject"], "id": "did:example:learner-7",
                                     "verifiableCredential": inner}}
        return sign_ldp(clr, key, resources=resources)

    def floor(doc: dict) -> Callable[[], None]:
        parts = di_floor_parts(doc, resources)
        for inner in doc["credentialSubject"]["verifiableCredential"]:
            parts += di_floor_parts(inner, resources)

        def run() -> None:
            for config, canon, sig in parts:
                raw(sig, hashlib.sha256(config).digest() + hashlib.sha256(canon).digest())
        return run
    return Kind(f"CLR 2.0, {badges} badges ({badges + 1} proofs)", make, floor, resources)


def _fresh(builder: Callable[[], dict]) -> Callable[[], dict]:
    def make() -> dict:
        doc = builder()
        doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        return doc
    return make


def core_kinds(*, clr_badges: int = 5) -> list[Kind]:
    """The core benchmark's credentials (issue 10), in order; the CLR only when its context is available."""
    ed, p256, rsa = new_key("Ed25519"), new_key("P-256"), new_key("RSA")
    base = ResourceConfig()
    kinds = [
        _di_kind("OB 3.0 eddsa-rdfc-2022", ed, "eddsa-rdfc-2022", lambda: realistic(ed.did), base),
        _di_kind("OB 3.0 Ed25519Signature2020", ed, "Ed25519Signature2020",
                 lambda: realistic(ed.did) | {"@context": [VC2, OB3, ED2020]}, base),
        _di_kind("OB 3.0 ecdsa-rdfc-2019 P-256", p256, "ecdsa-rdfc-2019", lambda: realistic(p256.did), base),
        _di_kind("OB 3.0 eddsa-jcs-2022", ed, "eddsa-jcs-2022", lambda: realistic(ed.did), base),
        _jwt_kind("VC-JWT EdDSA (OB 3.0)", ed, lambda: realistic(ed.did)),
        _jwt_kind("VC-JWT ES256 (OB 3.0)", p256, lambda: realistic(p256.did)),
        # RSA has no did:key Multikey: its issuer is a did:jwk
        _jwt_kind("VC-JWT RS256 (OB 3.0)", rsa, lambda: realistic(rsa.did_jwk), kid=f"{rsa.did_jwk}#0"),
    ]
    data_dir = clr_data_dir()
    if data_dir is not None and clr_badges:
        kinds.append(clr_kind(ed, clr_badges, data_dir))
    return kinds


__all__ = ["Kind", "core_kinds", "clr_kind", "clr_data_dir", "quad_count", "di_floor_parts", "VC1",
           "vc11_credential", "json"]
