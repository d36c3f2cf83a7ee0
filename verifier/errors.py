"""The error tree of the verification core.

Primitives return a value or raise one of these; the pipeline turns them into check outcomes at the
edge (STYLE.md rule 4). Third-party errors are mapped by class at the boundary with
``raise ... from exc``, never by message text::

    VerifierError                      base of everything we raise on purpose
    ├── InputError                     the presented bytes are not something we can read (exit 2 / HTTP 400)
    ├── VerificationFailed             the check ran and the answer is no        -> outcome "failed"
    │   ├── InvalidSignature           cryptographic verification failed
    │   ├── InvalidProof               a proof is malformed or its options do not match
    │   │   └── SignedMeaningMismatch  the JSON as read and the signed RDF meaning disagree on a checked property
    │   ├── InvalidJsonLd              safe-mode JSON-LD expansion refused the document
    │   ├── CanonicalizationBudgetExceeded   RDFC-1.0 ran out of its work budget (poisoned graph)
    │   ├── KeyNotAuthorized           the key is not listed for the proof purpose / not the issuer's
    │   ├── MalformedValue             a value breaks its rule (dates, indexes, ...)
    │   └── StatusVerificationFailed   a status list did not verify
    └── CheckNotPossible               the check could not be decided    -> outcome "indeterminate"
        ├── FetchError                 network error, timeout, bad status, size cap, refused target
        │   └── HttpStatusError        the server answered a non-2xx status (``status`` says which)
        ├── UnknownContext             a JSON-LD context that is neither bundled nor installed
        ├── UnsupportedCryptosuite     a proof type / cryptosuite / algorithm we do not implement
        └── ResolutionError            a DID or key could not be resolved

Every error carries a ``problem_code`` (a key of :mod:`verifier.constants`), used for the
RFC 9457 ProblemDetails ``type`` and the message catalogue in :mod:`verifier.messages`.
"""

from __future__ import annotations

from verifier import constants as C


class VerifierError(Exception):
    """Base of every error the verification core raises on purpose.

    :param detail: a sentence for people, naming the field or value concerned.
    :param problem_code: a problem code from :mod:`verifier.constants`.
    :param pointer: optional JSON pointer (RFC 6901) to the offending field.
    """

    problem_code: str = C.PROBLEM_VERIFICATION_ERROR

    def __init__(self, detail: str, *, problem_code: str | None = None, pointer: str | None = None):
        super().__init__(detail)
        self.detail = detail
        if problem_code is not None:
            self.problem_code = problem_code
        self.pointer = pointer

    def __reduce__(self):  # errors cross the process pool: keep every attribute (e.g. UnknownContext.url)
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls, args, attributes):
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(attributes)
    return error


class InputError(VerifierError):
    """The presented input cannot be read as a credential or presentation (VCDM 2.0 §7.1 PARSING_ERROR)."""

    problem_code = C.PROBLEM_PARSING_ERROR


class VerificationFailed(VerifierError):
    """A check ran and found the credential wanting: outcome ``failed``."""


class InvalidSignature(VerificationFailed):
    """The signature does not verify with the resolved key (Data Integrity §4 PROOF_VERIFICATION_ERROR)."""

    problem_code = C.PROBLEM_PROOF_VERIFICATION_ERROR


class InvalidProof(VerificationFailed):
    """A proof is malformed or its options are wrong (Data Integrity §2.1 PROOF_VERIFICATION_ERROR)."""

    problem_code = C.PROBLEM_PROOF_VERIFICATION_ERROR


class SignedMeaningMismatch(InvalidProof):
    """The JSON as our checks read it and the meaning the proof signs disagree about a checked property
    (DESIGN.md "Security rules"; Data Integrity §4.4 verifies the RDF dataset, not the JSON key names)."""

    problem_code = C.PROBLEM_SIGNED_MEANING_MISMATCH


class InvalidJsonLd(VerificationFailed):
    """Safe-mode JSON-LD processing refused the document (VCDM 2.0 §4.1, Data Integrity §4.3 safe mode)."""

    problem_code = C.PROBLEM_MALFORMED_VALUE_ERROR


class CanonicalizationBudgetExceeded(VerificationFailed):
    """RDFC-1.0 exceeded its work budget (RDFC-1.0 §4.4 "poison graphs")."""

    problem_code = C.PROBLEM_PROOF_VERIFICATION_ERROR


class KeyNotAuthorized(VerificationFailed):
    """The verification method is not authorised for the proof purpose or not the issuer's
    (Data Integrity §4.5 "Retrieve Verification Method", controlled identifiers §3.3)."""

    problem_code = C.PROBLEM_INVALID_VERIFICATION_METHOD


class MalformedValue(VerificationFailed):
    """A value breaks the rule of its field (VCDM 2.0 §7.1 MALFORMED_VALUE_ERROR)."""

    problem_code = C.PROBLEM_MALFORMED_VALUE_ERROR


class StatusVerificationFailed(VerificationFailed):
    """A status list credential failed verification (Bitstring Status List §3.2 STATUS_VERIFICATION_ERROR)."""

    problem_code = C.PROBLEM_STATUS_VERIFICATION_ERROR


class CheckNotPossible(VerifierError):
    """The check could not be decided: outcome ``indeterminate``, never a pass."""


class FetchError(CheckNotPossible):
    """An outbound fetch failed: network error, timeout, status, content type, size cap or refused target."""

    problem_code = C.PROBLEM_RETRIEVAL_ERROR


class HttpStatusError(FetchError):
    """The server answered a final status outside 2xx (RFC 9110 §15); ``status`` is that code.

    Kept apart so a caller can act on a status by class and number, never by message text (e.g. Open Badges
    2.0 "Verification": a hosted assertion answering 410 Gone is revoked).
    """

    def __init__(self, detail: str, *, status: int, problem_code: str | None = None, pointer: str | None = None):
        super().__init__(detail, problem_code=problem_code, pointer=pointer)
        self.status = status


class UnknownContext(CheckNotPossible):
    """A JSON-LD context URL that is neither bundled nor installed by the operator (never fetched)."""

    problem_code = C.PROBLEM_UNKNOWN_CONTEXT

    def __init__(self, detail: str, *, problem_code: str | None = None, pointer: str | None = None,
                 url: str | None = None):
        super().__init__(detail, problem_code=problem_code, pointer=pointer)
        self.url = url


class UnsupportedCryptosuite(CheckNotPossible):
    """A proof type, cryptosuite, key type or JWS algorithm that we do not implement."""

    problem_code = C.PROBLEM_UNSUPPORTED_CRYPTOSUITE


class ResolutionError(CheckNotPossible):
    """A DID, DID URL or key URL could not be resolved (DID Core §7.1 resolution errors)."""

    problem_code = C.PROBLEM_INVALID_VERIFICATION_METHOD
