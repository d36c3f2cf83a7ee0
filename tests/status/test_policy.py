"""Whose list, which list, and several entries: signer rule, list id rule, tampered/expired lists, ranking."""

from __future__ import annotations

import copy

import pytest

from tests.signing import new_key, sign_ldp
from tests.status.helpers import (AT, bitstring, bitstring_entry, bitstring_list, credential_with, make_source,
                                  sign_list)
from verifier import constants as C


def publish(server, path: str, doc: dict) -> str:
    server.json(path, doc)
    return f"{server.base}{path}"


async def test_revoked_and_suspended_entries_are_each_reported_and_revoked_outranks(server, fetcher, issuer):
    rev = publish(server, "/rev", sign_list(bitstring_list(f"{server.base}/rev", issuer.did, bitstring([5])), issuer))
    sus = publish(server, "/sus", sign_list(bitstring_list(f"{server.base}/sus", issuer.did, bitstring([9]),
                                                           purpose="suspension"), issuer))
    source = make_source(fetcher).source
    entries = [bitstring_entry(sus, 9, "suspension"), bitstring_entry(rev, 5)]
    result = await source.check(credential_with(issuer.did, entries), issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_REVOKED)
    assert "entry 2 of 2: suspended, revoked" in result.detail
    assert [e["problem"] for e in result.evidence["entries"]] == [C.PROBLEM_SUSPENDED, C.PROBLEM_REVOKED]
    assert result.evidence["statusListCredential"] == rev

    only_suspended = [bitstring_entry(sus, 9, "suspension"), bitstring_entry(rev, 6)]
    result = await source.check(credential_with(issuer.did, only_suspended), issuer_id=issuer.did, at=AT)
    assert result.problem_code == C.PROBLEM_SUSPENDED
    assert [e["outcome"] for e in result.evidence["entries"]] == ["failed", "passed"]


async def test_failed_entry_outranks_indeterminate_and_passed(server, fetcher, issuer):
    ok = publish(server, "/ok", sign_list(bitstring_list(f"{server.base}/ok", issuer.did, bitstring()), issuer))
    entries = [bitstring_entry(ok, 1), {"type": "SomethingElse2099"}, bitstring_entry(f"{server.base}/missing", 1)]
    result = await make_source(fetcher).source.check(credential_with(issuer.did, entries), issuer_id=issuer.did, at=AT)
    assert result.outcome.value == "indeterminate"
    assert [e["outcome"] for e in result.evidence["entries"]] == ["passed", "indeterminate", "indeterminate"]
    assert result.problem_code == C.PROBLEM_STATUS_NOT_CHECKED and "SomethingElse2099" in result.detail


async def test_list_signed_by_another_key_warns_naming_the_signer(server, fetcher, issuer):
    service = new_key()
    url = f"{server.base}/other"
    publish(server, "/other", sign_list(bitstring_list(url, service.did, bitstring()), service))
    cred = credential_with(issuer.did, bitstring_entry(url, 3))
    result = await make_source(fetcher).source.check(cred, issuer_id=issuer.did, at=AT)
    assert result.outcome.value == "passed"
    assert result.evidence["signer"] == service.did
    (code, detail), = result.warnings
    assert code == C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH and service.did in detail and issuer.did in detail

    strict = await make_source(fetcher, strict_status_signer=True).source.check(cred, issuer_id=issuer.did, at=AT)
    assert (strict.outcome.value, strict.problem_code) == ("failed", C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH)
    assert service.did in strict.detail and "not revoked" in strict.detail


async def test_authorised_signer_hook_silences_the_remark(server, fetcher, issuer):
    service = new_key()
    url = f"{server.base}/authorised"
    publish(server, "/authorised", sign_list(bitstring_list(url, service.did, bitstring()), service))
    cred = credential_with(issuer.did, bitstring_entry(url, 3))
    asked = []

    def registry(issuer_id, signer, at):
        asked.append((issuer_id, signer, at))
        return True

    async def registry_async(issuer_id, signer, at):
        return signer == service.did

    for hook in (registry, registry_async):
        result = await make_source(fetcher, strict_status_signer=True, authorised_signer=hook).source.check(
            cred, issuer_id=issuer.did, at=AT)
        assert result.outcome.value == "passed" and result.warnings == []
    assert asked == [(issuer.did, service.did, AT)]

    unknown = await make_source(fetcher, authorised_signer=lambda i, s, at: None).source.check(cred, issuer_id=issuer.did,
                                                                                          at=AT)
    assert [c for c, _ in unknown.warnings] == [C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH]


async def test_revoked_by_another_signer_stays_revoked(server, fetcher, issuer):
    service = new_key()
    url = f"{server.base}/other-rev"
    publish(server, "/other-rev", sign_list(bitstring_list(url, service.did, bitstring([3])), service))
    result = await make_source(fetcher, strict_status_signer=True).source.check(
        credential_with(issuer.did, bitstring_entry(url, 3)), issuer_id=issuer.did, at=AT)
    assert result.problem_code == C.PROBLEM_REVOKED
    assert [c for c, _ in result.warnings] == [C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH]


async def test_list_id_other_than_its_url_warns_or_fails_when_strict(server, fetcher, issuer):
    url = f"{server.base}/moved"
    moved = bitstring_list(url, issuer.did, bitstring(), list_id="https://status.example/1")
    publish(server, "/moved", sign_list(moved, issuer))
    cred = credential_with(issuer.did, bitstring_entry(url, 3))
    result = await make_source(fetcher).source.check(cred, issuer_id=issuer.did, at=AT)
    assert result.outcome.value == "passed"
    assert result.warnings == [(C.PROBLEM_STATUS_LIST_ID_MISMATCH,
                                f"the status list read from {url} states the id https://status.example/1")]
    strict = await make_source(fetcher, strict_list_id=True).source.check(cred, issuer_id=issuer.did, at=AT)
    assert strict.outcome.value == "failed"


async def test_tampered_list_fails(server, fetcher, issuer):
    url = f"{server.base}/tampered"
    signed = sign_list(bitstring_list(url, issuer.did, bitstring([3])), issuer)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["encodedList"] = bitstring_list(url, issuer.did, bitstring())["credentialSubject"][
        "encodedList"]
    publish(server, "/tampered", tampered)
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert "did not verify" in result.detail


async def test_unsigned_list_fails(server, fetcher, issuer):
    url = publish(server, "/unsigned", bitstring_list(f"{server.base}/unsigned", issuer.did, bitstring()))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)


@pytest.mark.parametrize("changes, needle", [
    ({"valid_until": "2026-06-01T00:00:00Z"}, "expired"),
    ({"validFrom": "2027-01-01T00:00:00Z"}, "not valid until"),
])
async def test_expired_or_future_list_fails(server, fetcher, issuer, changes, needle):
    url = f"{server.base}/period"
    publish(server, "/period", sign_list(bitstring_list(url, issuer.did, bitstring(), **changes), issuer))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert needle in result.detail


async def test_cached_list_that_expires_fails_at_the_later_instant(server, fetcher, issuer):
    url = f"{server.base}/expiring"
    publish(server, "/expiring", sign_list(bitstring_list(url, issuer.did, bitstring(),
                                                          valid_until="2026-11-29T12:10:00Z"), issuer))
    source = make_source(fetcher).source
    cred = credential_with(issuer.did, bitstring_entry(url, 3))
    assert (await source.check(cred, issuer_id=issuer.did, at=AT)).outcome.value == "passed"
    later = AT.replace(minute=11)
    result = await source.check(cred, issuer_id=issuer.did, at=later)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)


async def test_list_signed_with_an_unresolvable_key_is_indeterminate(server, fetcher, issuer):
    url = f"{server.base}/unresolvable"
    vm = f"did:web:{server.did_web_host}:nobody#key-1"
    publish(server, "/unresolvable", sign_ldp(bitstring_list(url, issuer.did, bitstring()), issuer, vm=vm))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_VERIFICATION_ERROR)


async def test_credential_without_issuer_id_gets_the_signer_named(server, fetcher, issuer):
    url = publish(server, "/noissuer", sign_list(bitstring_list(f"{server.base}/noissuer", issuer.did, bitstring()),
                                                 issuer))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 3)),
                                                     issuer_id=None, at=AT)
    assert result.outcome.value == "passed"
    assert issuer.did in result.warnings[0][1]
