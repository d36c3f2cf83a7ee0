"""An ecdsa-sd-2023 derived credential verified by a real arq worker: the disclosure evidence and the
withholding warning travel back through Redis to the HTTP answer."""

from __future__ import annotations

import copy

from tests.core.credentials import ob3_credential
from tests.sd_signing import derive_sd, sign_sd_base
from tests.signing import new_key
from tests.workers.conftest import arq_client
from verifier import constants as C


async def test_derived_proof_on_a_worker(worker, queue, module_dir):
    key = new_key("P-256")
    signed = sign_sd_base(ob3_credential(key.did, validUntil="2030-01-01T00:00:00Z"), key, ["/issuer", "/validFrom"])
    derived = derive_sd(signed, ["/credentialSubject/achievement/name"])
    async with arq_client(module_dir, queue) as client:
        body = await (await client.post("/credentials/verify", json={"verifiableCredential": derived})).json()
        assert body["verified"] is True, body
        proof = next(r for r in body["results"] if r["check"] == "proof")
        disclosure = proof["proofs"][0]["disclosure"]
        assert disclosure["properties"]["validUntil"] == "not disclosed"
        assert any('"Welding Fundamentals"' in s for s in disclosure["selective"])
        assert any(w["code"] == C.PROBLEM_SELECTIVE_DISCLOSURE_WITHHOLDABLE for w in body["warnings"])

        tampered = copy.deepcopy(derived)
        tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
        body = await (await client.post("/credentials/verify", json={"verifiableCredential": tampered})).json()
        assert body["verified"] is False
        assert next(r for r in body["results"] if r["check"] == "proof")["outcome"] == "failed"
