"""Comparing a recipient's stated identity (hashed or plain) with a candidate value.

Open Badges name the learner by an identity that may be hashed, so a badge does not publish the
learner's email in clear:

* OB 3.0 ``IdentityObject`` (``identityHash``, ``identityType``, ``hashed``, ``salt``) and its
  ``IdentityHash`` type: ``<algorithm>$<hex>``, algorithm ``sha256`` or ``md5``, over the UTF-8 bytes
  of the identifier followed by the salt; hexadecimal in upper or lower case (OB 3.0 data model,
  "IdentityHash").
* OB 2.0 ``IdentityObject`` (``identity``, ``type``, ``hashed``, ``salt``): the same rule
  (OB 2.0 "IdentityObject", "IdentityHash").

The hash is compared in constant time; the hex is read case-insensitively. Email addresses are
compared with ASCII letters case-insensitive in the local part and the domain lower-cased: a plain
email is compared so, and a hashed one matches when the candidate hashes to it as given, so lowered,
or with only its domain lower-cased (the issuer's own spelling cannot be recovered from a hash, so
these are the spellings tried). Unicode case folding is not applied to the local part: it would make
different mailboxes equal (``straße`` and ``strasse``, the Kelvin sign and ``k``; RFC 5321 §2.4, RFC 6531). Telephone numbers
match with or without formatting characters (spaces, ``-``, ``.``, ``(``, ``)``).

Usage::

    identity_matches("sha256$C4A...", "Alice@Example.org", hashed=True, salt="s4lt", kind="email")

Nothing here reads a credential: the callers (the ``recipient`` check, the OB 2.0 reader) take the
stated values from what the proof signs and pass them in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Literal

from verifier.errors import MalformedValue

__all__ = ["IdentityKind", "ParsedHash", "parse_identity_hash", "looks_hashed", "identity_matches",
           "candidate_spellings"]

#: What a candidate value is, as the ``recipient`` option names it (email, url, phone, id).
IdentityKind = Literal["email", "url", "phone", "id"]

#: algorithm -> hex digest length (OB 3.0 "IdentityHash": only md5 and sha256 are defined).
_ALGORITHMS = {"sha256": 64, "md5": 32}
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_PHONE_FORMATTING = re.compile(r"[\s\-.()]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _email_lower(value: str) -> str:
    """``local@domain`` with the local part's ASCII letters and the whole domain lower-cased."""
    local, at, domain = value.rpartition("@")
    return f"{local.translate(_ASCII_LOWER)}@{domain.lower()}" if at else value.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class ParsedHash:
    """An ``IdentityHash`` split into its parts.

    :ivar algorithm: ``"sha256"`` or ``"md5"``.
    :ivar hex_digest: the digest, lower-case hexadecimal (64 or 32 characters).
    """

    algorithm: str
    hex_digest: str


def parse_identity_hash(value: str) -> ParsedHash:
    """Split ``sha256$<hex>`` / ``md5$<hex>`` (algorithm name read case-insensitively, hex likewise).

    :param value: the stated hash.
    :returns: the :class:`ParsedHash`.
    :raises MalformedValue: no ``$``, an algorithm other than sha256/md5, or a digest that is not
        hexadecimal of the algorithm's length.
    """
    if not isinstance(value, str) or "$" not in value:
        raise MalformedValue("an identity hash must be '<algorithm>$<hex>' (e.g. 'sha256$...')")
    algorithm, _, digest = value.partition("$")
    algorithm = algorithm.strip().lower()
    if algorithm not in _ALGORITHMS:
        raise MalformedValue(f"identity hash algorithm {algorithm!r} is not one of sha256, md5")
    if len(digest) != _ALGORITHMS[algorithm] or not _HEX.match(digest):
        raise MalformedValue(f"the {algorithm} identity hash must be {_ALGORITHMS[algorithm]} hexadecimal characters")
    return ParsedHash(algorithm, digest.lower())


def looks_hashed(value: str) -> bool:
    """True when ``value`` reads as an ``IdentityHash`` (used when ``hashed`` is not stated)."""
    try:
        parse_identity_hash(value)
    except MalformedValue:
        return False
    return True


def candidate_spellings(value: str, kind: IdentityKind) -> list[str]:
    """The spellings of a candidate identity that are tried against a hash, first as given.

    :param value: the candidate (e.g. the email the caller knows).
    :param kind: email (also with its domain lower-cased, and with that and the local part's ASCII letters
        lower-cased), phone (also without formatting
        characters), url or id (as given only).
    :returns: distinct spellings, in the order tried.
    """
    out = [value]
    if kind == "email":
        local, at, domain = value.rpartition("@")
        if at:
            out.append(f"{local}@{domain.lower()}")
        out.append(_email_lower(value))
    elif kind == "phone":
        out.append(_PHONE_FORMATTING.sub("", value))
    return list(dict.fromkeys(out))


def _plain_equal(stated: str, candidate: str, kind: IdentityKind) -> bool:
    if kind == "email":
        return _email_lower(stated.strip()) == _email_lower(candidate.strip())
    if kind == "phone":
        return _PHONE_FORMATTING.sub("", stated) == _PHONE_FORMATTING.sub("", candidate)
    return stated == candidate


def identity_matches(stated: str, candidate: str, *, hashed: bool | None, salt: str | None,
                     kind: IdentityKind) -> bool:
    """Whether ``candidate`` is the identity ``stated`` names.

    :param stated: the credential's value (``identityHash`` in OB 3.0, ``identity`` in OB 2.0).
    :param candidate: the value the caller asks about.
    :param hashed: the credential's ``hashed`` flag; None when absent (then a value that reads as
        ``<algorithm>$<hex>`` is taken as hashed).
    :param salt: the credential's ``salt``, appended to the identifier before hashing; None or "" for none.
    :param kind: how to compare (see :func:`candidate_spellings`).
    :returns: True on a match.
    :raises MalformedValue: ``hashed`` is true but ``stated`` is not a valid identity hash; ``salt`` not a string.
    """
    if salt is not None and not isinstance(salt, str):
        raise MalformedValue("salt must be a string")
    if hashed is None:
        hashed = looks_hashed(stated)
    if not hashed:
        return _plain_equal(stated, candidate, kind)
    parsed = parse_identity_hash(stated)
    for spelling in candidate_spellings(candidate, kind):
        digest = hashlib.new(parsed.algorithm, (spelling + (salt or "")).encode("utf-8"),
                              usedforsecurity=False).hexdigest()
        if hmac.compare_digest(digest, parsed.hex_digest):
            return True
    return False
