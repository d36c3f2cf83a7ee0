"""Fixtures for the JSON-LD layer tests: resource configs and corpus helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import vectors_or_skip
from verifier.options import ResourceConfig

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def bundled_only() -> ResourceConfig:
    """Bundled contexts only: no data directory, no offline bundle."""
    return ResourceConfig()


@pytest.fixture
def corpus() -> Path:
    """The shared vector corpus (skips with a message when absent)."""
    return vectors_or_skip()


@pytest.fixture
def with_corpus_contexts(corpus: Path) -> ResourceConfig:
    """Bundled contexts, then the corpus's ``contexts/`` through the offline bundle."""
    return ResourceConfig(offline_bundle=corpus)


def load_vector(corpus: Path, relative: str) -> dict:
    """Read ``credentials/<relative>`` from the corpus, skipping when that file is absent."""
    path = corpus / "credentials" / relative
    if not path.is_file():
        pytest.skip(f"corpus file {path} not found")
    return json.loads(path.read_text(encoding="utf-8"))


def vc1(**fields) -> dict:
    """A minimal VCDM 1.1 credential with extra ``fields``."""
    return {"@context": [VC_V1], "id": "urn:uuid:0b5c2c7e-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
            "issuanceDate": "2024-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:subject"}, **fields}


def json_ld_documents(folder: Path) -> Iterator[tuple[Path, dict]]:
    """Every JSON-LD document below ``folder`` (a JSON object with an ``@context``), in path order."""
    for path in sorted(folder.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict) and "@context" in doc:
            yield path, doc
