"""Open Badges 2.0 "Verification": hosted and signed assertions (the ``proof`` check for this format).

Hosted (OB 2.0 "Hosted Verification"): the assertion's ``id`` (an https URL) is fetched with a JSON-LD/JSON
``Accept`` header; the answer must be the same assertion (same ``id``, equal in every property the checks
read: :data:`VERIFIED_PROPERTIES`); the BadgeClass and the issuer Profile are fetched and validated; and
the ``id`` must lie inside the Profile's verification scope (``verification.startsWith`` /
``verification.allowedOrigins``; by default the origin of the Profile's own ``id``). A 410 answer means
revoked (reported here and by the ``status`` check).

Signed (OB 2.0 "Signed Verification"): a compact JWS (RFC 7515) whose payload is the assertion; ``alg``
on our list, compared case-sensitively (``none`` and HMAC refused); the key is a ``CryptographicKey``
that the issuer Profile lists under ``publicKey`` and whose ``owner`` is that Profile (linked both ways);
``verification.creator``, when stated, must be one of those keys.

The result is a proof entry (the shape :mod:`verifier.checks.proof` reports) whose ``controller`` is the
issuer Profile the assertion's badge names, so the ``issuer_key`` check compares like any other.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from verifier import constants as C
from verifier.errors import (CheckNotPossible, HttpStatusError, InvalidProof, KeyNotAuthorized, MalformedValue,
                             ResolutionError, VerificationFailed)
from verifier.keys.method import public_jwk_from_method
from verifier.ob2.documents import HostedDocuments
from verifier.ob2.issuer import IssuerChain, as_list, checked_document, load_issuer
from verifier.ob2.model import HOSTED_TYPES, SIGNED_TYPES, is_url
from verifier.suites.jwt import check_algorithm, check_critical, verify_compact

#: What a hosted assertion as fetched must state exactly as presented (OB 2.0 "Hosted Verification": the
#: fetched assertion is the one that counts; a presented copy that differs in any of these is refused).
VERIFIED_PROPERTIES = ("@context", "type", "id", "recipient", "badge", "verification", "issuedOn", "expires",
                       "revoked", "revocationReason", "evidence", "narrative")
_MISSING = object()


def _entry(suite: str, vm: Any) -> dict[str, Any]:
    return {"suite": suite, "verificationMethod": vm, "proofPurpose": "assertionMethod", "controller": None,
            "authorized": False, "outcome": "indeterminate", "detail": "", "problem": None}


def differing_properties(presented: dict[str, Any], fetched: dict[str, Any]) -> list[str]:
    """The :data:`VERIFIED_PROPERTIES` whose values differ (a property absent on one side differs)."""
    return [p for p in VERIFIED_PROPERTIES if presented.get(p, _MISSING) != fetched.get(p, _MISSING)]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def in_scope(assertion_id: str, profile: dict[str, Any]) -> tuple[bool, str]:
    """OB 2.0 VerificationObject on the issuer Profile: is a hosted ``assertion_id`` inside its scope?

    ``startsWith`` (one or more URL prefixes): the id must start with one. ``allowedOrigins`` (one or more
    host names, ``host`` or ``host:port``): the id's host must be one. Neither: the id must share the
    origin (scheme, host, port) of the Profile's ``id``.

    :returns: (inside, a sentence saying which rule decided).
    """
    policy = profile.get("verification") if isinstance(profile.get("verification"), dict) else {}
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str) and s]
    origins = [o.lower() for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str) and o]
    scheme, host, port = _origin(assertion_id)
    if starts and not any(assertion_id.startswith(s) for s in starts):
        return False, f"the issuer allows hosted assertions only under {', '.join(starts)} (verification.startsWith)"
    if origins and not (host in origins or f"{host}:{port}" in origins):
        return False, f"the issuer allows hosted assertions only on {', '.join(origins)} (verification.allowedOrigins)"
    if starts or origins:
        return True, "inside the issuer's verification scope"
    if _origin(assertion_id) != _origin(profile["id"]):
        return False, (f"the assertion is hosted on {scheme}://{host}:{port}, not on the origin of its issuer "
                       f"{profile['id']} (the default verification scope)")
    return True, "hosted on its issuer's origin"


async def verify_hosted(assertion: dict[str, Any], docs: HostedDocuments | None) -> tuple[dict[str, Any], str | None]:
    """Verify a hosted assertion.

    :returns: (proof entry, the issuer Profile id or None when not reached).
    """
    aid = assertion.get("id")
    entry = _entry("OB2 HostedBadge", aid)
    issuer: str | None = None
    try:
        if docs is None:
            raise CheckNotPossible("hosted assertions cannot be fetched: no document source is configured")
        try:
            hosted = await docs.get_json(aid)
        except HttpStatusError as exc:
            if exc.status == 410:
                raise VerificationFailed(f"{aid} answers 410 Gone: the issuer has revoked this assertion",
                                         problem_code=C.PROBLEM_REVOKED) from exc
            raise
        fetched = hosted.document
        if not isinstance(fetched, dict) or fetched.get("id") != aid:
            found = fetched.get("id") if isinstance(fetched, dict) else type(fetched).__name__
            raise VerificationFailed(f"the document at {aid} is not this assertion (its id is {found!r})",
                                     problem_code=C.PROBLEM_HOSTED_ASSERTION_MISMATCH)
        differ = differing_properties(assertion, fetched)
        if differ:
            raise VerificationFailed(f"the assertion hosted at {aid} differs from the one presented in "
                                     f"{', '.join(differ)}", problem_code=C.PROBLEM_HOSTED_ASSERTION_MISMATCH)
        vtype = fetched.get("verification", {}).get("type") if isinstance(fetched.get("verification"), dict) else None
        if vtype not in HOSTED_TYPES:
            raise InvalidProof(f"the hosted assertion's verification.type is {vtype!r}, not hosted")
        chain = await load_issuer(fetched, docs)
        issuer = chain.profile_id
        entry.update(badge=chain.badge_id, issuer=issuer, source=hosted.source, fromCache=hosted.from_cache)
        inside, why = in_scope(aid, chain.profile)
        entry["scope"] = why
        if not inside:
            entry["controller"] = "{0}://{1}:{2}".format(*_origin(aid))
            raise KeyNotAuthorized(why, problem_code=C.PROBLEM_OUT_OF_VERIFICATION_SCOPE)
        entry.update(controller=issuer, authorized=True, outcome="passed",
                     detail=f"the issuer hosts this assertion at {aid} ({why})")
    except (VerificationFailed, CheckNotPossible) as exc:
        entry.update(outcome="failed" if isinstance(exc, VerificationFailed) else "indeterminate",
                     detail=exc.detail, problem=exc.problem_code)
    return entry, issuer


async def _key(key_ref: Any, chain: IssuerChain, docs: HostedDocuments) -> tuple[str, dict[str, Any]]:
    """A CryptographicKey the Profile lists: (key id, public JWK), linked both ways.

    :raises KeyNotAuthorized: the key's owner is not the Profile. :raises FetchError: unreadable.
    """
    if isinstance(key_ref, dict):  # embedded in the hosted Profile: the Profile states it itself
        key, key_id = key_ref, key_ref.get("id")
        if "owner" in key and key["owner"] != chain.profile_id:
            raise KeyNotAuthorized(f"the key {key_id} embedded in {chain.profile_id} names another owner {key['owner']!r}")
    elif is_url(key_ref):
        key_id = key_ref
        key = checked_document(await docs.get_json(key_ref), frozenset({"CryptographicKey"}), "CryptographicKey")
        if key.get("owner") != chain.profile_id:
            raise KeyNotAuthorized(f"the key {key_id} names the owner {key.get('owner')!r}, not the issuer "
                                   f"{chain.profile_id} that lists it: a key must be linked both ways")
    else:
        raise MalformedValue(f"the issuer Profile {chain.profile_id} lists a publicKey that is not a URL or a key")
    if "publicKeyPem" not in key:
        raise ResolutionError(f"the key {key_id} has no publicKeyPem")
    return str(key_id), public_jwk_from_method({"id": key_id, "type": "CryptographicKey",
                                                "publicKeyPem": key["publicKeyPem"]})


def _listed(chain: IssuerChain) -> list[Any]:
    return as_list(chain.profile.get("publicKey"))


def _ref_id(ref: Any) -> Any:
    return ref.get("id") if isinstance(ref, dict) else ref


async def verify_signed(compact: str, header: dict[str, Any], assertion: dict[str, Any],
                        docs: HostedDocuments | None) -> tuple[dict[str, Any], str | None]:
    """Verify a signed assertion (its JWS).

    :returns: (proof entry, the issuer Profile id or None when not reached).
    """
    verification = assertion.get("verification") if isinstance(assertion.get("verification"), dict) else {}
    creator = verification.get("creator")
    entry = _entry(f"OB2 SignedBadge (JWS {header.get('alg')})", creator)
    issuer: str | None = None
    try:
        alg = check_algorithm(header)
        check_critical(header)
        if verification.get("type") not in SIGNED_TYPES:
            raise InvalidProof(f"a JWS assertion must have verification.type signed, got {verification.get('type')!r}")
        if docs is None:
            raise CheckNotPossible("the issuer's keys cannot be read: no document source is configured")
        chain = await load_issuer(assertion, docs)
        issuer = chain.profile_id
        entry.update(badge=chain.badge_id, issuer=issuer)
        listed = _listed(chain)
        if creator is not None:
            refs = [r for r in listed if _ref_id(r) == creator]
            if not refs:
                entry["controller"] = None
                raise KeyNotAuthorized(f"verification.creator {creator} is not among the publicKey entries of the "
                                       f"issuer Profile {issuer}")
        else:
            refs = listed
        if not refs:
            raise KeyNotAuthorized(f"the issuer Profile {issuer} lists no publicKey: nothing can verify a signed assertion")
        last: Exception | None = None
        for ref in refs:
            try:
                key_id, jwk = await _key(ref, chain, docs)
                entry.update(verificationMethod=key_id, controller=issuer, authorized=True, keyType=jwk.get("kty"))
                verify_compact(compact, jwk, alg)
            except (VerificationFailed, CheckNotPossible) as exc:
                last = exc
                continue
            entry.update(outcome="passed", alg=alg, detail=f"signature verified with {key_id}, a key of {issuer}")
            return entry, issuer
        raise last  # type: ignore[misc]
    except (VerificationFailed, CheckNotPossible) as exc:
        if isinstance(exc, KeyNotAuthorized):
            entry["authorized"] = False
        entry.update(outcome="failed" if isinstance(exc, VerificationFailed) else "indeterminate",
                     detail=exc.detail, problem=exc.problem_code)
    return entry, issuer
