"""Result cache (embedded) and API keys: hits, lifetimes, invalidation by registry writes, roles, rate limit."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from trust_registry import create_key
from trust_registry.db import create_engine
from verifier import constants as C
from verifier.report import Outcome
from verifier.service import appkeys as K
from workers import cache as report_cache

STATUS_ENTRY = {"id": "https://status.example/lists/1#94567", "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation", "statusListIndex": "94567",
                "statusListCredential": "https://status.example/lists/1"}


@dataclass
class _Evaluation:
    outcome: Outcome
    detail: str
    problem_code: str | None
    evidence: dict
    warnings: tuple = ()


@dataclass
class FakeStatus:
    """A status source whose answer the test flips (stands in for issue 3's status lists)."""

    revoked: bool = False
    calls: int = 0
    evidence: dict = field(default_factory=dict)

    async def check(self, credential, *, issuer_id, at):
        self.calls += 1
        if self.revoked:
            return _Evaluation(Outcome.FAILED, "revoked (index 94567)", C.PROBLEM_REVOKED, dict(self.evidence))
        return _Evaluation(Outcome.PASSED, "not revoked (index 94567)", None, dict(self.evidence))


async def verify(client, credential, **options):
    body = {"verifiableCredential": credential}
    if options:
        body["options"] = options
    resp = await client.post("/credentials/verify", json=body)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_second_request_is_a_cache_hit(client, signed_credential):
    first = await verify(client, signed_credential)
    second = await verify(client, signed_credential)
    assert first["cached"] is False and second["cached"] is True
    assert second["verified"] is True and second["results"] == first["results"]
    reordered = dict(reversed(list(signed_credential.items())))
    assert (await verify(client, reordered))["cached"] is True  # same JSON, other member order
    assert (await verify(client, signed_credential, checks=["proof"]))["cached"] is False  # options are in the key


async def test_a_new_report_format_never_serves_old_cached_reports(client, signed_credential, monkeypatch):
    first = await verify(client, signed_credential)
    assert first["requiredChecks"] and (await verify(client, signed_credential))["cached"] is True
    monkeypatch.setattr(report_cache, "REPORT_FORMAT", report_cache.REPORT_FORMAT + 1)
    assert (await verify(client, signed_credential))["cached"] is False


async def test_revocation_shows_after_the_status_lifetime(tmp_path):
    key = new_key()
    credential = sign_ldp(ob3_credential(key.did, credentialStatus=STATUS_ENTRY), key)
    status = FakeStatus()
    # A lifetime long enough that the second request is a hit even on a loaded machine.
    async with running(service_settings(tmp_path, cache_status_ttl_s=1.5), status=status) as client:
        assert (await verify(client, credential))["verified"] is True
        assert (await verify(client, credential))["cached"] is True
        status.revoked = True
        await asyncio.sleep(1.6)
        after = await verify(client, credential)
        assert after["cached"] is False and after["verified"] is False
        assert any(e["code"] == "REVOKED" for e in after["errors"])
        proof = next(r for r in after["results"] if r["check"] == "proof")
        status_result = next(r for r in after["results"] if r["check"] == "status")
        assert proof["checkedAt"] < status_result["checkedAt"]  # the proof part came from the cache


async def test_status_list_lifetime_shortens_the_report(tmp_path):
    key = new_key()
    credential = sign_ldp(ob3_credential(key.did, credentialStatus=STATUS_ENTRY), key)
    status = FakeStatus(evidence={"ttl_s": 0.2})
    async with running(service_settings(tmp_path, cache_status_ttl_s=300), status=status) as client:
        await verify(client, credential)
        await asyncio.sleep(0.25)
        assert (await verify(client, credential))["cached"] is False
        assert status.calls == 2


async def test_report_never_outlives_valid_until(client):
    key = new_key()
    # Whole seconds, at least 2 s ahead: the first answer is inside the window even on a loaded machine.
    until = (datetime.now(timezone.utc) + timedelta(seconds=3)).replace(microsecond=0)
    credential = sign_ldp(ob3_credential(key.did, validUntil=until.isoformat().replace("+00:00", "Z")), key)
    assert (await verify(client, credential))["verified"] is True
    await asyncio.sleep((until - datetime.now(timezone.utc)).total_seconds() + 0.2)
    after = await verify(client, credential)
    assert after["cached"] is False and after["verified"] is False
    assert any(e["code"] == "EXPIRED" for e in after["errors"])


async def _tokens(tmp_path) -> dict[str, str]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
    out = {}
    try:
        async with engine.begin() as conn:
            for name, role in (("ops", "admin"), ("hr-system", "verify")):
                _, out[role] = await create_key(conn, name=name, role=role, actor="test")
    finally:
        await engine.dispose()
    return out


async def test_registry_write_through_admin_invalidates_the_cache(tmp_path, signed_credential):
    async with running(service_settings(tmp_path, registry_poll_s=3600)) as client:
        tokens = await _tokens(tmp_path)
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        first = await client.post("/credentials/verify", json={"verifiableCredential": signed_credential}, headers=admin)
        first = await first.json()
        assert first["trusted"] is None
        resp = await client.post("/admin/issuers", headers=admin, json={
            "name": "Example Community College", "registry": "local",
            "identifiers": [{"value": signed_credential["issuer"]["id"]}]})
        assert resp.status == 201, await resp.text()
        again = await (await client.post("/credentials/verify", json={"verifiableCredential": signed_credential},
                                         headers=admin)).json()
        assert again["cached"] is False and again["trusted"] is True
        trust = next(r for r in again["results"] if r["check"] == "issuer_trust")
        assert trust["issuer"]["name"] == "Example Community College"


async def test_keys_roles_and_rate_limit(tmp_path, signed_credential):
    async with running(service_settings(tmp_path, rate_limit_per_s=0.5, rate_limit_burst=2)) as client:
        body = {"verifiableCredential": signed_credential}
        assert (await client.post("/credentials/verify", json=body)).status == 200  # no key configured: open
        assert (await client.get("/admin/issuers")).status == 401  # admin routes: never open
        tokens = await _tokens(tmp_path)
        client.server.app[K.AUTH].forget()
        resp = await client.post("/credentials/verify", json=body)
        assert resp.status == 401 and "Bearer" in resp.headers["WWW-Authenticate"]
        assert (await resp.json())["code"] == "UNAUTHORIZED"
        bad = await client.post("/credentials/verify", json=body, headers={"Authorization": "Bearer ler_nope"})
        assert bad.status == 401
        verify_key = {"Authorization": f"Bearer {tokens['verify']}"}
        assert (await client.get("/admin/issuers", headers=verify_key)).status == 403
        statuses = [(await client.post("/credentials/verify", json=body, headers=verify_key)).status for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = await client.post("/credentials/verify", json=body, headers=verify_key)
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
        assert (await limited.json())["code"] == "RATE_LIMITED"
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        assert (await client.post("/credentials/verify", json=body, headers=admin)).status == 200  # own bucket
        assert (await client.get("/admin/issuers", headers=admin)).status == 200


async def test_transient_failures_are_not_cached(tmp_path):
    key = new_key()
    credential = sign_ldp(ob3_credential(key.did, credentialStatus=STATUS_ENTRY), key)

    class Flaky(FakeStatus):
        async def check(self, credential, *, issuer_id, at):
            self.calls += 1
            return _Evaluation(Outcome.INDETERMINATE, "list unreachable", C.PROBLEM_STATUS_RETRIEVAL_ERROR, {})

    status = Flaky()
    async with running(service_settings(tmp_path), status=status) as client:
        first = await verify(client, copy.deepcopy(credential))
        second = await verify(client, credential)
        assert first["verified"] is False and second["cached"] is False and status.calls == 2
