"""Bad input gets a clear error naming the problem, exit 2 or a failed check, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import outcome, result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import InputError


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", *args],
                          input=stdin, capture_output=True, timeout=120)


@pytest.mark.parametrize("data,needle", [
    (b"not json at all", "neither JSON"),
    (b"{\"a\": ", "not JSON"),
    (b"[1, 2, 3]", "must be a JSON object"),
    (b"{\"hello\": \"world\"}", "not a verifiable credential"),
    (b"\"a string\"", "JSON string"),
    (b"\xff\xfe{}", "neither JSON"),
    (b"{\"a\": NaN}", "not JSON"),
    (b"aaa.bbb", "neither JSON"),
    (b"eyJhbGciOiJFZERTQSJ9.bm90LWpzb24.c2ln", "JWT payload is not JSON"),
    (b'{"issuer": "did:key:attacker", "issuer": "did:key:real", "type": ["VerifiableCredential"]}', "appears twice"),
    (b"\xef\xbb\xbf" + b"[1]", "byte-order mark"),
    (b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "\\ud800"}', "unpaired surrogate"),
])
def test_unreadable_input_is_exit_2_with_a_reason(data, needle):
    proc = cli("verify", "-", stdin=data)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_huge_body_is_refused_before_parsing():
    data = b"{\"x\": \"" + b"a" * 10_000_000 + b"\"}"
    proc = cli("verify", "--json", "-", stdin=data)
    assert proc.returncode == 2
    line = json.loads(proc.stdout)
    assert "limit of 1000000 bytes" in line["errors"][0]["detail"]


def test_deep_nesting_is_refused():
    data = b"[" * 1000 + b"]" * 1000
    proc = cli("verify", "-", stdin=b"{\"a\":" + data + b"}")
    assert proc.returncode == 2
    assert b"levels deep" in proc.stderr and b"Traceback" not in proc.stderr


def test_presentation_where_credential_expected():
    holder = new_key()
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    from verifier.parse import parse_presented
    from verifier.options import Limits
    with pytest.raises(InputError, match="expected a verifiable credential"):
        parse_presented(json.dumps(vp), limits=Limits(), expect="credential")
    assert holder


FIELD_CASES = [
    ("issuer", 5, "/issuer"),
    ("issuer", {"name": "x"}, "/issuer/id"),
    ("issuer", "not a url", "/issuer"),
    ("credentialSubject", "x", "/credentialSubject"),
    ("credentialSubject", [], "/credentialSubject"),
    ("type", 7, "/type"),
    ("type", ["OpenBadgeCredential"], "/type"),
    ("@context", {"a": 1}, "/@context"),
    ("@context", ["https://example.org/first"], "/@context/0"),
    ("@context", "https://www.w3.org/ns/credentials/v2", "/@context"),  # VCDM 2.0 §4.3: an ordered set
    ("id", 12, "/id"),
    ("credentialStatus", "revoked", "/credentialStatus"),
]


@pytest.mark.parametrize("field,value,pointer", FIELD_CASES)
def test_wrong_types_fail_the_parse_check_naming_the_field(field, value, pointer):
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    doc[field] = value
    report = run_verify(doc)
    assert not report.verified
    parse = result(report, "parse")
    assert parse.outcome.value == "failed"
    assert pointer in [f["pointer"] for f in parse.evidence["fields"]], parse.detail


@pytest.mark.parametrize("field,value", [("validFrom", 5), ("validFrom", "yesterday"), ("validUntil", "2026-13-01T00:00:00Z")])
def test_bad_dates_fail_validity_with_malformed_value(field, value):
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    doc[field] = value
    report = run_verify(doc)
    validity = result(report, "validity")
    assert validity.outcome.value == "failed" and validity.problem_code == "MALFORMED_VALUE_ERROR"
    assert field in validity.detail


@pytest.mark.parametrize("proof", [5, "x", [1], {"type": 5}, {"type": "DataIntegrityProof", "cryptosuite": None},
                                   {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                    "proofPurpose": "assertionMethod", "verificationMethod": 7, "proofValue": "z1"},
                                   {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                    "proofPurpose": "assertionMethod", "verificationMethod": "did:key:zzz",
                                    "proofValue": "z1"}])
def test_malformed_proofs_never_pass(proof):
    key = new_key()
    doc = ob3_credential(key.did)
    doc["proof"] = proof
    report = run_verify(doc)
    assert outcome(report, "proof") in ("failed", "indeterminate")
    assert not report.verified


def test_missing_file_and_bad_option_are_usage_errors():
    proc = cli("verify", "/nonexistent/file.json")
    assert proc.returncode == 2 and b"no such file" in proc.stderr
    proc = cli("verify", "--at", "tomorrow", "-", stdin=b"{}")
    assert proc.returncode == 2 and b"--at" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("raw, phrase", [
    (b"\xef\xbb\xbf{}", "byte-order mark"),
    (b'{"a": ' + b"1" * 5001 + b"}", "5001 digits"),
    (b'{"a": 1e999999}', "too large to represent"),
])
def test_unreadable_numbers_and_marks_are_named_plainly(raw, phrase):
    """Issue 9 trial: no Python internals (sys.set_int_max_str_digits, utf-8-sig) in a message."""
    from verifier.errors import InputError
    from verifier.jsontext import loads_limited
    with pytest.raises(InputError) as info:
        loads_limited(raw, max_bytes=1_000_000, max_depth=64)
    assert phrase in info.value.detail
    assert "sys." not in info.value.detail and "utf-8-sig" not in info.value.detail
