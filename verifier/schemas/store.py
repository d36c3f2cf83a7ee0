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

import hashlib
from pathlib import Path
from typing import Any

from cachetools import LRUCache, TLRUCache
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from jsonschema import Draft202012Validator

from verifier import pinned_files
from verifier.errors import CheckNotPossible, FetchError, InputError
from verifier.jsontext import loads_limited
from verifier.offline_bundle import load_bundle
from verifier.options import ResourceConfig

SUBDIR = "schemas"
INDEX_NAME = pinned_files.INDEX_NAME
MAX_SCHEMA_BYTES = 2_000_000
MAX_SCHEMA_DEPTH = 64


def schemas_dir(data_dir: Path) -> Path:
    """Return ``data_dir/schemas`` (where installed schemas live)."""
    return Path(data_dir) / SUBDIR


def read_index(data_dir: Path) -> dict[str, dict[str, str]]:
    """Return the installed index ``{url: {"file", "sha256"}}``; empty when nothing is installed.

    :raises CheckNotPossible: ``index.json`` exists but is not a map of such entries.
    """
    index = pinned_files.read_index(schemas_dir(data_dir))
    if index is None:
        raise CheckNotPossible(f"installed-schema index {schemas_dir(data_dir) / INDEX_NAME} is unreadable or "
                               f"not a map of url -> {{file, sha256}}")
    return index


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
    pinned_files.check_install_url(url, "schema")
    data = pinned_files.read_source(source)
    parse_schema_bytes(data, origin=str(source))
    return pinned_files.install(url, data, schemas_dir(data_dir), suffix=".json")


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
            path = pinned_files.entry_path(folder, entry)
            if path is None:
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
