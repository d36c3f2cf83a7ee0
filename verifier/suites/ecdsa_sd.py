"""Verify an ``ecdsa-sd-2023`` derived (selective-disclosure) proof: vc-di-ecdsa 1.0 §3.4.

What the holder presents is a *reveal document*: the statements the issuer made mandatory plus the
ones the holder chose to disclose. Its derived ``proofValue`` carries (§3.3.10 parseDerivedProofValue)
the issuer's base signature over ``proofHash || publicKey || mandatoryHash`` (§3.3.1 serializeSignData),
the proof-scoped P-256 public key, one signature by that key per non-mandatory statement, the label
map from the verifier's canonical blank-node labels to the HMAC labels the issuer signed, and the
positions of the mandatory statements. Verification (§3.4.7, §3.3.11 createVerifyData):

1. ``proofHash`` = SHA-256 of the RDFC-1.0 canonical proof configuration (the proof without
   ``proofValue``, with the document's ``@context``).
2. Canonicalise the reveal document (RDFC-1.0), replace each canonical blank-node label ``c14nN`` by
   its label from the label map (§3.3.3 createLabelMapFunction), sort the N-Quads.
3. The statements at ``mandatoryIndexes`` are mandatory; ``mandatoryHash`` = SHA-256 of their
   concatenation (§3.3.? hashMandatoryNQuads). Every other statement needs its own signature, in order.
4. The base signature must verify with the issuer's key, and each statement signature with the
   proof-scoped key.

Every RDF statement of the reveal document is therefore signed: a property added by the holder (an
unsigned ``credentialStatus``, a later ``validUntil``) is one statement more than there are signatures,
and fails. The signed-meaning gate (:mod:`verifier.signed_meaning`) then makes the JSON as the checks
read it equal to that signed dataset. What selective disclosure cannot show is a statement the holder
withheld: :func:`verify_derived_proof` reports which of the properties the checks rely on the issuer
made mandatory, so a reader knows what a holder could have left out.

A *base* proof (header ``0xd9 0x5d 0x00``) is for the holder only and is refused (§3.3.10).
Only P-256 with SHA-256 is defined for this suite (64-byte signatures, 32-byte HMAC labels).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from verifier import constants as C
from verifier import jsonld
from verifier.checked_terms import CRED
from verifier.errors import InvalidProof, InvalidSignature, UnsupportedCryptosuite
from verifier.keys import jwk_from_public_key, verify_signature
from verifier.options import ResourceConfig
from verifier.signed_meaning import check_reading

__all__ = ["DerivedProofValue", "parse_derived_proof_value", "relabel_nquads", "verify_derived_proof",
           "BASE_PROOF_HEADER", "DERIVED_PROOF_HEADER", "WATCHED_PROPERTIES"]

BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_P256_MULTIKEY_HEADER = b"\x80\x24"  # varint of the p256-pub multicodec 0x1200
_SIGNATURE_BYTES = 64  # ES256 r||s
_LABEL_BYTES = 32  # HMAC-SHA-256 digest
_MAX_PROOF_VALUE_CHARS = 4_000_000

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: the credential properties our checks rely on (validity, status), by the IRI they are signed as.
WATCHED_PROPERTIES = {
    CRED + "credentialStatus": "credentialStatus",
    CRED + "validFrom": "validFrom",
    CRED + "validUntil": "validUntil",
    CRED + "issuanceDate": "issuanceDate",
    CRED + "expirationDate": "expirationDate",
}
_WARN_WHEN_ABSENT = ("credentialStatus", "validUntil")


@dataclass(frozen=True)
class DerivedProofValue:
    """The five components of a derived proof value (vc-di-ecdsa §3.3.10).

    :ivar base_signature: the issuer's ES256 signature (64 bytes, r||s).
    :ivar public_key: the proof-scoped key as multikey bytes (``0x80 0x24`` + 33-byte compressed point).
    :ivar signatures: one ES256 signature (64 bytes) per non-mandatory statement, in statement order.
    :ivar label_map: canonical label (``"c14n0"``) -> signed label (``"u"`` + base64url of the HMAC).
    :ivar mandatory_indexes: positions of the mandatory statements among the relabelled, sorted N-Quads.
    """

    base_signature: bytes
    public_key: bytes
    signatures: tuple[bytes, ...]
    label_map: dict[str, str]
    mandatory_indexes: tuple[int, ...]


def _b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise InvalidProof("proofValue is not base64url-no-pad (multibase 'u')")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise InvalidProof("proofValue is not base64url-no-pad (multibase 'u')") from exc


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_derived_proof_value(value: Any) -> DerivedProofValue:
    """parseDerivedProofValue (vc-di-ecdsa §3.3.10): multibase ``u`` + base64url-no-pad of the header
    ``0xd9 0x5d 0x01`` followed by a CBOR array ``[baseSignature, publicKey, signatures,
    compressedLabelMap, mandatoryIndexes]`` (no CBOR tags).

    :param value: the proof's ``proofValue``.
    :returns: the parsed components, with the label map decompressed (§3.3.8).
    :raises InvalidProof: not a derived proof value: another multibase, a *base* proof (header
        ``0xd9 0x5d 0x00``: the holder must derive a proof before presenting), bad CBOR, components of
        the wrong type or length, label indexes or mandatory indexes not in strictly increasing order,
        or two canonical labels mapped to one signed label.
    """
    if not isinstance(value, str) or not value:
        raise InvalidProof("proofValue must be a non-empty string")
    if len(value) > _MAX_PROOF_VALUE_CHARS:
        raise InvalidProof(f"proofValue is longer than {_MAX_PROOF_VALUE_CHARS} characters")
    if value[0] != "u":
        raise InvalidProof(f"an ecdsa-sd-2023 proofValue is multibase base64url-no-pad ('u'), not {value[0]!r}")
    data = _b64url_decode(value[1:])
    if data[:3] == BASE_PROOF_HEADER:
        raise InvalidProof("this is an ecdsa-sd-2023 base proof (header 0xd95d00), which the issuer gives to the "
                           "holder only; a verifier accepts only a derived proof (header 0xd95d01) made from it "
                           "(vc-di-ecdsa §3.3.10)")
    if data[:3] != DERIVED_PROOF_HEADER:
        raise InvalidProof(f"proofValue does not start with the ecdsa-sd-2023 derived proof header 0xd95d01 "
                           f"(found 0x{data[:3].hex()})")
    components = _cbor_decode(data[3:])
    if not isinstance(components, list) or len(components) != 5:
        raise InvalidProof("the derived proof value must be a CBOR array of five components")
    base_signature, public_key, signatures, compressed, mandatory = components
    if not isinstance(base_signature, bytes) or len(base_signature) != _SIGNATURE_BYTES:
        raise InvalidProof("the base signature must be a byte string of 64 bytes (ES256 over P-256)")
    if (not isinstance(public_key, bytes) or len(public_key) != 35
            or public_key[:2] != _P256_MULTIKEY_HEADER or public_key[2] not in (2, 3)):
        raise InvalidProof("the proof-scoped public key must be a P-256 multikey: 0x8024 and a 33-byte "
                           "compressed point")
    if not isinstance(signatures, list) or not all(isinstance(s, bytes) and len(s) == _SIGNATURE_BYTES
                                                   for s in signatures):
        raise InvalidProof("the statement signatures must be an array of 64-byte byte strings")
    return DerivedProofValue(base_signature, public_key, tuple(signatures), _decompress_label_map(compressed),
                             _mandatory_indexes(mandatory))


def _cbor_decode(data: bytes) -> Any:
    """Decode exactly one CBOR item (RFC 8949) from ``data``; trailing bytes are refused."""
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream, max_depth=8).decode()
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InvalidProof(f"the derived proof value is not valid CBOR: {exc}") from exc
    if stream.tell() != len(data):
        raise InvalidProof("the derived proof value has bytes after its CBOR array")
    return item


def _decompress_label_map(compressed: Any) -> dict[str, str]:
    """decompressLabelMap (§3.3.8): ``{N: 32 bytes}`` -> ``{"c14nN": "u" + base64url}``."""
    if not isinstance(compressed, dict):
        raise InvalidProof("the label map must be a CBOR map of integers to byte strings")
    labels: dict[str, str] = {}
    for key, digest in compressed.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0 or key >= 2**32:
            raise InvalidProof(f"label map key {key!r} is not a canonical blank-node index")
        if not isinstance(digest, bytes) or len(digest) != _LABEL_BYTES:
            raise InvalidProof(f"label map entry c14n{key} must be a 32-byte HMAC digest")
        labels[f"c14n{key}"] = "u" + _b64url_encode(digest)
    if len(set(labels.values())) != len(labels):
        raise InvalidProof("the label map gives two blank nodes the same signed label: blank nodes the issuer "
                           "signed as one would read as several")
    return labels


def _mandatory_indexes(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise InvalidProof("mandatoryIndexes must be an array of integers")
    if any(i < 0 for i in value) or any(a >= b for a, b in zip(value, value[1:])):
        raise InvalidProof("mandatoryIndexes must be non-negative and strictly increasing")
    return tuple(value)


# One canonical N-Quad (RDFC-1.0 §4; canonical N-Quads): subject, predicate, object, optional graph name.
_TERM_IRI = r"<[^>]*>"
_TERM_BLANK = r"_:[A-Za-z0-9_\-.]+"
_LITERAL = r'"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9\-]+)?'
_QUAD = re.compile(rf"({_TERM_IRI}|{_TERM_BLANK}) ({_TERM_IRI}) ({_TERM_IRI}|{_TERM_BLANK}|{_LITERAL})"
                   rf"(?: ({_TERM_IRI}|{_TERM_BLANK}))? \.")


def relabel_nquads(canonical: str, label_map: dict[str, str]) -> list[tuple[str, str]]:
    """Replace canonical blank-node labels using ``label_map`` (labelReplacementCanonicalizeJsonLd with
    the createLabelMapFunction of the label map, vc-di-ecdsa §3.3.2-§3.3.3) and sort the result.

    :param canonical: RDFC-1.0 canonical N-Quads (labels ``_:c14nN``).
    :param label_map: ``{"c14nN": new label}``.
    :returns: ``[(relabelled N-Quad, canonical N-Quad)]`` sorted by the relabelled N-Quad, each with its
        ``\\n``.
    :raises InvalidProof: a blank node that the label map does not name.
    """
    out = []
    for line in canonical.splitlines():
        match = _QUAD.fullmatch(line)
        if match is None:  # pragma: no cover - RDFC-1.0 output is canonical N-Quads
            raise InvalidProof(f"canonical N-Quad could not be read: {line[:120]!r}")
        terms = []
        for term in match.groups():
            if term is not None and term.startswith("_:"):
                label = label_map.get(term[2:])
                if label is None:
                    raise InvalidProof(f"the label map has no entry for blank node {term}: the proof does not "
                                       "cover every blank node of the document")
                term = "_:" + label
            if term is not None:
                terms.append(term)
        out.append((" ".join(terms) + " .\n", line + "\n"))
    out.sort(key=lambda pair: pair[0])
    return out


def _ephemeral_jwk(public_key: bytes) -> dict[str, Any]:
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key[2:])
    except ValueError as exc:
        raise InvalidProof("the proof-scoped public key is not a point on P-256") from exc
    return jwk_from_public_key(point)


def _check_context_prefix(doc_ctx: Any, proof_ctx: Any) -> None:
    """Data Integrity §4.4: the document's @context must start with the proof's @context, when it has one."""
    doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
    proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
    if doc_list[: len(proof_list)] != proof_list:
        raise InvalidProof("the proof's @context is not a prefix of the document's @context")


def verify_derived_proof(document: dict[str, Any], proof: dict[str, Any], previous: list[dict[str, Any]],
                         public_jwk: dict[str, Any], resources: ResourceConfig, max_work: int,
                         reading: str = "credential") -> dict[str, Any]:
    """Verify an ecdsa-sd-2023 derived proof (vc-di-ecdsa §3.4.7 "Verify Derived Proof").

    :param document: the reveal document (its ``proof`` is ignored).
    :param proof: the derived proof.
    :param previous: proofs named by ``previousProof``; must be empty (a derived proof is not chained).
    :param public_jwk: the verification method's public key (a P-256 JWK).
    :param resources: where JSON-LD contexts come from.
    :param max_work: RDFC-1.0 work budget.
    :param reading: ``"credential"`` or ``"presentation"``: how the checks read the document (the
        signed-meaning gate).
    :returns: ``{"alg": "ES256", "disclosure": {...}, "warnings": [[code, detail]]}``; ``disclosure``
        holds the counts and the disclosed statements (canonical N-Quads, mandatory and selective) and
        ``properties``: for each watched property (:data:`WATCHED_PROPERTIES`) ``"mandatory"``,
        ``"selective"`` or ``"not disclosed"``, and for the credential's ``type`` statements
        ``"mandatory"`` (all of them) or ``"selective"`` (a type the holder could leave out).
    :raises InvalidProof: a base proof, a malformed proof value, a P-384 or other non-P-256 key,
        mandatory indexes beyond the document, a blank node without a label.
    :raises InvalidSignature: the statement count differs from the signature count, or the base
        signature or a statement signature does not verify.
    :raises SignedMeaningMismatch: the JSON as the checks read it is not the signed dataset.
    :raises UnsupportedCryptosuite: a ``previousProof`` chain.
    :raises UnknownContext, InvalidJsonLd, CanonicalizationBudgetExceeded: from canonicalization.
    """
    key_type = f"{public_jwk.get('kty')}/{public_jwk.get('crv', '')}"
    if key_type != "EC/P-256":
        raise InvalidProof(f"ecdsa-sd-2023 is defined for P-256 keys only; the verification method is {key_type}")
    if previous:
        raise UnsupportedCryptosuite("an ecdsa-sd-2023 derived proof in a previousProof chain is not supported")
    parsed = parse_derived_proof_value(proof.get("proofValue"))
    proof_hash = _proof_hash(document, proof, resources, max_work)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    canonical, graph = jsonld.canonicalize_signed(unsecured, resources=resources, hash_algorithm="sha256",
                                                  max_work=max_work)
    check_reading(unsecured, graph, reading, name_key=lambda key: jsonld.key_iri(unsecured, key, resources=resources))
    statements = relabel_nquads(canonical, parsed.label_map)
    if parsed.mandatory_indexes and parsed.mandatory_indexes[-1] >= len(statements):
        raise InvalidProof(f"mandatoryIndexes name statement {parsed.mandatory_indexes[-1]}, but the document has "
                           f"{len(statements)} statements")
    wanted = set(parsed.mandatory_indexes)
    mandatory = [s for i, s in enumerate(statements) if i in wanted]
    selective = [s for i, s in enumerate(statements) if i not in wanted]
    if len(parsed.signatures) != len(selective):
        raise InvalidSignature(f"the document discloses {len(selective)} non-mandatory statement(s) but the proof "
                               f"signs {len(parsed.signatures)}: a statement was added or removed after signing")
    mandatory_hash = hashlib.sha256("".join(s for s, _ in mandatory).encode("utf-8")).digest()
    try:
        verify_signature(public_jwk, "ES256", proof_hash + parsed.public_key + mandatory_hash, parsed.base_signature)
    except InvalidSignature as exc:
        raise InvalidSignature("the base signature (over the proof options, the proof-scoped key and the mandatory "
                               "statements) does not verify with the issuer's key") from exc
    ephemeral = _ephemeral_jwk(parsed.public_key)
    for number, ((statement, original), signature) in enumerate(zip(selective, parsed.signatures), 1):
        try:
            verify_signature(ephemeral, "ES256", statement.encode("utf-8"), signature)
        except InvalidSignature as exc:
            raise InvalidSignature(f"the signature of disclosed statement {number} of {len(selective)} does not "
                                   f"verify: {original.strip()[:200]}") from exc
    return _report(mandatory, selective, reading)


def _proof_hash(document: dict[str, Any], proof: dict[str, Any], resources: ResourceConfig, max_work: int) -> bytes:
    """SHA-256 of the canonical proof configuration (§3.3.11 step 1), after the signed-meaning gate."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config:
        _check_context_prefix(document.get("@context"), config["@context"])
    if "@context" in document:
        config["@context"] = document["@context"]
    canonical, graph = jsonld.canonicalize_signed(config, resources=resources, hash_algorithm="sha256",
                                                  max_work=max_work)
    check_reading(config, graph, "proof", name_key=lambda key: jsonld.key_iri(config, key, resources=resources))
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _report(mandatory: list[tuple[str, str]], selective: list[tuple[str, str]], reading: str) -> dict[str, Any]:
    """The disclosure evidence and the warning about watched properties the holder may withhold."""
    properties = {name: "not disclosed" for name in WATCHED_PROPERTIES.values()}
    credential_nodes = {m.group(1) for _, line in mandatory + selective
                        if (m := _QUAD.fullmatch(line.rstrip("\n"))) and m.group(4) is None
                        and m.group(2) == f"<{RDF_TYPE}>" and m.group(3) == f"<{CRED}VerifiableCredential>"}
    properties["type"] = "mandatory"
    for kind, group in (("selective", selective), ("mandatory", mandatory)):
        for _, line in group:
            m = _QUAD.fullmatch(line.rstrip("\n"))
            if m and m.group(4) is None and m.group(1) in credential_nodes:
                if m.group(2) == f"<{RDF_TYPE}>":  # one type left to the holder can be dropped, with its checks
                    properties["type"] = "selective" if kind == "selective" else properties["type"]
                    continue
                name = WATCHED_PROPERTIES.get(m.group(2)[1:-1])
                if name is not None and properties[name] != "mandatory":
                    properties[name] = kind
    disclosure = {
        "statements": len(mandatory) + len(selective),
        "mandatoryCount": len(mandatory),
        "selectiveCount": len(selective),
        "properties": properties,
        "mandatory": [line.rstrip("\n") for _, line in sorted(mandatory, key=lambda p: p[1])],
        "selective": [line.rstrip("\n") for _, line in sorted(selective, key=lambda p: p[1])],
    }
    warnings = []
    if reading == "credential":
        open_ = [f"{name} ({state})" for name, state in properties.items()
                 if state == "selective" or (state == "not disclosed" and name in _WARN_WHEN_ABSENT)]
        if open_:
            warnings.append([C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE,
                             "ecdsa-sd-2023: the checks judge only what the holder disclosed, and the issuer did not "
                             "make these mandatory, so a holder can present the credential without them: "
                             + ", ".join(open_)])
    return {"alg": "ES256", "disclosure": disclosure, "warnings": warnings}
