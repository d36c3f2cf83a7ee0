"""Attack class: mixing up results between credentials that share arq jobs (distributed mode, issue 10).

Under load a front end puts many requests (``LER_DISPATCH_UNIT=request``), or many credentials' dispatched
checks (``proof``, ``status``, ``issuer_trust``; ``credential``), into one arq job, joins a unit already on its way when its key is the same, and keeps results in the part
cache under the same keys. If a key left out something the ``proof`` check reads, one caller would get
another's verdict. The proof check reads, besides the bytes, the caller's ``challenge`` and ``domain``
(only for the top-level document) and whether the item is a credential or a presentation (the proof
purpose). So the same signed credential is asked about at once, in one batch:

* alone, with the challenge its proof carries (verified) and with another one (refused);
* nested in a presentation whose own proof carries the caller's challenge (verified: a nested
  credential's proof is not bound to the challenge) and alone with that challenge (refused: its proof
  carries none).

Each caller must get the verdict of its own question, whatever shares a job or the cache. Real Redis, a
real worker process, the real front end (skips without Redis).
"""

from __future__ import annotations

import asyncio

import pytest

from tests.core.credentials import issued_to, ob3_credential, VC2
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import arq_client, module_dir, queue, redis_ready, worker  # noqa: F401 - fixtures

CHALLENGE_A, CHALLENGE_B = "challenge-a-0b1c", "challenge-b-7f3e"


async def _post(client, path: str, body: dict) -> dict:
    resp = await client.post(path, json=body)
    assert resp.status == 200, await resp.text()
    return await resp.json()


def _credential(data: dict, challenge: str) -> tuple[str, dict]:
    return "/credentials/verify", {"verifiableCredential": data,
                                   "options": {"requireTrustedIssuer": False, "challenge": challenge}}


def _presentation(data: dict, challenge: str) -> tuple[str, dict]:
    return "/presentations/verify", {"verifiablePresentation": data,
                                     "options": {"requireTrustedIssuer": False, "challenge": challenge}}


def _proof(body: dict, target: str = "") -> dict:
    return next(r for r in body["results"] if r["check"] == "proof" and r.get("target", "") == target)


@pytest.mark.parametrize("unit", ["request", "credential"])
async def test_one_credential_asked_different_questions_at_once(worker, queue, module_dir, unit):  # noqa: F811
    issuer, holder = new_key(), new_key()
    with_a = sign_ldp(issued_to(ob3_credential(issuer.did), holder.did), issuer, extra={"challenge": CHALLENGE_A})
    plain = sign_ldp(issued_to(ob3_credential(issuer.did, id="urn:uuid:5d1e2f3a-0000-4000-8000-00000000beef"),
                               holder.did), issuer)
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [plain]}, holder, purpose="authentication",
                  extra={"challenge": CHALLENGE_B})
    asks = [_credential(with_a, CHALLENGE_A), _credential(with_a, CHALLENGE_B),
            _presentation(vp, CHALLENGE_B), _credential(plain, CHALLENGE_B)]
    expected = [True, False, True, False]
    async with arq_client(module_dir, queue, dispatch_jobs_in_flight=1, dispatch_unit=unit) as client:
        for order in (asks, list(reversed(asks))):  # cold, then with the part cache warm in the other order
            want = expected if order is asks else list(reversed(expected))
            bodies = await asyncio.gather(*(_post(client, path, body) for path, body in order))
            assert [b["verified"] for b in bodies] == want, [b["errors"] for b in bodies]
        for _ in range(2):  # the same questions again, one at a time
            for (path, body), verified in zip(asks, expected):
                answer = await _post(client, path, body)
                assert answer["verified"] is verified, (path, body["options"], answer["errors"])
    refused = await _post_alone(module_dir, queue, _credential(plain, CHALLENGE_B), unit)
    assert _proof(refused)["problem"] == "INVALID_CHALLENGE_ERROR"


async def _post_alone(data_dir, queue_name, ask, unit):
    async with arq_client(data_dir, queue_name, dispatch_unit=unit) as client:
        return await _post(client, *ask)
