"""CLR 2.0 rules beyond the VC data model (issue 11): associations must name achievements the CLR carries.

CLR 2.0 §B.1.3 ``Association``: ``sourceId`` and ``targetId`` are the ``id`` of achievements; a
``ClrSubject`` carries achievements in ``achievement`` and, inside its ``verifiableCredential``s, in
each credential's ``credentialSubject.achievement``. An association naming neither is reported.
"""

from __future__ import annotations

from typing import Any

from verifier.parse import CredentialItem, Presented


def _types(doc: dict[str, Any]) -> list[str]:
    t = doc.get("type")
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def _listed(value: Any, base: str) -> list[tuple[str, Any]]:
    if isinstance(value, list):
        return [(f"{base}/{i}", v) for i, v in enumerate(value)]
    return [] if value is None else [(base, value)]


def _achievement_ids(doc: dict[str, Any]) -> set[str]:
    """``id`` of every achievement a credential's subjects state."""
    ids: set[str] = set()
    for _, subject in _listed(doc.get("credentialSubject"), ""):
        if isinstance(subject, dict):
            for _, achievement in _listed(subject.get("achievement"), ""):
                if isinstance(achievement, dict) and isinstance(achievement.get("id"), str):
                    ids.add(achievement["id"])
    return ids


def association_problems(item: CredentialItem, presented: Presented) -> list[tuple[str, str]]:
    """(JSON pointer, message) for each association end of a ``ClrCredential`` that names no achievement
    the CLR carries (its own ``achievement`` list or its nested credentials', JWTs decoded).

    :returns: empty for anything that is not a ClrCredential.
    """
    doc = item.document
    if item.kind != "credential" or "ClrCredential" not in _types(doc):
        return []
    known = _achievement_ids(doc)
    for nested in presented.items:
        if nested.parent == item.pointer and not nested.endorsement:
            known |= _achievement_ids(nested.document)
    out: list[tuple[str, str]] = []
    for base, subject in _listed(doc.get("credentialSubject"), "/credentialSubject"):
        if not isinstance(subject, dict):
            continue
        for a_ptr, association in _listed(subject.get("association"), base + "/association"):
            if not isinstance(association, dict):
                continue
            for end in ("sourceId", "targetId"):
                value = association.get(end)
                if value not in known:
                    out.append((f"{a_ptr}/{end}", f"names {value!r}, which is not the id of any achievement "
                                                  "this CLR carries (CLR 2.0 Association)"))
    return out
