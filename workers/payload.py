"""JSON forms of what a check job carries: the credential item and the options (no pickle on the queue)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from verifier.options import Limits, VerifyOptions
from verifier.parse import CredentialItem, Jwt


def item_to_json(item: CredentialItem) -> dict[str, Any]:
    """A :class:`CredentialItem` as JSON-ready data (round-trips through :func:`item_from_json`)."""
    jwt = None
    if item.jwt is not None:
        jwt = {"compact": item.jwt.compact, "header": item.jwt.header, "payload": item.jwt.payload,
               "style": item.jwt.style}
    return {"pointer": item.pointer, "document": item.document, "kind": item.kind, "parent": item.parent, "jwt": jwt}


def item_from_json(data: dict[str, Any]) -> CredentialItem:
    """Rebuild a :class:`CredentialItem`."""
    jwt = data.get("jwt")
    return CredentialItem(pointer=data["pointer"], document=data["document"], kind=data["kind"],
                          jwt=Jwt(**jwt) if jwt else None, parent=data.get("parent"))


def options_to_json(options: VerifyOptions) -> dict[str, Any]:
    """:class:`VerifyOptions` as JSON-ready data (``now`` as an ISO 8601 instant)."""
    return {"now": options.now.isoformat(), "max_clock_skew_s": options.max_clock_skew_s,
            "challenge": options.challenge, "domain": options.domain,
            "require_trusted_issuer": options.require_trusted_issuer,
            "checks": list(options.checks) if options.checks else None,
            "limits": dataclasses.asdict(options.limits)}


def options_from_json(data: dict[str, Any]) -> VerifyOptions:
    """Rebuild :class:`VerifyOptions`."""
    return VerifyOptions(now=datetime.fromisoformat(data["now"]), max_clock_skew_s=data["max_clock_skew_s"],
                         challenge=data["challenge"], domain=data["domain"],
                         require_trusted_issuer=data["require_trusted_issuer"],
                         checks=tuple(data["checks"]) if data.get("checks") else None,
                         limits=Limits(**data["limits"]))
