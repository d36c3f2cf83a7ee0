"""A folder of operator-installed files, each pinned by its SHA-256 under the URL documents name it by.

Used for JSON-LD contexts (:mod:`verifier.contexts.installed`) and JSON Schemas
(:mod:`verifier.schemas.store`): ``ler-verifier contexts add`` / ``schemas add URL FILE`` copy FILE into
the folder and record ``{url: {"file": name, "sha256": hex}}`` in its ``index.json``. Writes are atomic
(a temporary file and ``os.replace``) and serialised by an exclusive lock on ``.lock``; a file that an
install replaced is removed once no URL names it. Readers check the SHA-256 again on every load (the
callers do, with their own error classes).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from verifier.errors import InputError

INDEX_NAME = "index.json"


def check_install_url(url: str, what: str) -> None:
    """:raises InputError: ``url`` is not an absolute ``http(s)`` URL without white space."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InputError(f"{what} URL {url!r} must be an absolute http(s) URL")


def read_source(source: Path) -> bytes:
    """The bytes of the file to install.

    :raises InputError: it cannot be read.
    """
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}") from exc


def read_index(folder: Path) -> dict[str, dict[str, str]] | None:
    """The folder's index ``{url: {"file", "sha256"}}``, {} when nothing is installed, None when it is
    unreadable or not a map of such entries (the caller raises its own error)."""
    try:
        data = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("file"), str) and isinstance(v.get("sha256"), str)
            for v in data.values()):
        return None
    return data


def entry_path(folder: Path, entry: dict[str, str]) -> Path | None:
    """Where an index entry's file is, or None when the entry points outside ``folder``."""
    path = folder / entry["file"]
    return path if path.resolve().parent == folder.resolve() else None


def install(url: str, data: bytes, folder: Path, *, suffix: str) -> dict[str, str]:
    """Store ``data`` for ``url`` in ``folder`` and record it in the index (validate it first).

    :param suffix: the file name's extension (``".jsonld"``, ``".json"``).
    :returns: ``{"url", "file", "sha256", "source": "installed"}``.
    :raises InputError: the index is unreadable (nothing is written then).
    :raises OSError: the folder cannot be written.
    """
    parts = urlsplit(url)
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{re.sub(r'[^A-Za-z0-9.-]', '_', parts.netloc + parts.path).strip('_')[:100]}-{digest[:12]}{suffix}"
    with _locked(folder):
        index = read_index(folder)
        if index is None:
            raise InputError(f"the index {folder / INDEX_NAME} is unreadable; repair or remove it first")
        _atomic_write(folder / name, data)
        previous = index.get(url)
        index[url] = {"file": name, "sha256": digest}
        _atomic_write(folder / INDEX_NAME, (json.dumps(index, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        if previous and previous["file"] != name and all(e["file"] != previous["file"] for e in index.values()):
            with contextlib.suppress(OSError):
                (folder / previous["file"]).unlink()
    return {"url": url, "file": name, "sha256": digest, "source": "installed"}


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (serialises concurrent installs)."""
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
