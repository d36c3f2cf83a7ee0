"""Decoding of status-list payloads: multibase / base64url text, capped GZIP, and MSB-first bit reads.

Bitstring Status List v1.0 §4.2 "Bitstring Expansion Algorithm": ``encodedList`` is the multibase
``u`` prefix followed by base64url (RFC 4648 §5, no padding) of a GZIP (RFC 1952) member holding the
bitstring. StatusList2021 and RevocationList2020 use base64url without the prefix. Index 0 is the
left-most (most significant) bit of byte 0 (Bitstring Status List §4.1 "Bitstring Generation").

Decompression is capped: output beyond ``max_bytes`` stops the inflater at once, so a GZIP bomb costs
at most ``max_bytes`` of work (milliseconds) and is refused as a retrieval error.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib

from verifier import constants as C
from verifier.errors import CheckNotPossible, MalformedValue, StatusVerificationFailed

__all__ = ["decode_base64url", "decode_multibase_base64url", "gunzip_capped", "status_value",
           "DEFAULT_MAX_DECODED_BYTES"]

#: Largest decompressed status list accepted, bytes (4 MiB = 33,554,432 one-bit entries).
DEFAULT_MAX_DECODED_BYTES = 4 * 1024 * 1024

_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def decode_base64url(text: object, *, what: str = "encodedList") -> bytes:
    """Decode base64url text (RFC 4648 §5); ``=`` padding is tolerated, other alphabets are not.

    :param text: the encoded value.
    :param what: names the field in messages.
    :raises StatusVerificationFailed: not a string, or not base64url.
    """
    if not isinstance(text, str) or not text:
        raise StatusVerificationFailed(f"{what} must be a non-empty string")
    if not _BASE64URL.match(text):
        raise StatusVerificationFailed(f"{what} is not base64url text")
    body = text.rstrip("=")
    if len(body) % 4 == 1:
        raise StatusVerificationFailed(f"{what} is not base64url text (truncated: {len(body)} characters)")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise StatusVerificationFailed(f"{what} is not base64url text") from exc


def decode_multibase_base64url(text: object, *, what: str = "encodedList") -> bytes:
    """Decode multibase base64url: the ``u`` prefix, then base64url (Multibase §2.1, no padding).

    :raises StatusVerificationFailed: missing ``u`` prefix or not base64url.
    """
    if not isinstance(text, str) or not text.startswith("u"):
        raise StatusVerificationFailed(f"{what} must be multibase base64url (start with 'u')")
    return decode_base64url(text[1:], what=what)


def gunzip_capped(data: bytes, *, max_bytes: int = DEFAULT_MAX_DECODED_BYTES, what: str = "encodedList") -> bytes:
    """Decompress GZIP data (RFC 1952; several members are read in turn), refusing output over ``max_bytes``.

    :param data: the compressed bytes.
    :param max_bytes: largest decompressed size accepted, bytes.
    :returns: the decompressed bytes.
    :raises StatusVerificationFailed: not GZIP, corrupt or truncated.
    :raises CheckNotPossible: (STATUS_RETRIEVAL_ERROR) the output would exceed ``max_bytes`` (a GZIP bomb
        or an oversized list); decompression stops as soon as the cap is passed.
    """
    if data[:2] != b"\x1f\x8b":
        raise StatusVerificationFailed(f"{what} is not GZIP data (RFC 1952 magic bytes missing)")
    out: list[bytes] = []
    produced = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
        try:
            chunk = inflater.decompress(rest, max_bytes - produced + 1)
        except zlib.error as exc:
            raise StatusVerificationFailed(f"{what} is corrupt GZIP data") from exc
        produced += len(chunk)
        if produced > max_bytes:
            raise CheckNotPossible(f"{what} decompresses to more than {max_bytes} bytes; refused (GZIP bomb "
                                   "or oversized list)", problem_code=C.PROBLEM_STATUS_RETRIEVAL_ERROR)
        if not inflater.eof:
            raise StatusVerificationFailed(f"{what} is truncated GZIP data")
        out.append(chunk)
        rest = inflater.unused_data
        if rest and rest[:2] != b"\x1f\x8b":
            raise StatusVerificationFailed(f"{what} has trailing bytes after its GZIP data")
    return b"".join(out)


def status_value(bits: bytes, index: int, size: int = 1) -> int:
    """The status at ``index``: ``size`` bits from bit ``index * size``, bit 0 the MSB of byte 0.

    :param bits: the decompressed bitstring.
    :param index: the entry's index (``statusListIndex``), >= 0.
    :param size: bits per entry (``statusSize``), >= 1.
    :returns: the bits read as an unsigned big-endian integer.
    :raises MalformedValue: (RANGE_ERROR) the entry lies outside the bitstring.
    """
    start = index * size
    if start + size > len(bits) * 8:
        raise MalformedValue(f"index {index} (statusSize {size}) is outside the list of {len(bits) * 8 // size} "
                             "entries", problem_code=C.PROBLEM_RANGE_ERROR)
    if size == 1:
        return (bits[start >> 3] >> (7 - (start & 7))) & 1
    value = 0
    for pos in range(start, start + size):
        value = (value << 1) | ((bits[pos >> 3] >> (7 - (pos & 7))) & 1)
    return value
