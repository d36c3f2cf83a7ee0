"""The issuer_trust check against a real SQLite trust registry, written through the real CLI.

Issue 4 "The issuer_trust check": ``trusted`` true/false/null, the reason, registry data shown before
the credential's self-asserted data, and ``require_trusted_issuer`` folding trust into ``verified``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import AT
from tests.signing import new_key, sign_ldp
from verifier import VerifyOptions, verify
from verifier.runtime import open_environment
from verifier.settings import load_settings
from verifier.trust import open_trust_source


def registry_cli(data_dir, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", "registry", *args],
                          capture_output=True, timeout=120, env={**os.environ, "LER_DATA_DIR": str(data_dir)})
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


async def check(doc, data_dir, **options):
    settings = load_settings(data_dir=data_dir)
    async with open_trust_source(settings) as trust, open_environment(settings, trust=trust) as env:
        return await verify(doc, env=env, options=VerifyOptions(now=AT, **options))


def trust_result(report):
    return next(r for r in report.results if r.check == "issuer_trust" and not r.target)


@pytest.fixture
def issuer():
    key = new_key()
    return key, sign_ldp(ob3_credential(key.did), key)


async def test_no_registry_means_trusted_null_and_required_trust_fails_closed(tmp_path, issuer):
    _, doc = issuer
    report = await check(doc, tmp_path)
    assert report.trusted is None and report.verified
    report = await check(doc, tmp_path, require_trusted_issuer=True)
    assert not report.verified
    assert "no trust registry" in report.errors[0]["detail"]


async def test_listed_issuer_is_trusted_and_registry_name_comes_first(tmp_path, issuer):
    key, doc = issuer
    out = registry_cli(tmp_path, "add", "Lakeside Community College", "-i", key.did, "--json")
    assert json.loads(out)["name"] == "Lakeside Community College"
    report = await check(doc, tmp_path, require_trusted_issuer=True)
    assert report.verified and report.trusted is True
    assert trust_result(report).outcome.value == "passed"
    assert report.credential["issuerName"] == "Lakeside Community College"
    assert report.credential["issuerNameSource"] == "registry"
    assert report.credential["issuerSelfAssertedName"] == "Example Community College"


async def test_unlisted_issuer_is_untrusted_and_fails_only_when_required(tmp_path, issuer):
    registry_cli(tmp_path, "add", "Someone Else", "-i", new_key().did)
    _, doc = issuer
    report = await check(doc, tmp_path)
    assert report.trusted is False and report.verified
    assert trust_result(report).outcome.value == "failed"
    assert report.warnings and report.warnings[0]["check"] == "issuer_trust"
    report = await check(doc, tmp_path, require_trusted_issuer=True)
    assert not report.verified and report.errors[0]["code"] == "UNTRUSTED_ISSUER"


async def test_suspended_issuer_and_unauthorised_type(tmp_path, issuer):
    key, doc = issuer
    issuer_id = json.loads(registry_cli(tmp_path, "add", "Lakeside", "-i", key.did, "--json"))["id"]
    registry_cli(tmp_path, "suspend", issuer_id, "--reason", "accreditation under review")
    report = await check(doc, tmp_path, require_trusted_issuer=True)
    assert report.trusted is False and not report.verified
    assert "suspended" in trust_result(report).detail

    other = new_key()
    registry_cli(tmp_path, "add", "Clr Only", "-i", other.did, "--type", "ClrCredential")
    report = await check(sign_ldp(ob3_credential(other.did), other), tmp_path)
    assert report.trusted is False
    assert "OpenBadgeCredential" in trust_result(report).detail or "type" in trust_result(report).detail


async def test_registry_write_is_seen_by_the_next_verification(tmp_path, issuer):
    key, doc = issuer
    registry_cli(tmp_path, "add", "Placeholder", "-i", new_key().did)
    settings = load_settings(data_dir=tmp_path)
    async with open_trust_source(settings) as trust, open_environment(settings, trust=trust) as env:
        before = await verify(doc, env=env, options=VerifyOptions(now=AT))
        registry_cli(tmp_path, "add", "Lakeside", "-i", key.did)
        after = await verify(doc, env=env, options=VerifyOptions(now=AT))
    assert before.trusted is False and after.trusted is True


async def test_status_list_signer_authorised_by_the_registry(tmp_path, server):
    """Issue 3: a list signed by another identifier of the same registry issuer gives no signer remark;
    a signer the registry does not tie to the issuer gives a warning naming it."""
    from tests.status.helpers import bitstring, bitstring_entry, bitstring_list, credential_with, sign_list

    issuer, status_key, stranger = new_key(), new_key(), new_key()
    registry_cli(tmp_path, "add", "Lakeside", "-i", issuer.did, "-i", status_key.did)
    for path, signer in (("/lists/1", status_key), ("/lists/2", stranger)):
        url = f"{server.base}{path}"
        server.json(path, sign_list(bitstring_list(url, signer.did, bitstring()), signer))
    settings = load_settings(data_dir=tmp_path, allow_insecure_loopback=True)
    async with open_trust_source(settings) as trust, open_environment(settings, trust=trust) as env:
        reports = []
        for path in ("/lists/1", "/lists/2"):
            cred = sign_ldp(credential_with(issuer.did, bitstring_entry(f"{server.base}{path}", 7)), issuer)
            reports.append(await verify(cred, env=env, options=VerifyOptions(now=AT)))
    authorised, foreign = reports
    assert authorised.verified and not authorised.warnings, authorised.to_json()
    assert foreign.verified
    assert [w["code"] for w in foreign.warnings] == ["STATUS_LIST_SIGNER_MISMATCH"]
    assert stranger.did in foreign.warnings[0]["detail"]


async def test_registry_trust_does_not_vouch_for_a_credential_signed_by_another_key(tmp_path):
    """A forger names a listed issuer but signs with their own key: not verified, and not trusted either."""
    real, forger = new_key(), new_key()
    registry_cli(tmp_path, "add", "Lakeside Community College", "-i", real.did)
    forged = sign_ldp(ob3_credential(real.did), forger)
    report = await check(forged, tmp_path)
    assert not report.verified
    assert report.trusted is False
    result = trust_result(report)
    assert result.outcome.value == "failed" and "not signed by that issuer's key" in result.detail
    assert report.credential.get("issuerName") == "Example Community College"
    assert report.credential.get("issuerNameSource") == "credential"
