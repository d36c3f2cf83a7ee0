"""Distributed mode answers exactly what the embedded service answers, whatever the unit of work.

With ``LER_DISPATCH_UNIT=request`` (the default) a worker runs the whole verification and its answer is
the response; with ``credential`` the front end runs the pipeline and sends each credential's checks.
Both must give the embedded service's answer, byte for byte apart from the instants of checking: the
verdict, every result and problem, the 400 of a document that cannot be read, the language.

Real Redis, a real ``ler-verifier worker`` process, real front ends and the embedded one, all on the
same SQLite registry file.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.core.credentials import VC2, issued_to, ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_jwt, sign_ldp
from tests.workers.conftest import arq_client

ISSUER, HOLDER = new_key(), new_key()


def _cases(salt: int) -> dict[str, tuple[str, dict[str, Any], dict[str, str]]]:
    """The questions, about credentials of their own for each ``salt`` (a run's reports are not another's)."""
    good = sign_ldp(issued_to(ob3_credential(ISSUER.did, id=f"urn:uuid:0e0e0e0e-0000-4000-8000-{salt:012d}"),
                              HOLDER.did), ISSUER)
    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["achievement"]["name"] = "Something never awarded"
    expired = sign_ldp(ob3_credential(ISSUER.did, id=f"urn:uuid:0e0e0e0e-0001-4000-8000-{salt:012d}",
                                      validUntil="2026-02-01T00:00:00Z"), ISSUER)
    unknown_context = sign_ldp(ob3_credential(ISSUER.did, id=f"urn:uuid:0e0e0e0e-0002-4000-8000-{salt:012d}"), ISSUER)
    unknown_context["@context"] = unknown_context["@context"] + ["https://unbundled.example/context.jsonld"]
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": HOLDER.did,
                   "verifiableCredential": [good]}, HOLDER, purpose="authentication", extra={"challenge": "c-1"})
    past_the_calendar = sign_ldp(ob3_credential(ISSUER.did, id=f"urn:uuid:0e0e0e0e-0004-4000-8000-{salt:012d}",
                                                validFrom="9999-12-31T23:59:59-23:59"), ISSUER)
    created_past_it = sign_ldp(ob3_credential(ISSUER.did, id=f"urn:uuid:0e0e0e0e-0005-4000-8000-{salt:012d}"),
                               ISSUER, created="0001-01-01T00:00:00+14:00")
    many_proofs = dict(good, proof=[good["proof"]] * 40)
    jwt = sign_jwt({"iss": ISSUER.did, "jti": f"urn:uuid:0e0e0e0e-0003-4000-8000-{salt:012d}",
                    "vc": ob3_credential(ISSUER.did)}, ISSUER)
    cred = "/credentials/verify"
    pres = "/presentations/verify"
    return {
        "verified": (cred, {"verifiableCredential": good}, {}),
        "verified, in Spanish": (cred, {"verifiableCredential": good}, {"Accept-Language": "es"}),
        "tampered": (cred, {"verifiableCredential": tampered}, {}),
        "expired": (cred, {"verifiableCredential": expired}, {}),
        "unknown context": (cred, {"verifiableCredential": unknown_context}, {}),
        "validFrom past the calendar": (cred, {"verifiableCredential": past_the_calendar}, {}),
        "proof created before it": (cred, {"verifiableCredential": created_past_it}, {}),
        "40 proofs": (cred, {"verifiableCredential": many_proofs}, {}),
        "JWT": (cred, {"verifiableCredential": jwt}, {}),
        "presentation, its challenge": (pres, {"verifiablePresentation": vp, "options": {"challenge": "c-1"}}, {}),
        "presentation, another challenge": (pres, {"verifiablePresentation": vp, "options": {"challenge": "c-2"}}, {}),
        "unsigned presentation asked for a challenge": (
            pres, {"presentation": {k: v for k, v in vp.items() if k != "proof"}, "options": {"challenge": "c-1"}}, {}),
        "not a JWT (400)": (cred, {"verifiableCredential": "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln"}, {}),
        "no type": (cred, {"verifiableCredential": {k: v for k, v in good.items() if k != "type"}}, {}),
        "presentation where a credential is expected (400)": (cred, {"verifiableCredential": vp}, {}),
    }



def _without_instants(value: Any) -> Any:
    """The answer without what differs from run to run: the instants of checking (``checkedAt``, and
    ``at``, the instant a validity period was judged at) and request ids."""
    if isinstance(value, dict):
        return {k: _without_instants(v) for k, v in value.items()
                if k not in ("checkedAt", "at", "instance", "requestId")}
    if isinstance(value, list):
        return [_without_instants(v) for v in value]
    return value


async def _ask(client, question: tuple[str, dict[str, Any], dict[str, str]]) -> tuple[int, Any]:
    path, body, headers = question
    body = copy.deepcopy(body)
    body.setdefault("options", {})["requireTrustedIssuer"] = False
    resp = await client.post(path, json=body, headers=headers)
    return resp.status, _without_instants(await resp.json())


async def _ask_each_twice(client, cases) -> dict[str, tuple[tuple[int, Any], tuple[int, Any]]]:
    """Each question, then again (from the report cache where it may be), in order."""
    return {case: (await _ask(client, question), await _ask(client, question)) for case, question in cases.items()}


@pytest.mark.parametrize("unit", ["request", "credential"])
async def test_distributed_answers_as_embedded(worker, queue, module_dir, unit):
    cases = _cases(salt=["request", "credential"].index(unit))
    async with running(service_settings(module_dir, cache_max_entries=0)) as client:  # no cache: every answer fresh
        fresh = {case: await _ask(client, question) for case, question in cases.items()}
    async with running(service_settings(module_dir)) as client:
        embedded = await _ask_each_twice(client, cases)
    async with arq_client(module_dir, queue, dispatch_unit=unit) as client:
        distributed = await _ask_each_twice(client, cases)
    for case in cases:
        assert distributed[case] == embedded[case], case
    assert {case: first[0] for case, (first, _) in embedded.items()} == {
        case: 400 if case.endswith("(400)") else 200 for case in cases}
    assert all(again[1]["cached"] for first, again in embedded.values() if first[0] == 200)  # the cache answered
    for case, (first, again) in embedded.items():  # and a cached answer is the fresh one, marked cached
        if first[0] == 200:
            assert {**again[1], "cached": False} == {**first[1], "cached": False} == {**fresh[case][1], "cached": False}
