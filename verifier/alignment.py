"""Recognise the framework of an OB 3.0 / CLR 2.0 / OB 2.0 ``alignment`` from its own identifiers.

Only the credential's data is read (``targetType``, ``targetUrl``, ``targetCode``, ``targetFramework``);
nothing is looked up over the network and no label table is bundled. Frameworks recognised:

* ``ctdl`` / ``ctdl-asn``: Credential Engine CTDL and CTDL-ASN (OB 3.0 AlignmentTargetType
  ``ceterms:Credential``, ``CTDL``, ``ceasn:Competency``; URLs on credentialengineregistry.org or
  credentialfinder.org; ``ce-<uuid>`` identifiers, CTDL §"CTID");
* ``case``: 1EdTech CASE 1.0 (``CFItem``, ``CFRubric``...; ``/ims/case/v1p0/CFItems/<uuid>`` URLs);
* ``onet-soc``: O*NET-SOC 2019 codes (``15-1252.00``; onetonline.org / onetcenter.org URLs);
* ``esco-skill`` / ``esco-occupation``: ESCO concept URIs (``http://data.europa.eu/esco/skill/<uuid>``);
* ``osn-rsd``: Open Skills Network Rich Skill Descriptors (OSMT ``/api/skills/<uuid>`` URLs, or a
  framework named Open Skills Network / Rich Skill Descriptor);
* ``unrecognised`` otherwise: the alignment is kept, never dropped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_CTID = re.compile(r"\bce-" + _UUID + r"\b")
_ONET = re.compile(r"(?<![\d.])(\d{2}-\d{4}\.\d{2})(?![\d.])")
_SOC = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
_ESCO = re.compile(r"data\.europa\.eu/esco/(skill|occupation|isco|knowledge)/([0-9A-Za-z.\-]+)")
_CASE_PATH = re.compile(r"/CF(Items|Documents|Rubrics|Associations)/(" + _UUID + ")", re.IGNORECASE)
_RSD_PATH = re.compile(r"/api/skills/(" + _UUID + ")")
_ONET_NAME = re.compile(r"o\*?\s?net", re.IGNORECASE)
_RSD_NAME = re.compile(r"open skills network|rich skill descriptor|\bRSD\b", re.IGNORECASE)

#: OB 3.0 §B.3 AlignmentTargetType values naming a framework.
_TARGET_TYPES = {"ceasn:Competency": ("ctdl-asn", "competency"), "ceterms:Credential": ("ctdl", "credential"),
                 "CTDL": ("ctdl", None), "CFItem": ("case", "competency"), "CFRubric": ("case", "rubric"),
                 "CFRubricCriterion": ("case", "rubric"), "CFRubricCriterionLevel": ("case", "rubric")}


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _esco_uri(url: str) -> str:
    """An ESCO portal link carries the concept URI in its ``uri`` query parameter."""
    if "?" not in url:
        return url  # no query: nothing to read
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return url
    return unquote(query["uri"][0]) if query.get("uri") else url


def found(framework: str, by: str | None, code: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """The answer of :func:`recognise`."""
    return {"framework": framework, "recognisedBy": by, "code": code, "targetKind": kind}


def recognise(alignment: dict[str, Any]) -> dict[str, Any]:
    """Name the framework an alignment points into.

    :param alignment: an OB 3.0 ``Alignment`` (or OB 2.0 ``AlignmentObject``) JSON object.
    :returns: ``{"framework": id, "recognisedBy": field | None, "code": str | None, "targetKind": str | None}``;
        ``framework`` is ``unrecognised`` when nothing in the alignment names a known framework.
    """
    def text(name: str) -> str:
        value = alignment.get(name)
        return value if isinstance(value, str) else ""

    target_type, url, code, framework = text("targetType"), text("targetUrl"), text("targetCode"), text("targetFramework")
    host = _host(url)

    if target_type in _TARGET_TYPES:
        fw, kind = _TARGET_TYPES[target_type]
        ctid = _CTID.search(code) or _CTID.search(url)
        case = _CASE_PATH.search(url)
        return found(fw, "targetType", ctid.group(0) if ctid and fw != "case" else (case.group(2) if case else code or None), kind)
    esco_url = _ESCO.search(_esco_uri(url))
    esco = esco_url or _ESCO.search(code)
    if esco:
        kind = "skill" if esco.group(1) in ("skill", "knowledge") else "occupation"
        return found("esco-" + kind, "targetUrl" if esco_url else "targetCode", esco.group(2), kind)
    if _on(host, "credentialengineregistry.org") or _on(host, "credentialfinder.org"):
        ctid = _CTID.search(url) or _CTID.search(code)
        return found("ctdl", "targetUrl", ctid.group(0) if ctid else None)
    ctid = _CTID.search(code) or _CTID.search(url)
    if ctid:
        return found("ctdl", "targetCode" if _CTID.search(code) else "targetUrl", ctid.group(0))
    case = _CASE_PATH.search(url)
    if case or _on(host, "casenetwork.imsglobal.org"):
        return found("case", "targetUrl", case.group(2) if case else None, "competency")
    if _on(host, "onetonline.org") or _on(host, "onetcenter.org"):
        onet = _ONET.search(url) or _ONET.search(code)
        return found("onet-soc", "targetUrl", onet.group(1) if onet else None, "occupation")
    named_onet = _ONET_NAME.search(framework)
    if _SOC.match(code.strip()) and (named_onet or "." in code):
        return found("onet-soc", "targetCode", code.strip(), "occupation")
    rsd = _RSD_PATH.search(url)
    if rsd or _RSD_NAME.search(framework):
        return found("osn-rsd", "targetUrl" if rsd else "targetFramework", rsd.group(1) if rsd else None, "skill")
    return found("unrecognised", None)
