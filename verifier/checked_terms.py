"""The properties our checks read, with the IRIs the pinned JSON-LD contexts give them.

This is the vocabulary of the signed-meaning gate (:mod:`verifier.signed_meaning`): for each kind of
node our checks look at (a credential, a presentation, a proof, a status entry, ...), which JSON terms
they read and which RDF properties those terms stand for. The IRIs are the ones the bundled and
well-known contexts define (VCDM 1.1 ``https://www.w3.org/2018/credentials/v1`` and 2.0
``https://www.w3.org/ns/credentials/v2``; Data Integrity and the security vocabulary; Bitstring Status
List, StatusList2021, RevocationList2020; Open Badges 3.0 and CLR 2.0). A test keeps this table true
to every bundled context: a term a bundled context defines must map to one of the IRIs listed here.

A term may stand for several IRIs (``statusListIndex`` in Bitstring Status List and in
StatusList2021): the gate reads the union, as a reader of the plain JSON would.

To make a new check safe, add every property it reads here, under the node kind it reads it from.
"""

from __future__ import annotations

from dataclasses import dataclass

CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status#"
SL2021 = "https://w3id.org/vc/status-list#"
RL2020 = "https://w3id.org/vc-revocation-list-2020#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CLR = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: How a term's JSON value is read.
LITERAL = "literal"  # a string, number or boolean: compared with the signed literal's value
REF = "ref"          # an IRI string or an embedded node object: compared by id, type and its own terms
VOCAB = "vocab"      # a term name whose value is an IRI in a vocabulary (``proofPurpose``)
GRAPH = "graph"      # a ``@graph`` container: each value is a named graph holding one node (a VP's credentials)


@dataclass(frozen=True)
class Term:
    """One property a check reads.

    :param name: the JSON term (the plain spelling: ``credentialStatus``).
    :param iris: the RDF properties the pinned contexts map ``name`` to, sorted (values are read in that order).
    :param kind: :data:`LITERAL`, :data:`REF`, :data:`VOCAB` or :data:`GRAPH`.
    :param shape: for :data:`REF` values, the node kind of the value (a key of :data:`SHAPES`).
    """

    name: str
    iris: tuple[str, ...]
    kind: str
    shape: str | None = None


@dataclass(frozen=True)
class Shape:
    """The terms read from one kind of node.

    :param terms: the checked properties.
    :param types: whether the node's ``type`` is read (compared in both directions) -- or, when
        False, only that each JSON type the document states is among the signed ones.
    """

    terms: tuple[Term, ...]
    types: bool = True


def _t(name: str, kind: str, *iris: str, shape: str | None = None) -> Term:
    return Term(name, tuple(sorted(iris)), kind, shape)


_DATES = (
    _t("issuanceDate", LITERAL, CRED + "issuanceDate"),
    _t("expirationDate", LITERAL, CRED + "expirationDate"),
    _t("validFrom", LITERAL, CRED + "validFrom"),
    _t("validUntil", LITERAL, CRED + "validUntil"),
)

#: OB 3.0 ``endorsement`` / ``endorsementJwt`` on a credential (issue 11: each is verified as a credential of
#: its own). Only on the credential node: subject, issuer and achievement nodes are shared between the
#: credentials of one document (same id, one RDF node), so terms compared there would mismatch.
_ENDORSEMENTS = (
    _t("endorsement", REF, OB + "endorsement", shape="nested_credential"),
    _t("endorsementJwt", LITERAL, OB + "endorsementJwt"),
)

#: node kind -> what the checks read there.
SHAPES: dict[str, Shape] = {
    # VCDM 2.0 §4 (1.1 §4): the credential itself.
    "credential": Shape((
        _t("issuer", REF, CRED + "issuer", shape="issuer"),
        *_DATES,
        _t("credentialStatus", REF, CRED + "credentialStatus", shape="status_entry"),
        _t("credentialSubject", REF, CRED + "credentialSubject", shape="subject"),
        _t("credentialSchema", REF, CRED + "credentialSchema", shape="schema"),
        *_ENDORSEMENTS,
    )),
    # VCDM 2.0 §4.13 Verifiable Presentations (the validity check reads a presentation's dates too).
    "presentation": Shape((
        _t("holder", REF, CRED + "holder", shape="holder"),
        _t("verifiableCredential", GRAPH, CRED + "verifiableCredential"),
        *_DATES,
    )),
    # VCDM 2.0 §4.7 Issuer: read for its id. (Its OB 3.0 endorsements are not compared: an issuer node is
    # shared by every credential of that issuer in one document, e.g. a CLR and its nested credentials.)
    "issuer": Shape((), types=False),
    "holder": Shape((), types=False),
    # VCDM 2.0 §4.8 Credential Subject; OB 3.0 AchievementSubject (identifier); CLR 2.0 ClrSubject
    # (its nested credentials); a status list credential's subject (Bitstring Status List §2.2).
    "subject": Shape((
        _t("identifier", REF, OB + "identifier", CLR + "identifier-1", "http://schema.org/identifier",
           shape="identity"),
        _t("verifiableCredential", REF, CLR + "verifiableCredential", shape="nested_credential"),
        _t("encodedList", LITERAL, STATUS + "encodedList", SL2021 + "encodedList", RL2020 + "encodedList"),
        _t("statusPurpose", LITERAL, STATUS + "statusPurpose", SL2021 + "statusPurpose"),
        _t("ttl", LITERAL, STATUS + "ttl"),
    ), types=False),
    # OB 3.0 IdentityObject.
    "identity": Shape((
        _t("identityHash", LITERAL, OB + "identityHash"),
        _t("identityType", LITERAL, OB + "identityType"),
        _t("hashed", LITERAL, OB + "hashed"),
        _t("salt", LITERAL, OB + "salt", SEC + "salt"),
    )),
    "nested_credential": Shape(()),
    "schema": Shape(()),
    # Bitstring Status List §2.1, StatusList2021 §2.1, RevocationList2020 §2.1, 1EdTech Revocation List.
    "status_entry": Shape((
        _t("statusPurpose", LITERAL, STATUS + "statusPurpose", SL2021 + "statusPurpose"),
        _t("statusListIndex", LITERAL, STATUS + "statusListIndex", SL2021 + "statusListIndex"),
        _t("statusListCredential", REF, STATUS + "statusListCredential", SL2021 + "statusListCredential",
           shape="status_list"),
        _t("statusSize", LITERAL, STATUS + "statusSize"),
        _t("statusMessage", REF, STATUS + "statusMessage", shape="status_message"),
        _t("revocationListIndex", LITERAL, RL2020 + "revocationListIndex"),
        _t("revocationListCredential", REF, RL2020 + "revocationListCredential", shape="status_list"),
    )),
    "status_list": Shape((), types=False),
    "status_message": Shape((), types=False),
    # Data Integrity §2.1 proof options (the proof configuration the signature covers).
    "proof": Shape((
        _t("cryptosuite", LITERAL, SEC + "cryptosuite"),
        _t("proofPurpose", VOCAB, SEC + "proofPurpose"),
        _t("verificationMethod", REF, SEC + "verificationMethod", shape="verification_method"),
        _t("created", LITERAL, "http://purl.org/dc/terms/created"),
        _t("expires", LITERAL, SEC + "expiration"),
        _t("challenge", LITERAL, SEC + "challenge"),
        _t("domain", LITERAL, SEC + "domain"),
        _t("nonce", LITERAL, SEC + "nonce"),
        _t("previousProof", REF, SEC + "previousProof", shape="previous_proof"),
    )),
    "verification_method": Shape((), types=False),
    "previous_proof": Shape((), types=False),
}

#: Type names the checks compare, with the class IRIs the pinned contexts give them. A type name not
#: listed here must be the class IRI itself or its last segment (after ``#`` or ``/``).
KNOWN_TYPES: dict[str, frozenset[str]] = {name: frozenset(iris) for name, iris in {
    "VerifiableCredential": [CRED + "VerifiableCredential"],
    "VerifiablePresentation": [CRED + "VerifiablePresentation"],
    "EnvelopedVerifiableCredential": [CRED + "EnvelopedVerifiableCredential"],
    "EnvelopedVerifiablePresentation": [CRED + "EnvelopedVerifiablePresentation"],
    "JsonSchema": [CRED + "JsonSchema"],
    "OpenBadgeCredential": [OB + "OpenBadgeCredential"],
    "AchievementCredential": [OB + "OpenBadgeCredential"],  # OB 3.0 context: an alias of OpenBadgeCredential
    "EndorsementCredential": [OB + "EndorsementCredential"],
    "AchievementSubject": [OB + "AchievementSubject"],
    "ClrCredential": [CLR + "ClrCredential"],
    "ClrSubject": [CLR + "ClrSubject"],
    "BitstringStatusListEntry": [STATUS + "BitstringStatusListEntry"],
    "BitstringStatusListCredential": [STATUS + "BitstringStatusListCredential"],
    "BitstringStatusList": [STATUS + "BitstringStatusList"],
    "StatusList2021Entry": [SL2021 + "StatusList2021Entry"],
    "StatusList2021Credential": [SL2021 + "StatusList2021Credential"],
    "StatusList2021": [SL2021 + "StatusList2021"],
    "RevocationList2020Status": [RL2020 + "RevocationList2020Status"],
    "RevocationList2020Credential": [RL2020 + "RevocationList2020Credential"],
    "RevocationList2020": [RL2020 + "RevocationList2020"],
    "1EdTechRevocationList": ["https://purl.imsglobal.org/spec/vcrl/v1p0/context.json#1EdTechRevocationList"],
    "1EdTechJsonSchemaValidator2019": [
        "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019"],
    "DataIntegrityProof": [SEC + "DataIntegrityProof"],
    "Ed25519Signature2020": [SEC + "Ed25519Signature2020"],
    "Ed25519Signature2018": [SEC + "Ed25519Signature2018"],
    "JsonWebSignature2020": [SEC + "JsonWebSignature2020"],
    "EcdsaSecp256k1Signature2019": [SEC + "EcdsaSecp256k1Signature2019"],
}.items()}

#: Classes a node may carry in the signed data beyond its JSON type names, because another object of the
#: same document names it by id and states the class: an OB 3.0 endorsement of the credential itself
#: (``credentialSubject.id`` = the credential's id, §B.1.3) makes the credential an ``EndorsementSubject``
#: in RDF. No check reads these classes (issue 11).
MERGEABLE_TYPES = frozenset({OB + "EndorsementSubject"})

#: ``proofPurpose`` values (Data Integrity §2.1; controlled identifiers §3.3): the security vocabulary
#: v1/v2 contexts map the relationship names to ``...Method`` IRIs, the Data Integrity contexts to the bare name.
PROOF_PURPOSES: dict[str, frozenset[str]] = {
    name: frozenset({SEC + name, SEC + name + "Method"})
    for name in ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation",
                 "keyAgreement")
}
PROOF_PURPOSES["assertionMethod"] = frozenset({SEC + "assertionMethod"})
