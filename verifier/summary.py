"""A short summary of a credential for reports: who issued what to whom.

Open Badges 3.0 §8.1 (``AchievementCredential``: ``credentialSubject.achievement.name``), CLR 2.0,
VCDM 2.0 §4.6 ``name``/``description``.
"""

from __future__ import annotations

from typing import Any

from verifier.parse import CredentialItem


def _text(value: Any) -> str | None:
    """A plain string, or the first ``@value`` of a language map list (VCDM 2.0 §11.1)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], dict) and isinstance(value[0].get("@value"), str):
        return value[0]["@value"]
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return value["@value"]
    return None


def summarize(item: CredentialItem) -> dict[str, Any]:
    """Return ``{id, type, issuer, issuerName, subject, name, achievement, format}`` (missing keys omitted)."""
    doc = item.document
    out: dict[str, Any] = {"kind": item.kind, "format": "jwt" if item.jwt else "ldp"}
    if item.is_ob2:
        out["format"] = "ob2-signed" if item.jwt else "ob2-hosted"
    if isinstance(doc.get("id"), str):
        out["id"] = doc["id"]
    types = doc.get("type")
    if isinstance(types, (str, list)):
        out["type"] = types if isinstance(types, list) else [types]
    party = doc.get("issuer" if item.kind == "credential" else "holder")
    if isinstance(party, str):
        out["issuer" if item.kind == "credential" else "holder"] = party
    elif isinstance(party, dict):
        key = "issuer" if item.kind == "credential" else "holder"
        if isinstance(party.get("id"), str):
            out[key] = party["id"]
        if _text(party.get("name")):
            out[key + "Name"] = _text(party.get("name"))
    subject = doc.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict):
        if isinstance(subject.get("id"), str):
            out["subject"] = subject["id"]
        achievement = subject.get("achievement")
        if isinstance(achievement, dict) and _text(achievement.get("name")):
            out["achievement"] = _text(achievement.get("name"))
    if _text(doc.get("name")):
        out["name"] = _text(doc.get("name"))
    return out


def with_registry_display(summary: dict[str, Any], trust_evidence: dict[str, Any] | None) -> dict[str, Any]:
    """Prefer the trust registry's issuer data over the credential's self-asserted data (issue 4).

    :param summary: from :func:`summarize`.
    :param trust_evidence: the ``issuer_trust`` result's evidence, or None.
    :returns: the summary with ``issuerName`` from the registry when it has one (``issuerNameSource``
        says which), the self-asserted name kept as ``issuerSelfAssertedName``.
    """
    registry_issuer = (trust_evidence or {}).get("issuer") or {}
    out = dict(summary)
    if isinstance(registry_issuer.get("name"), str):
        if "issuerName" in out:
            out["issuerSelfAssertedName"] = out["issuerName"]
        out["issuerName"] = registry_issuer["name"]
        out["issuerNameSource"] = "registry"
    elif "issuerName" in out:
        out["issuerNameSource"] = "credential"
    return out
