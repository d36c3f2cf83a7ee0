"""Operator-installed contexts: install round trip, listing, pin re-checked on load, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.jsonld.conftest import VC_V2
from verifier import jsonld
from verifier.contexts import ContextStore, install_context, list_contexts
from verifier.errors import InputError, UnknownContext
from verifier.options import ResourceConfig

URL = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CONTEXT = {"@context": {"@protected": True,
                        "ClrCredential": {"@id": "https://purl.imsglobal.org/spec/clr/v2p0/vocab.html#ClrCredential"}}}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "clr.json"
    path.write_text(json.dumps(CONTEXT), encoding="utf-8")
    return path


def test_install_round_trip(tmp_path: Path, source: Path):
    data_dir = tmp_path / "data"
    entry = install_context(URL, source, data_dir)
    assert entry["url"] == URL and len(entry["sha256"]) == 64
    index = json.loads((data_dir / "contexts" / "index.json").read_text())
    assert index[URL] == {"file": entry["file"], "sha256": entry["sha256"]}
    assert (data_dir / "contexts" / entry["file"]).read_bytes() == source.read_bytes()
    assert not [p for p in (data_dir / "contexts").iterdir() if p.name.startswith(".index.json")]
    assert ContextStore(ResourceConfig(data_dir=data_dir)).get(URL) == CONTEXT
    listed = [e for e in list_contexts(data_dir) if e["source"] == "installed"]
    assert listed == [{"url": URL, "sha256": entry["sha256"], "source": "installed", "file": entry["file"]}]
    doc = {"@context": [VC_V2, URL], "type": ["VerifiableCredential", "ClrCredential"], "issuer": "did:example:i",
           "credentialSubject": {"id": "did:example:s"}}
    assert "vocab.html#ClrCredential" in jsonld.canonicalize(doc, resources=ResourceConfig(data_dir=data_dir))


def test_reinstall_replaces_and_removes_old_file(tmp_path: Path, source: Path):
    data_dir = tmp_path / "data"
    first = install_context(URL, source, data_dir)
    source.write_text(json.dumps({"@context": {"x": "https://ex.example/x"}}))
    second = install_context(URL, source, data_dir)
    assert second["sha256"] != first["sha256"]
    assert not (data_dir / "contexts" / first["file"]).exists()
    assert ContextStore(ResourceConfig(data_dir=data_dir)).get(URL) == {"@context": {"x": "https://ex.example/x"}}


def test_tampered_installed_file_is_refused(tmp_path: Path, source: Path):
    data_dir = tmp_path / "data"
    entry = install_context(URL, source, data_dir)
    installed = data_dir / "contexts" / entry["file"]
    installed.write_text(json.dumps({"@context": {"ClrCredential": "https://evil.example/Clr"}}))
    with pytest.raises(UnknownContext, match="SHA-256 pin mismatch") as info:
        ContextStore(ResourceConfig(data_dir=data_dir)).get(URL)
    assert info.value.url == URL


def test_index_pointing_outside_is_refused(tmp_path: Path, source: Path):
    data_dir = tmp_path / "data"
    install_context(URL, source, data_dir)
    (data_dir / "contexts" / "index.json").write_text(json.dumps({URL: {"file": "../../clr.json", "sha256": "0" * 64}}))
    with pytest.raises(UnknownContext, match="outside"):
        ContextStore(ResourceConfig(data_dir=data_dir)).get(URL)


@pytest.mark.parametrize("content, message", [
    (b"not json", "is not JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"name": "no context"}', "must be a JSON object"),
    (b'{"@context": 5}', "must be an object"),
])
def test_invalid_files_are_refused(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        install_context(URL, path, tmp_path / "data")
    assert not (tmp_path / "data" / "contexts" / "index.json").exists()


@pytest.mark.parametrize("url", ["ftp://ex.example/c", "not a url", "/relative/path", "https://"])
def test_bad_urls_are_refused(tmp_path: Path, source: Path, url: str):
    with pytest.raises(InputError, match="absolute http"):
        install_context(url, source, tmp_path / "data")


def test_bundled_url_cannot_be_replaced(tmp_path: Path, source: Path):
    with pytest.raises(InputError, match="is bundled"):
        install_context(VC_V2, source, tmp_path / "data")


def test_missing_source_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read"):
        install_context(URL, tmp_path / "absent.json", tmp_path / "data")


def test_no_data_dir_is_an_input_error(source: Path):
    with pytest.raises(InputError, match="no data directory"):
        install_context(URL, source, None)
