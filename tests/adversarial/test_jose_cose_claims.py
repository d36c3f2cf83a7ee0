"""Attack class: JOSE-secured credentials whose claims or header say something the checks would not
otherwise judge (issue 8 section 2).

Source: W3C VC-JOSE-COSE §3.1.1-3.1.2 (``typ`` vc+jwt / vp+jwt: the payload is the credential itself;
``iss`` is its issuer); RFC 7515 §4.1.11 (``crit``: reject what is not understood); RFC 7519 §4.1.4
(``exp``); RFC 8725 §3.1 (the algorithm must fit the key: ES256 over a secp256k1 key is not ES256).
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import AT, result, run_verify
from tests.signing import new_key, sign_jwt
from verifier import constants as C
from verifier.suites.jwt import ALGORITHMS


def test_vc_claim_beside_a_vc_jwt_payload_fails():
    key = new_key()
    credential = ob3_credential(key.did)
    token = sign_jwt({"vc": credential, "iss": key.did}, key, typ="vc+jwt")
    report = run_verify(token)
    assert not report.verified
    parse = result(report, C.CHECK_PARSE)
    assert parse.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR and "'vc' claim" in parse.detail


def test_vc_claim_inside_a_vcdm2_payload_fails():
    key = new_key()
    payload = ob3_credential(key.did) | {"vc": ob3_credential(new_key().did)}
    report = run_verify(sign_jwt(payload, key, typ="vc+jwt"))
    assert not report.verified
    assert result(report, C.CHECK_PARSE).problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR


def test_iss_other_than_the_issuer_fails_and_the_same_passes():
    key = new_key()
    credential = ob3_credential(key.did)
    assert run_verify(sign_jwt(credential | {"iss": key.did}, key, typ="vc+jwt")).verified
    report = run_verify(sign_jwt(credential | {"iss": "did:example:someone-else"}, key, typ="vc+jwt"))
    assert not report.verified
    parse = result(report, C.CHECK_PARSE)
    assert parse.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR and "iss" in parse.detail


def test_past_exp_fails():
    key = new_key()
    exp = int((AT - timedelta(hours=1)).timestamp())
    report = run_verify(sign_jwt(ob3_credential(key.did) | {"exp": exp}, key, typ="vc+jwt"))
    assert not report.verified
    assert result(report, C.CHECK_VALIDITY).problem_code == C.PROBLEM_EXPIRED


@pytest.mark.parametrize("crit", [["exp"], ["urn:example:must-understand"], [], "b64"])
def test_crit_not_understood_fails(crit):
    key = new_key()
    header = {"crit": crit} | ({"urn:example:must-understand": True} if crit == ["urn:example:must-understand"] else {})
    token = _forge(key, "EdDSA", ob3_credential(key.did), typ="vc+jwt", **header)
    report = run_verify(token)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "failed" and proof.problem_code == C.PROBLEM_PROOF_VERIFICATION_ERROR
    assert "crit" in proof.detail


NATIVE = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "secp256k1": "ES256K", "RSA": "RS256"}


@pytest.mark.parametrize("kind", sorted(NATIVE))
@pytest.mark.parametrize("alg", sorted(ALGORITHMS))
def test_alg_must_fit_the_key_type_and_curve(alg, kind):
    kty, crv = ALGORITHMS[alg]
    fits = {"Ed25519": ("OKP", "Ed25519"), "P-256": ("EC", "P-256"), "P-384": ("EC", "P-384"),
            "secp256k1": ("EC", "secp256k1"), "RSA": ("RSA", None)}[kind] == (kty, crv)
    if fits:
        pytest.skip("the algorithm fits this key: covered by the suites' own tests")
    key = _key(kind)
    report = run_verify(_forge(key, alg, ob3_credential(_did(key)), typ="vc+jwt"))
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "failed", proof
    assert proof.problem_code == C.PROBLEM_PROOF_VERIFICATION_ERROR and "needs a" in proof.detail


_KEYS: dict = {}


def _key(kind: str):
    if kind not in _KEYS:
        _KEYS[kind] = new_key(kind)
    return _KEYS[kind]


def _did(key) -> str:
    """did:key for the curves it encodes; did:jwk for RSA."""
    return key.did_jwk if key.kind == "RSA" else key.did


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(key, alg: str, payload: dict, **header) -> str:
    """A compact JWS whose header says ``alg`` but whose signature is the key's own algorithm (as an
    attacker relabelling a token would make it)."""
    protected = {"alg": alg, "kid": key.vm if key.kind != "RSA" else _did(key) + "#0", **header}
    signing_input = f"{_b64(json.dumps(protected).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(key.sign(signing_input.encode(), NATIVE[key.kind]))}"


@pytest.mark.parametrize("iat,problem", [
    (2 ** 64, C.PROBLEM_MALFORMED_VALUE_ERROR),  # no date holds it
    ("2026-01-01", C.PROBLEM_MALFORMED_VALUE_ERROR),  # not a NumericDate (RFC 7519 §2)
    (int((AT + timedelta(days=30)).timestamp()), C.PROBLEM_NOT_YET_VALID),  # signed in the future
])
def test_iat_that_is_no_date_or_in_the_future_fails(iat, problem):
    """A JWT's ``iat`` is judged as a Data Integrity proof's ``created``: a NumericDate, not later than now."""
    key = new_key()
    report = run_verify(sign_jwt(ob3_credential(key.did) | {"iat": iat}, key, typ="vc+jwt"))
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "failed" and proof.problem_code == problem, proof.detail


def test_iat_in_the_past_is_accepted():
    key = new_key()
    iat = int((AT - timedelta(days=30)).timestamp())
    assert run_verify(sign_jwt(ob3_credential(key.did) | {"iat": iat}, key, typ="vc+jwt")).verified
