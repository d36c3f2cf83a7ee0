"""Where a JSON-LD context URL is answered from: bundled, then operator-installed, then offline bundle.

Nothing is ever fetched from the network (DESIGN.md "Security rules"). A URL none of the three
sources knows raises :class:`~verifier.errors.UnknownContext`, whose detail tells the operator how
to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from verifier.contexts.bundled import BundledContexts, bundled_manifest
from verifier.contexts.installed import load_installed, read_index, validate_context_bytes
from verifier.errors import FetchError, InputError, UnknownContext
from verifier.offline_bundle import load_bundle
from verifier.options import ResourceConfig

_BUNDLED: BundledContexts | None = None


def bundled_contexts() -> BundledContexts:
    """Return the process-wide :class:`BundledContexts` (created on first use)."""
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = BundledContexts()
    return _BUNDLED


def unknown_context(url: str) -> UnknownContext:
    """Build the error for a context URL that no source knows (the detail is shown to operators)."""
    return UnknownContext(
        f"JSON-LD context {url} is neither bundled nor installed, and contexts are never fetched; "
        f"an operator can install it with `ler-verifier contexts add {url} FILE`",
        url=url,
    )


class ContextStore:
    """Answers context URLs for one :class:`~verifier.options.ResourceConfig`.

    :param resources: ``data_dir`` (operator-installed contexts) and ``offline_bundle`` are used;
        either may be None.
    """

    def __init__(self, resources: ResourceConfig):
        self.resources = resources
        self._bundled = bundled_contexts()

    def get(self, url: str) -> dict[str, Any]:
        """Return a fresh copy of the context document for ``url`` (callers may mutate it).

        Lookup order: bundled, operator-installed (SHA-256 re-checked on every load), the offline
        bundle's ``contexts/index.json``.

        :raises UnknownContext: when no source has ``url``, or the source's copy fails its pin or is
            not a context document.
        """
        doc = self._bundled.get(url)
        if doc is not None:
            return doc
        if self.resources.data_dir is not None:
            entry = read_index(self.resources.data_dir).get(url)
            if entry is not None:
                return load_installed(url, self.resources.data_dir, entry)
        if self.resources.offline_bundle is not None:
            doc = self._from_offline_bundle(url, Path(self.resources.offline_bundle))
            if doc is not None:
                return doc
        raise unknown_context(url)

    def _from_offline_bundle(self, url: str, root: Path) -> dict[str, Any] | None:
        try:
            bundle = load_bundle(root)
        except (ValueError, OSError) as exc:
            raise UnknownContext(f"offline bundle {root} is unusable for context {url}: {exc}", url=url) from exc
        if bundle.lookup("contexts", url) is None:
            return None
        try:
            data = bundle.read_bytes("contexts", url)
            return validate_context_bytes(data, origin=f"offline bundle file for {url}")
        except (FetchError, OSError, InputError) as exc:
            raise UnknownContext(f"offline bundle copy of context {url} is unusable: {exc}", url=url) from exc


def list_contexts(data_dir: Path | None = None, *, offline_bundle: Path | None = None) -> list[dict[str, Any]]:
    """List every context the verifier can answer, in lookup order.

    :param data_dir: the data directory (its installed contexts are listed), or None.
    :param offline_bundle: an offline bundle directory (its contexts are listed), or None.
    :returns: dicts with ``url``, ``sha256`` (None for offline-bundle files) and ``source``
        (``"bundled <package>@<version>"``, ``"installed"`` or ``"offline bundle"``).
    """
    out = [{"url": url, "sha256": e["sha256"], "source": f"bundled {e.get('package')}@{e.get('version')}",
            "file": e["file"]} for url, e in bundled_manifest().items()]
    if data_dir is not None:
        out += [{"url": url, "sha256": e["sha256"], "source": "installed", "file": e["file"]}
                for url, e in sorted(read_index(data_dir).items())]
    if offline_bundle is not None:
        index = load_bundle(Path(offline_bundle)).index.get("contexts", {})
        out += [{"url": url, "sha256": None, "source": "offline bundle", "file": str(path)}
                for url, path in sorted(index.items())]
    return out
