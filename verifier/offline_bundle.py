"""Offline bundle: a directory that answers every lookup without the network.

Layout (issue 2, "Offline bundle"; issue 11 adds ``schemas``): any of ``contexts/index.json``, ``dids/index.json``,
``status/index.json``, ``resources/index.json``; each maps a URL or DID to a file path relative to
that index's folder. With a bundle, lookups not in it fail; nothing goes to the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from verifier.errors import FetchError, ResolutionError

SECTIONS = ("contexts", "dids", "status", "resources", "schemas")


@dataclass(frozen=True)
class OfflineBundle:
    """An offline bundle rooted at ``root``.

    :ivar root: the bundle directory.
    :ivar index: section name -> {URL or DID -> absolute file path}.
    """

    root: Path
    index: dict[str, dict[str, Path]] = field(default_factory=dict)

    def lookup(self, section: str, key: str) -> Path | None:
        """Return the file for ``key`` in ``section`` (``contexts``, ``dids``, ``status``, ``resources``), or None."""
        return self.index.get(section, {}).get(key)

    def read_bytes(self, section: str, key: str) -> bytes:
        """Return the bytes stored for ``key``.

        :raises ResolutionError: (section ``dids``) or :class:`FetchError` (others) when the bundle has no entry.
        """
        path = self.lookup(section, key)
        if path is None:
            cls = ResolutionError if section == "dids" else FetchError
            raise cls(f"{key} is not in the offline bundle's {section}/index.json (offline: nothing is fetched)")
        return path.read_bytes()

    def read_json(self, section: str, key: str):
        """Return the parsed JSON stored for ``key``; see :meth:`read_bytes` for errors."""
        return json.loads(self.read_bytes(section, key))


@lru_cache(maxsize=16)
def load_bundle(root: Path) -> OfflineBundle:
    """Load the indexes of the bundle at ``root`` (cached per path).

    :raises ValueError: when ``root`` is not a directory or an index is not a JSON object of strings.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"offline bundle {root} is not a directory")
    index: dict[str, dict[str, Path]] = {}
    for section in SECTIONS:
        path = root / section / "index.json"
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"{path} must map URLs or DIDs to file names")
        index[section] = {k: (path.parent / v).resolve() for k, v in data.items()}
    return OfflineBundle(root=root, index=index)
