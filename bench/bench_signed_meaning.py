"""Cost of the signed-meaning gate (issue 8) on a realistic Open Badges 3.0 credential, beside the floor.

Input: OB 3.0 AchievementCredential, eddsa-rdfc-2022, with an issuer profile, an achievement with criteria,
an image and two alignments (the quad count is printed). Each round uses a credential this process has not
verified before (a fresh id and signature: cold), and times, interleaved in the same round:

- floor: SHA-256 of the canonical proof configuration and of the canonical document (bytes computed
  beforehand) plus one raw Ed25519 verify with a preloaded key (issue 10's definition);
- proof layer without the gate: :func:`verify_embedded_proof` with ``reading=None`` (expansion, toRdf,
  RDFC-1.0, hashing, signature);
- proof layer with the gate: the same with ``reading="credential"`` (what the proof check runs);
- full verify: :func:`verifier.verify` in process (every check; did:key; no network);
- the proof layer (gate on) and the full verify again with the table-driven expander switched off
  (pyld's expansion, as before issue 10's expander): the A/B of that change, in the same rounds.

    python bench/bench_signed_meaning.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import base58  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

from tests.core.credentials import ob3_credential  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402
from verifier import VerifyOptions, jsonld, verify  # noqa: E402
from verifier.options import ResourceConfig  # noqa: E402
from verifier.runtime import open_environment  # noqa: E402
from verifier.settings import load_settings  # noqa: E402
from verifier.jsonld.processor import engine  # noqa: E402
from verifier.suites.embedded import verify_embedded_proof  # noqa: E402
from verifier.suites.registry import SUITES  # noqa: E402

SUITE = SUITES[("DataIntegrityProof", "eddsa-rdfc-2022")]


def realistic(issuer: str) -> dict:
    """An OB 3.0 credential shaped like a college's: profile, achievement, criteria, image, alignments."""
    doc = ob3_credential(issuer)
    doc["id"] = f"urn:uuid:{uuid.uuid4()}"
    doc["issuer"].update({"url": "https://college.example", "email": "registrar@college.example",
                          "image": {"id": "https://college.example/logo.png", "type": "Image"}})
    doc["validUntil"] = "2031-01-01T00:00:00Z"
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "resultDescription": "urn:uuid:rd-grade",
                                           "value": "A", "status": "Completed"}]
    doc["evidence"] = [{"id": "https://college.example/evidence/weld-101/portfolio", "type": ["Evidence"],
                        "name": "Weld portfolio", "description": "Photographs of the practical exam welds."}]
    achievement = doc["credentialSubject"]["achievement"]
    achievement.update({
        "achievementType": "Certificate", "creditsAvailable": 3, "fieldOfStudy": "Welding",
        "humanCode": "WELD 101", "inLanguage": "en",
        "resultDescription": [{"id": "urn:uuid:rd-grade", "type": ["ResultDescription"], "name": "Final grade",
                               "resultType": "LetterGrade", "allowedValue": ["A", "B", "C", "D", "F"]}],
        "image": {"id": "https://college.example/badges/weld-101.png", "type": "Image"},
        "alignment": [
            {"type": ["Alignment"], "targetName": "Welders, Cutters, Solderers, and Brazers",
             "targetUrl": "https://www.onetonline.org/link/summary/51-4121.00", "targetCode": "51-4121.00",
             "targetFramework": "O*NET-SOC", "targetType": "ceterms:Occupation"},
            {"type": ["Alignment"], "targetName": "Shielded metal arc welding",
             "targetUrl": "https://credentialengineregistry.org/resources/ce-8f9e1a2b", "targetType": "ceasn:Competency"},
        ],
    })
    return doc


def _ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


async def main(rounds: int) -> None:
    key = new_key("Ed25519")
    resources = ResourceConfig()
    public_jwk = key.public_jwk
    docs = [sign_ldp(realistic(key.did), key) for _ in range(rounds + 1)]
    unsecured = {k: v for k, v in docs[0].items() if k != "proof"}
    quads = jsonld.canonicalize(unsecured, resources=resources).count("\n")
    raw_public = ed25519.Ed25519PublicKey.from_public_bytes(base58.b58decode(key.did.split("z", 1)[1])[2:])
    floors, plain, gated, full, gated_pyld, full_pyld = [], [], [], [], [], []
    options = VerifyOptions()
    async with open_environment(load_settings()) as env:
        assert (await verify(docs[0], env=env, options=options)).verified  # warm: contexts, did:key
        engines = {engine(resources), engine(env.resources)}
        expanders = {id(e): e.expander for e in engines}

        def expander(on: bool) -> None:
            for e in engines:
                e.expander = expanders[id(e)] if on else None

        for doc in docs[1:]:
            proof = doc["proof"]
            config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
            canon_config = jsonld.canonicalize(config, resources=resources).encode()
            canon_doc = jsonld.canonicalize({k: v for k, v in doc.items() if k != "proof"}, resources=resources).encode()
            signature = base58.b58decode(proof["proofValue"][1:])
            floors.append(_ms(lambda: raw_public.verify(
                signature, hashlib.sha256(canon_config).digest() + hashlib.sha256(canon_doc).digest())))
            # a copy with a new id each: never seen by the process-wide memo of pyld documents
            plain.append(_ms(lambda: verify_embedded_proof(doc, proof, [], SUITE, public_jwk, resources, 200_000, None)))
            gated.append(_ms(lambda: verify_embedded_proof(doc, proof, [], SUITE, public_jwk, resources, 200_000,
                                                            "credential")))
            t0 = time.perf_counter()
            report = await verify(doc, env=env, options=options)
            full.append((time.perf_counter() - t0) * 1000)
            assert report.verified
            # the same credential again, pyld's expansion (the memos now hold its IRIs: slightly warmer)
            expander(False)
            gated_pyld.append(_ms(lambda: verify_embedded_proof(doc, proof, [], SUITE, public_jwk, resources,
                                                                 200_000, "credential")))
            t0 = time.perf_counter()
            report = await verify(doc, env=env, options=options)
            full_pyld.append((time.perf_counter() - t0) * 1000)
            expander(True)
            assert report.verified
    floor, p, g, f, gp, fp = (statistics.median(x) for x in (floors, plain, gated, full, gated_pyld, full_pyld))
    print(f"input: OB 3.0 AchievementCredential, eddsa-rdfc-2022, {quads} quads, {len(json.dumps(docs[0]))} bytes; "
          f"{rounds} cold rounds, interleaved; medians")
    print(f"{'layer':44} {'ms':>8} {'x floor':>8}")
    print(f"{'floor (2x SHA-256 + raw Ed25519 verify)':44} {floor:>8.3f} {1:>8.1f}")
    print(f"{'proof layer, gate off':44} {p:>8.3f} {p / floor:>8.1f}")
    print(f"{'proof layer, gate on (as shipped)':44} {g:>8.3f} {g / floor:>8.1f}")
    print(f"{'full verify() in process':44} {f:>8.3f} {f / floor:>8.1f}")
    print(f"{'proof layer, gate on, pyld expansion':44} {gp:>8.3f} {gp / floor:>8.1f}")
    print(f"{'full verify(), pyld expansion':44} {fp:>8.3f} {fp / floor:>8.1f}")
    print(f"gate cost: {g - p:+.3f} ms per credential ({(g / p - 1) * 100:+.1f}% of the proof layer)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    asyncio.run(main(parser.parse_args().rounds))
