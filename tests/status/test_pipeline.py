"""The status check through the whole verifier: the default source, the report, JWT lists, the offline bundle."""

from __future__ import annotations

import json

from aiohttp import web

from tests.signing import new_key, sign_jwt, sign_ldp
from tests.status.helpers import AT, bitstring, bitstring_entry, bitstring_list, credential_with, sign_list
from verifier import VerifyOptions, verify
from verifier import constants as C
from verifier.report import CheckResult
from verifier.runtime import open_environment
from verifier.settings import load_settings
from verifier.status import StatusListSource


async def verify_at(data, **settings):
    async with open_environment(load_settings(**settings)) as env:
        return await verify(data, env=env, options=VerifyOptions(now=AT))


def status_of(report):
    return next(r for r in report.results if r.check == "status" and not r.target)


async def test_open_environment_builds_the_status_source_by_default():
    async with open_environment(load_settings()) as env:
        assert isinstance(env.status, StatusListSource)
        assert env.status.loader.list_env.status is None and env.status.loader.list_env.key_resolver is env.key_resolver

    class Mine:
        async def check(self, credential, *, issuer_id, at):
            raise AssertionError("not called")

    mine = Mine()
    async with open_environment(load_settings(), status=mine) as env:
        assert env.status is mine


async def test_verified_credential_with_a_clear_bit(server, issuer):
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring([4])), issuer))
    cred = sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer)
    report = await verify_at(cred, allow_insecure_loopback=True)
    assert report.verified, json.dumps(report.to_json(), indent=1)
    body = status_of(report).to_json()
    assert body["outcome"] == "passed" and body["statusListCredential"] == url and body["statusListIndex"] == 3
    assert body["value"] == 0 and body["from_cache"] is False and body["signer"] == issuer.did
    assert [w for w in report.warnings if w["check"] == "status"] == []


async def test_revoked_credential_is_not_verified(server, issuer):
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring([3])), issuer))
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    assert not report.verified
    assert [e["code"] for e in report.errors] == [C.PROBLEM_REVOKED]
    assert report.errors[0]["detail"] == f"revoked (index 3 of {url})"


async def test_list_from_another_signer_is_a_report_warning(server, issuer):
    service = new_key()
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, service.did, bitstring()), service))
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    assert report.verified
    (warning,) = [w for w in report.warnings if w["check"] == "status"]
    assert warning["code"] == C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH
    assert service.did in warning["detail"]


async def test_status_list_secured_as_a_jwt(server, issuer):
    url = f"{server.base}/jwt-list"
    token = sign_jwt(bitstring_list(url, issuer.did, bitstring([8])), issuer, typ="vc+jwt")

    async def handler(_request):
        return web.Response(text=token, content_type="application/vc+jwt")

    server.route("/jwt-list", handler)
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 8)), issuer),
                             allow_insecure_loopback=True)
    assert status_of(report).problem_code == C.PROBLEM_REVOKED
    assert status_of(report).evidence["signer"] == issuer.did


def write_bundle(root, issuer, entries: dict[str, dict]):
    (root / "status").mkdir(parents=True)
    index = {}
    for i, (url, doc) in enumerate(entries.items()):
        (root / "status" / f"list{i}.json").write_text(json.dumps(doc))
        index[url] = f"list{i}.json"
    (root / "status" / "index.json").write_text(json.dumps(index))


async def test_offline_bundle_answers_status_lists(tmp_path, issuer):
    url = "https://status.example.edu/lists/7"
    write_bundle(tmp_path, issuer, {url: sign_list(bitstring_list(url, issuer.did, bitstring([11])), issuer)})
    revoked = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 11)), issuer),
                              offline_bundle=tmp_path)
    assert status_of(revoked).problem_code == C.PROBLEM_REVOKED
    assert status_of(revoked).evidence["list_source"] == "offline bundle"
    clear = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url + "#frag", 12)), issuer),
                            offline_bundle=tmp_path)
    assert clear.verified, clear.to_json()
    missing = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url + "0", 1)), issuer),
                              offline_bundle=tmp_path)
    result = status_of(missing)
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_RETRIEVAL_ERROR)
    assert "offline bundle" in result.detail


async def test_report_round_trips_status_evidence_through_the_transport_form(server, issuer):
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring()), issuer))
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    result = status_of(report)
    again = CheckResult.from_json(json.loads(json.dumps(result.to_transport())))
    assert again == result
