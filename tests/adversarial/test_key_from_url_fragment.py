"""Attack class: a key taken from a URL fragment.

The attacker signs with their own key and writes the verification method as the issuer's identifier with
their key in the fragment: ``did:key:<issuer>#<attacker Multikey>``, ``did:web:<issuer>#<Multikey>``,
``https://issuer.example/issuers/1#<Multikey or JWK>``, or a JWT ``kid`` of that shape. A verifier that
decodes the key from the fragment, and then takes the part before ``#`` as the controller, accepts a
credential the issuer never signed.

Source: W3C Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" (the method is found by its
full id in the controller document, whose ``id`` must be the URL without fragment); DID Core 1.0 §7.2
"DID URL Dereferencing" (a fragment is dereferenced inside the resolved DID document, it carries no key
material); VC Data Integrity 1.0 §4.4 "Verify Proof" (the key comes from retrieving the verification method).

The resolver (``verifier.did.resolver`` and ``verifier.did.document.find_method``) looks the full method id
up in the document and refuses one that is not listed: the proof is not verified (``indeterminate``,
``INVALID_VERIFICATION_METHOD``: the key the proof names could not be retrieved), and neither is the
credential.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import result
from tests import signing
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C
from verifier.keys.multikey import multikey_from_public_key


def _multikey(key: signing.TestKey) -> str:
    return multikey_from_public_key(key.public)


def _b64_jwk(key: signing.TestKey) -> str:
    raw = json.dumps(key.public_jwk, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _assert_key_refused(report) -> None:
    """Not verified; the proof's key could not be retrieved, so the issuer binding is not decided either."""
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_INVALID_VERIFICATION_METHOD), \
        proof.to_json()
    assert "is not a verification method of" in proof.detail
    assert proof.evidence["proofs"][0]["controller"] is None  # no controller was ever credited with the key
    assert result(report, C.CHECK_ISSUER_KEY).outcome.value != "passed"


@pytest.mark.parametrize("fragment", ["multikey", "jwk"])
async def test_did_key_issuer_with_the_attackers_key_in_the_fragment(verify_vc, fragment):
    victim, attacker = new_key(), new_key()
    vm = f"{victim.did}#{_multikey(attacker) if fragment == 'multikey' else _b64_jwk(attacker)}"
    forged = sign_ldp(ob3_credential(victim.did), attacker, vm=vm)
    _assert_key_refused(await verify_vc(forged))


async def test_did_jwk_issuer_with_the_attackers_jwk_in_the_fragment(verify_vc):
    victim, attacker = new_key("P-256"), new_key("P-256")
    forged = sign_ldp(ob3_credential(victim.did_jwk), attacker, suite="ecdsa-rdfc-2019",
                      vm=f"{victim.did_jwk}#{_b64_jwk(attacker)}")
    _assert_key_refused(await verify_vc(forged))


async def test_did_web_issuer_with_the_attackers_key_in_the_fragment(verify_vc, publish_did_web):
    victim, attacker = new_key(), new_key()
    did = publish_did_web("college", victim)
    forged = sign_ldp(ob3_credential(did), attacker, vm=f"{did}#{_multikey(attacker)}")
    _assert_key_refused(await verify_vc(forged))
    # The same issuer's real key still verifies: the refusal is about where the key came from.
    assert (await verify_vc(sign_ldp(ob3_credential(did), victim, vm=f"{did}#key-1"))).verified


@pytest.mark.parametrize("encode", [
    pytest.param(lambda key: _multikey(key), id="multikey"),
    pytest.param(lambda key: _b64_jwk(key), id="base64url-jwk"),
    pytest.param(lambda key: quote(json.dumps(key.public_jwk, separators=(",", ":")), safe=""), id="json-jwk"),
])
async def test_https_controller_document_with_the_attackers_key_in_the_fragment(verify_vc, server, encode):
    """The issuer's controller document is real and lists its own key; the fragment names another."""
    victim, attacker = new_key(), new_key()
    controller = f"{server.base}/issuers/1"
    server.json("/issuers/1", {"@context": ["https://www.w3.org/ns/cid/v1"], "id": controller,
                               "verificationMethod": [{"id": f"{controller}#key-1", "type": "Multikey",
                                                       "controller": controller,
                                                       "publicKeyMultibase": _multikey(victim)}],
                               "assertionMethod": [f"{controller}#key-1"]})
    forged = sign_ldp(ob3_credential(controller), attacker, vm=f"{controller}#{encode(attacker)}")
    _assert_key_refused(await verify_vc(forged))


async def test_https_url_with_no_document_behind_the_fragment(verify_vc, server):
    """``https://evil.example/#<key>``: nothing is published at the URL; the fragment alone is no key."""
    attacker = new_key()
    vm = f"{server.base}/#{_multikey(attacker)}"
    forged = sign_ldp(ob3_credential(f"{server.base}/"), attacker, vm=vm)
    report = await verify_vc(forged)
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == ("indeterminate", C.PROBLEM_RETRIEVAL_ERROR), proof.to_json()


async def test_jwt_kid_with_the_attackers_key_in_the_fragment(verify_vc):
    victim, attacker = new_key(), new_key()
    token = sign_jwt(ob3_credential(victim.did), attacker, typ="vc+jwt", kid=f"{victim.did}#{_multikey(attacker)}")
    _assert_key_refused(await verify_vc(token))
