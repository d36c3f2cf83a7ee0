"""Check ``recipient``: the credential was issued to the learner the caller names.

An HR system asks "was this issued to this candidate?" with ``options.recipient``
(``{"type": "email" | "url" | "phone" | "id", "value": "..."}``). The answer comes from the subject's
``identifier`` entries, OB 3.0 ``IdentityObject`` (``identityHash``, ``identityType``, ``hashed``,
``salt``; OB 3.0 data model "AchievementSubject", "IdentityObject", "IdentityHash"; CLR 2.0
``ClrSubject.identifier`` likewise), hashed (``sha256$...`` / ``md5$...`` with ``salt``) or plain, and,
for ``id`` and ``url``, from ``credentialSubject.id`` itself. The comparison rules (hex and email
case-insensitive) are :func:`verifier.identity_hash.identity_matches`.

``not_applicable`` when no recipient is asked for, and for an endorsement (its subject is an achievement or an
issuer). Asked for, it is required: ``passed`` on a match, ``failed`` with
``RECIPIENT_MISMATCH`` when the credential names a recipient of that kind who is someone else, or
``RECIPIENT_NOT_STATED`` when it names none of that kind. A credential nested in a CLR is judged too (a
CLR's subject names the learner, and its nested credentials are that learner's: one naming someone else
is not the candidate's, whoever made the CLR), except that one naming no recipient of that kind is
``not_applicable``: the CLR's own subject answers for it. ``indeterminate`` when the credential's proof
did not pass: the identifiers read are the signed ones only (``identifier`` and its fields are compared
by the signed-meaning gate, :data:`verifier.checked_terms.SHAPES` "subject" and "identity").
"""

from __future__ import annotations

from typing import Any

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.checks.holder_binding import subject_ids
from verifier.errors import MalformedValue
from verifier.identity_hash import identity_matches, looks_hashed
from verifier.ob2 import is_ob2
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome

ID = C.CHECK_RECIPIENT
DESCRIPTION = "The credential's subject is the recipient the caller names (options.recipient)."

#: recipient type -> the ``identityType`` values that name that kind of identity: OB 3.0
#: IdentifierTypeEnum (``emailAddress``, the id kinds), OB 2.0 IdentityObject ``type`` (``email``, ``url``,
#: ``telephone``), and ``ext:`` extension names (OB 3.0 has no url or telephone type of its own).
IDENTITY_TYPES: dict[str, frozenset[str]] = {
    "email": frozenset({"emailAddress", "email"}),
    "url": frozenset({"url", "ext:url"}),
    "phone": frozenset({"telephone", "phone", "ext:telephone", "ext:phone"}),
    "id": frozenset({"identifier", "sourcedId", "systemId", "accountId", "userName", "studentId", "lisSourcedId",
                     "oneRosterSourcedId", "sisSourcedId", "ltiUserId", "nationalIdentityNumber"}),
}


def applies_to(item: CredentialItem) -> bool:
    """Credentials (whether a recipient was asked for is decided in :func:`run`)."""
    return item.kind == "credential"


def _ob2_identity(document: dict[str, Any]) -> list[dict[str, Any]]:
    """An Open Badges 2.0 assertion's ``recipient`` (OB 2.0 IdentityObject: ``type``, ``identity``, ``hashed``,
    ``salt``) in the OB 3.0 shape read below; OB 2.0 ``type: id`` is an ``identifier``."""
    r = document.get("recipient")
    if not isinstance(r, dict):
        return []
    kind = "identifier" if r.get("type") == "id" else r.get("type")
    return [{"identityType": kind, "identityHash": r.get("identity"), "hashed": r.get("hashed"), "salt": r.get("salt")}]


def _identities(document: dict[str, Any]) -> list[dict[str, Any]]:
    if is_ob2(document):  # issue 11: the assertion's recipient (its proof covers it: JWS bytes, or the hosted copy)
        return _ob2_identity(document)
    subject = document.get("credentialSubject")
    out: list[dict[str, Any]] = []
    for s in subject if isinstance(subject, list) else [subject]:
        if isinstance(s, dict):
            ident = s.get("identifier")
            out += [i for i in (ident if isinstance(ident, list) else [ident]) if isinstance(i, dict)]
    return out


def _nested_in_credential(item: CredentialItem, ctx: CheckContext) -> bool:
    """Carried by a credential (a CLR): judged, but defers to the carrier's subject when it names no recipient."""
    parent = next((i for i in ctx.presented.items if i.pointer == item.parent), None)
    return parent is not None and parent.kind == "credential"


def _result(outcome: Outcome, detail: str, item: CredentialItem, code: str | None = None,
            evidence: dict[str, Any] | None = None) -> CheckResult:
    return CheckResult(ID, outcome, detail, code, evidence or {}, (), item.pointer)


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Compare ``options.recipient`` with the subject's identifiers (and, for id/url, its id)."""
    wanted = ctx.options.recipient
    if wanted is None:
        return _result(Outcome.NOT_APPLICABLE, "no recipient was asked for (options.recipient)", item)
    if item.endorsement:
        return _result(Outcome.NOT_APPLICABLE, "an endorsement: its subject is an achievement, an issuer or a "
                       "credential, not the learner", item)
    nested = _nested_in_credential(item, ctx)
    own = ctx.prior.get((item.pointer, C.CHECK_PROOF))
    if own is None or own.outcome != Outcome.PASSED:
        return _result(Outcome.INDETERMINATE, "the credential's proof did not verify, so its subject's identifiers "
                       "are not known to be the issuer's (see its proof check)", item, C.PROBLEM_PROOF_VERIFICATION_ERROR)
    kind, value = wanted.type, wanted.value
    types = IDENTITY_TYPES[kind]
    relevant = [i for i in _identities(item.document) if i.get("identityType") in types]
    malformed: list[str] = []
    for entry in relevant:
        stated, hashed = entry.get("identityHash"), entry.get("hashed")
        if not isinstance(stated, str) or not isinstance(hashed, (bool, type(None))):
            malformed.append("an identifier has no identityHash string or a non-boolean hashed")
            continue
        try:
            if identity_matches(stated, value, hashed=hashed, salt=entry.get("salt"), kind=kind):
                how = "hashed" if hashed or (hashed is None and looks_hashed(stated)) else "plain"
                return _result(Outcome.PASSED, f"issued to the {kind} asked for (identifier of identityType "
                               f"{entry['identityType']}, {how})", item,
                               evidence={"recipient": {"type": kind, "identityType": entry["identityType"],
                                                       "hashed": how == "hashed"}})
        except MalformedValue as exc:
            malformed.append(exc.detail)
    ids = subject_ids(item.document)[0] if kind in ("id", "url") else []
    if value in ids:
        return _result(Outcome.PASSED, f"issued to the {kind} asked for (credentialSubject.id)", item,
                       evidence={"recipient": {"type": kind, "credentialSubject": value}})
    if not relevant and not ids and nested:
        return _result(Outcome.NOT_APPLICABLE, f"nested in a CLR and naming no recipient by {kind}: the CLR's own "
                       "subject names the learner", item)
    if not relevant and not ids:
        return _result(Outcome.FAILED, f"the credential names no recipient by {kind} (no identifier of identityType "
                       f"{' / '.join(sorted(types))}{' and no credentialSubject.id' if kind in ('id', 'url') else ''})",
                       item, C.PROBLEM_RECIPIENT_NOT_STATED)
    note = f"; unreadable: {'; '.join(malformed)}" if malformed else ""
    return _result(Outcome.FAILED, f"the credential was issued to another {kind}: none of its {len(relevant) + len(ids)} "
                   f"{kind} identifier(s) matches the one asked for{note}", item, C.PROBLEM_RECIPIENT_MISMATCH)
