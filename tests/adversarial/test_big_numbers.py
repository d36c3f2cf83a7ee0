"""Attack class: a number that changes on its way to the verifier (distributed mode, issue 10).

A JSON integer may be longer than 64 bits, and some fast JSON readers (``orjson.loads``) turn such an
integer into the nearest float without a word. If the document went to a worker through such a reader,
the worker would verify other values than the caller presented: a credential signed over the float,
presented with the long integer (an ``xsd:integer``, not the ``xsd:double`` signed), would verify. So the
same credentials are asked of the embedded service and of a front end whose worker gets the document
through Redis; each must verify exactly when its presented values are the signed ones.

Real Redis, a real worker process, the real front ends (distributed part skips without Redis).
"""

from __future__ import annotations

import copy

import pytest

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import arq_client, module_dir, queue, redis_ready, worker  # noqa: F401 - fixtures

#: beyond 64 bits, below 10^21: JSON-LD writes it as an xsd:integer, and its nearest float (18446744073709551616.0,
#: integral) as another xsd:integer (JSON-LD 1.1 API §8.6 "Object to RDF Conversion"), so the two differ in RDF.
LONG = 2 ** 64 + 1
NEAREST_FLOAT = float(LONG)
KEY = new_key()


def _signed_with(value, salt: int) -> dict:
    doc = ob3_credential(KEY.did, id=f"urn:uuid:b16b16b1-0000-4000-8000-{salt:012d}")
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = value
    return sign_ldp(doc, KEY)


def _presented_with(doc: dict, value) -> dict:
    out = copy.deepcopy(doc)
    out["credentialSubject"]["achievement"]["creditsAvailable"] = value
    return out


def _questions(salt: int) -> list[tuple[dict, bool]]:
    signed_long, signed_float = _signed_with(LONG, salt), _signed_with(NEAREST_FLOAT, salt + 1)
    return [(signed_long, True), (signed_float, True),
            (_presented_with(signed_float, LONG), False),  # the float's signature, the long integer shown
            (_presented_with(signed_long, NEAREST_FLOAT), False)]


async def _verdicts(client, questions) -> list[bool]:
    out = []
    for doc, _ in questions:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": doc,
                                                              "options": {"requireTrustedIssuer": False}})
        body = await resp.json()
        assert resp.status == 200, body
        out.append(body["verified"])
    return out


async def test_embedded_verifies_the_numbers_presented(tmp_path):
    questions = _questions(salt=10)
    async with running(service_settings(tmp_path)) as client:
        assert await _verdicts(client, questions) == [want for _, want in questions]


@pytest.mark.parametrize("unit", ["request", "credential"])
async def test_a_worker_verifies_the_numbers_presented(worker, queue, module_dir, unit):  # noqa: F811
    questions = _questions(salt=20 + 2 * ["request", "credential"].index(unit))
    async with arq_client(module_dir, queue, dispatch_unit=unit) as client:
        assert await _verdicts(client, questions) == [want for _, want in questions]
