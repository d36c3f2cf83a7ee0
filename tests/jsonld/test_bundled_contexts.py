"""Bundled contexts: every file matches its manifest pin; every required URL is bundled; a tampered
file is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from verifier.contexts import ContextStore, bundled_manifest, list_contexts
from verifier.contexts.bundled import PACKAGE_DIR, BundledContexts
from verifier.errors import UnknownContext

REQUIRED = [
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ENTRIES = list(bundled_manifest().values())


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["url"] for e in ENTRIES])
def test_every_bundled_file_matches_its_pin(entry):
    data = (PACKAGE_DIR / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    doc = json.loads(data)
    assert isinstance(doc, dict) and "@context" in doc
    assert entry["package"] and entry["version"] and entry["path_in_package"]


def test_manifest_and_data_folder_agree():
    files = {e["file"] for e in ENTRIES}
    on_disk = {f"data/{p.name}" for p in (PACKAGE_DIR / "data").iterdir()}
    assert files == on_disk


def test_required_contexts_are_bundled():
    assert set(REQUIRED) <= set(bundled_manifest())


def test_clr_is_not_bundled():
    assert not any("clr" in url for url in bundled_manifest())


def test_store_serves_a_fresh_copy(bundled_only):
    store = ContextStore(bundled_only)
    first = store.get("https://www.w3.org/ns/credentials/v2")
    first["@context"]["tampered"] = True
    assert "tampered" not in store.get("https://www.w3.org/ns/credentials/v2")["@context"]


def test_tampered_bundled_file_is_refused(tmp_path: Path):
    entry = bundled_manifest()["https://www.w3.org/ns/credentials/v2"]
    (tmp_path / "data").mkdir()
    copy = tmp_path / entry["file"]
    shutil.copy(PACKAGE_DIR / entry["file"], copy)
    copy.write_bytes(copy.read_bytes().replace(b'"@protected": true', b'"@protected": false', 1))
    contexts = BundledContexts({entry["url"]: entry}, root=tmp_path)
    with pytest.raises(UnknownContext, match="does not match its pinned SHA-256") as info:
        contexts.get(entry["url"])
    assert info.value.url == entry["url"]
    with pytest.raises(UnknownContext):  # the refusal is remembered
        contexts.get(entry["url"])


def test_missing_bundled_file_is_refused(tmp_path: Path):
    entry = bundled_manifest()["https://w3id.org/security/v1"]
    with pytest.raises(UnknownContext, match="is missing"):
        BundledContexts({entry["url"]: entry}, root=tmp_path).get(entry["url"])


def test_list_contexts_names_packages():
    listed = {e["url"]: e for e in list_contexts()}
    assert listed["https://www.w3.org/ns/did/v1"]["source"] == "bundled did-context@3.1.1"
    assert set(listed) == set(bundled_manifest())


def test_corpus_comparison_is_recorded(corpus: Path):
    """Informational: every bundled file is byte-identical or JSON-equal to the corpus copy (the
    manifest's ``note`` says which)."""
    index = json.loads((corpus / "contexts" / "index.json").read_text(encoding="utf-8"))
    for entry in ENTRIES:
        if entry["url"] not in index:
            continue
        theirs = (corpus / "contexts" / index[entry["url"]]).read_bytes()
        ours = (PACKAGE_DIR / entry["file"]).read_bytes()
        alternate = corpus / "contexts" / "alternates" / index[entry["url"]]
        if "corpus alternate" in entry["note"] and alternate.is_file():  # another published variant (OB 2.0)
            theirs = alternate.read_bytes()
        assert json.loads(theirs) == json.loads(ours), entry["url"]
        same_bytes = hashlib.sha256(theirs).hexdigest() == entry["sha256"]
        assert ("equals the corpus copy" in entry["note"]) == same_bytes, entry["url"]
