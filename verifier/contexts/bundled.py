"""Bundled JSON-LD contexts: files vendored from npm packages, pinned by SHA-256.

``manifest.json`` (written by ``scripts/vendor_contexts.py``, never by hand) lists
``{url, file, sha256, package, version, path_in_package, ...}``. The manifest is read once per
process; each file is read and checked against its pinned SHA-256 the first time it is asked for.
A file whose bytes do not match is refused (never served), and the refusal is remembered.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import Any

from verifier.errors import UnknownContext

PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST_PATH = PACKAGE_DIR / "manifest.json"


@lru_cache(maxsize=1)
def bundled_manifest() -> dict[str, dict[str, Any]]:
    """Return the bundled manifest as ``{url: entry}`` (read once per process).

    :raises ValueError: when ``manifest.json`` is not a list of entries with ``url``, ``file`` and
        ``sha256`` (a packaging error, not a runtime condition).
    """
    entries = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{MANIFEST_PATH} must hold a JSON list")
    manifest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not {"url", "file", "sha256"} <= entry.keys():
            raise ValueError(f"{MANIFEST_PATH}: entry {entry!r} lacks url, file or sha256")
        manifest[entry["url"]] = entry
    return manifest


class BundledContexts:
    """The bundled contexts of one process, verified lazily.

    :param manifest: ``{url: entry}``; defaults to :func:`bundled_manifest`.
    :param root: directory the entries' ``file`` paths are relative to.
    """

    def __init__(self, manifest: dict[str, dict[str, Any]] | None = None, root: Path = PACKAGE_DIR):
        self._manifest = bundled_manifest() if manifest is None else manifest
        self._root = root
        self._docs: dict[str, dict[str, Any]] = {}
        self._refused: dict[str, str] = {}
        self._lock = Lock()

    def __contains__(self, url: str) -> bool:
        return url in self._manifest

    def urls(self) -> list[str]:
        """Return the bundled URLs in manifest order."""
        return list(self._manifest)

    def get(self, url: str) -> dict[str, Any] | None:
        """Return a fresh copy of the bundled context document for ``url``, or None if not bundled.

        :raises UnknownContext: when the bundled file is missing or fails its SHA-256 pin.
        """
        entry = self._manifest.get(url)
        if entry is None:
            return None
        with self._lock:
            if url in self._refused:
                raise UnknownContext(self._refused[url], url=url)
            doc = self._docs.get(url)
            if doc is None:
                doc = self._load(url, entry)
                self._docs[url] = doc
        return copy.deepcopy(doc)

    def _load(self, url: str, entry: dict[str, Any]) -> dict[str, Any]:
        path = self._root / entry["file"]
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            reason = "is missing" if data is None else "does not match its pinned SHA-256"
            detail = f"bundled JSON-LD context {url} refused: {path.name} {reason} (reinstall the package)"
            self._refused[url] = detail
            raise UnknownContext(detail, url=url)
        return json.loads(data)
