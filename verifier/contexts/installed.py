"""Operator-installed JSON-LD contexts, pinned by SHA-256 in ``data_dir/contexts/index.json``.

Contexts that no registry package carries (CLR 2.0, OB 2.0, an institution's own) are installed
with ``ler-verifier contexts add URL FILE``: the file is validated, copied into
``data_dir/contexts/`` and recorded as ``{url: {"file": name, "sha256": hex}}`` in ``index.json``
(written atomically, under a lock file). On every load the file's SHA-256 is checked again; a file
that changed since installation is refused.

A newly installed URL is seen by running processes at once (the index is read on each lookup of a
URL that is not bundled). Re-installing a URL that a process has already used takes effect when that
process restarts: each process keeps the contexts it has resolved (see :mod:`verifier.jsonld.processor`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from verifier import pinned_files
from verifier.errors import InputError, UnknownContext
from verifier.jsontext import loads_limited

SUBDIR = "contexts"
INDEX_NAME = pinned_files.INDEX_NAME
MAX_CONTEXT_BYTES = 2_000_000


def contexts_dir(data_dir: Path) -> Path:
    """Return ``data_dir/contexts`` (where installed contexts live)."""
    return Path(data_dir) / SUBDIR


def read_index(data_dir: Path) -> dict[str, dict[str, str]]:
    """Return the installed index ``{url: {"file", "sha256"}}``; empty when nothing is installed.

    :raises UnknownContext: when ``index.json`` exists but is not a JSON object of such entries.
    """
    index = pinned_files.read_index(contexts_dir(data_dir))
    if index is None:
        raise UnknownContext(f"installed-context index {contexts_dir(data_dir) / INDEX_NAME} is unreadable or "
                             f"not a map of url -> {{file, sha256}}")
    return index


def load_installed(url: str, data_dir: Path, entry: dict[str, str]) -> dict[str, Any]:
    """Read an installed context and check it against its pinned SHA-256.

    :param entry: the index entry for ``url``.
    :returns: the parsed context document.
    :raises UnknownContext: when the file is missing, changed since installation, or not JSON.
    """
    folder = contexts_dir(data_dir)
    path = pinned_files.entry_path(folder, entry)
    if path is None:
        raise UnknownContext(f"installed context {url}: index entry points outside {folder}", url=url)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnknownContext(f"installed context {url}: {path} is unreadable ({exc.strerror}); "
                             f"reinstall it with `ler-verifier contexts add {url} FILE`", url=url) from exc
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise UnknownContext(f"installed context {url} refused: {path} changed since it was installed "
                             f"(SHA-256 pin mismatch); reinstall it with `ler-verifier contexts add {url} FILE`",
                             url=url)
    return json.loads(data)


#: Deepest nesting accepted in a context document (real contexts nest a handful of levels).
MAX_CONTEXT_DEPTH = 64


def validate_context_bytes(data: bytes, *, origin: str) -> dict[str, Any]:
    """Parse ``data`` as a JSON-LD context document: a JSON object with an ``@context`` entry.

    :param origin: names the file in messages.
    :raises InputError: when it is too large, not UTF-8 JSON, not an object, or has no usable ``@context``.
    """
    doc = loads_limited(data, max_bytes=MAX_CONTEXT_BYTES, max_depth=MAX_CONTEXT_DEPTH, what=origin)
    if not isinstance(doc, dict) or "@context" not in doc:
        raise InputError(f"{origin} must be a JSON object with an \"@context\" entry")
    if not isinstance(doc["@context"], (dict, list, str)):
        raise InputError(f"{origin}: \"@context\" must be an object, an array or a URL")
    return doc


def install_context(url: str, source: Path, data_dir: Path, *, bundled: frozenset[str] = frozenset()) -> dict:
    """Install the context document at ``source`` for ``url``, pinned by its SHA-256.

    :param url: the absolute ``http(s)`` URL documents use in ``@context``.
    :param source: the file to install (JSON object with ``@context``, at most 2 MB).
    :param data_dir: the data directory; the file goes to ``data_dir/contexts/``.
    :param bundled: URLs that are bundled (they cannot be overridden).
    :returns: ``{"url", "file", "sha256", "source": "installed"}``.
    :raises InputError: bad URL, a bundled URL, unreadable or invalid file.
    """
    pinned_files.check_install_url(url, "context")
    if url in bundled:
        raise InputError(f"{url} is bundled (pinned from its registry package) and cannot be replaced")
    data = pinned_files.read_source(source)
    validate_context_bytes(data, origin=str(source))
    return pinned_files.install(url, data, contexts_dir(data_dir), suffix=".jsonld")
