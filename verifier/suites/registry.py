"""The table of supported proof suites (Data Integrity §3 "Cryptographic Suites").

Data Integrity cryptosuites: vc-di-eddsa §3 (``eddsa-rdfc-2022``, ``eddsa-jcs-2022``), vc-di-ecdsa §3
(``ecdsa-rdfc-2019``, ``ecdsa-jcs-2019``, and the selective-disclosure ``ecdsa-sd-2023``, §3.4: derived
proofs only, :mod:`verifier.suites.ecdsa_sd`). Legacy Linked Data suites: Ed25519Signature2020
(w3c-ccg/lds-ed25519-2020), Ed25519Signature2018 (w3c-ccg/lds-ed25519-2018), JsonWebSignature2020
(w3c-ccg/lds-jws2020), EcdsaSecp256k1Signature2019 (w3c-ccg/lds-ecdsa-secp256k1-2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from verifier.errors import UnsupportedCryptosuite


@dataclass(frozen=True)
class Suite:
    """One proof suite.

    :ivar name: the cryptosuite name (Data Integrity) or the proof type (legacy suites).
    :ivar proof_type: the proof ``type`` value.
    :ivar transform: ``"rdfc"`` (RDFC-1.0 canonical N-Quads), ``"jcs"`` (RFC 8785), or ``"rdfc-sd"``
        (RDFC-1.0 with relabelled blank nodes and per-statement signatures: ecdsa-sd-2023).
    :ivar signature: ``"multibase"`` (``proofValue``) or ``"detached-jws"`` (``jws``, RFC 7797).
    :ivar key_types: accepted key types as ``kty/crv`` strings (e.g. ``"OKP/Ed25519"``).
    """

    name: str
    proof_type: str
    transform: Literal["rdfc", "jcs", "rdfc-sd"]
    signature: Literal["multibase", "detached-jws"]
    key_types: tuple[str, ...]


_ED = ("OKP/Ed25519",)
_EC = ("EC/P-256", "EC/P-384")
SUITES: dict[tuple[str, str | None], Suite] = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): Suite("eddsa-rdfc-2022", "DataIntegrityProof", "rdfc", "multibase", _ED),
    # The draft name of eddsa-rdfc-2022 (vc-di-eddsa before CR), still found in issued credentials.
    ("DataIntegrityProof", "eddsa-2022"): Suite("eddsa-2022", "DataIntegrityProof", "rdfc", "multibase", _ED),
    ("DataIntegrityProof", "eddsa-jcs-2022"): Suite("eddsa-jcs-2022", "DataIntegrityProof", "jcs", "multibase", _ED),
    ("DataIntegrityProof", "ecdsa-rdfc-2019"): Suite("ecdsa-rdfc-2019", "DataIntegrityProof", "rdfc", "multibase", _EC),
    ("DataIntegrityProof", "ecdsa-jcs-2019"): Suite("ecdsa-jcs-2019", "DataIntegrityProof", "jcs", "multibase", _EC),
    # Selective disclosure (vc-di-ecdsa §3.4): P-256 only (64-byte signatures, SHA-256 HMAC labels).
    ("DataIntegrityProof", "ecdsa-sd-2023"): Suite("ecdsa-sd-2023", "DataIntegrityProof", "rdfc-sd", "multibase",
                                                   ("EC/P-256",)),
    ("Ed25519Signature2020", None): Suite("Ed25519Signature2020", "Ed25519Signature2020", "rdfc", "multibase", _ED),
    ("Ed25519Signature2018", None): Suite("Ed25519Signature2018", "Ed25519Signature2018", "rdfc", "detached-jws", _ED),
    ("JsonWebSignature2020", None): Suite("JsonWebSignature2020", "JsonWebSignature2020", "rdfc", "detached-jws",
                                          _ED + _EC + ("EC/secp256k1", "RSA/")),
    ("EcdsaSecp256k1Signature2019", None): Suite("EcdsaSecp256k1Signature2019", "EcdsaSecp256k1Signature2019",
                                                 "rdfc", "detached-jws", ("EC/secp256k1",)),
}


def suite_for(proof: dict) -> Suite:
    """Return the suite for ``proof``.

    :raises UnsupportedCryptosuite: unknown type, or a DataIntegrityProof with an unknown cryptosuite.
    """
    ptype = proof.get("type")
    if not isinstance(ptype, str):
        raise UnsupportedCryptosuite(f"proof type must be a string, got {ptype!r}", pointer="/proof/type")
    if ptype == "DataIntegrityProof":
        cs = proof.get("cryptosuite")
        suite = SUITES.get((ptype, cs))
        if suite is None:
            raise UnsupportedCryptosuite(f"cryptosuite {cs!r} is not supported (supported: "
                                         f"{', '.join(sorted(k[1] for k in SUITES if k[1]))})")
        return suite
    suite = SUITES.get((ptype, None))
    if suite is None:
        raise UnsupportedCryptosuite(f"proof type {ptype!r} is not supported")
    return suite
