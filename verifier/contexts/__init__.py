"""JSON-LD contexts: bundled (vendored from npm packages, pinned by SHA-256), operator-installed,
and offline-bundle ones. Nothing is ever fetched from the network.

Public door::

    ContextStore(resources).get(url) -> dict      # bundled, installed, offline bundle, in that order
    install_context(url, source, data_dir) -> dict
    list_contexts(data_dir=None, offline_bundle=None) -> list[dict]
    bundled_manifest() -> {url: manifest entry}

The bundled files and ``manifest.json`` are written by ``scripts/vendor_contexts.py``.
"""

from __future__ import annotations

from pathlib import Path

from verifier.contexts import installed as _installed
from verifier.contexts.bundled import bundled_manifest
from verifier.contexts.store import ContextStore, list_contexts, unknown_context
from verifier.errors import InputError

__all__ = ["ContextStore", "bundled_manifest", "install_context", "list_contexts", "unknown_context"]


def install_context(url: str, source: Path, data_dir: Path) -> dict:
    """Install the context document at ``source`` for ``url`` in ``data_dir/contexts/``, pinned by SHA-256.

    :param url: absolute http(s) URL that documents put in ``@context``; bundled URLs are refused.
    :param source: a JSON file holding an object with ``@context`` (at most 2 MB).
    :param data_dir: the verifier's data directory.
    :returns: ``{"url", "file", "sha256", "source": "installed"}``.
    :raises InputError: no data directory, bad URL, bundled URL, unreadable or invalid file.
    """
    if data_dir is None:
        raise InputError("no data directory is configured; installed contexts live in DATA_DIR/contexts")
    return _installed.install_context(url, Path(source), Path(data_dir), bundled=frozenset(bundled_manifest()))
