"""StatusList2021, RevocationList2020 and the 1EdTech Revocation List against a local server."""

from __future__ import annotations

import pytest

from tests.signing import new_key, sign_ldp
from tests.status.helpers import (AT, MIN_BITS, bitstring, credential_with, install_rl2020_context, make_source,
                                  rl2020_list, sign_list, sl2021_list)
from verifier import constants as C


def sl2021_entry(url: str, index: int, purpose: str = "revocation") -> dict:
    return {"id": f"{url}#{index}", "type": "StatusList2021Entry", "statusPurpose": purpose,
            "statusListIndex": str(index), "statusListCredential": url}


@pytest.mark.parametrize("purpose, code", [("revocation", C.PROBLEM_REVOKED), ("suspension", C.PROBLEM_SUSPENDED)])
async def test_statuslist2021(server, fetcher, issuer, purpose, code):
    url = f"{server.base}/sl2021-{purpose}"
    server.json(f"/sl2021-{purpose}", sign_list(sl2021_list(url, issuer.did, bitstring([0, 700, MIN_BITS - 1]),
                                                            purpose=purpose), issuer))
    source = make_source(fetcher).source
    for index, expected in ((0, code), (700, code), (MIN_BITS - 1, code), (1, None), (699, None)):
        result = await source.check(credential_with(issuer.did, sl2021_entry(url, index, purpose)),
                                    issuer_id=issuer.did, at=AT)
        assert result.problem_code == expected, result.detail
        assert result.evidence["entry_type"] == "StatusList2021Entry" and result.evidence["signer"] == issuer.did


async def test_statuslist2021_purpose_must_match_and_message_is_not_a_purpose(server, fetcher, issuer):
    url = f"{server.base}/sl2021"
    server.json("/sl2021", sign_list(sl2021_list(url, issuer.did, bitstring()), issuer))
    source = make_source(fetcher).source
    mismatch = await source.check(credential_with(issuer.did, sl2021_entry(url, 1, "suspension")),
                                  issuer_id=issuer.did, at=AT)
    assert mismatch.problem_code == C.PROBLEM_STATUS_VERIFICATION_ERROR
    message = await source.check(credential_with(issuer.did, sl2021_entry(url, 1, "message")),
                                 issuer_id=issuer.did, at=AT)
    assert (message.outcome.value, message.problem_code) == ("indeterminate", C.PROBLEM_STATUS_NOT_CHECKED)


async def test_statuslist2021_list_is_not_a_bitstring_list(server, fetcher, issuer):
    """An entry of one method pointing at a list of another is a verification error."""
    url = f"{server.base}/sl-as-bsl"
    server.json("/sl-as-bsl", sign_list(sl2021_list(url, issuer.did, bitstring()), issuer))
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "1",
             "statusListCredential": url}
    result = await make_source(fetcher).source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert result.problem_code == C.PROBLEM_STATUS_VERIFICATION_ERROR
    assert "BitstringStatusListCredential" in result.detail


async def test_revocation_list_2020_with_its_context_installed(server, fetcher, issuer, tmp_path):
    resources = install_rl2020_context(tmp_path)
    url = f"{server.base}/rl2020"
    server.json("/rl2020", sign_list(rl2020_list(url, issuer.did, bitstring([42], bits=100_000)), issuer,
                                     resources=resources))
    source = make_source(fetcher, data_dir=tmp_path).source
    for index, expected in ((42, C.PROBLEM_REVOKED), (41, None)):
        entry = {"id": f"{url}#{index}", "type": "RevocationList2020Status", "revocationListIndex": str(index),
                 "revocationListCredential": url}
        result = await source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
        assert result.problem_code == expected, result.detail
        assert result.evidence["statusPurpose"] == "revocation"
        assert [c for c, _ in result.warnings] == [C.PROBLEM_STATUS_LIST_LENGTH_ERROR]  # 100,000-bit list


async def test_revocation_list_2020_without_its_context_cannot_be_verified(server, fetcher, issuer, tmp_path):
    resources = install_rl2020_context(tmp_path)
    url = f"{server.base}/rl2020"
    server.json("/rl2020", sign_list(rl2020_list(url, issuer.did, bitstring()), issuer, resources=resources))
    entry = {"type": "RevocationList2020Status", "revocationListIndex": "1", "revocationListCredential": url}
    result = await make_source(fetcher).source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert "vc-revocation-list-2020" in result.detail


def edtech_list(url: str, issuer: str, revoked: list[dict]) -> dict:
    return {"id": url, "issuer": issuer, "revokedCredentials": revoked}


CRED_ID = "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50"


async def test_1edtech_unsigned_list(server, fetcher, issuer):
    url = f"{server.base}/revocations"
    server.json("/revocations", edtech_list(url, issuer.did, [
        {"id": "urn:uuid:someone-else"}, {"id": CRED_ID, "revocationReason": "Issued in error"}]))
    source = make_source(fetcher).source
    entry = {"id": url, "type": "1EdTechRevocationList"}
    result = await source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_REVOKED)
    assert "Issued in error" in result.detail and result.evidence["revocationReason"] == "Issued in error"
    assert result.evidence["signer"] is None and result.warnings == []
    other = await source.check(credential_with(issuer.did, entry, id="urn:uuid:not-listed"), issuer_id=issuer.did,
                               at=AT)
    assert other.outcome.value == "passed" and other.evidence["revoked"] is False


async def test_1edtech_reinstated_entry_and_missing_credential_id(server, fetcher, issuer):
    url = f"{server.base}/revocations2"
    server.json("/revocations2", edtech_list(url, issuer.did, [{"id": CRED_ID, "revoked": False}]))
    source = make_source(fetcher).source
    entry = {"id": url, "type": "1EdTechRevocationList"}
    assert (await source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)).outcome.value == \
        "passed"
    cred = credential_with(issuer.did, entry)
    del cred["id"]
    result = await source.check(cred, issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_MALFORMED_VALUE_ERROR)


async def test_1edtech_list_naming_another_issuer_warns(server, fetcher, issuer):
    url = f"{server.base}/revocations3"
    server.json("/revocations3", edtech_list(url, "did:example:someone-else", []))
    result = await make_source(fetcher).source.check(
        credential_with(issuer.did, {"id": url, "type": "1EdTechRevocationList"}), issuer_id=issuer.did, at=AT)
    assert result.outcome.value == "passed"
    assert [c for c, _ in result.warnings] == [C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH]


@pytest.mark.parametrize("doc", [{"id": "x"}, {"revokedCredentials": [{"reason": "no id"}]},
                                 {"revokedCredentials": [{"id": "a", "revoked": "yes"}]}])
async def test_1edtech_malformed_lists(server, fetcher, issuer, doc):
    server.json("/bad-revocations", doc)
    result = await make_source(fetcher).source.check(
        credential_with(issuer.did, {"id": f"{server.base}/bad-revocations", "type": "1EdTechRevocationList"}),
        issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)


async def test_1edtech_signed_list_is_verified_and_signer_checked(server, fetcher, issuer):
    url = f"{server.base}/signed-revocations"
    service = new_key()
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2", {"revokedCredentials": "urn:example:revoked"}],
           "id": url, "type": ["VerifiableCredential"], "issuer": service.did, "validFrom": "2026-01-01T00:00:00Z",
           "credentialSubject": {"id": url}, "revokedCredentials": [{"id": CRED_ID}]}
    signed = sign_ldp(doc, service)
    server.json("/signed-revocations", signed)
    entry = {"id": url, "type": "1EdTechRevocationList"}
    source = make_source(fetcher).source
    result = await source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert result.problem_code == C.PROBLEM_REVOKED and result.evidence["signer"] == service.did
    assert [c for c, _ in result.warnings] == [C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH]

    signed["revokedCredentials"] = []  # tampering with a signed list breaks its proof
    server.json("/signed-revocations", signed)
    result = await make_source(fetcher).source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
