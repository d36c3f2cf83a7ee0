"""Bitstring Status List v1.0 against lists a local server publishes: every purpose, first/middle/last bits."""

from __future__ import annotations

import pytest

from tests.status.helpers import (AT, MIN_BITS, bitstring, bitstring_entry, bitstring_list, credential_with,
                                  make_source, sign_list)
from verifier import constants as C

SET = (0, 65_537, MIN_BITS - 1)  # first, a middle and the last index
CLEAR = (1, 65_536, MIN_BITS - 2)


async def publish(server, issuer, path: str, raw: bytes, **kw) -> str:
    url = f"{server.base}{path}"
    server.json(path, sign_list(bitstring_list(url, issuer.did, raw, **kw), issuer))
    return url


@pytest.mark.parametrize("purpose, code", [("revocation", C.PROBLEM_REVOKED), ("suspension", C.PROBLEM_SUSPENDED)])
async def test_bits_set_and_clear_at_first_middle_and_last_index(server, fetcher, issuer, purpose, code):
    url = await publish(server, issuer, f"/{purpose}", bitstring(SET), purpose=purpose)
    source = make_source(fetcher).source
    for index in SET:
        result = await source.check(credential_with(issuer.did, bitstring_entry(url, index, purpose)),
                                    issuer_id=issuer.did, at=AT)
        assert (result.outcome.value, result.problem_code) == ("failed", code), result.detail
        assert result.evidence["value"] == 1 and result.evidence["statusListIndex"] == index
        assert f"index {index} of {url}" in result.detail
    for index in CLEAR:
        result = await source.check(credential_with(issuer.did, bitstring_entry(url, index, purpose)),
                                    issuer_id=issuer.did, at=AT)
        assert (result.outcome.value, result.problem_code) == ("passed", None), result.detail
        assert result.evidence["value"] == 0
    assert server.hits[f"/{purpose}"] == 1  # one fetch, then the cache


async def test_evidence_names_list_index_purpose_bit_fetch_time_cache_and_signer(server, fetcher, issuer):
    url = await publish(server, issuer, "/evidence", bitstring([7]))
    source = make_source(fetcher).source
    result = await source.check(credential_with(issuer.did, bitstring_entry(url, 7)), issuer_id=issuer.did, at=AT)
    ev = result.evidence
    assert ev["statusListCredential"] == url and ev["statusListIndex"] == 7 and ev["statusPurpose"] == "revocation"
    assert ev["value"] == 1 and ev["from_cache"] is False and ev["signer"] == issuer.did
    assert ev["fetched_at"].endswith("Z") and ev["list_bits"] == MIN_BITS and ev["list_source"] == "network"
    assert ev["entry_type"] == "BitstringStatusListEntry"
    assert result.warnings == []
    assert [e["outcome"] for e in ev["entries"]] == ["failed"]


async def test_message_purpose_with_status_size_and_messages(server, fetcher, issuer):
    messages = [{"status": "0x0", "message": "pending review"}, {"status": "0x1", "message": "accepted"},
                {"status": "0x2", "message": "rejected"}, {"status": "0x3", "message": "undefined"}]
    raw = bitstring(bits=2 * MIN_BITS, size=2, values={0: 1, 9: 2, MIN_BITS - 1: 3})
    url = await publish(server, issuer, "/messages", raw, purpose="message")
    source = make_source(fetcher).source
    for index, value, text in ((0, 1, "accepted"), (9, 2, "rejected"), (MIN_BITS - 1, 3, "undefined"),
                               (5, 0, "pending review")):
        entry = bitstring_entry(url, index, "message", statusSize=2, statusMessage=messages)
        result = await source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
        assert result.outcome.value == "passed"
        assert (result.evidence["value"], result.evidence["message"], result.evidence["statusSize"]) == (value, text, 2)
        assert text in result.detail and f"{value:#x}" in result.detail


async def test_message_purpose_with_one_bit_and_no_messages(server, fetcher, issuer):
    url = await publish(server, issuer, "/msg1", bitstring([4]), purpose="message")
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 4, "message")),
                                                     issuer_id=issuer.did, at=AT)
    assert result.outcome.value == "passed" and result.evidence["value"] == 1


async def test_refresh_purpose_reports_and_passes(server, fetcher, issuer):
    url = await publish(server, issuer, "/refresh", bitstring([3]), purpose="refresh")
    source = make_source(fetcher).source
    set_ = await source.check(credential_with(issuer.did, bitstring_entry(url, 3, "refresh")), issuer_id=issuer.did,
                              at=AT)
    clear = await source.check(credential_with(issuer.did, bitstring_entry(url, 4, "refresh")), issuer_id=issuer.did,
                               at=AT)
    assert set_.outcome.value == clear.outcome.value == "passed"
    assert "refreshed version" in set_.detail and "no refresh pending" in clear.detail


async def test_list_with_several_purposes(server, fetcher, issuer):
    url = await publish(server, issuer, "/both", bitstring([2]), purpose=["revocation", "suspension"])
    source = make_source(fetcher).source
    for purpose, code in (("revocation", C.PROBLEM_REVOKED), ("suspension", C.PROBLEM_SUSPENDED)):
        result = await source.check(credential_with(issuer.did, bitstring_entry(url, 2, purpose)),
                                    issuer_id=issuer.did, at=AT)
        assert result.problem_code == code


async def test_index_beyond_the_list_is_a_range_error(server, fetcher, issuer):
    url = await publish(server, issuer, "/range", bitstring())
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, MIN_BITS)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_RANGE_ERROR)


async def test_purpose_mismatch_is_a_verification_error(server, fetcher, issuer):
    url = await publish(server, issuer, "/susp", bitstring([2]), purpose="suspension")
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 2)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert "statusPurpose" in result.detail


async def test_short_list_is_read_with_a_warning_or_refused_when_strict(server, fetcher, issuer):
    url = await publish(server, issuer, "/short", bitstring([6], bits=100_000))
    entry = bitstring_entry(url, 6)
    lenient = await make_source(fetcher).source.check(credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert lenient.problem_code == C.PROBLEM_REVOKED
    assert [c for c, _ in lenient.warnings] == [C.PROBLEM_STATUS_LIST_LENGTH_ERROR]
    strict = await make_source(fetcher, strict_list_length=True).source.check(
        credential_with(issuer.did, entry), issuer_id=issuer.did, at=AT)
    assert (strict.outcome.value, strict.problem_code) == ("failed", C.PROBLEM_STATUS_LIST_LENGTH_ERROR)
    assert "100000 bits" in strict.detail


async def test_list_without_multibase_prefix_is_refused(server, fetcher, issuer):
    url = f"{server.base}/nou"
    doc = bitstring_list(url, issuer.did, bitstring([1]))
    doc["credentialSubject"]["encodedList"] = doc["credentialSubject"]["encodedList"][1:]
    server.json("/nou", sign_list(doc, issuer))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 1)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)


@pytest.mark.parametrize("changes, needle", [
    ({"type": ["VerifiableCredential"]}, "lacks BitstringStatusListCredential"),
    ({"credentialSubject": {"id": "urn:x", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                            "statusListIndex": "0", "statusListCredential": "https://x.example/1"}},
     "must be a BitstringStatusList"),
])
async def test_wrong_list_types_are_verification_errors(server, fetcher, issuer, changes, needle):
    url = f"{server.base}/wrongtype"
    server.json("/wrongtype", sign_list(bitstring_list(url, issuer.did, bitstring(), **changes), issuer))
    result = await make_source(fetcher).source.check(credential_with(issuer.did, bitstring_entry(url, 1)),
                                                     issuer_id=issuer.did, at=AT)
    assert (result.outcome.value, result.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert needle in result.detail
