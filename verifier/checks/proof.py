"""Check ``proof``: every proof on the credential verifies with a key authorised for its purpose.

Data Integrity §4.4 "Verify Proof", §4.5 "Verify Proof Sets and Chains" (every proof in a set must
verify; ``previousProof`` names the proofs a proof covers), §2.1 proof options (``proofPurpose``,
``challenge``, ``domain``, ``expires``); controlled identifiers §3.3 "Verification Relationships"
(the key must be listed under the purpose's relationship by its controller); VC-JWT 1.1 §6.3 for JWTs.
Whether the key's controller is the issuer is the separate ``issuer_key`` check.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urldefrag

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.errors import (CheckNotPossible, InvalidProof, KeyNotAuthorized, MalformedValue, ResolutionError,
                             VerificationFailed, VerifierError)
from verifier.ob2.verification import verify_hosted, verify_signed
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome
from verifier.suites import suite_for
from verifier.suites.ecdsa_sd import verify_derived_proof
from verifier.suites.embedded import verify_embedded_proof
from verifier.suites.jwt import check_algorithm, check_critical, verify_compact
from verifier.timestamps import format_timestamp, from_numeric_date, parse_timestamp

ID = C.CHECK_PROOF
DESCRIPTION = "Every proof verifies with a key its controller authorises for the proof purpose."


def applies_to(item: CredentialItem) -> bool:
    """Every item must be secured."""
    return True


def purpose_for(item: CredentialItem) -> str:
    """The proof purpose a credential (``assertionMethod``) or presentation (``authentication``) needs."""
    return "authentication" if item.kind == "presentation" else "assertionMethod"


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Verify the JWT or every embedded proof; ``evidence.proofs`` lists each with its key and outcome.

    An Open Badges 2.0 assertion is verified as that specification says (:mod:`verifier.ob2.verification`):
    hosted (fetched from its ``id`` and compared) or signed (JWS by a key its issuer Profile lists);
    ``evidence.issuer`` names the issuer Profile reached through the assertion's BadgeClass.
    """
    if item.is_ob2:
        return await _ob2(item, ctx)
    if item.jwt is not None:
        entries = [await _jwt_proof(item, ctx)]
    else:
        proofs = item.document.get("proof")
        if proofs is None:
            return CheckResult(ID, Outcome.FAILED, "the document has no proof and is not a JWT: it is not secured",
                               C.PROBLEM_PROOF_VERIFICATION_ERROR, target=item.pointer)
        proofs = proofs if isinstance(proofs, list) else [proofs]
        if not proofs or not all(isinstance(p, dict) for p in proofs):
            return CheckResult(ID, Outcome.FAILED, "proof must be an object or a non-empty list of objects",
                               C.PROBLEM_MALFORMED_VALUE_ERROR, target=item.pointer)
        most = ctx.options.limits.max_proofs
        if len(proofs) > most:
            return CheckResult(ID, Outcome.FAILED, f"the document carries {len(proofs)} proofs; at most {most} are "
                               "verified (none was)", C.PROBLEM_MALFORMED_VALUE_ERROR, target=item.pointer)
        entries = [await _embedded_proof(item, proof, proofs, ctx) for proof in proofs]
    return _aggregate(item, entries)


async def _ob2(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    docs = getattr(ctx.env, "documents", None)
    if item.jwt is not None:
        entry, issuer = await verify_signed(item.jwt.compact, item.jwt.header, item.document, docs)
    else:
        entry, issuer = await verify_hosted(item.document, docs)
    result = _aggregate(item, [entry])
    result.evidence["issuer"] = issuer
    return result


def _aggregate(item: CredentialItem, entries: list[dict[str, Any]]) -> CheckResult:
    failed = [e for e in entries if e["outcome"] == Outcome.FAILED.value]
    unknown = [e for e in entries if e["outcome"] == Outcome.INDETERMINATE.value]
    worst = failed or unknown
    if worst:
        outcome = Outcome.FAILED if failed else Outcome.INDETERMINATE
        lead = worst[0]
        label = f"proof {entries.index(lead) + 1} of {len(entries)}" if len(entries) > 1 else "proof"
        return CheckResult(ID, outcome, f"{label} ({lead['suite']}): {lead['detail']}", lead["problem"],
                           {"proofs": entries}, target=item.pointer)
    detail = "; ".join(f"{e['suite']} by {e['verificationMethod']}" for e in entries)
    # selective disclosure (ecdsa-sd-2023): what a holder could withhold is a warning of a passed proof
    warnings = tuple((code, text) for e in entries for code, text in e.pop("warnings", ()))
    return CheckResult(ID, Outcome.PASSED, detail, evidence={"proofs": entries}, warnings=warnings,
                       target=item.pointer)


def _entry(suite: str, vm: Any, purpose: Any) -> dict[str, Any]:
    return {"suite": suite, "verificationMethod": vm, "proofPurpose": purpose, "controller": None,
            "authorized": False, "outcome": Outcome.INDETERMINATE.value, "detail": "", "problem": None}


def _settle(entry: dict[str, Any], exc: VerifierError) -> dict[str, Any]:
    entry["outcome"] = (Outcome.FAILED if isinstance(exc, VerificationFailed) else Outcome.INDETERMINATE).value
    entry["detail"], entry["problem"] = exc.detail, exc.problem_code
    return entry


def _check_options(item: CredentialItem, proof: dict[str, Any], ctx: CheckContext) -> datetime | None:
    """Proof options other than the signature (Data Integrity §2.1, §4.4 steps on purpose/domain/challenge).

    :returns: when the proof says it was made (``created``), or None.
    """
    want = purpose_for(item)
    if proof.get("proofPurpose") != want:
        raise InvalidProof(f"proofPurpose is {proof.get('proofPurpose')!r}; a {item.kind} needs {want!r}")
    now, skew = ctx.options.now, timedelta(seconds=ctx.options.max_clock_skew_s)
    created = None
    if "created" in proof:
        created, _ = parse_timestamp(proof["created"], "proof.created")
        if created - now > skew:  # a difference: now + skew can leave the calendar
            raise InvalidProof(f"the proof's created ({proof['created']}) is later than now "
                               f"({format_timestamp(now)}{', with the allowed clock skew' if skew else ''}): "
                               "a proof from the future is not accepted", problem_code=C.PROBLEM_NOT_YET_VALID)
    if "expires" in proof:
        expires, _ = parse_timestamp(proof["expires"], "proof.expires")
        if now - expires > skew:
            raise InvalidProof(f"the proof expired at {proof['expires']}")
    opts = ctx.options
    # The caller's expected challenge/domain bind the top-level document's proof: a presentation's, or a
    # credential's given alone on /credentials/verify (VC-API options; Data Integrity §2.1). Never
    # accepted and then ignored.
    if item.parent is None:
        if opts.challenge is not None and proof.get("challenge") != opts.challenge:
            raise InvalidProof("the proof's challenge " + (repr(proof["challenge"]) if "challenge" in proof else "is missing; it")
                               + " does not match the expected challenge",
                               problem_code=C.PROBLEM_INVALID_CHALLENGE_ERROR)
        if opts.domain is not None:
            domain = proof.get("domain")
            domains = domain if isinstance(domain, list) else [domain]
            if opts.domain not in domains:
                raise InvalidProof("the proof's domain " + (repr(domain) if domain is not None else "is missing; it")
                                   + " does not match the expected domain",
                                   problem_code=C.PROBLEM_INVALID_DOMAIN_ERROR)
    return created


def _previous(proof: dict[str, Any], proofs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resolve ``previousProof`` ids within the proof set (Data Integrity §4.5)."""
    prev = proof.get("previousProof")
    if prev is None:
        return []
    ids = prev if isinstance(prev, list) else [prev]
    found = []
    for pid in ids:
        match = [p for p in proofs if p.get("id") == pid and p is not proof]
        if not isinstance(pid, str) or len(match) != 1:
            raise InvalidProof(f"previousProof {pid!r} does not name exactly one other proof in the set")
        found.append(match[0])
    return found


async def _resolve(vm_id: Any, purpose: str, entry: dict[str, Any], ctx: CheckContext,
                   signed_at: datetime | None = None):
    if not isinstance(vm_id, str) or not vm_id:
        raise InvalidProof("verificationMethod must be a URL string")
    method = await ctx.env.key_resolver.resolve_verification_method(vm_id)
    entry["controller"] = method.controller
    entry["keyType"] = method.type
    entry["authorized"] = purpose in method.relationships
    if not entry["authorized"]:
        raise KeyNotAuthorized(f"{vm_id} is not listed under {purpose} by its controller {method.controller}")
    _check_lifecycle(method, signed_at, ctx)
    return method


def _check_lifecycle(method, signed_at: datetime | None, ctx: CheckContext) -> None:
    """A verification method's ``revoked`` and ``expires`` (Controlled Identifiers 1.0 §2.2.1): a key revoked
    at or before the proof was made (or, without ``created``, before now), or expired, signs nothing.

    :raises KeyNotAuthorized: revoked or expired. :raises MalformedValue: a date that is not RFC 3339.
    """
    now, skew = ctx.options.now, timedelta(seconds=ctx.options.max_clock_skew_s)
    if method.revoked is not None:
        revoked, _ = parse_timestamp(method.revoked, f"verification method {method.id} revoked")
        if revoked <= (signed_at or now):
            when = f"before the proof was created ({format_timestamp(signed_at)})" if signed_at else "already"
            raise KeyNotAuthorized(f"{method.id} was revoked by its controller at {format_timestamp(revoked)}, "
                                   f"{when}")
    if method.expires is not None:
        expires, _ = parse_timestamp(method.expires, f"verification method {method.id} expires")
        if now - expires > skew:
            raise KeyNotAuthorized(f"{method.id} expired at {format_timestamp(expires)}")


async def _embedded_proof(item: CredentialItem, proof: dict[str, Any], proofs: list[dict[str, Any]],
                          ctx: CheckContext) -> dict[str, Any]:
    purpose = purpose_for(item)
    label = proof.get("cryptosuite") or proof.get("type")
    entry = _entry(label if isinstance(label, str) else repr(label), proof.get("verificationMethod"), proof.get("proofPurpose"))
    try:
        suite = suite_for(proof)
        signed_at = _check_options(item, proof, ctx)
        previous = _previous(proof, proofs)
        method = await _resolve(proof.get("verificationMethod"), purpose, entry, ctx, signed_at)
        if suite.transform == "rdfc-sd":  # ecdsa-sd-2023: a derived proof over the disclosed statements
            entry.update(await ctx.env.cpu.run(
                verify_derived_proof, item.document, proof, previous, method.public_jwk,
                ctx.env.resources, ctx.options.limits.canonicalization_max_work, item.kind))
        else:
            entry["alg"] = await ctx.env.cpu.run(
                verify_embedded_proof, item.document, proof, previous, suite, method.public_jwk,
                ctx.env.resources, ctx.options.limits.canonicalization_max_work, item.kind)
    except (VerificationFailed, CheckNotPossible) as exc:
        entry.pop("warnings", None)
        return _settle(entry, exc)
    entry.update(outcome=Outcome.PASSED.value, detail=_passed_detail(entry))
    return entry


def _passed_detail(entry: dict[str, Any]) -> str:
    disclosure = entry.get("disclosure")
    if disclosure is None:
        return "signature verified"
    return (f"signature verified; selective disclosure: {disclosure['statements']} statement(s) disclosed, "
            f"{disclosure['mandatoryCount']} mandatory and {disclosure['selectiveCount']} chosen by the holder")


def jwt_key_id(item: CredentialItem) -> str:
    """The verification method a JWT names: ``kid`` (absolute, or relative to ``iss``), else ``iss`` itself.

    VC-JWT 1.1 §6.3.1 / VC-JOSE-COSE §3.1.1: the key is found from ``kid`` in the issuer's DID document;
    a bare ``iss`` DID is accepted only when it resolves to a single key (did:key, did:jwk).

    :raises ResolutionError: neither ``kid`` nor a DID ``iss`` names a key.
    """
    header, claims = item.jwt.header, item.jwt.payload
    kid, iss = header.get("kid"), claims.get("iss")
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            return iss + kid
        if ":" in kid:
            return kid
        if isinstance(iss, str) and iss.startswith("did:"):
            return f"{iss}#{kid}"
    if isinstance(iss, str) and iss.startswith(("did:key:", "did:jwk:")):
        return urldefrag(iss)[0]
    if "jwk" in header:
        raise ResolutionError("the JWT names its key only in the header 'jwk'; a key must come from the "
                              "issuer's DID document or controller document, so it cannot be trusted")
    raise ResolutionError("the JWT has no kid and its iss is not a DID that names a single key")


def _issued_at(item: CredentialItem, ctx: CheckContext) -> datetime | None:
    """A JWT's ``iat`` (RFC 7519 §4.1.6: a NumericDate) as the time it was signed, or None without one.

    Judged as a Data Integrity proof's ``created`` is: a JWT that says it was signed later than now (with
    the allowed clock skew) is not accepted.

    :raises MalformedValue: ``iat`` is not a NumericDate a date can hold.
    :raises InvalidProof: ``iat`` is in the future.
    """
    if "iat" not in item.jwt.payload:
        return None
    issued = from_numeric_date(item.jwt.payload["iat"], "iat")
    now, skew = ctx.options.now, timedelta(seconds=ctx.options.max_clock_skew_s)
    if issued - now > skew:
        raise InvalidProof(f"the JWT's iat ({format_timestamp(issued)}) is later than now ({format_timestamp(now)}"
                           f"{', with the allowed clock skew' if skew else ''}): a JWT from the future is not accepted",
                           problem_code=C.PROBLEM_NOT_YET_VALID)
    return issued


def _check_jwt_binding(item: CredentialItem, ctx: CheckContext) -> None:
    """A top-level JWT: ``nonce`` carries the challenge and ``aud`` the domain (VC-JWT 1.1 §6.3.1)."""
    claims, opts = item.jwt.payload, ctx.options
    if item.parent is not None:
        return
    if opts.challenge is not None and claims.get("nonce") != opts.challenge:
        raise InvalidProof("the JWT nonce does not match the expected challenge",
                           problem_code=C.PROBLEM_INVALID_CHALLENGE_ERROR)
    if opts.domain is not None:
        aud = claims.get("aud")
        if opts.domain not in (aud if isinstance(aud, list) else [aud]):
            raise InvalidProof("the JWT aud does not match the expected domain",
                               problem_code=C.PROBLEM_INVALID_DOMAIN_ERROR)


async def _jwt_proof(item: CredentialItem, ctx: CheckContext) -> dict[str, Any]:
    header = item.jwt.header
    entry = _entry(f"JWT {header.get('alg')}", header.get("kid"), purpose_for(item))
    try:
        alg = check_algorithm(header)
        check_critical(header)
        _check_jwt_typ(item)
        _check_jwt_binding(item, ctx)
        vm_id = jwt_key_id(item)
        entry["verificationMethod"] = vm_id
        method = await _resolve(vm_id, purpose_for(item), entry, ctx, _issued_at(item, ctx))
        verify_compact(item.jwt.compact, method.public_jwk, alg)
        entry["alg"] = alg
    except (VerificationFailed, CheckNotPossible) as exc:
        return _settle(entry, exc)
    entry.update(outcome=Outcome.PASSED.value, detail="signature verified")
    return entry


_TYP = {("vc2.0", "credential"): ("vc+jwt", "vc+ld+jwt"), ("vc2.0", "presentation"): ("vp+jwt", "vp+ld+jwt"),
        ("vc1.1", "credential"): ("JWT", "vc+jwt", "vc+ld+jwt"), ("vc1.1", "presentation"): ("JWT", "vp+jwt", "vp+ld+jwt")}


def _check_jwt_typ(item: CredentialItem) -> None:
    """``typ`` must fit the payload style when present (VC-JOSE-COSE §3.1.1; VC-JWT 1.1 allows none)."""
    typ = item.jwt.header.get("typ")
    allowed = _TYP[(item.jwt.style, item.kind)]
    if typ is None:
        if item.jwt.style == "vc2.0":
            raise InvalidProof(f"a VCDM 2.0 JWT must declare typ {allowed[0]}")
        return
    if not isinstance(typ, str) or typ.removeprefix("application/") not in allowed:
        raise MalformedValue(f"JWT typ {typ!r} does not fit a {item.jwt.style} {item.kind} (expected {allowed[0]})",
                             pointer="/typ")
