"""Verify by link and by image: turn a URL or a baked badge into the bytes the parser reads (issue 11).

A URL (``credentialUrl`` on ``POST /credentials/verify``, a URL argument to ``ler-verifier verify``) is
fetched through the document source (:class:`verifier.ob2.documents.HostedDocuments`: the outbound-fetch
rules of :mod:`verifier.fetch`, or the offline bundle). The answer may be:

* JSON (an OB 2.0 hosted assertion, an OB 3.0 / VC credential) or a compact JWS/JWT: used as is;
* an HTML share page announcing its JSON with ``<link rel="alternate" type="application/ld+json|
  application/json|application/vc+ld+json" href="...">``: that link is fetched (once; no chain of pages);
* a baked PNG or SVG (:mod:`verifier.baked`).

An image given directly (a file, ``{"image": "<base64>"}``, multipart) goes through :func:`from_image`.
Refusals are :class:`verifier.errors.InputError`; a URL that cannot be fetched is a
:class:`verifier.errors.FetchError` (the caller says "could not retrieve").
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from verifier.baked import extract, image_kind
from verifier.errors import FetchError, InputError

LINK_ACCEPT = ("application/ld+json, application/vc+ld+json, application/json;q=0.9, text/html;q=0.5, "
               "image/png;q=0.4, image/svg+xml;q=0.4")
ALTERNATE_TYPES = ("application/ld+json", "application/vc+ld+json", "application/json", "application/vc+jwt",
                   "application/jwt")


class _AlternateLinks(HTMLParser):
    """Collects ``<link rel="alternate" type=JSON href=...>`` (HTML Living Standard §4.6.7.1)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "link":
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        media = a.get("type", "").split(";", 1)[0].strip().lower()
        if "alternate" in rels and media in ALTERNATE_TYPES and a.get("href"):
            self.hrefs.append(a["href"])


def alternate_link(html: bytes, base_url: str) -> str:
    """The absolute URL of the single JSON ``<link rel="alternate">`` of an HTML page.

    :raises InputError: none, or several that disagree.
    """
    parser = _AlternateLinks()
    parser.feed(html.decode("utf-8", errors="replace"))
    hrefs = list(dict.fromkeys(urljoin(base_url, h) for h in parser.hrefs))
    if not hrefs:
        raise InputError(f"{base_url} is an HTML page without a <link rel=\"alternate\" type=\"application/ld+json\"> "
                         "to the credential")
    if len(hrefs) > 1:
        raise InputError(f"{base_url} announces {len(hrefs)} different alternate JSON documents; give one of them")
    return hrefs[0]


async def from_image(data: bytes, documents, *, max_image_bytes: int) -> bytes:
    """The credential a baked image carries (fetching it when the image holds a URL).

    :raises InputError: not a baked badge. :raises FetchError: its URL cannot be fetched.
    """
    baked = extract(data, max_image_bytes)
    if baked.url is not None:
        return await from_url(baked.url, documents, max_image_bytes=max_image_bytes, follow_images=False)
    return baked.data


async def from_url(url: str, documents, *, max_image_bytes: int, follow_images: bool = True) -> bytes:
    """The credential at ``url`` (JSON, a JWS, a share page's alternate JSON, or a baked image).

    :param documents: a :class:`verifier.ob2.documents.HostedDocuments` (None: no network, refused).
    :raises InputError: the answer is not a credential. :raises FetchError: the URL cannot be fetched.
    """
    if documents is None:
        raise FetchError(f"{url} cannot be fetched: no document source is configured")
    final, media, body = await documents.get_bytes(url, accept=LINK_ACCEPT)
    looks_html = media in ("text/html", "application/xhtml+xml") or body[:512].lstrip().lower().startswith(
        (b"<!doctype html", b"<html"))
    if looks_html:
        link = alternate_link(body, final)
        final, media, body = await documents.get_bytes(link, accept=LINK_ACCEPT)
        if media in ("text/html", "application/xhtml+xml"):
            raise InputError(f"the alternate link {link} answers another HTML page; it must be the credential")
    if image_kind(body) is not None:
        if not follow_images:
            raise InputError(f"{url} answers an image, from a URL found in an image: refused (no chains)")
        return await from_image(body, documents, max_image_bytes=max_image_bytes)
    return body
