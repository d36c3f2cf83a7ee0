"""The skills summary of a report: what was achieved, by whom it was issued, and the skills it aligns to.

Normalised across Open Badges 3.0 (``AchievementCredential``/``OpenBadgeCredential``, OB 3.0 §B.1
``AchievementSubject``, ``Achievement``, ``Result``, ``ResultDescription``, ``Alignment``,
``Evidence``), CLR 2.0 (``ClrCredential``: the CLR itself and each nested credential, CLR 2.0 §B.1)
and Open Badges 2.0 (``Assertion`` with its ``BadgeClass`` and issuer ``Profile``, OB 2.0 §"Data
Model"). Nothing is fetched: a hosted OB 2.0 BadgeClass given only by URL is shown by its URL.

The summary shows what a credential *says*. Whether that is what its issuer signed is decided by
:mod:`verifier.summary_basis` (each entry's ``basis``: ``signed`` or ``unverified`` claims). The properties the checks read (issuer,
dates, subject) are the ones the signed-meaning gate compared with what the proof signs
(:mod:`verifier.signed_meaning`); the descriptive ones (name, description, alignment...) are read in
their plain spelling from the same signed object.

This module is language-neutral: a text that the credential offers in several languages is kept with
all its tags (``languages``) and the caller's language is picked by :func:`verifier.i18n.localize`.
"""

from __future__ import annotations

from typing import Any, Iterable

from verifier.alignment import recognise
from verifier.langtext import context_language, read_text

#: OB 3.0 and CLR 2.0 credential types.
_OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
_CLR_TYPES = {"ClrCredential"}
_IMAGE_DATA = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
MAX_ENTRIES = 200  # a summary shows at most this many achievements/results/evidence/alignments per list


def _types(value: Any) -> list[str]:
    return [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return (value if isinstance(value, list) else [value])[:MAX_ENTRIES]


def _link(value: Any, *, image: bool = False) -> str | None:
    """A URL safe to show as a link (http/https; for images also data: PNG/JPEG/GIF/WebP), else None."""
    if not isinstance(value, str):
        return None
    lowered = value[:32].lower()
    if lowered.startswith(("https://", "http://")):
        return value
    if image and lowered.startswith(_IMAGE_DATA):
        return value
    return None


def _scalar(value: Any) -> Any:
    return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _names(*names: str | tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """Text field names as (name in the credential, name in the summary) pairs, built once at import."""
    return tuple((n, n) if isinstance(n, str) else n for n in names)


class _Reader:
    """Copies text fields into an output object, keeping language-tagged variants under ``languages``."""

    def __init__(self, default_language: str | None):
        self.default_language = default_language

    def texts(self, out: dict[str, Any], source: dict[str, Any], names: tuple[tuple[str, str], ...]) -> None:
        """:param names: from :func:`_names`."""
        language = self.default_language
        for src, dst in names:
            value = source.get(src)
            if value is None:
                continue  # read_text(None) reads nothing
            text, variants = read_text(value, language)
            if text is not None:
                out[dst] = text
            if variants:
                out.setdefault("languages", {})[dst] = variants

    @staticmethod
    def scalars(out: dict[str, Any], source: dict[str, Any], names: Iterable[str]) -> None:
        for name in names:
            value = _scalar(source.get(name))
            if value is not None:
                out[name] = value


_NAME = _names("name")
_NAME_DESCRIPTION = _names("name", "description")
_IMAGE_TEXTS = _names("caption")
_NARRATIVE = _names("narrative")
_ALIGNMENT_TEXTS = _names("targetName", "targetDescription", "targetFramework")
_ACHIEVEMENT_TEXTS = _names("name", "description", "fieldOfStudy", "specialization")
_EVIDENCE_TEXTS = _names("name", "description", "narrative", "genre", "audience")
_ISSUER_TEXTS = _names(("name", "selfAssertedName"), ("description", "selfAssertedDescription"))


def _image(value: Any, reader: _Reader) -> dict[str, Any] | None:
    if isinstance(value, str):
        url = _link(value, image=True)
        return {"id": value, "url": url} if url else {"id": value}
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        out = _image(value["id"], reader) or {}
        reader.texts(out, value, _IMAGE_TEXTS)
        return out
    return None


def _alignment(value: Any, reader: _Reader) -> dict[str, Any] | None:
    if isinstance(value, str):  # OB 2.0 allows an IRI; kept, never dropped
        value = {"targetUrl": value}
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    reader.texts(out, value, _ALIGNMENT_TEXTS)
    reader.scalars(out, value, ("targetCode", "targetType"))
    if isinstance(value.get("targetUrl"), str):
        out["targetUrl"] = value["targetUrl"]
        if _link(value["targetUrl"]):
            out["url"] = value["targetUrl"]
    out.update({k: v for k, v in recognise(value).items() if v is not None})
    return out


def _alignments(value: Any, reader: _Reader) -> list[dict[str, Any]]:
    """Every readable ``alignment`` of an achievement, result description or result (OB 3.0 §B.1 Alignment)."""
    return [a for a in (_alignment(x, reader) for x in _as_list(value)) if a]


def _criteria(value: Any, reader: _Reader) -> dict[str, Any] | None:
    if isinstance(value, str):  # OB 2.0: a URL
        return {"id": value, **({"url": value} if _link(value) else {})}
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    if isinstance(value.get("id"), str):
        out["id"] = value["id"]
        if _link(value["id"]):
            out["url"] = value["id"]
    reader.texts(out, value, _NARRATIVE)
    return out or None


def _result_description(value: Any, reader: _Reader) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    reader.scalars(out, value, ("id", "resultType", "valueMin", "valueMax", "requiredValue", "requiredLevel"))
    reader.texts(out, value, _NAME)
    if isinstance(value.get("allowedValue"), list):
        out["allowedValue"] = [v for v in value["allowedValue"][:MAX_ENTRIES] if isinstance(v, str)]
    levels = []
    for level in _as_list(value.get("rubricCriterionLevel")):
        if isinstance(level, dict):
            entry: dict[str, Any] = {}
            reader.scalars(entry, level, ("id", "level", "points"))
            reader.texts(entry, level, _NAME_DESCRIPTION)
            levels.append(entry)
    if levels:
        out["rubricCriterionLevel"] = levels
    aligned = _alignments(value.get("alignment"), reader)
    if aligned:
        out["alignments"] = aligned
    return out or None


def _achievement(value: Any, reader: _Reader) -> dict[str, Any] | None:
    """OB 3.0 / CLR 2.0 ``Achievement`` or OB 2.0 ``BadgeClass`` (a URL-only BadgeClass is ``{"id"}``)."""
    if isinstance(value, str):
        return {"id": value}
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    reader.scalars(out, value, ("id", "achievementType", "humanCode", "creditsAvailable", "version", "inLanguage",
                                "level"))
    reader.texts(out, value, _ACHIEVEMENT_TEXTS)
    criteria = _criteria(value.get("criteria"), reader)
    if criteria:
        out["criteria"] = criteria
    image = _image(value.get("image"), reader)
    if image:
        out["image"] = image
    related = []
    for version in _as_list(value.get("related")):  # OB 3.0 Related: the achievement in other languages
        if isinstance(version, dict) and isinstance(version.get("id"), str):
            entry: dict[str, Any] = {"id": version["id"]}
            reader.scalars(entry, version, ("inLanguage", "version"))
            related.append(entry)
    if related:
        out["related"] = related
    tags = [t for t in _as_list(value.get("tag") if "tag" in value else value.get("tags")) if isinstance(t, str)]
    if tags:
        out["tags"] = tags
    descriptions = [d for d in (_result_description(x, reader) for x in _as_list(value.get("resultDescription"))) if d]
    if descriptions:
        out["resultDescriptions"] = descriptions
    aligned = _alignments(value.get("alignment"), reader)
    if aligned:
        out["alignments"] = aligned
    return out or None


def _results(subject: dict[str, Any], achievement: dict[str, Any] | None, reader: _Reader) -> list[dict[str, Any]]:
    """OB 3.0 ``Result``s with the ``ResultDescription`` each names (by ``resultDescription`` id)."""
    described = {d.get("id"): d for d in (achievement or {}).get("resultDescriptions", []) if d.get("id")}
    out = []
    for value in _as_list(subject.get("result")):
        if not isinstance(value, dict):
            continue
        entry: dict[str, Any] = {}
        reader.scalars(entry, value, ("resultDescription", "value", "status", "achievedLevel"))
        description = described.get(value.get("resultDescription"))
        if description:
            entry["description"] = {k: v for k, v in description.items() if k != "rubricCriterionLevel"}
            level = next((lv for lv in description.get("rubricCriterionLevel", [])
                          if lv.get("id") == value.get("achievedLevel")), None)
            if level:
                entry["achievedLevelDetail"] = level
        aligned = _alignments(value.get("alignment"), reader)
        if aligned:
            entry["alignments"] = aligned
        if entry:
            out.append(entry)
    return out


def _evidence(value: Any, reader: _Reader) -> list[dict[str, Any]]:
    out = []
    for entry in _as_list(value):
        if isinstance(entry, str):
            entry = {"id": entry}
        if not isinstance(entry, dict):
            continue
        item: dict[str, Any] = {}
        if isinstance(entry.get("id"), str):
            item["id"] = entry["id"]
            if _link(entry["id"]):
                item["url"] = entry["id"]
        reader.texts(item, entry, _EVIDENCE_TEXTS)
        if item:
            out.append(item)
    return out


def _issuer(value: Any, reader: _Reader) -> dict[str, Any]:
    """The credential's own (self-asserted) issuer data; OB 3.0 ``Profile``, OB 2.0 issuer ``Profile``."""
    if isinstance(value, str):
        return {"id": value}
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {}
    if isinstance(value.get("id"), str):
        out["id"] = value["id"]
    reader.texts(out, value, _ISSUER_TEXTS)
    if _link(value.get("url")):
        out["selfAssertedUrl"] = value["url"]
    image = _image(value.get("image"), reader)
    if image and image.get("url"):
        out["selfAssertedLogo"] = image["url"]
    return out


def with_registry(issuer: dict[str, Any], registry_issuer: dict[str, Any] | None) -> dict[str, Any]:
    """Put the trust registry's display name and logo first (issue 4): ``name``/``logo`` with ``nameSource``.

    :param issuer: from the credential (``selfAssertedName``...).
    :param registry_issuer: the ``issuer_trust`` evidence's ``issuer`` (registry display data), or None.
    """
    out = dict(issuer)
    registry_issuer = registry_issuer or {}
    if isinstance(registry_issuer.get("name"), str):
        out["name"], out["nameSource"] = registry_issuer["name"], "registry"
        if isinstance(registry_issuer.get("logo_url"), str):
            out["logo"] = registry_issuer["logo_url"]
        if isinstance(registry_issuer.get("homepage"), str):
            out["url"] = registry_issuer["homepage"]
    elif "selfAssertedName" in out:
        out["name"], out["nameSource"] = out["selfAssertedName"], "credential"
        if "languages" in out and "selfAssertedName" in out["languages"]:
            out["languages"]["name"] = out["languages"]["selfAssertedName"]
    return out


def _kind(types: list[str], document: dict[str, Any]) -> str:
    if _CLR_TYPES & set(types):
        return "clr"
    if _OB3_TYPES & set(types):
        return "ob3"
    if "Assertion" in types or "badge" in document:
        return "ob2"
    return "vc"


def summarize_credential(document: dict[str, Any], *, pointer: str = "", basis: str = "unverified",
                         registry_issuer: dict[str, Any] | None = None) -> dict[str, Any]:
    """One credential's summary entry (language-neutral; see the module docstring).

    :param document: the credential as JSON (OB 3.0, CLR 2.0, OB 2.0 Assertion or any VC).
    :param pointer: its JSON pointer in the presented document ("" = top level).
    :param basis: ``signed`` or ``unverified`` (the caller decides from the proof outcome).
    :param registry_issuer: registry display data of the issuer, when the registry lists it.
    :returns: ``{credential, kind, basis, id?, types, name?, description?, issuer, validFrom?, validUntil?,
        awardedDate?, achievements: [...], results: [...], creditsEarned?, evidence: [...], languages?}``.
        Never raises for odd shapes: what cannot be read is left out.
    """
    reader = _Reader(context_language(document))
    types = _types(document.get("type"))
    kind = _kind(types, document)
    entry: dict[str, Any] = {"credential": pointer, "kind": kind, "basis": basis, "types": types}
    if isinstance(document.get("id"), str):
        entry["id"] = document["id"]
    reader.texts(entry, document, _NAME_DESCRIPTION)
    subjects = [s for s in _as_list(document.get("credentialSubject")) if isinstance(s, dict)]
    if kind == "ob2":
        badge = document.get("badge")
        issuer_value = badge.get("issuer") if isinstance(badge, dict) else None
        achievements = [a for a in [_achievement(badge, reader)] if a]
        valid_from, valid_until = _scalar(document.get("issuedOn")), _scalar(document.get("expires"))
        subject_like = [document]
    else:
        issuer_value = document.get("issuer")
        achievements = []
        for subject in subjects:
            achievements += [a for a in (_achievement(x, reader) for x in _as_list(subject.get("achievement"))) if a]
        valid_from = _scalar(document.get("validFrom") or document.get("issuanceDate"))
        valid_until = _scalar(document.get("validUntil") or document.get("expirationDate"))
        subject_like = subjects
    if valid_from is not None:  # the entry holds no other None: texts and ids are set only when read
        entry["validFrom"] = valid_from
    if valid_until is not None:
        entry["validUntil"] = valid_until
    reader.scalars(entry, document, ("awardedDate",))
    entry["issuer"] = with_registry(_issuer(issuer_value, reader), registry_issuer)
    image = _image(document.get("image"), reader)
    if image:
        entry["image"] = image
    entry["achievements"] = achievements[:MAX_ENTRIES]
    results, credits = [], None
    for subject in subject_like:
        results += _results(subject, achievements[0] if len(achievements) == 1 else None, reader)
        credits = credits if credits is not None else _scalar(subject.get("creditsEarned"))
        for name in ("term", "activityStartDate", "activityEndDate", "licenseNumber", "role"):
            if _scalar(subject.get(name)) is not None:
                entry[name] = subject[name]
    entry["results"] = results[:MAX_ENTRIES]
    if credits is not None:
        entry["creditsEarned"] = credits
    entry["evidence"] = _evidence(document.get("evidence"), reader)
    narrative, variants = read_text(document.get("narrative"), reader.default_language)  # OB 2.0 Assertion
    if narrative:
        entry["narrative"] = narrative
        if variants:
            entry.setdefault("languages", {})["narrative"] = variants
    return entry


def skills(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every alignment of every entry (achievement, result description, result), each once, with the
    ``credential`` pointer and ``achievement`` id it came from: the list a marketplace searches and matches on."""
    out, seen = [], set()
    for entry in entries:
        for achievement in entry.get("achievements", []):
            groups = [achievement.get("alignments", [])]
            groups += [d.get("alignments", []) for d in achievement.get("resultDescriptions", [])]
            groups += [r.get("alignments", []) for r in entry.get("results", [])]
            for alignment in (a for group in groups for a in group):
                key = (alignment.get("framework"), alignment.get("code"), alignment.get("targetUrl"),
                       alignment.get("targetName"), alignment.get("targetCode"))
                if key in seen:
                    continue
                seen.add(key)
                out.append({**alignment, "credential": entry["credential"],
                            **({"achievement": achievement["id"]} if "id" in achievement else {})})
    return out[:MAX_ENTRIES]
