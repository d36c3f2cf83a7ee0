"""Attack class: inputs that push a check past what it was written for, to crash it or to tie it up.

* **A timestamp at the edge of the calendar.** ``9999-12-31T23:59:59-23:59`` is a well-formed RFC 3339
  date-time whose UTC instant is in the year 10000, which Python's ``datetime`` cannot hold; so is
  ``0001-01-01T00:00:00+14:00`` before the year 1, and a leap second at the very end. Read naively,
  the offset arithmetic raises ``OverflowError``: a 500 from the service, a crash of the command line,
  a bulk job left without a state. Each must be a malformed value (the check fails, the verdict is false).
* **A proof set of thousands.** Each embedded proof costs a canonicalization and a signature check; a
  1 MB credential can carry thousands of copies of its proof and hold a verifier for seconds. More than
  ``Limits.max_proofs`` is refused unread.

Signed with a real key (so the timestamps are the signed ones), verified by the embedded service and the
command line; the distributed service gives the same answers (``tests/workers/test_request_units.py``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys

import pytest

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from verifier.options import Limits

KEY = new_key()
EDGES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:60Z"]


def _signed(**fields) -> dict:
    doc = ob3_credential(KEY.did, **{k: v for k, v in fields.items() if k in ("validFrom", "validUntil")})
    extra = {k: v for k, v in fields.items() if k in ("created", "expires")}
    return sign_ldp(doc, KEY, **({"created": extra.pop("created")} if "created" in extra else {}), extra=extra)


CASES = [(field, edge) for field in ("validFrom", "validUntil", "created", "expires") for edge in EDGES]


@pytest.mark.parametrize("field,edge", CASES)
async def test_a_timestamp_past_the_calendar_is_a_malformed_value(tmp_path, field, edge):
    doc = _signed(**{field: edge})
    async with running(service_settings(tmp_path)) as client:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": doc})
        body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is False
    problems = {r["problem"] for r in body["results"] if r.get("problem")}
    assert "MALFORMED_VALUE_ERROR" in problems, body["results"]


def test_the_command_line_reads_it_as_not_verified(tmp_path):
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(_signed(validFrom=EDGES[0])))
    done = subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", "verify", str(path)],
                          capture_output=True, timeout=120, env={"LER_DATA_DIR": str(tmp_path), "PATH": "/usr/bin"})
    assert done.returncode == 1, done.stderr.decode()[-500:]
    assert b"internal error" not in done.stderr


async def test_a_bulk_job_item_with_it_ends_with_the_others(tmp_path):
    good = sign_ldp(ob3_credential(KEY.did, id="urn:uuid:0b0b0b0b-0000-4000-8000-000000000001"), KEY)
    async with running(service_settings(tmp_path)) as client:
        resp = await client.post("/verifications", json={"items": [
            {"verifiableCredential": _signed(validFrom=EDGES[0])}, {"verifiableCredential": good}]})
        assert resp.status == 202, await resp.text()
        location = resp.headers["Location"]
        for _ in range(100):
            job = await (await client.get(location)).json()
            if job["status"] != "running" and job["status"] != "queued":
                break
            await asyncio.sleep(0.1)
    assert job["status"] == "done", job
    assert [item["status"] for item in job["items"]] == ["done", "done"]
    assert [item["verified"] for item in job["items"]] == [False, True]


async def test_more_proofs_than_the_limit_are_refused_unread(tmp_path):
    doc = sign_ldp(ob3_credential(KEY.did), KEY)
    most = Limits().max_proofs
    at_the_limit = dict(copy.deepcopy(doc), proof=[doc["proof"]] * most)
    over = dict(copy.deepcopy(doc), proof=[dict(doc["proof"], proofValue="z" + "1" * 86)] * 2000)
    async with running(service_settings(tmp_path)) as client:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": at_the_limit})
        allowed = await resp.json()
        assert allowed["verified"] is True  # a proof set as large as allowed is verified, each proof listed
        assert len(next(r for r in allowed["results"] if r["check"] == "proof")["proofs"]) == most
        resp = await client.post("/credentials/verify", json={"verifiableCredential": over})
        body = await resp.json()
    proof = next(r for r in body["results"] if r["check"] == "proof")
    assert proof["outcome"] == "failed" and proof["problem"] == "MALFORMED_VALUE_ERROR", proof
    assert "2000 proofs" in proof["detail"] and "none was" in proof["detail"] and body["verified"] is False
    assert "proofs" not in proof  # refused unread: no proof was examined (a verified set lists each)


@pytest.mark.parametrize("field,edge", [("validFrom", "0001-01-01T00:00:00+14:00"),
                                        ("validUntil", "9999-12-31T23:59:59-23:59")])
async def test_a_share_of_it_renders_as_not_verified(tmp_path, field, edge):
    """The share page, its JSON, its embed and its oEmbed write the credential's dates for people."""
    async with running(service_settings(tmp_path)) as client:
        resp = await client.post("/shares", json={"verifiableCredential": _signed(**{field: edge})})
        assert resp.status == 201, await resp.text()
        made = await resp.json()
        assert made["state"] == "not_verified"
        for path in (f"/v/{made['id']}", f"/v/{made['id']}.json", f"/v/{made['id']}?embed=1"):
            assert (await client.get(path)).status == 200, path
        assert (await client.get("/oembed", params={"url": made["url"]})).status == 200


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_an_instant_at_the_calendar_edge_with_a_clock_skew_is_judged(tmp_path, at):
    """``now ± skew`` would leave the calendar; the checks compare differences instead."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(_signed(validUntil="2030-01-01T00:00:00Z")))
    done = subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", "verify", "--at", at, str(path)],
                          capture_output=True, timeout=120,
                          env={"LER_DATA_DIR": str(tmp_path), "LER_MAX_CLOCK_SKEW_S": "60", "PATH": "/usr/bin"})
    assert done.returncode == 1, done.stderr.decode()[-500:]  # expired at 9999, not yet valid at 0001
    assert b"internal error" not in done.stderr
