"""User-facing messages, one catalogue keyed by problem code (STYLE.md rule 12).

ProblemDetails follow RFC 9457 §3.1: ``type`` (a URI), ``title`` (short, stable per type), ``detail``
(this occurrence). Codes defined by VCDM 2.0 §7.1, Data Integrity §2.1 and Bitstring Status List §3.2
use the VCDM 2.0 type URIs; ours use :data:`verifier.constants.PROBLEM_TYPE_BASE`.
"""

from __future__ import annotations

from typing import Any

from verifier import constants as C

VCDM_TYPE_BASE = "https://www.w3.org/TR/vc-data-model#"

#: problem code -> (title, is defined by a W3C spec)
MESSAGES: dict[str, tuple[str, bool]] = {
    C.PROBLEM_PARSING_ERROR: ("The input could not be read as a credential or presentation", True),
    C.PROBLEM_CRYPTOGRAPHIC_SECURITY_ERROR: ("A cryptographic check failed", True),
    C.PROBLEM_MALFORMED_VALUE_ERROR: ("A value is malformed", True),
    C.PROBLEM_RANGE_ERROR: ("A value is out of range", True),
    C.PROBLEM_PROOF_VERIFICATION_ERROR: ("The proof did not verify", True),
    C.PROBLEM_PROOF_GENERATION_ERROR: ("The proof could not be generated", True),
    C.PROBLEM_INVALID_DOMAIN_ERROR: ("The proof's domain does not match", True),
    C.PROBLEM_INVALID_CHALLENGE_ERROR: ("The proof's challenge does not match", True),
    C.PROBLEM_INVALID_VERIFICATION_METHOD: ("The verification method is not usable", True),
    C.PROBLEM_STATUS_RETRIEVAL_ERROR: ("The status list could not be retrieved", True),
    C.PROBLEM_STATUS_VERIFICATION_ERROR: ("The status list did not verify", True),
    C.PROBLEM_STATUS_LIST_LENGTH_ERROR: ("The status list is too short", True),
    C.PROBLEM_VERIFICATION_ERROR: ("Verification failed", False),
    C.PROBLEM_RETRIEVAL_ERROR: ("A document could not be retrieved", False),
    C.PROBLEM_UNKNOWN_CONTEXT: ("A JSON-LD context is not installed", False),
    C.PROBLEM_UNSUPPORTED_CRYPTOSUITE: ("The proof type or algorithm is not supported", False),
    C.PROBLEM_EXPIRED: ("The credential has expired", False),
    C.PROBLEM_NOT_YET_VALID: ("The credential is not yet valid", False),
    C.PROBLEM_ISSUER_KEY_MISMATCH: ("The credential was not signed by a key of its issuer", False),
    C.PROBLEM_REVOKED: ("The credential has been revoked", False),
    C.PROBLEM_SUSPENDED: ("The credential is suspended", False),
    C.PROBLEM_STATUS_NOT_CHECKED: ("The credential's status was not checked", False),
    C.PROBLEM_UNTRUSTED_ISSUER: ("The issuer is not trusted", False),
    C.PROBLEM_TRUST_NOT_CHECKED: ("The issuer's trust was not checked", False),
    C.PROBLEM_TIMESTAMP_WITHOUT_OFFSET: ("A timestamp has no time-zone offset; read as UTC", False),
    C.PROBLEM_INTERNAL_ERROR: ("Internal error", False),
    C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH: ("The status list was signed by someone other than the issuer", False),
    C.PROBLEM_ISSUER_FROM_JWT_ISS: ("The credential states no issuer; the JWT's iss was used", False),
    C.PROBLEM_HOLDER_NOT_SUBJECT: ("The presentation's holder is not the credential's subject", False),
    C.PROBLEM_NO_CHALLENGE: ("No challenge was required: a replayed presentation is not detected", False),
    C.PROBLEM_SIGNED_MEANING_MISMATCH: ("The JSON says something other than what the proof signs", False),
    C.PROBLEM_HOLDER_NOT_SIGNER: ("The presentation's holder is not the one who signed it", False),
    C.PROBLEM_HOLDER_NOT_BOUND: ("Nothing binds the credential to the one presenting it", False),
    C.PROBLEM_RECIPIENT_MISMATCH: ("The credential was not issued to the expected recipient", False),
    C.PROBLEM_RECIPIENT_NOT_STATED: ("The credential does not name a recipient of the expected kind", False),
    C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE: ("Selective disclosure: the holder could withhold a property the "
                                                  "checks rely on", False),
    C.PROBLEM_STATUS_LIST_ID_MISMATCH: ("The status list's id is not the URL it was read from", False),
    C.PROBLEM_HOSTED_ASSERTION_MISMATCH: ("The assertion its issuer hosts is not the one presented", False),
    C.PROBLEM_OUT_OF_VERIFICATION_SCOPE: ("The assertion is not hosted where its issuer allows", False),
    C.PROBLEM_SCHEMA_VALIDATION_ERROR: ("The credential does not satisfy its credentialSchema", False),
    C.PROBLEM_SCHEMA_NOT_AVAILABLE: ("The credential's JSON Schema is not installed or could not be read", False),
    C.PROBLEM_UNSUPPORTED_SCHEMA_TYPE: ("The credentialSchema type is not supported", False),
    C.PROBLEM_ENDORSEMENT_NOT_VERIFIED: ("An endorsement did not verify", False),
    C.PROBLEM_CLR_ASSOCIATION_UNRESOLVED: ("A CLR association names an achievement the CLR does not carry", False),
    C.PROBLEM_UNKNOWN_OPTION_PROVIDED: ("An option is not known to this verifier", False),
    C.PROBLEM_INVALID_REQUEST: ("The request is not usable", False),
    C.PROBLEM_PAYLOAD_TOO_LARGE: ("The request body is too large", False),
    C.PROBLEM_UNSUPPORTED_MEDIA_TYPE: ("The request body is not JSON", False),
    C.PROBLEM_UNAUTHORIZED: ("An API key is required", False),
    C.PROBLEM_FORBIDDEN: ("The API key is not allowed here", False),
    C.PROBLEM_RATE_LIMITED: ("Too many requests for this API key", False),
    C.PROBLEM_NOT_FOUND: ("Not found", False),
    C.PROBLEM_METHOD_NOT_ALLOWED: ("Method not allowed", False),
    C.PROBLEM_SERVICE_UNAVAILABLE: ("The service cannot answer now", False),
    C.PROBLEM_REQUEST_TIMEOUT: ("The request took too long", False),
    C.PROBLEM_DEADLINE_EXCEEDED: ("The check was not decided before the deadline", False),
}


def problem_type(code: str) -> str:
    """The ProblemDetails ``type`` URI for ``code``.

    :raises KeyError: for a code not in :data:`MESSAGES`.
    """
    _, w3c = MESSAGES[code]
    return (VCDM_TYPE_BASE if w3c else C.PROBLEM_TYPE_BASE) + code


def problem_details(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """Build an RFC 9457 ProblemDetails object for ``code`` with this occurrence's ``detail``."""
    title, _ = MESSAGES[code]
    return {"type": problem_type(code), "code": code, "title": title, "detail": detail, **extra}
