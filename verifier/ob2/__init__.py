"""Open Badges 2.0 assertions: one more input format of the same verifier (issue 11).

1EdTech Open Badges 2.0 (IMS Final Release), "Verification": a *hosted* assertion is verified by fetching
its ``id`` from the issuer and comparing; a *signed* assertion is a compact JWS whose key the issuer
Profile lists under ``publicKey``. The checks (``parse``, ``proof``, ``issuer_key``, ``validity``,
``status``, ``issuer_trust``) call into this package when :func:`is_ob2` says the document is one:

* :mod:`verifier.ob2.model`: the data model (the ``parse`` check), dates, recipient identity;
* :mod:`verifier.ob2.documents`: hosted documents (offline bundle or the fetcher), cached;
* :mod:`verifier.ob2.issuer`: the BadgeClass and issuer Profile an assertion names;
* :mod:`verifier.ob2.verification`: hosted and signed verification (the ``proof`` check);
* :mod:`verifier.ob2.revocation`: HTTP 410, ``revoked`` and the Profile's ``revocationList`` (``status``).
"""

from __future__ import annotations

from typing import Any

#: The Open Badges 2.0 JSON-LD context (bundled, pinned; never fetched).
OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def is_ob2(document: Any) -> bool:
    """True when ``document`` is written in the Open Badges 2.0 context (``@context`` names it first).

    The data model check (:func:`verifier.ob2.model.problems_of`) then requires it to be the only context.
    """
    if not isinstance(document, dict):
        return False
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first == OB2_CONTEXT
