"""The BadgeClass and the issuer Profile an Open Badges 2.0 assertion names (OB 2.0 "Verification":
"fetch and validate the BadgeClass and the issuer Profile").

The BadgeClass is the document at the assertion's ``badge`` URL (or embedded in the assertion, which the
issuer signed or hosts); its ``issuer`` Profile is always read from its own URL, even when embedded, because
only the hosted Profile states the issuer's keys, revocation list and verification scope. Each fetched
document must be of its type, written in the Open Badges 2.0 context alone, and carry the ``id`` it was
fetched by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier.errors import FetchError, MalformedValue
from verifier.ob2.documents import Hosted, HostedDocuments
from verifier.ob2.model import document_problems, is_url, types_of

PROFILE_TYPES = frozenset({"Issuer", "Profile"})


@dataclass(frozen=True)
class IssuerChain:
    """:ivar badge: the BadgeClass. :ivar badge_id: its id. :ivar profile: the issuer Profile.
    :ivar profile_id: its id (the issuer). :ivar sources: URL -> where each fetched document came from."""

    badge: dict[str, Any]
    badge_id: str
    profile: dict[str, Any]
    profile_id: str
    sources: dict[str, str]


def checked_document(hosted: Hosted, expected_types: frozenset[str], what: str) -> dict[str, Any]:
    """The fetched document, if it is a ``what`` with the ``id`` it was fetched by.

    :raises MalformedValue: not an object, wrong type, another id, or another context.
    """
    doc = hosted.document
    if not isinstance(doc, dict):
        raise MalformedValue(f"the {what} at {hosted.url} is not a JSON object")
    if not expected_types & set(types_of(doc)):
        raise MalformedValue(f"the document at {hosted.url} is not a {what} (type {doc.get('type')!r})")
    if doc.get("id") != hosted.url:
        raise MalformedValue(f"the {what} fetched from {hosted.url} has id {doc.get('id')!r}: a document must carry "
                             "the id it is published at")
    problems = document_problems(doc)
    if problems:
        raise MalformedValue(f"the {what} at {hosted.url}: {problems[0][0]}: {problems[0][1]}")
    return doc


async def load_issuer(assertion: dict[str, Any], docs: HostedDocuments | None) -> IssuerChain:
    """Fetch and validate the assertion's BadgeClass and issuer Profile.

    :raises FetchError: a document could not be read (-> indeterminate).
    :raises MalformedValue: a document is not what it must be (-> failed).
    """
    if docs is None:
        raise FetchError("Open Badges 2.0 documents cannot be read: this verifier has no document source configured")
    sources: dict[str, str] = {}
    badge = assertion.get("badge")
    if isinstance(badge, str):
        hosted = await docs.get_json(badge)
        sources[badge] = hosted.source
        badge_doc = checked_document(hosted, frozenset({"BadgeClass"}), "BadgeClass")
    elif isinstance(badge, dict) and is_url(badge.get("id")):
        badge_doc = badge
        if "BadgeClass" not in types_of(badge_doc):
            raise MalformedValue(f"the embedded badge is not a BadgeClass (type {badge_doc.get('type')!r})")
    else:
        raise MalformedValue("badge must be the URL of a BadgeClass")
    issuer = badge_doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not is_url(issuer_id):
        raise MalformedValue(f"the BadgeClass {badge_doc.get('id')} names no issuer Profile URL")
    hosted = await docs.get_json(issuer_id)
    sources[issuer_id] = hosted.source
    profile = checked_document(hosted, PROFILE_TYPES, "issuer Profile")
    return IssuerChain(badge_doc, badge_doc["id"], profile, issuer_id, sources)


def as_list(value: Any) -> list[Any]:
    """A JSON value that may be one item or a list, as a list (None: empty)."""
    return [] if value is None else value if isinstance(value, list) else [value]
