"""Check ``parse``: the credential or presentation follows the data model.

VCDM 2.0 §4 "Basic Concepts" (contexts §4.3, identifiers §4.4, types §4.5, issuer §4.7,
credential subject §4.8, validity §4.9, status §4.10, presentations §4.13), VCDM 1.1 §4 for 1.1
documents, and VC-JWT 1.1 §6.3.1 for claims that must agree with the credential.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.ob2 import model as ob2_model
from verifier.clr import association_problems
from verifier.endorsement import endorsement_problems
from verifier.parse import VC_V1, VC_V2, CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_PARSE
_SPACE = re.compile(r"\s")
DESCRIPTION = "The credential follows the W3C data model (contexts, types, issuer, subject)."


def applies_to(item: CredentialItem) -> bool:
    """Every item is parsed."""
    return True


def _is_url(value: Any) -> bool:
    """An absolute IRI with a scheme (VCDM 2.0 §4.4: ``id`` values are URLs)."""
    if not isinstance(value, str) or not value or _SPACE.search(value):
        return False
    scheme = urlsplit(value).scheme
    return bool(scheme) and scheme.isascii() and value[len(scheme):len(scheme) + 1] == ":"


def problems_of(item: CredentialItem) -> list[tuple[str, str]]:
    """Every data-model violation of ``item`` as (JSON pointer, message), in document order."""
    doc = item.document
    if item.is_ob2:
        return ob2_model.problems_of(doc, signed=item.jwt is not None)
    out: list[tuple[str, str]] = []
    ctx = doc.get("@context")
    if ctx is None:
        out.append(("/@context", "@context is missing"))
    elif not isinstance(ctx, list) and ctx != VC_V1:  # VCDM 2.0 §4.3: an ordered set (a list), first the v2 URL
        out.append(("/@context", "@context must be a list of contexts, the first "
                                 f"{VC_V2} (a single URL string is accepted only for VCDM 1.1: {VC_V1})"))
    else:
        first = ctx[0] if isinstance(ctx, list) and ctx else ctx
        if first not in (VC_V1, VC_V2):
            out.append(("/@context/0", f"the first @context must be {VC_V2} or {VC_V1}, got {first!r}"))
        if isinstance(ctx, list):
            for i, c in enumerate(ctx):
                if not isinstance(c, (str, dict)):
                    out.append((f"/@context/{i}", "each @context entry must be a URL string or an object"))
    types = doc.get("type")
    base_type = "VerifiablePresentation" if item.kind == "presentation" else "VerifiableCredential"
    if types is None:
        out.append(("/type", "type is missing"))
    elif not (isinstance(types, str) or (isinstance(types, list) and all(isinstance(t, str) for t in types))):
        out.append(("/type", "type must be a string or a list of strings"))
    elif base_type not in ([types] if isinstance(types, str) else types):
        out.append(("/type", f"type must include {base_type}"))
    if "id" in doc and not _is_url(doc["id"]):
        out.append(("/id", f"id must be a URL, got {doc['id']!r}"))
    if item.kind == "credential":
        out.extend(_credential_problems(item))
    else:
        holder = doc.get("holder")
        if holder is not None and not _is_url(holder if isinstance(holder, str) else
                                              holder.get("id") if isinstance(holder, dict) else None):
            out.append(("/holder", "holder must be a URL or an object with an id URL"))
    out.extend(jose_cose_problems(item))
    proof = doc.get("proof")
    if proof is not None and not (isinstance(proof, dict) or
                                  (isinstance(proof, list) and all(isinstance(p, dict) for p in proof))):
        out.append(("/proof", "proof must be an object or a list of objects"))
    return out


def _credential_problems(item: CredentialItem) -> list[tuple[str, str]]:
    doc = item.document
    out: list[tuple[str, str]] = []
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer is None:
        out.append(("/issuer", "issuer is missing"))
    elif not isinstance(issuer, (str, dict)):
        out.append(("/issuer", "issuer must be a URL or an object with an id"))
    elif not _is_url(issuer_id):
        out.append(("/issuer" + ("/id" if isinstance(issuer, dict) else ""), f"issuer id must be a URL, got {issuer_id!r}"))
    subject = doc.get("credentialSubject")
    if subject is None:
        out.append(("/credentialSubject", "credentialSubject is missing"))
    elif isinstance(subject, list):
        if not subject or not all(isinstance(s, dict) for s in subject):
            out.append(("/credentialSubject", "credentialSubject must be an object or a non-empty list of objects"))
    elif not isinstance(subject, dict):
        out.append(("/credentialSubject", "credentialSubject must be an object"))
    if item.vc_version == "1.1" and "issuanceDate" not in doc and not (item.jwt and "nbf" in item.jwt.payload):
        out.append(("/issuanceDate", "issuanceDate is required by VCDM 1.1"))
    status = doc.get("credentialStatus")
    if status is not None:
        entries = status if isinstance(status, list) else [status]
        for i, entry in enumerate(entries):
            ptr = f"/credentialStatus/{i}" if isinstance(status, list) else "/credentialStatus"
            if not isinstance(entry, dict) or not isinstance(entry.get("type"), (str, list)):
                out.append((ptr, "each credentialStatus must be an object with a type"))
    out.extend(_achievement_subject_problems(doc))
    if item.jwt is not None and item.jwt.style == "vc1.1":
        out.extend(_jwt_claim_problems(item))
    return out


_OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")


def _achievement_subject_problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Open Badges 3.0 data model, AchievementSubject: a subject names the learner by ``id`` or by at
    least one ``identifier`` (IdentityObject); one with neither is issued to nobody."""
    types = doc.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if not any(t in _OB_TYPES for t in types):
        return []
    subject = doc.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    out = []
    for i, s in enumerate(subjects):
        if not isinstance(s, dict):
            continue
        if s.get("id") is None and not s.get("identifier"):
            ptr = f"/credentialSubject/{i}" if isinstance(subject, list) else "/credentialSubject"
            out.append((ptr, "an Open Badges 3.0 AchievementSubject must have an id or an identifier "
                             "(OB 3.0 data model, AchievementSubject)"))
    return out


#: ``typ`` values of VC-JOSE-COSE §3.1.1 (and its earlier ``+ld+jwt`` draft names): the payload is the
#: credential or presentation itself.
JOSE_COSE_TYPES = frozenset({"vc+jwt", "vp+jwt", "vc+ld+jwt", "vp+ld+jwt"})


def jose_cose_problems(item: CredentialItem) -> list[tuple[str, str]]:
    """VC-JOSE-COSE §3.1.1-3.1.2: with ``typ`` vc+jwt / vp+jwt the payload is the document itself, so a
    ``vc``/``vp`` claim beside it is refused, and ``iss``, when present, must be the issuer's (holder's) id."""
    if item.jwt is None:
        return []
    typ = item.jwt.header.get("typ")
    typ = typ.removeprefix("application/") if isinstance(typ, str) else None
    claims, out = item.jwt.payload, []
    if item.jwt.style == "vc1.1":
        if typ in JOSE_COSE_TYPES:
            claim = "vc" if "vc" in claims else "vp"
            out.append((f"/{claim}", f"typ {typ} declares the payload to be the {item.kind} itself "
                                     f"(VC-JOSE-COSE §3.1.1); a '{claim}' claim beside it is refused"))
        return out
    for claim in ("vc", "vp"):
        if claim in claims:
            out.append((f"/{claim}", f"a VCDM 2.0 JWT payload is the {item.kind} itself; a '{claim}' claim "
                                     "beside it is refused (VC-JOSE-COSE §3.1.1)"))
    if "iss" in claims:
        name = "issuer" if item.kind == "credential" else "holder"
        value = item.document.get(name)
        value_id = value.get("id") if isinstance(value, dict) else value
        if value_id is not None and claims["iss"] != value_id:
            out.append(("/iss", f"JWT iss {claims['iss']!r} is not the {name} {value_id!r} (VC-JOSE-COSE §3.1.2)"))
    return out


def _jwt_claim_problems(item: CredentialItem) -> list[tuple[str, str]]:
    """VC-JWT 1.1 §6.3.1: registered claims must agree with the credential they stand for."""
    claims, vc, out = item.jwt.payload, item.jwt.payload["vc"], []
    issuer = vc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if "iss" in claims and issuer_id is not None and claims["iss"] != issuer_id:
        out.append(("/issuer", f"JWT iss {claims['iss']!r} differs from the credential's issuer {issuer_id!r}"))
    if "jti" in claims and "id" in vc and claims["jti"] != vc["id"]:
        out.append(("/id", f"JWT jti {claims['jti']!r} differs from the credential's id {vc['id']!r}"))
    subject = vc.get("credentialSubject")
    if "sub" in claims and isinstance(subject, dict) and "id" in subject and claims["sub"] != subject["id"]:
        out.append(("/credentialSubject/id", f"JWT sub {claims['sub']!r} differs from credentialSubject.id"))
    return out


def _warnings(item: CredentialItem) -> tuple[tuple[str, str], ...]:
    """Readings that are allowed but worth saying: an issuer taken from ``iss`` (VC-JWT 1.1 §6.3.1)."""
    if (item.jwt is not None and item.jwt.style == "vc1.1" and item.kind == "credential"
            and "issuer" not in item.jwt.payload["vc"] and "iss" in item.jwt.payload):
        return ((C.PROBLEM_ISSUER_FROM_JWT_ISS, f"the vc claim states no issuer; the JWT iss "
                 f"{item.jwt.payload['iss']!r} was used as the issuer (VC-JWT 1.1 §6.3.1)"),)
    return ()


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Report every data-model violation; ``failed`` with MALFORMED_VALUE_ERROR when there is any."""
    problems = problems_of(item) + endorsement_problems(item, ctx.presented)  # issue 11
    warnings = _warnings(item) + tuple(  # issue 11: CLR associations naming missing achievements
        (C.PROBLEM_CLR_ASSOCIATION_UNRESOLVED, f"{item.pointer}{ptr}: {msg}")
        for ptr, msg in association_problems(item, ctx.presented))
    if not problems and item.is_ob2:
        how = "signed (JWS)" if item.jwt else "hosted"
        return CheckResult(ID, Outcome.PASSED, f"well-formed Open Badges 2.0 assertion ({how})", target=item.pointer)
    if not problems:
        version = item.vc_version or "unknown"
        fmt = "JWT" if item.jwt else "JSON-LD"
        return CheckResult(ID, Outcome.PASSED, f"well-formed VCDM {version} {item.kind} ({fmt})",
                           warnings=warnings, target=item.pointer)
    detail = "; ".join(f"{ptr}: {msg}" for ptr, msg in problems)
    return CheckResult(ID, Outcome.FAILED, detail, C.PROBLEM_MALFORMED_VALUE_ERROR,
                       evidence={"fields": [{"pointer": p, "message": m} for p, m in problems]},
                       warnings=warnings, target=item.pointer)
