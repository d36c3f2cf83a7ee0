"""DID and key resolution: did:key, did:jwk, did:web and https key URLs (DID Core §7.1, CID 1.0 §3.3).

Public door::

    resolver = KeyResolver(resources=ResourceConfig(...), fetcher=Fetcher(...))
    doc = await resolver.resolve_did("did:web:example.com")                  # DID document (dict)
    vm = await resolver.resolve_verification_method("did:key:z6Mk...#z6Mk...")  # VerificationMethod

``VerificationMethod`` carries ``id``, ``type``, ``controller``, ``public_jwk``, ``document_id``,
``relationships`` and ``from_cache``; the caller checks the proof purpose against ``relationships``
and the issuer against ``document_id``. Errors: :class:`~verifier.errors.ResolutionError` (unresolvable,
unsupported method, not in its document, malformed), :class:`~verifier.errors.FetchError` (network),
:class:`~verifier.errors.UnsupportedCryptosuite` (key type) — all ``CheckNotPossible``.
"""

from verifier.did.did_jwk import did_jwk_document
from verifier.did.did_key import did_key_document
from verifier.did.did_web import did_web_url
from verifier.did.document import RELATIONSHIPS, VerificationMethod
from verifier.did.resolver import KeyResolver

__all__ = ["KeyResolver", "RELATIONSHIPS", "VerificationMethod", "did_jwk_document", "did_key_document",
           "did_web_url"]
