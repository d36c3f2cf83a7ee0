"""Verification methods inside DID documents and controller documents.

Follows Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method": the method is found by its
absolute id, its ``controller`` must be the document that lists it, and the verification relationships
(§2.3) that list it, by reference or embedded, are reported so the caller can check the proof purpose.
Documents are plain JSON here: no JSON-LD processing, so DID documents that declare ``Multikey`` keys
without the Multikey context (DCC fixtures) are read like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from verifier.did.syntax import absolute_ref
from verifier.errors import ResolutionError
from verifier.keys import public_jwk_from_method

__all__ = ["RELATIONSHIPS", "VerificationMethod", "check_document", "find_method", "relationships",
           "method_from_document", "lists_method"]

RELATIONSHIPS = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation",
                 "keyAgreement")


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method.

    :ivar id: the absolute method id (a DID URL or https URL).
    :ivar type: the method ``type`` (``Multikey``, ``JsonWebKey2020``, ``Ed25519VerificationKey2020`` ...).
    :ivar controller: the method's ``controller`` (absolute).
    :ivar public_jwk: the public key as a JWK (no private members); treat as read-only.
    :ivar document_id: the id of the DID document / controller document that lists the method; the identity
        a proof made with this key speaks for.
    :ivar relationships: the verification relationships of that document listing the method
        (subset of :data:`RELATIONSHIPS`).
    :ivar from_cache: True when the document came from the resolver's cache.
    :ivar revoked: the method's ``revoked`` date-time as stated (Controlled Identifiers 1.0 §2.2.1), or None.
    :ivar expires: the method's ``expires`` date-time as stated (Controlled Identifiers 1.0 §2.2.1), or None.
    """

    id: str
    type: str
    controller: str
    public_jwk: dict = field(hash=False)
    document_id: str
    relationships: frozenset[str]
    from_cache: bool = False
    revoked: object = None
    expires: object = None


def check_document(doc, expected_id: str, source: str) -> dict:
    """Check that ``doc`` is a JSON object whose ``id`` equals ``expected_id`` (DID Core §7.1.2; CID 1.0 §3.3
    step 6).

    :param source: where the document came from, for messages (URL, "offline bundle").
    :raises ResolutionError: not an object or a different ``id``.
    """
    if not isinstance(doc, dict):
        raise ResolutionError(f"the document for {expected_id} from {source} is not a JSON object")
    if doc.get("id") != expected_id:
        raise ResolutionError(f"the document from {source} has id {str(doc.get('id'))[:120]!r}, "
                              f"expected {expected_id!r}")
    if "verificationMethod" in doc and not isinstance(doc["verificationMethod"], list):
        raise ResolutionError(f"verificationMethod of {expected_id} is not a list")
    return doc


def _entries(doc: dict, prop: str) -> list:
    value = doc.get(prop)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def find_method(doc: dict, vm_id: str) -> dict:
    """Return the method object with absolute id ``vm_id`` from ``verificationMethod`` or embedded in a
    relationship.

    :raises ResolutionError: absent, or several different objects share the id.
    """
    doc_id = doc["id"]
    found = []
    for prop in ("verificationMethod", *RELATIONSHIPS):
        for entry in _entries(doc, prop):
            if isinstance(entry, dict) and absolute_ref(entry.get("id"), doc_id) == vm_id:
                found.append(entry)
    if not found:
        raise ResolutionError(f"{vm_id} is not a verification method of {doc_id}")
    first = json.dumps(_comparable(found[0], doc_id), sort_keys=True)
    if any(json.dumps(_comparable(m, doc_id), sort_keys=True) != first for m in found[1:]):
        raise ResolutionError(f"{doc_id} lists different verification methods with the id {vm_id}")
    return found[0]


def _comparable(method: dict, doc_id: str) -> dict:
    return {k: (absolute_ref(v, doc_id) if k in ("id", "controller") else v) for k, v in method.items()}


def relationships(doc: dict, vm_id: str) -> frozenset[str]:
    """The verification relationships of ``doc`` that list ``vm_id`` by reference or embedded (CID 1.0 §2.3)."""
    doc_id = doc["id"]
    found = set()
    for prop in RELATIONSHIPS:
        for entry in _entries(doc, prop):
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if absolute_ref(ref, doc_id) == vm_id:
                found.add(prop)
    return frozenset(found)


def lists_method(doc: dict, vm_id: str) -> bool:
    """True when ``doc`` lists ``vm_id`` in ``verificationMethod`` or any relationship, by reference or embedded."""
    doc_id = doc["id"]
    for prop in ("verificationMethod", *RELATIONSHIPS):
        for entry in _entries(doc, prop):
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if absolute_ref(ref, doc_id) == vm_id:
                return True
    return False


def method_from_document(doc: dict, vm_id: str, *, from_cache: bool) -> VerificationMethod:
    """Build the :class:`VerificationMethod` ``vm_id`` from its (already id-checked) document.

    :raises ResolutionError: method absent or ambiguous, ``controller`` other than the document
        (CID 1.0 §3.3 step 10), missing ``type``, or malformed key material.
    :raises UnsupportedCryptosuite: a key type we do not implement.
    """
    doc_id = doc["id"]
    method = find_method(doc, vm_id)
    controller = absolute_ref(method.get("controller", doc_id), doc_id)
    if controller != doc_id:
        raise ResolutionError(f"{vm_id} names controller {str(controller)[:120]!r}, "
                              f"not the document {doc_id} that lists it")
    mtype = method.get("type")
    if not isinstance(mtype, str):
        raise ResolutionError(f"{vm_id} has no type")
    return VerificationMethod(id=vm_id, type=mtype, controller=controller, public_jwk=public_jwk_from_method(method),
                              document_id=doc_id, relationships=relationships(doc, vm_id), from_cache=from_cache,
                              revoked=method.get("revoked"), expires=method.get("expires"))
