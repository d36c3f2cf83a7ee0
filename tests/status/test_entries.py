"""Entry rules, decided before anything is fetched: index digit strings, statusSize/statusMessage, types."""

from __future__ import annotations

import pytest

from tests.status.helpers import AT, bitstring_entry, credential_with, make_source
from verifier import constants as C

URL = "https://status.example/lists/1"


async def check(status, **changes):
    source = make_source(None).source  # no fetcher: any attempt to fetch would be a retrieval error
    return await source.check(credential_with("did:example:issuer", status, **changes), issuer_id="did:example:issuer",
                              at=AT)


@pytest.mark.parametrize("index", [12, 12.0, "12abc", "-1", "0x10", " 12", "12 ", "+12", "1e3", "", "1_000",
                                   "\uff11\uff12", "\u0661", None, True, ["1"]])
async def test_index_must_be_a_base10_digit_string(index):
    entry = bitstring_entry(URL, 0)
    entry["statusListIndex"] = index
    result = await check(entry)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_MALFORMED_VALUE_ERROR)
    assert "statusListIndex" in result.detail


async def test_absurdly_long_index_is_a_range_error():
    result = await check(bitstring_entry(URL, "9" * 40))
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_RANGE_ERROR)


async def test_legacy_index_fields_follow_the_same_rule():
    sl = {"id": URL + "#1", "type": "StatusList2021Entry", "statusPurpose": "revocation", "statusListIndex": 1,
          "statusListCredential": URL}
    rl = {"id": URL + "#1", "type": "RevocationList2020Status", "revocationListIndex": "0x1",
          "revocationListCredential": URL}
    for entry in (sl, rl):
        result = await check(entry)
        assert result.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR, result.detail


@pytest.mark.parametrize("changes, needle", [
    ({"statusSize": 0}, "statusSize"), ({"statusSize": "2"}, "statusSize"), ({"statusSize": 9}, "statusSize"),
    ({"statusSize": True}, "statusSize"),
    ({"statusSize": 2}, "statusMessage must be present"),
    ({"statusSize": 2, "statusMessage": [{"status": "0x0", "message": "ok"}]}, "4 entries"),
    ({"statusSize": 1, "statusMessage": [{"status": "0x0", "message": "a"}, {"status": "0x0", "message": "b"}]},
     "distinct"),
    ({"statusSize": 1, "statusMessage": [{"status": "0", "message": "a"}, {"status": "0x1", "message": "b"}]},
     "distinct"),
    ({"statusSize": 1, "statusMessage": [{"status": "0x0", "message": "a"}, {"status": "0x2", "message": "b"}]},
     "distinct"),
])
async def test_status_size_and_messages(changes, needle):
    result = await check(bitstring_entry(URL, 3, "message", **changes))
    assert result.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR
    assert needle in result.detail


@pytest.mark.parametrize("url", [None, "", "ftp://status.example/x", "status.example/x", "https://", "https://a b"])
async def test_list_url_must_be_an_https_url(url):
    entry = bitstring_entry(URL, 3)
    entry["statusListCredential"] = url
    assert (await check(entry)).problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR


async def test_unknown_entry_type_is_indeterminate_and_named():
    result = await check({"id": URL, "type": "CRLBloomFilter2023Entry"})
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_NOT_CHECKED)
    assert "CRLBloomFilter2023Entry" in result.detail
    assert result.evidence["entry_type"] == "CRLBloomFilter2023Entry"


async def test_unknown_purpose_is_indeterminate_and_named():
    result = await check(bitstring_entry(URL, 3, "frozen"))
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_NOT_CHECKED)
    assert "frozen" in result.detail


@pytest.mark.parametrize("status", [[], "https://status.example/1", [42]])
async def test_malformed_credential_status(status):
    result = await check(status)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_MALFORMED_VALUE_ERROR)


async def test_too_many_entries_are_refused():
    result = await check([bitstring_entry(URL, i) for i in range(17)])
    assert result.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR and "17" in result.detail


async def test_1edtech_entry_needs_an_https_id():
    result = await check({"type": "1EdTechRevocationList", "id": "urn:uuid:1234"})
    assert result.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR


async def test_without_a_network_a_list_is_a_retrieval_error():
    result = await check(bitstring_entry(URL, 3))
    assert (result.outcome.value, result.problem_code) == ("indeterminate", C.PROBLEM_STATUS_RETRIEVAL_ERROR)
