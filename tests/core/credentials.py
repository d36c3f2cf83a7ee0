"""Unsigned credentials the tests sign themselves."""

from __future__ import annotations

import copy

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def ob3_credential(issuer: str, **changes) -> dict:
    """An Open Badges 3.0 AchievementCredential (OB 3.0 §8.1) issued by ``issuer``."""
    doc = {
        "@context": [VC2, OB3],
        "id": "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Community College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Welding Fundamentals",
        "credentialSubject": {
            "id": "did:example:learner-7",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://college.example/achievements/weld-101",
                "type": ["Achievement"],
                "name": "Welding Fundamentals",
                "description": "Completed WELD 101 with a passing grade.",
                "criteria": {"narrative": "Pass the practical and written exams."},
            },
        },
    }
    doc.update(copy.deepcopy(changes))
    return doc


def vc11_credential(issuer: str, **changes) -> dict:
    """A VCDM 1.1 credential issued by ``issuer``."""
    doc = {
        "@context": [VC1],
        "id": "urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner-7"},
    }
    doc.update(copy.deepcopy(changes))
    return doc


def issued_to(credential: dict, subject_id: str) -> dict:
    """A copy of ``credential`` whose (first) ``credentialSubject`` has the id ``subject_id``."""
    doc = copy.deepcopy(credential)
    subject = doc["credentialSubject"]
    (subject[0] if isinstance(subject, list) else subject)["id"] = subject_id
    return doc
