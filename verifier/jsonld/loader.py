"""The offline document loader pyld uses, and the boundary that maps pyld's errors to ours.

A loader answers context URLs from a :class:`~verifier.contexts.ContextStore` (bundled, then
operator-installed, then offline bundle) and never touches the network. One loader is built per
:class:`~verifier.options.ResourceConfig` per process (:func:`document_loader`).

pyld wraps anything a loader raises in ``JsonLdError`` (often several levels deep, ``raise ... from``).
:func:`pyld_errors` walks the ``__cause__`` chain by class and re-raises our own error when it finds
one, so callers of :func:`verifier.jsonld.canonicalize` receive :class:`~verifier.errors.UnknownContext`
itself; other ``JsonLdError``\\ s become :class:`~verifier.errors.InvalidJsonLd`, and so do the few plain
exceptions (KeyError, ValueError...) pyld's own code raises on some malformed contexts.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from typing import Any, Iterator

import pyld
from pyld.jsonld import JsonLdError

from verifier.contexts import ContextStore
from verifier.errors import InvalidJsonLd, VerifierError
from verifier.options import ResourceConfig

SAFE_MODE_BASE = "https://safe-mode.invalid/"
"""Base IRI used during safe-mode expansion; any IRI starting with it was relative in the input."""

_MAX_CAUSE_DEPTH = 64


class OfflineLoader:
    """A pyld document loader (``loader(url, options) -> RemoteDocument``) that never fetches.

    :param resources: where contexts come from.
    """

    def __init__(self, resources: ResourceConfig):
        self.resources = resources
        self.store = ContextStore(resources)

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return pyld's RemoteDocument for the context at ``url``.

        The document is a fresh copy (pyld mutates loaded contexts). ``tag: "static"`` lets pyld's
        context resolver keep the resolved context for the life of this loader.

        :raises UnknownContext: the URL is not known to any source, or its copy fails its pin.
        :raises InvalidJsonLd: ``url`` is a relative reference made absolute by the safe-mode base.
        """
        if url.startswith(SAFE_MODE_BASE):
            raise InvalidJsonLd(f"relative @context reference {url[len(SAFE_MODE_BASE):]!r} (safe mode)")
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.store.get(url),
            "contentType": "application/ld+json",
            "tag": "static",
        }


@lru_cache(maxsize=32)
def document_loader(resources: ResourceConfig) -> OfflineLoader:
    """Return this process's loader for ``resources`` (one per distinct config, cached)."""
    return OfflineLoader(resources)


def find_our_error(exc: BaseException) -> VerifierError | None:
    """Return the first :class:`VerifierError` in ``exc``'s cause chain (``__cause__``, then
    ``__context__``), or None. Matches by class, never by message."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < _MAX_CAUSE_DEPTH:
        if isinstance(current, VerifierError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _describe(exc: JsonLdError) -> str:
    """A one-line description of a pyld error: its message, code and innermost pyld cause."""
    parts = [str(exc.args[0]) if exc.args else exc.type]
    if exc.code:
        parts.append(f"({exc.code})")
    inner = exc.__cause__
    while isinstance(inner, JsonLdError):
        if inner.code and inner.code != exc.code:
            parts.append(f"caused by: {inner.args[0] if inner.args else inner.type} ({inner.code})")
        inner = inner.__cause__
    return " ".join(parts)


#: exceptions other than ``JsonLdError`` that pyld itself raises on some input (library bugs: a KeyError for
#: ``{"@language": null}`` in a context without a default language, a ValueError for a relative ``@base``...).
_PYLD_CRASHES = (KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError)
_PYLD_DIR = os.path.dirname(pyld.__file__) + os.sep


def _raised_in_pyld(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by code of the pyld package (its innermost frame is pyld's)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename.startswith(_PYLD_DIR)


@contextlib.contextmanager
def pyld_errors(what: str) -> Iterator[None]:
    """Map errors raised inside pyld to ours, by class.

    :param what: names the operation in messages (e.g. ``"expansion"``).
    :raises VerifierError: our own error found in the cause chain (e.g. UnknownContext), unchanged.
    :raises InvalidJsonLd: any other ``JsonLdError``; a KeyError, ValueError, TypeError, IndexError,
        AttributeError or RecursionError raised by pyld's own code (the input is refused rather than the
        process crashing; the same exceptions from our code are left alone, so that they stay visible).
    """
    try:
        yield
    except JsonLdError as exc:
        ours = find_our_error(exc)
        if ours is None:
            raise InvalidJsonLd(f"JSON-LD {what} failed: {_describe(exc)}") from exc
        # ours already sits at the bottom of exc's chain: re-raise it without chaining back to exc
        raise ours from None
    except _PYLD_CRASHES as exc:
        if not _raised_in_pyld(exc):
            raise
        raise InvalidJsonLd(f"JSON-LD {what} failed: the JSON-LD library raised {type(exc).__name__} "
                            f"({exc}) on this input") from exc
