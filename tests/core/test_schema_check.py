"""The ``schema`` check (issue 11): credentialSchema validated with jsonschema against schemas from the
operator's installed set, the offline bundle, or (only when the operator allows it) a fetch.

The schema used here is our own, in the shape of the Open Badges 3.0 AchievementCredential schema
(draft 2019-09, ``$defs`` and ``$ref``), installed under the OB 3.0 schema URL as an operator would with
``ler-verifier schemas add``.
"""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from tests.core.credentials import OB3, VC1, VC2, ob3_credential, vc11_credential
from tests.core.helpers import AT
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import VerifyOptions, verify
from verifier.cli import main
from verifier.runtime import open_environment
from verifier.schemas import install_schema
from verifier.settings import load_settings

OB3_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema#",
    "$id": OB3_SCHEMA_URL,
    "type": "object",
    "required": ["@context", "type", "issuer", "credentialSubject"],
    "properties": {
        "type": {"type": "array", "contains": {"enum": ["OpenBadgeCredential", "AchievementCredential"]}},
        "credentialSubject": {"$ref": "#/$defs/AchievementSubject"},
    },
    "$defs": {
        "AchievementSubject": {
            "type": "object", "required": ["achievement"],
            "properties": {"achievement": {"$ref": "#/$defs/Achievement"}},
        },
        "Achievement": {
            "type": "object", "required": ["id", "name", "criteria"],
            "properties": {"name": {"type": "string"}, "criteria": {"type": "object"}},
        },
    },
}
ENTRY = {"id": OB3_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
#: defines 1EdTechJsonSchemaValidator2019 (VCDM 2.0's context defines JsonSchema).
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXT = [VC2, OB3, OB3_EXTENSIONS]


@pytest.fixture
def data_dir(tmp_path):
    """A data directory with our schema installed under the OB 3.0 schema URL."""
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(SCHEMA))
    install_schema(OB3_SCHEMA_URL, source, tmp_path / "data")
    return tmp_path / "data"


async def check(data, data_dir, **options):
    """Verify ``data`` at AT with ``data_dir``; return the report."""
    settings = load_settings(data_dir=data_dir, allow_insecure_loopback=True,
                             **options.pop("settings", {}))
    async with open_environment(settings) as env:
        return await verify(data, env=env, options=VerifyOptions(now=AT).replace(**options))


def schema_result(report, target=""):
    return next(r for r in report.results if r.check == "schema" and r.target == target)


def signed_ob3(key, **changes):
    changes.setdefault("credentialSchema", [ENTRY])
    return sign_ldp(ob3_credential(key.did, **{"@context": CONTEXT}, **changes), key)


async def test_valid_ob3_passes_and_counts_when_required(data_dir):
    key = new_key()
    report = await check(signed_ob3(key), data_dir, require_schema=True)
    result = schema_result(report)
    assert result.outcome.value == "passed", result
    assert result.evidence["schemas"][0]["source"] == "installed"
    assert "schema" in report.required_checks
    assert report.verified, report.to_json()["errors"]


async def test_schema_invalid_ob3_fails_with_pointer_and_rule(data_dir):
    key = new_key()
    doc = ob3_credential(key.did, credentialSchema=[ENTRY], **{"@context": CONTEXT})
    doc["credentialSubject"]["achievement"]["name"] = 42  # signed as issued: the issuer's own mistake
    del doc["credentialSubject"]["achievement"]["criteria"]
    signed = sign_ldp(doc, key)
    report = await check(signed, data_dir, require_schema=True)
    result = schema_result(report)
    assert result.outcome.value == "failed"
    assert result.problem_code == "SCHEMA_VALIDATION_ERROR"
    found = {(v["pointer"], v["keyword"]) for v in result.evidence["schemas"][0]["violations"]}
    assert found == {("/credentialSubject/achievement/name", "type"), ("/credentialSubject/achievement", "required")}
    assert "/credentialSubject/achievement" in result.detail and "'criteria'" in result.detail
    assert not report.verified
    assert any(e["code"] == "SCHEMA_VALIDATION_ERROR" for e in report.to_json()["errors"])
    # Not required (the default): reported as a warning, the signature and the rest still verify.
    report = await check(signed, data_dir)
    assert schema_result(report).outcome.value == "failed"
    assert report.verified
    assert any(w["code"] == "SCHEMA_VALIDATION_ERROR" for w in report.to_json()["warnings"])


async def test_schema_not_installed_is_indeterminate_never_passed(tmp_path):
    key = new_key()
    report = await check(signed_ob3(key), tmp_path / "empty", require_schema=True)
    result = schema_result(report)
    assert result.outcome.value == "indeterminate"
    assert result.problem_code == "SCHEMA_NOT_AVAILABLE"
    assert "ler-verifier schemas add" in result.detail
    assert not report.verified


async def test_no_credential_schema_is_not_applicable(data_dir):
    key = new_key()
    report = await check(sign_ldp(ob3_credential(key.did), key), data_dir, require_schema=True)
    assert schema_result(report).outcome.value == "not_applicable"
    assert report.verified


@pytest.mark.parametrize("kind", ["JsonSchemaCredential", "https://validators.example/ShaclValidator2017"])
async def test_unsupported_schema_types_are_indeterminate(data_dir, kind):
    key = new_key()
    signed = signed_ob3(key, credentialSchema=[{"id": OB3_SCHEMA_URL, "type": kind}])
    result = schema_result(await check(signed, data_dir))
    assert result.outcome.value == "indeterminate"
    assert result.problem_code == "UNSUPPORTED_SCHEMA_TYPE"


async def test_vc_json_schema_type_is_validated_and_failure_outranks(data_dir):
    key = new_key()
    entries = [{"id": OB3_SCHEMA_URL, "type": "JsonSchema"}, {"id": OB3_SCHEMA_URL, "type": "JsonSchemaCredential"}]
    doc = ob3_credential(key.did, credentialSchema=entries, type=["VerifiableCredential"], **{"@context": CONTEXT})
    result = schema_result(await check(sign_ldp(doc, key), data_dir))
    assert result.outcome.value == "failed"  # type lacks OpenBadgeCredential: failed beats indeterminate
    assert [s["outcome"] for s in result.evidence["schemas"]] == ["failed", "indeterminate"]


async def test_malformed_entry_fails(data_dir):
    key = new_key()
    result = schema_result(await check(signed_ob3(key, credentialSchema={"id": "https://schemas.example/no-type.json"}), data_dir))
    assert result.outcome.value == "failed"
    assert result.problem_code == "MALFORMED_VALUE_ERROR"


async def test_installed_schema_changed_on_disk_is_refused(data_dir):
    key = new_key()
    index = json.loads((data_dir / "schemas" / "index.json").read_text())
    path = data_dir / "schemas" / index[OB3_SCHEMA_URL]["file"]
    path.write_text(json.dumps({**SCHEMA, "required": []}))
    result = schema_result(await check(signed_ob3(key), data_dir))
    assert result.outcome.value == "indeterminate"
    assert "SHA-256" in result.detail


async def test_remote_ref_is_never_fetched(tmp_path, server):
    url = "https://schemas.example/outer.json"
    source = tmp_path / "outer.json"
    source.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2019-09/schema",
                                  "$ref": f"{server.base}/inner.json"}))
    install_schema(url, source, tmp_path / "data")
    server.json("/inner.json", {"type": "object"})
    key = new_key()
    signed = signed_ob3(key, credentialSchema=[{"id": url, "type": "JsonSchema"}])
    result = schema_result(await check(signed, tmp_path / "data", settings={"fetch_schemas": True}))
    assert result.outcome.value == "indeterminate"
    assert server.hits["/inner.json"] == 0


async def test_fetched_only_when_the_operator_allows(tmp_path, server):
    server.json("/ob.json", SCHEMA)
    url = f"{server.base}/ob.json"
    key = new_key()
    signed = signed_ob3(key, credentialSchema=[{"id": url, "type": "1EdTechJsonSchemaValidator2019"}])
    result = schema_result(await check(signed, tmp_path / "d"))
    assert result.outcome.value == "indeterminate"
    assert server.hits["/ob.json"] == 0
    result = schema_result(await check(signed, tmp_path / "d", settings={"fetch_schemas": True}))
    assert result.outcome.value == "passed", result
    assert result.evidence["schemas"][0]["source"] == "fetched"
    await check(signed, tmp_path / "d", settings={"fetch_schemas": True})
    assert server.hits["/ob.json"] == 1  # kept for a while, not fetched per verification
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    result = schema_result(await check(signed, tmp_path / "d", settings={"fetch_schemas": True,
                                                                         "offline_bundle": bundle}))
    assert result.outcome.value == "indeterminate"  # an offline bundle means no network, whatever the setting


async def test_offline_bundle_schemas_section(tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "schemas").mkdir(parents=True)
    (bundle / "schemas" / "ob.json").write_text(json.dumps(SCHEMA))
    (bundle / "schemas" / "index.json").write_text(json.dumps({OB3_SCHEMA_URL: "ob.json"}))
    key = new_key()
    report = await check(signed_ob3(key), tmp_path / "d", settings={"offline_bundle": bundle})
    result = schema_result(report)
    assert result.outcome.value == "passed", result
    assert result.evidence["schemas"][0]["source"] == "offline bundle"


async def test_jwt_credential_is_validated_on_its_vc_claim(data_dir):
    key = new_key()
    vc = vc11_credential(key.did, credentialSchema=ENTRY)
    token = sign_jwt({"iss": key.did, "vc": vc}, key)
    result = schema_result(await check(token, data_dir))
    assert result.outcome.value == "failed"  # a plain VerifiableCredential: no achievement, not an OB type
    vc = vc11_credential(key.did, credentialSchema=ENTRY, type=["VerifiableCredential", "OpenBadgeCredential"])
    vc["credentialSubject"] = copy.deepcopy(ob3_credential(key.did)["credentialSubject"])
    token = sign_jwt({"iss": key.did, "vc": vc}, key)
    result = schema_result(await check(token, data_dir))
    assert result.outcome.value == "passed", result


def test_cli_schemas_add_and_list(tmp_path, monkeypatch):
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(SCHEMA))
    runner = CliRunner()
    added = runner.invoke(main, ["schemas", "add", OB3_SCHEMA_URL, str(source)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["schemas", "list"])
    assert OB3_SCHEMA_URL in listed.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": 12}))
    refused = runner.invoke(main, ["schemas", "add", OB3_SCHEMA_URL, str(bad)])
    assert refused.exit_code == 2 and "not a valid JSON Schema" in refused.output
    refused = runner.invoke(main, ["schemas", "add", "ftp://x/y", str(source)])
    assert refused.exit_code == 2 and "http(s)" in refused.output
