"""Open Badges 3.0 endorsements (issue 11): what an embedded ``EndorsementCredential`` must say about
the thing that carries it.

OB 3.0 §B.1.3 ``EndorsementCredential``: its type includes ``EndorsementCredential``, and its
``credentialSubject`` (``EndorsementSubject``) ``id`` is "the identifier of the individual, entity,
organization, assertion, or achievement that is endorsed". An endorsement is carried by the thing it
endorses: a credential (``endorsement``), an issuer Profile or an Achievement. One that endorses
something else (a genuine endorsement of another badge, copied in) is not an endorsement of this one.
"""

from __future__ import annotations

import re
from typing import Any

from verifier.parse import CredentialItem, Presented

_HOST = re.compile(r"^(?P<host>.*)/(endorsement|endorsementJwt)(/\d+)?$")


def _resolve(document: Any, pointer: str) -> Any:
    """The value at JSON pointer ``pointer`` (RFC 6901) in ``document``, or None."""
    value = document
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _types(doc: dict[str, Any]) -> list[str]:
    t = doc.get("type")
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def endorsement_problems(item: CredentialItem, presented: Presented) -> list[tuple[str, str]]:
    """(JSON pointer, message) for an endorsement that is not an ``EndorsementCredential`` or does not
    endorse the credential, profile or achievement that carries it.

    :returns: empty for an item that is not an endorsement (or whose carrier cannot be found).
    """
    if not item.endorsement or item.parent is None:
        return []
    parent = next((i for i in presented.items if i.pointer == item.parent), None)
    match = _HOST.match(item.pointer[len(item.parent):])
    if parent is None or match is None:
        return []
    out: list[tuple[str, str]] = []
    if "EndorsementCredential" not in _types(item.document):
        out.append(("/type", "an endorsement must be an EndorsementCredential (OB 3.0 §B.1.3)"))
    host = _resolve(parent.document, match["host"])
    ids = _ids(host) if not match["host"] else ({host["id"]} if isinstance(host, dict) and isinstance(host.get("id"), str)
                                                 else set())
    subject = item.document.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    where = f"{item.parent}{match['host']}" or "the credential"
    if not ids:
        out.append(("/credentialSubject/id", f"the endorsement is carried by {where}, which has no id to endorse"))
    elif subject_id not in ids:
        out.append(("/credentialSubject/id", f"endorses {subject_id!r}, not {where} that carries it "
                                             f"({', '.join(sorted(ids))})"))
    return out


def _ids(credential: Any) -> set[str]:
    """What an endorsement on a credential may endorse (OB 3.0 AchievementCredential ``endorsement``: "claims
    about the credential, and the achievement and profile"): the credential's, its issuer's and its
    achievements' ids."""
    if not isinstance(credential, dict):
        return set()
    issuer = credential.get("issuer")
    found = [credential.get("id"), issuer.get("id") if isinstance(issuer, dict) else issuer]
    subjects = credential.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if isinstance(subject, dict):
            achievements = subject.get("achievement")
            for a in achievements if isinstance(achievements, list) else [achievements]:
                if isinstance(a, dict):
                    found.append(a.get("id"))
    return {i for i in found if isinstance(i, str)}
