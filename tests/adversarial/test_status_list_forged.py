"""Attack class: a forged status list. The credential is revoked; whoever can change what the list URL
serves (a compromised or careless list host, a cache) clears the bit, strips the list's proof, or signs
the edited list again with a key of their own.

Source: Bitstring Status List v1.0 §3.2 "Validate Algorithm" (the status list credential is itself
verified, and a failure raises ``STATUS_VERIFICATION_ERROR``) and its "Security Considerations"
(a list that is not secured, or secured by someone else, must not be trusted to say "not revoked");
the validate algorithm of VC Status List 2021 (W3C CCG) does the same for ``StatusList2021Credential``.
The public example: the DCC fixture ``v2-ed25519-didkey-legacy-tamperedStatus-noExpiry`` (its list's
``encodedList`` edited after signing; reason ``status_list_credential_signature_invalid`` in the
``../shared/vectors`` manifest, run by ``tests/status/test_corpus.py``).

Refused by the ``status`` check (``verifier.status.lists``): a list whose proof fails, or that has none,
is ``failed`` with ``STATUS_VERIFICATION_ERROR`` and the credential is not verified; so is the issuer's
own earlier (clear) list replayed after its ``validUntil``. A list signed by
someone other than the issuer is named in a ``STATUS_LIST_SIGNER_MISMATCH`` warning, and refused with
that code under ``LER_STRICT_STATUS_SIGNER`` (README "Status").
"""

from __future__ import annotations

import base64
import copy
import json

from aiohttp import web

from tests.core.credentials import VC1, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt, sign_ldp
from tests.status.helpers import (ED2020, SL2021, bitstring, bitstring_entry, bitstring_list, credential_with,
                                  encode, sign_list, sl2021_list)
from verifier import constants as C

REVOKED_INDEX = 3


def _status(report):
    return result(report, C.CHECK_STATUS)


def _assert_list_refused(report, because: str = "did not verify") -> None:
    assert report.verified is False
    status = _status(report)
    assert (status.outcome.value, status.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR), \
        status.to_json()
    assert because in status.detail


def _publish_revoked(server, issuer, path: str = "/list") -> tuple[str, dict]:
    """Serve the issuer's signed list with REVOKED_INDEX set; return its URL and the revoked credential."""
    url = f"{server.base}{path}"
    server.json(path, sign_list(bitstring_list(url, issuer.did, bitstring([REVOKED_INDEX])), issuer))
    return url, sign_ldp(credential_with(issuer.did, bitstring_entry(url, REVOKED_INDEX)), issuer)


async def test_the_genuine_list_says_revoked(verify_vc, server):
    issuer = new_key()
    _, credential = _publish_revoked(server, issuer)
    report = await verify_vc(credential)
    assert report.verified is False
    assert _status(report).problem_code == C.PROBLEM_REVOKED


async def test_bit_cleared_in_the_signed_list(verify_vc, server):
    """The list keeps the issuer's proof; its ``encodedList`` no longer has the bit set."""
    issuer = new_key()
    url, credential = _publish_revoked(server, issuer)
    tampered = sign_list(bitstring_list(url, issuer.did, bitstring([REVOKED_INDEX])), issuer)
    tampered["credentialSubject"]["encodedList"] = encode(bitstring())
    server.json("/list", tampered)
    _assert_list_refused(await verify_vc(credential))


async def test_list_proof_stripped(verify_vc, server):
    issuer = new_key()
    url, credential = _publish_revoked(server, issuer)
    server.json("/list", bitstring_list(url, issuer.did, bitstring()))  # cleared and unsigned
    _assert_list_refused(await verify_vc(credential))


async def test_proof_moved_from_another_of_the_issuers_lists(verify_vc, server):
    """The issuer's genuine proof from its other (clear) list, moved onto a cleared copy of this one."""
    issuer = new_key()
    url, credential = _publish_revoked(server, issuer)
    other = sign_list(bitstring_list(f"{server.base}/other", issuer.did, bitstring()), issuer)
    server.json("/list", {**bitstring_list(url, issuer.did, bitstring()), "proof": other["proof"]})
    _assert_list_refused(await verify_vc(credential))


async def test_old_clear_list_replayed_after_it_expired(verify_vc, server):
    """Rollback: the issuer's own earlier list, from before the revocation, served again once past its
    ``validUntil`` (its proof is genuine; its validity period is what refuses it)."""
    issuer = new_key()
    url, credential = _publish_revoked(server, issuer)
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring(), valid_until="2026-06-01T00:00:00Z"),
                                   issuer))
    _assert_list_refused(await verify_vc(credential), because="is not valid: expired")


async def test_status_list_2021_bit_cleared(verify_vc, server):
    """VCDM 1.1 ``StatusList2021Credential`` with an ``Ed25519Signature2020`` proof."""
    issuer = new_key()
    url = f"{server.base}/sl2021"
    tampered = sign_list(sl2021_list(url, issuer.did, bitstring([REVOKED_INDEX])), issuer)
    tampered["credentialSubject"]["encodedList"] = encode(bitstring(), multibase=False)
    entry = {"id": f"{url}#{REVOKED_INDEX}", "type": "StatusList2021Entry", "statusPurpose": "revocation",
             "statusListIndex": str(REVOKED_INDEX), "statusListCredential": url}
    credential = sign_ldp(vc11_credential(issuer.did, **{"@context": [VC1, SL2021, ED2020]}, credentialStatus=entry),
                          issuer, suite="Ed25519Signature2020")
    server.json("/sl2021", sign_list(sl2021_list(url, issuer.did, bitstring([REVOKED_INDEX])), issuer))
    assert _status(await verify_vc(credential)).problem_code == C.PROBLEM_REVOKED  # the genuine list
    server.json("/sl2021", tampered)
    _assert_list_refused(await verify_vc(credential))


async def test_jwt_list_with_a_tampered_payload(verify_vc, server):
    """A list secured as a VC-JWT: the payload is swapped for a cleared one under the old signature."""
    issuer = new_key()
    url = f"{server.base}/jwt-list"
    token = sign_jwt(bitstring_list(url, issuer.did, bitstring([REVOKED_INDEX])), issuer, typ="vc+jwt")
    header, _, signature = token.split(".")
    cleared = json.dumps(bitstring_list(url, issuer.did, bitstring())).encode()
    forged = ".".join([header, base64.urlsafe_b64encode(cleared).rstrip(b"=").decode(), signature])

    served = {"token": token}

    async def serve(_request):
        return web.Response(text=served["token"], content_type="application/vc+jwt")

    server.route("/jwt-list", serve)
    credential = sign_ldp(credential_with(issuer.did, bitstring_entry(url, REVOKED_INDEX)), issuer)
    assert _status(await verify_vc(credential)).problem_code == C.PROBLEM_REVOKED  # the genuine list
    served["token"] = forged
    _assert_list_refused(await verify_vc(credential))


async def test_list_re_signed_by_another_key_is_named_and_refused_when_strict(verify_vc, server):
    """The cleared list, signed by the attacker's key (its ``issuer`` still says the issuer)."""
    issuer, attacker = new_key(), new_key()
    url, credential = _publish_revoked(server, issuer)
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring()), attacker))
    strict = await verify_vc(copy.deepcopy(credential), settings={"strict_status_signer": True})
    assert strict.verified is False
    status = _status(strict)
    assert (status.outcome.value, status.problem_code) == ("failed", C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH)
    assert attacker.did in status.detail
    # Default policy (README "Status"): not refused, but the other signer is named in a warning.
    lenient = await verify_vc(credential)
    warnings = [w for w in lenient.warnings if w["code"] == C.PROBLEM_STATUS_LIST_SIGNER_MISMATCH]
    assert len(warnings) == 1 and attacker.did in warnings[0]["detail"]
