"""ecdsa-sd-2023 for the tests: an issuer's base proof and a holder's derived proof (vc-di-ecdsa 1.0 §3.4).

Written from the spec's algorithms (§3.3 selective disclosure functions, §3.3.x ecdsa-sd-2023
functions, §3.4 base proof and derived proof) with ``cryptography``, ``cbor2`` and pyld (JSON-LD
compaction, RDF conversion and pyld's own URDNA2015 for the canonical blank-node map), so the
fixtures do not come from the verifier's code paths except for the proof-configuration hash.
The W3C spec vectors in the corpus check the verifier independently.

    signed = sign_sd_base(credential, key, ["/issuer", "/validUntil"])
    presented = derive_sd(signed, ["/credentialSubject/achievement/name"])
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
import secrets
from typing import Any

import cbor2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015

from tests.signing import TestKey, new_key
from verifier import jsonld
from verifier.jsonld.loader import document_loader
from verifier.options import ResourceConfig

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
URN_SCHEME = "custom-scheme:"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _options(resources: ResourceConfig) -> dict[str, Any]:
    return {"documentLoader": document_loader(resources), "processingMode": "json-ld-1.1"}


# --- skolemization (§3.3.5-§3.3.9) ------------------------------------------------------------------

def _skolemize_expanded(expanded: list, random_string: str, count: list[int]) -> list:
    out = []
    for element in expanded:
        if not isinstance(element, dict) or "@value" in element:
            out.append(copy.deepcopy(element))
            continue
        node = {}
        for prop, value in element.items():
            if isinstance(value, list):
                node[prop] = _skolemize_expanded(value, random_string, count)
            else:
                node[prop] = _skolemize_expanded([value], random_string, count)[0]
        if "@id" not in node:
            if "@list" not in node and "@set" not in node:
                node["@id"] = f"urn:{URN_SCHEME}_{random_string}_{count[0]}"
                count[0] += 1
        elif isinstance(node["@id"], str) and node["@id"].startswith("_:"):
            node["@id"] = f"urn:{URN_SCHEME}{node['@id'][2:]}"
        out.append(node)
    return out


def _skolemize_compact(document: dict, resources: ResourceConfig) -> tuple[list, dict]:
    expanded = pyld_jsonld.expand(document, _options(resources))
    skolemized = _skolemize_expanded(expanded, secrets.token_hex(8), [0])
    compact = pyld_jsonld.compact(skolemized, {"@context": document["@context"]}, _options(resources))
    return skolemized, compact


def _to_deskolemized_nquads(document: Any, resources: ResourceConfig) -> list[str]:
    text = pyld_jsonld.to_rdf(document, {**_options(resources), "format": "application/n-quads"})
    escaped = re.escape(f"urn:{URN_SCHEME}")
    return [re.sub(rf"<{escaped}([^>]+)>", r"_:\1", line) + "\n" for line in text.splitlines() if line]


# --- canonicalization with label replacement (§3.3.1-§3.3.4) ------------------------------------------

def _canonical_id_map(nquads: list[str]) -> tuple[str, dict[str, str]]:
    """pyld's URDNA2015 over ``nquads``: (canonical N-Quads, {input label: canonical label}), labels without ``_:``."""
    dataset = pyld_jsonld.JsonLdProcessor.parse_nquads("".join(nquads))
    canon = URDNA2015()
    canonical = canon.main(dataset, {"format": "application/n-quads"})
    ids = {k[2:]: v[2:] for k, v in canon.canonical_issuer.existing.items()}
    return canonical, ids


def _hmac_label_map(hmac_key: bytes, canonical_ids: dict[str, str]) -> dict[str, str]:
    """createHmacIdLabelMapFunction (§3.3.4): input label -> "u" + base64url(HMAC-SHA-256(canonical label))."""
    return {inp: "u" + b64url(hmac.new(hmac_key, c14n.encode(), hashlib.sha256).digest())
            for inp, c14n in canonical_ids.items()}


def _relabel(nquads: list[str], label_map: dict[str, str]) -> list[str]:
    return [re.sub(r"_:([A-Za-z0-9_\-.]+)", lambda m: "_:" + label_map[m.group(1)], nq) for nq in nquads]


# --- selection by JSON pointers (§3.3.10-§3.3.13) ------------------------------------------------------

class _Sparse(dict):
    """A selected array while it is built (index -> value); made dense at the end."""


def _pointer_paths(pointer: str) -> list:
    paths = []
    for part in pointer.split("/")[1:]:
        if "~" in part:
            paths.append(part.replace("~1", "/").replace("~0", "~"))
        else:
            paths.append(int(part) if re.fullmatch(r"\d+", part) else part)
    return paths


def _initial_selection(source: Any) -> dict:
    selection: dict = {}
    if isinstance(source, dict):
        if isinstance(source.get("id"), str) and not source["id"].startswith("_:"):
            selection["id"] = source["id"]
        if "type" in source:
            selection["type"] = copy.deepcopy(source["type"])
    return selection


def _get(container: Any, path: Any) -> Any:
    if isinstance(container, list):
        return container[path] if isinstance(path, int) and 0 <= path < len(container) else None
    return container.get(path) if isinstance(container, dict) else None


def _select_paths(paths: list, document: dict, selection: dict) -> None:
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    for path in paths:
        selected_parent = selected_value
        value = _get(value, path)
        if value is None:
            raise ValueError(f"JSON pointer path {path!r} does not match the document")
        selected_value = selected_parent.get(path)
        if selected_value is None:
            selected_value = _Sparse() if isinstance(value, list) else _initial_selection(value)
            selected_parent[path] = selected_value
    if isinstance(value, list):
        selected_value = copy.deepcopy(value)
    elif isinstance(value, dict):
        selected_value = {**selected_value, **copy.deepcopy(value)}
    else:
        selected_value = value
    selected_parent[paths[-1]] = selected_value


def _dense(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_dense(value[k]) for k in sorted(value)]
    if isinstance(value, dict):
        return {k: _dense(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dense(v) for v in value]
    return value


def select_jsonld(pointers: list[str], document: dict) -> dict | None:
    """selectJsonLd (§3.3.13): the part of ``document`` the JSON pointers name (with ids and types on the way)."""
    if not pointers:
        return None
    selection = _initial_selection(document)
    selection["@context"] = copy.deepcopy(document["@context"])
    for pointer in pointers:
        _select_paths(_pointer_paths(pointer), document, selection)
    return _dense(selection)


def _canonicalize_and_group(document: dict, hmac_key: bytes, groups: dict[str, list[str]],
                            resources: ResourceConfig) -> tuple[dict, dict[str, str], list[str]]:
    """canonicalizeAndGroup (§3.3.15) with the HMAC label map: (groups, label map, relabelled N-Quads)."""
    skolemized_expanded, skolemized_compact = _skolemize_compact(document, resources)
    deskolemized = _to_deskolemized_nquads(skolemized_expanded, resources)
    canonical, ids = _canonical_id_map(deskolemized)
    label_map = _hmac_label_map(hmac_key, ids)
    c14n_to_new = {ids[k]: v for k, v in label_map.items()}
    nquads = sorted(_relabel([line + "\n" for line in canonical.splitlines()], c14n_to_new))
    out = {}
    for name, pointers in groups.items():
        selection = select_jsonld(pointers, skolemized_compact)
        selected_deskolemized = _to_deskolemized_nquads(selection, resources) if selection else []
        selected = set(_relabel(selected_deskolemized, label_map))
        out[name] = {"matching": {i: nq for i, nq in enumerate(nquads) if nq in selected},
                     "nonMatching": {i: nq for i, nq in enumerate(nquads) if nq not in selected},
                     "deskolemizedNQuads": selected_deskolemized}
    return out, label_map, nquads


# --- the proofs ---------------------------------------------------------------------------------------

def _proof_hash(document: dict, proof: dict, resources: ResourceConfig) -> bytes:
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return hashlib.sha256(jsonld.canonicalize(config, resources=resources).encode()).digest()


def _p256_multikey_bytes(public) -> bytes:
    return b"\x80\x24" + public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def sign_sd_base(document: dict, key: TestKey, mandatory_pointers: list[str], *, vm: str | None = None,
                 created: str = "2026-01-01T00:00:00Z", purpose: str = "assertionMethod",
                 hmac_key: bytes | None = None, resources: ResourceConfig | None = None) -> dict:
    """Add an ecdsa-sd-2023 base proof (§3.4.1-§3.4.5) by ``key`` to a copy of ``document``."""
    resources = resources or ResourceConfig()
    doc = copy.deepcopy(document)
    proof = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "created": created,
             "verificationMethod": vm or key.vm, "proofPurpose": purpose}
    hmac_key = hmac_key or secrets.token_bytes(32)
    groups, _, _ = _canonicalize_and_group(doc, hmac_key, {"mandatory": mandatory_pointers}, resources)
    mandatory = list(groups["mandatory"]["matching"].values())
    non_mandatory = list(groups["mandatory"]["nonMatching"].values())
    proof_hash = _proof_hash(doc, proof, resources)
    mandatory_hash = hashlib.sha256("".join(mandatory).encode()).digest()
    scoped = new_key("P-256")
    signatures = [scoped.sign(nq.encode()) for nq in non_mandatory]
    public_key = _p256_multikey_bytes(scoped.public)
    base_signature = key.sign(proof_hash + public_key + mandatory_hash)
    value = BASE_HEADER + cbor2.dumps([base_signature, public_key, hmac_key, signatures, list(mandatory_pointers)])
    proof["proofValue"] = "u" + b64url(value)
    doc["proof"] = proof
    return doc


def parse_base(proof_value: str) -> list:
    data = b64url_decode(proof_value[1:])
    assert data[:3] == BASE_HEADER
    return cbor2.loads(data[3:])


def encode_derived(base_signature: bytes, public_key: bytes, signatures: list[bytes], label_map: dict[str, str],
                   mandatory_indexes: list[int]) -> str:
    """serializeDerivedProofValue (§3.3.9) with compressLabelMap (§3.3.7)."""
    compressed = {int(k[4:]): b64url_decode(v[1:]) for k, v in label_map.items()}
    return "u" + b64url(DERIVED_HEADER + cbor2.dumps([base_signature, public_key, signatures, compressed,
                                                      mandatory_indexes]))


def disclosure_data(signed: dict, selective_pointers: list[str], *,
                    resources: ResourceConfig | None = None) -> dict[str, Any]:
    """createDisclosureData (§3.3.6): the parts of a derived proof and the reveal document."""
    resources = resources or ResourceConfig()
    document = {k: v for k, v in signed.items() if k != "proof"}
    base_signature, public_key, hmac_key, signatures, mandatory_pointers = parse_base(signed["proof"]["proofValue"])
    groups, label_map, _ = _canonicalize_and_group(
        document, hmac_key, {"mandatory": mandatory_pointers, "selective": selective_pointers,
                             "combined": list(mandatory_pointers) + list(selective_pointers)}, resources)
    mandatory_indexes = [rel for rel, absolute in enumerate(groups["combined"]["matching"])
                         if absolute in groups["mandatory"]["matching"]]
    filtered, index = [], 0
    for signature in signatures:
        while index in groups["mandatory"]["matching"]:
            index += 1
        if index in groups["selective"]["matching"]:
            filtered.append(signature)
        index += 1
    reveal = select_jsonld(list(mandatory_pointers) + list(selective_pointers), document)
    _, ids = _canonical_id_map(groups["combined"]["deskolemizedNQuads"])
    verifier_label_map = {c14n: label_map[inp] for inp, c14n in ids.items()}
    return {"baseSignature": base_signature, "publicKey": public_key, "signatures": filtered,
            "labelMap": verifier_label_map, "mandatoryIndexes": mandatory_indexes, "revealDocument": reveal}


def derive_sd(signed: dict, selective_pointers: list[str], *, resources: ResourceConfig | None = None) -> dict:
    """Add Derived Proof (§3.4.6): the reveal document with its derived proof."""
    data = disclosure_data(signed, selective_pointers, resources=resources)
    proof = dict(signed["proof"])
    proof["proofValue"] = encode_derived(data["baseSignature"], data["publicKey"], data["signatures"],
                                         data["labelMap"], data["mandatoryIndexes"])
    reveal = data["revealDocument"]
    reveal["proof"] = proof
    return reveal


def derived_parts(derived: dict) -> list:
    """The five CBOR components of a derived proof value (for tampering in tests)."""
    data = b64url_decode(derived["proof"]["proofValue"][1:])
    assert data[:3] == DERIVED_HEADER
    return cbor2.loads(data[3:])


def with_parts(derived: dict, parts: list) -> dict:
    """``derived`` with its proof value re-encoded from ``parts`` (compressed label map as is)."""
    out = copy.deepcopy(derived)
    out["proof"]["proofValue"] = "u" + b64url(DERIVED_HEADER + cbor2.dumps(parts))
    return out


__all__ = ["sign_sd_base", "derive_sd", "disclosure_data", "select_jsonld", "derived_parts", "with_parts",
           "encode_derived", "parse_base", "ec"]
