"""Verify one embedded proof's signature: the CPU-bound half of the proof check.

Runs in a worker process (pyld is not thread-safe). Inputs are plain JSON and a public JWK, so the
call can cross a process boundary. Algorithms:

- Data Integrity cryptosuites (Data Integrity §4.4 "Verify Proof"; vc-di-eddsa §3.2.2 / §3.3.2,
  vc-di-ecdsa §3.2.2 / §3.3.2): ``hashData = H(canonical proofConfig) || H(canonical document)``;
  H is SHA-256, or SHA-384 for ecdsa with P-384 (vc-di-ecdsa §3.2.4 "Hashing"; RDFC-1.0 then also
  uses SHA-384). ``proofValue`` is multibase base58btc.
- Legacy Linked Data suites: the same ``verifyData`` with SHA-256; Ed25519Signature2020 signs it as
  is (``proofValue``); the 2018/JWS suites sign a detached unencoded JWS (RFC 7797) over it (``jws``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import base58
import rfc8785

from verifier import jsonld
from verifier.errors import InvalidProof, InvalidSignature, UnsupportedCryptosuite
from verifier.keys import verify_signature
from verifier.options import ResourceConfig
from verifier.signed_meaning import check_reading
from verifier.suites.jwt import check_algorithm
from verifier.suites.registry import Suite

_ALG_BY_KEY = {"OKP/Ed25519": "EdDSA", "EC/P-256": "ES256", "EC/P-384": "ES384", "EC/secp256k1": "ES256K"}


def _key_type(jwk: dict[str, Any]) -> str:
    return f"{jwk.get('kty')}/{jwk.get('crv', '')}"


def multibase_decode(value: Any, field: str = "proofValue") -> bytes:
    """Decode a multibase base58btc (``z``) or base64url (``u``) string (draft-multiformats-multibase §2).

    :raises InvalidProof: not a string, another base, or undecodable.
    """
    if not isinstance(value, str) or len(value) < 2:
        raise InvalidProof(f"{field} must be a multibase string")
    try:
        if value[0] == "z":
            return base58.b58decode(value[1:])
        if value[0] == "u":
            return base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    except ValueError as exc:
        raise InvalidProof(f"{field} is not valid multibase") from exc
    raise InvalidProof(f"{field} uses multibase prefix {value[0]!r}; expected 'z' (base58btc)")


def _transform(doc: dict[str, Any], suite: Suite, hash_name: str, resources: ResourceConfig, max_work: int,
               reading: str | None) -> bytes:
    """The bytes a suite hashes: JCS (RFC 8785) of the JSON, or RDFC-1.0 N-Quads of its meaning.

    With ``reading`` (a node kind of :data:`verifier.checked_terms.SHAPES`), an RDF transform also
    refuses a document whose plain JSON reading differs from the signed meaning (the signed-meaning
    gate, :func:`verifier.signed_meaning.check_reading`), from the same expansion: nothing is expanded twice.
    """
    if suite.transform == "jcs":
        return rfc8785.dumps(doc)  # the bytes themselves are signed: the JSON is what is signed
    nquads, graph = jsonld.canonicalize_signed(doc, resources=resources, hash_algorithm=hash_name, max_work=max_work)
    if reading is not None:
        check_reading(doc, graph, reading, name_key=lambda key: jsonld.key_iri(doc, key, resources=resources))
    return nquads.encode("utf-8")


def verify_data(document: dict[str, Any], proof: dict[str, Any], previous: list[dict[str, Any]], suite: Suite,
                hash_name: str, resources: ResourceConfig, max_work: int, reading: str | None = None) -> bytes:
    """Build the bytes the signature covers: ``H(proofConfig) || H(document)``.

    :param document: the secured document (its ``proof`` is ignored).
    :param proof: the proof being verified.
    :param previous: the proofs named by ``proof.previousProof`` (Data Integrity §2.1.2 proof chains).
    :param hash_name: ``"sha256"`` or ``"sha384"``.
    :param reading: ``"credential"`` or ``"presentation"`` to apply the signed-meaning gate (the proof
        configuration is then read as ``"proof"``); None when signing.
    :returns: the concatenated hashes (64 or 96 bytes).
    :raises SignedMeaningMismatch: with ``reading``, the JSON as the checks read it is not what is signed.
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if previous:
        unsecured["proof"] = previous[0] if len(previous) == 1 else previous
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "jws", "signatureValue")}
    if "@context" in config and suite.proof_type == "DataIntegrityProof":
        _check_context_prefix(document.get("@context"), config["@context"])
    if "@context" in document:
        config["@context"] = document["@context"]
    h = hashlib.new(hash_name)
    h.update(_transform(config, suite, hash_name, resources, max_work, reading and "proof"))
    proof_hash = h.digest()
    h = hashlib.new(hash_name)
    h.update(_transform(unsecured, suite, hash_name, resources, max_work, reading))
    return proof_hash + h.digest()


def _check_context_prefix(doc_ctx: Any, proof_ctx: Any) -> None:
    """vc-di-eddsa §3.2.2 step: the document's @context must start with the proof's @context."""
    doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
    proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
    if doc_list[: len(proof_list)] != proof_list:
        raise InvalidProof("the proof's @context is not a prefix of the document's @context")


def verify_embedded_proof(document: dict[str, Any], proof: dict[str, Any], previous: list[dict[str, Any]],
                          suite: Suite, public_jwk: dict[str, Any], resources: ResourceConfig,
                          max_work: int, reading: str = "credential") -> str:
    """Check one embedded proof's signature.

    :param document: the secured document.
    :param proof: the proof to check.
    :param previous: proofs this one chains to (``previousProof``), already resolved by id.
    :param suite: the proof's :class:`Suite`.
    :param public_jwk: the verification method's public key (JWK, RFC 7517).
    :param resources: where JSON-LD contexts come from.
    :param max_work: RDFC-1.0 work budget.
    :param reading: ``"credential"`` or ``"presentation"``: how the checks read the document (the
        signed-meaning gate, :mod:`verifier.signed_meaning`).
    :returns: the JWS/curve algorithm used (e.g. ``"EdDSA"``, ``"ES384"``), for the report.
    :raises InvalidSignature: the signature does not verify.
    :raises InvalidProof: malformed proof value, wrong key type for the suite.
    :raises UnsupportedCryptosuite: an algorithm or key we do not implement.
    :raises UnknownContext: a context that is not installed.
    :raises InvalidJsonLd: safe-mode expansion refused the document.
    :raises SignedMeaningMismatch: an RDF-canonicalised document whose JSON reading is not what is signed.
    """
    if suite.transform == "rdfc-sd":  # never read as a plain rdfc proof: verifier.suites.ecdsa_sd
        raise InvalidProof(f"{suite.name} proofs are verified by verifier.suites.ecdsa_sd.verify_derived_proof")
    key_type = _key_type(public_jwk)
    if not any(key_type.startswith(k) for k in suite.key_types):
        raise InvalidProof(f"{suite.name} cannot use a {key_type} key")
    hash_name = "sha384" if key_type == "EC/P-384" and suite.proof_type == "DataIntegrityProof" else "sha256"
    data = verify_data(document, proof, previous, suite, hash_name, resources, max_work, reading)
    if suite.signature == "multibase":
        alg = _ALG_BY_KEY[key_type]
        verify_signature(public_jwk, alg, data, multibase_decode(proof.get("proofValue")))
        return alg
    return _verify_detached_jws(proof, public_jwk, data, suite)


def _verify_detached_jws(proof: dict[str, Any], public_jwk: dict[str, Any], data: bytes, suite: Suite) -> str:
    """RFC 7797 detached JWS with ``b64: false`` (or a base64url payload when ``b64`` is absent)."""
    jws = proof.get("jws")
    if not isinstance(jws, str) or jws.count(".") != 2:
        raise InvalidProof("jws must be a detached compact JWS (header..signature)")
    header_b64, payload_part, sig_b64 = jws.split(".")
    if payload_part:
        raise InvalidProof("jws must be detached (empty payload part)")
    try:
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
        signature = base64.urlsafe_b64decode(sig_b64 + "=" * (-len(sig_b64) % 4))
    except ValueError as exc:
        raise InvalidProof("jws header or signature is not base64url JSON") from exc
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise InvalidProof("jws header must be a JSON object with an alg")
    alg = header["alg"]
    check_algorithm(header)  # none and HMAC are refused as forgeries here too (RFC 8725 §3.1-3.2)
    expected = {"Ed25519Signature2018": {"EdDSA"}, "EcdsaSecp256k1Signature2019": {"ES256K"}}.get(suite.name)
    if expected is not None and alg not in expected:
        raise InvalidProof(f"{suite.name} requires alg {sorted(expected)[0]}, got {alg}")
    b64 = header.get("b64", True)
    crit = header.get("crit", [])
    if b64 is False and (not isinstance(crit, list) or "b64" not in crit):
        raise InvalidProof("jws header sets b64=false without listing b64 in crit (RFC 7797 §6)")
    if isinstance(crit, list) and any(c != "b64" for c in crit):
        raise UnsupportedCryptosuite(f"jws header lists unsupported critical parameters {crit}")
    payload = data if b64 is False else base64.urlsafe_b64encode(data).rstrip(b"=")
    verify_signature(public_jwk, alg, header_b64.encode("ascii") + b"." + payload, signature)
    return alg


__all__ = ["verify_embedded_proof", "verify_data", "multibase_decode", "InvalidSignature"]
