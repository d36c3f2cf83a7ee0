"""Operator-installed JSON Schemas, pinned by SHA-256 in ``data_dir/schemas/index.json``, and the
offline bundle's schemas.

``ler-verifier schemas add URL FILE`` checks that FILE is a JSON Schema (a JSON object or boolean that
its dialect's metaschema accepts), copies it into ``data_dir/schemas/`` and records
``{url: {"file": name, "sha256": hex}}`` in ``index.json`` (atomically, under a lock file, as
:mod:`verifier.contexts.installed` does for contexts). Every load checks the SHA-256 again: a file
changed since installation is refused (``indeterminate``, never used).

An offline bundle may carry schemas in a ``schemas/`` section or in ``resources/`` (the corpus layout):
both map a URL to a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cachetools import LRUCache, TLRUCache
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from jsonschema import Draft202012Validator

from verifier.contexts.installed import _atomic_write, _locked
from verifier.errors import CheckNotPossible, FetchError, InputError
from verifier.jsontext import loads_limited
from verifier.offline_bundle import load_bundle
from verifier.options import ResourceConfig

SUBDIR = "schemas"
INDEX_NAME = "index.json"
MAX_SCHEMA_BYTES = 2_000_000
MAX_SCHEMA_DEPTH = 64


def schemas_dir(data_dir: Path) -> Path:
    """Return ``data_dir/schemas`` (where installed schemas live)."""
    return Path(data_dir) / SUBDIR


def read_index(data_dir: Path) -> dict[str, dict[str, str]]:
    """Return the installed index ``{url: {"file", "sha256"}}``; empty when nothing is installed.

    :raises CheckNotPossible: ``index.json`` exists but is not a map of such entries.
    """
    path = schemas_dir(data_dir) / INDEX_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CheckNotPossible(f"installed-schema index {path} is unreadable: {exc}") from exc
    if not isinstance(data, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("file"), str) and isinstance(v.get("sha256"), str)
            for v in data.values()):
        raise CheckNotPossible(f"installed-schema index {path} is not a map of url -> {{file, sha256}}")
    return data


def parse_schema_bytes(data: bytes, *, origin: str) -> Any:
    """Parse ``data`` as a JSON Schema and check it against its dialect's metaschema.

    :param origin: names the file or URL in messages.
    :returns: the schema (a JSON object or boolean).
    :raises InputError: too large, too deep, not JSON, not an object/boolean, or not a valid schema.
    """
    schema = loads_limited(data, max_bytes=MAX_SCHEMA_BYTES, max_depth=MAX_SCHEMA_DEPTH, what=origin)
    if not isinstance(schema, (dict, bool)):
        raise InputError(f"{origin} must be a JSON Schema (a JSON object), got {type(schema).__name__}")
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        where = "/" + "/".join(str(p) for p in exc.absolute_path)
        raise InputError(f"{origin} is not a valid JSON Schema: {exc.message} (at {where})") from exc
    return schema


def install_schema(url: str, source: Path, data_dir: Path) -> dict[str, str]:
    """Install the JSON Schema at ``source`` for ``url``, pinned by its SHA-256.

    :param url: the absolute ``http(s)`` URL credentials name in ``credentialSchema.id``.
    :param source: the schema file (JSON, at most 2 MB).
    :param data_dir: the data directory; the file goes to ``data_dir/schemas/``.
    :returns: ``{"url", "file", "sha256", "source": "installed"}``.
    :raises InputError: bad URL, unreadable file, or not a valid JSON Schema.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InputError(f"schema URL {url!r} must be an absolute http(s) URL")
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}") from exc
    parse_schema_bytes(data, origin=str(source))
    digest = hashlib.sha256(data).hexdigest()
    folder = schemas_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{re.sub(r'[^A-Za-z0-9.-]', '_', parts.netloc + parts.path).strip('_')[:100]}-{digest[:12]}.json"
    with _locked(folder):
        _atomic_write(folder / name, data)
        index = read_index(data_dir)
        previous = index.get(url)
        index[url] = {"file": name, "sha256": digest}
        _atomic_write(folder / INDEX_NAME, (json.dumps(index, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        if previous and previous["file"] != name and all(e["file"] != previous["file"] for e in index.values()):
            with contextlib.suppress(OSError):
                (folder / previous["file"]).unlink()
    return {"url": url, "file": name, "sha256": digest, "source": "installed"}


def list_schemas(data_dir: Path) -> list[dict[str, str]]:
    """The installed schemas, ``[{"url", "file", "sha256", "source"}]`` sorted by URL.

    :raises CheckNotPossible: the index is unreadable.
    """
    return [{"url": url, **entry, "source": "installed"} for url, entry in sorted(read_index(data_dir).items())]


def lookup_local(url: str, resources: ResourceConfig) -> tuple[Any, dict[str, str]] | None:
    """Find the schema for ``url`` without the network: the offline bundle, then the installed set.

    :returns: (schema, evidence ``{"source", "sha256"}``), or None when neither has it.
    :raises CheckNotPossible: an entry exists but is unreadable, changed since installation (SHA-256
        pin) or not a valid JSON Schema.
    """
    if resources.offline_bundle is not None:
        bundle = load_bundle(Path(resources.offline_bundle))
        for section in ("schemas", "resources"):
            path = bundle.lookup(section, url)
            if path is not None:
                return _read_pinned(url, path, None, "offline bundle")
    if resources.data_dir is not None:
        entry = read_index(resources.data_dir).get(url)
        if entry is not None:
            folder = schemas_dir(resources.data_dir)
            path = folder / entry["file"]
            if path.resolve().parent != folder.resolve():
                raise CheckNotPossible(f"installed schema {url}: index entry points outside {folder}")
            return _read_pinned(url, path, entry["sha256"], "installed")
    return None


def _read_pinned(url: str, path: Path, sha256: str | None, source: str) -> tuple[Any, dict[str, str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckNotPossible(f"schema {url}: {path} is unreadable ({exc.strerror}); reinstall it with "
                               f"`ler-verifier schemas add {url} FILE`") from exc
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256:
        raise CheckNotPossible(f"installed schema {url} refused: {path} changed since it was installed (SHA-256 "
                               f"pin mismatch); reinstall it with `ler-verifier schemas add {url} FILE`")
    schema = _PARSED.get(digest)
    if schema is None:
        try:
            schema = parse_schema_bytes(data, origin=f"schema {url}")
        except InputError as exc:
            raise CheckNotPossible(exc.detail) from exc
        _PARSED[digest] = schema
    return schema, {"source": source, "sha256": digest}


#: parsed and metaschema-checked schemas by the SHA-256 of their bytes (the bytes are read and hashed on
#: every lookup; parsing and checking a large schema is what this saves). Read-only once stored.
_PARSED: LRUCache = LRUCache(maxsize=64)
#: fetched schemas (``LER_FETCH_SCHEMAS``) by URL, for FETCHED_TTL_S or the answer's Cache-Control max-age if shorter.
FETCHED_TTL_S = 300
_FETCHED: TLRUCache = TLRUCache(maxsize=64, ttu=lambda _url, value, now: now + value[2])


async def fetch_schema(url: str, fetcher: Any) -> tuple[Any, dict[str, str]]:
    """Fetch the schema at ``url`` through the outbound-fetch rules (https, no private targets, size cap,
    timeout); only called when the operator set ``LER_FETCH_SCHEMAS=true``. Kept per process for
    :data:`FETCHED_TTL_S` seconds at most (less when the answer's ``Cache-Control`` says so).

    :returns: (schema, evidence ``{"source": "fetched", "sha256"}``).
    :raises CheckNotPossible: the fetch failed or the answer is not a valid JSON Schema.
    """
    cached = _FETCHED.get(url)
    if cached is not None:
        return cached[0], cached[1]
    answer = await fetcher.get(url, accept="application/schema+json, application/json")
    try:
        schema = parse_schema_bytes(answer.body, origin=f"schema {url}")
    except InputError as exc:
        raise FetchError(exc.detail) from exc
    evidence = {"source": "fetched", "sha256": hashlib.sha256(answer.body).hexdigest()}
    ttl_s = FETCHED_TTL_S if answer.max_age_s is None else min(FETCHED_TTL_S, answer.max_age_s)
    if ttl_s > 0:
        _FETCHED[url] = (schema, evidence, ttl_s)
    return schema, evidence
