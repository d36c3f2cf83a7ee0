"""Attack class: an unsigned (``alg: none``) or shared-secret (HMAC, ``HS256``...) JWS.

``none`` (RFC 7518 §3.6) makes an unsecured JWS: anyone can write one. An HMAC algorithm keyed with the
issuer's *public* key (which everyone has) passes a verifier that lets the token pick the algorithm: the
key-confusion attack of CVE-2015-9235 (node ``jsonwebtoken`` before 4.2.2 verified an HS256 token with the
RSA public key as the HMAC secret); both were described in Tim McLean, "Critical vulnerabilities in JSON
Web Token libraries" (Auth0, 2015). RFC 8725 §2.1 and §3.1 ("Perform Algorithm Verification"), §3.2
("Use Appropriate Algorithms"): a verifier accepts only the algorithms it expects for the key.

Refused where (``verifier.suites.jwt.check_algorithm``, ``verifier.suites.embedded``,
``verifier.keys.signature``):

* a VC-JWT / VP-JWT (and an enveloped credential) with ``none`` in any letter case or an ``HS*`` alg:
  ``failed``, ``CRYPTOGRAPHIC_SECURITY_ERROR``;
* the detached JWS of a ``JsonWebSignature2020`` proof with ``none`` / ``HS256``: the algorithm is not one
  we verify, ``indeterminate``, ``UNSUPPORTED_CRYPTOSUITE``;
* the detached JWS of ``Ed25519Signature2018`` / ``EcdsaSecp256k1Signature2019``, whose suite fixes the
  algorithm: ``failed``, ``PROOF_VERIFICATION_ERROR``.

Every one is ``verified: false``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import serialization

from tests.core.credentials import VC1, VC2, ob3_credential, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C
from verifier.options import ResourceConfig
from verifier.suites.embedded import verify_data
from verifier.suites.registry import SUITES

NONE_ALGS = ["none", "None", "NONE", "nOnE"]
HMAC_ALGS = ["HS256", "HS384", "HS512", "hs256"]
_HMAC_HASH = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(alg: str, signing_input: bytes, secret: bytes) -> bytes:
    """The signature an attacker writes: nothing for ``none``, an HMAC keyed with ``secret`` otherwise."""
    if alg.lower() == "none":
        return b""
    return hmac.new(secret, signing_input, _HMAC_HASH[alg.upper()]).digest()


def _forged_jwt(header: dict, payload: dict, secret: bytes) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(_forge(header['alg'], signing_input.encode(), secret))}"


def _public_pem(key) -> bytes:
    return key.public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _assert_refused_jwt(report, target: str = "") -> None:
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF, target)
    assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_CRYPTOGRAPHIC_SECURITY_ERROR), \
        proof.to_json()


# --- VC-JWT / VP-JWT ---------------------------------------------------------------------------

@pytest.mark.parametrize("alg", NONE_ALGS + HMAC_ALGS)
async def test_vc_jwt_with_none_or_hmac_is_refused(verify_vc, alg):
    """VC-JOSE-COSE (``typ: vc+jwt``); the HMAC secret is the issuer's public key, as an attacker has it."""
    issuer = new_key()
    header = {"alg": alg, "typ": "vc+jwt", "kid": issuer.vm}
    token = _forged_jwt(header, ob3_credential(issuer.did), json.dumps(issuer.public_jwk).encode())
    _assert_refused_jwt(await verify_vc(token))


@pytest.mark.parametrize("alg", ["none", "HS256"])
async def test_vc_jwt_11_rsa_issuer_key_confusion(verify_vc, alg):
    """CVE-2015-9235 exactly: an RSA issuer (did:jwk), HS256 keyed with its public key PEM."""
    issuer = new_key("RSA")
    token = _forged_jwt({"alg": alg, "kid": issuer.did_jwk + "#0"},
                        {"iss": issuer.did_jwk, "vc": vc11_credential(issuer.did_jwk)}, _public_pem(issuer))
    _assert_refused_jwt(await verify_vc(token))
    # The same issuer's RS256 token verifies: it is the algorithm that is refused.
    assert (await verify_vc(sign_jwt({"iss": issuer.did_jwk, "vc": vc11_credential(issuer.did_jwk)}, issuer,
                                     alg="RS256", kid=issuer.did_jwk + "#0"))).verified


@pytest.mark.parametrize("alg", ["none", "HS256"])
async def test_vp_jwt_with_none_or_hmac_is_refused(verify_vp, alg):
    issuer, holder = new_key(), new_key()
    credential = sign_ldp(ob3_credential(issuer.did), issuer)
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
          "verifiableCredential": [credential]}
    token = _forged_jwt({"alg": alg, "typ": "vp+jwt", "kid": holder.vm}, vp, json.dumps(holder.public_jwk).encode())
    _assert_refused_jwt(await verify_vp(token))


@pytest.mark.parametrize("alg", ["none", "HS256"])
async def test_enveloped_credential_with_none_or_hmac_is_refused(verify_vp, alg):
    """An ``EnvelopedVerifiableCredential`` in a genuinely signed presentation: the nested JWT still fails."""
    issuer, holder = new_key(), new_key()
    inner = _forged_jwt({"alg": alg, "typ": "vc+jwt", "kid": issuer.vm}, ob3_credential(issuer.did),
                        json.dumps(issuer.public_jwk).encode())
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [{"@context": [VC2], "type": ["EnvelopedVerifiableCredential"],
                                             "id": "data:application/vc+jwt," + inner}]},
                  holder, purpose="authentication")
    report = await verify_vp(vp)
    assert result(report, C.CHECK_PROOF).outcome.value == "passed"  # the holder's own proof is fine
    _assert_refused_jwt(report, "/verifiableCredential/0")


# --- Detached JWS in embedded proofs -----------------------------------------------------------

_LEGACY = {  # suite -> (key type, @context)
    "JsonWebSignature2020": ("P-256", [VC1, "https://w3id.org/security/suites/jws-2020/v1"]),
    "Ed25519Signature2018": ("Ed25519", [VC1]),
    "EcdsaSecp256k1Signature2019": ("secp256k1", [VC2, "https://w3id.org/security/suites/secp256k1-2019/v1"]),
}
#: suite -> (outcome, problem code) of a proof whose detached JWS says ``none`` or ``HS256``.
#: a detached JWS with none/HMAC is a forgery, refused as in a JWT, whatever the suite.
_EXPECTED = {suite: ("failed", C.PROBLEM_CRYPTOGRAPHIC_SECURITY_ERROR)
             for suite in ("JsonWebSignature2020", "Ed25519Signature2018", "EcdsaSecp256k1Signature2019")}


def _legacy_signed(suite: str):
    kind, context = _LEGACY[suite]
    key = new_key(kind)
    doc = vc11_credential(key.did, **{"@context": context})
    if context[0] == VC2:
        doc["validFrom"] = doc.pop("issuanceDate")
    return key, sign_ldp(doc, key, suite=suite)


def _with_forged_jws(signed: dict, suite: str, alg: str, secret: bytes) -> dict:
    """Replace the proof's detached JWS (RFC 7797, ``b64: false``) by one with ``alg`` over the same data."""
    forged = copy.deepcopy(signed)
    header = _b64(json.dumps({"alg": alg, "b64": False, "crit": ["b64"]}).encode())
    data = verify_data(forged, forged["proof"], [], SUITES[(suite, None)], "sha256", ResourceConfig(), 200_000)
    forged["proof"]["jws"] = f"{header}..{_b64(_forge(alg, header.encode() + b'.' + data, secret))}"
    return forged


@pytest.mark.parametrize("alg", ["none", "HS256"])
@pytest.mark.parametrize("suite", list(_LEGACY))
async def test_embedded_detached_jws_with_none_or_hmac_is_refused(verify_vc, suite, alg):
    key, signed = _legacy_signed(suite)
    assert (await verify_vc(signed)).verified  # the genuine proof verifies
    report = await verify_vc(_with_forged_jws(signed, suite, alg, json.dumps(key.public_jwk).encode()))
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == _EXPECTED[suite], proof.to_json()
    assert alg in proof.detail
