"""Instruction counts of a cold OB 3.0 eddsa-rdfc-2022 ``verify()`` against the floor, with and without the
table-driven expander (issue 10), under ``valgrind --tool=callgrind`` (repeatable on a loaded machine).

One process signs ``--rounds + 1`` fresh credentials (the realistic fixture of ``bench_signed_meaning.py``,
63 quads) and ``--rounds`` more whose canonical bytes feed the floor, warms up on the first, then runs one of:

- ``none``: nothing more (the baseline: start-up, signing, warm-up);
- ``floor``: the floor (2x SHA-256 of the canonical bytes + one raw Ed25519 verify) 20 times per credential;
- ``verify``: one cold in-process ``verify()`` per credential (as shipped: expander first);
- ``verify-pyld``: the same with the expander switched off (pyld's expansion, the code before it).

``python bench/bench_instructions.py --rounds 30`` runs the four under callgrind and prints instructions
per floor and per verify (the difference from ``none`` over the count) and their ratio. Without valgrind
it says so and exits 0. ``--mode MODE`` runs one mode directly (what callgrind runs).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FLOORS_PER_CREDENTIAL = 20
MODES = ("none", "floor", "verify", "verify-pyld")


async def run(mode: str, rounds: int) -> None:
    import base58
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from bench.bench_signed_meaning import realistic
    from tests.signing import new_key, sign_ldp
    from verifier import VerifyOptions, jsonld, verify
    from verifier.jsonld.processor import engine
    from verifier.options import ResourceConfig
    from verifier.runtime import open_environment
    from verifier.settings import load_settings

    key = new_key("Ed25519")
    resources = ResourceConfig()
    docs = [sign_ldp(realistic(key.did), key) for _ in range(rounds + 1)]
    raw_public = ed25519.Ed25519PublicKey.from_public_bytes(base58.b58decode(key.did.split("z", 1)[1])[2:])
    # the floor's inputs, prepared in every mode (so that the difference from "none" is the floors alone)
    # from other credentials (so that the verified ones stay cold)
    floors = []
    for doc in [sign_ldp(realistic(key.did), key) for _ in range(rounds)]:
        proof = doc["proof"]
        config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
        floors.append((jsonld.canonicalize(config, resources=resources).encode(),
                       jsonld.canonicalize({k: v for k, v in doc.items() if k != "proof"},
                                           resources=resources).encode(),
                       base58.b58decode(proof["proofValue"][1:])))
    options = VerifyOptions()
    async with open_environment(load_settings()) as env:
        assert (await verify(docs[0], env=env, options=options)).verified
        if mode == "verify-pyld":
            for resource_config in (resources, env.resources):
                engine(resource_config).expander = None
        if mode == "floor":
            for canon_config, canon_doc, signature in floors:
                for _ in range(FLOORS_PER_CREDENTIAL):
                    raw_public.verify(signature, hashlib.sha256(canon_config).digest()
                                      + hashlib.sha256(canon_doc).digest())
        elif mode != "none":
            for doc in docs[1:]:
                assert (await verify(doc, env=env, options=options)).verified


def instructions(mode: str, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        __file__, "--mode", mode, "--rounds", str(rounds)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONHASHSEED": "0"})
        totals = re.search(r"^summary:\s*(\d+)", out.read_text(), re.MULTILINE)
        return int(totals.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--mode", choices=MODES)
    args = parser.parse_args()
    if args.mode:
        asyncio.run(run(args.mode, args.rounds))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind not found: instruction counts skipped")
        return 0
    counts = {mode: instructions(mode, args.rounds) for mode in MODES}
    floor = (counts["floor"] - counts["none"]) / (args.rounds * FLOORS_PER_CREDENTIAL)
    print(f"input: OB 3.0 AchievementCredential, eddsa-rdfc-2022, 63 quads; {args.rounds} cold verifies per run; "
          f"valgrind --tool=callgrind, instructions (difference from the run that only signs and warms up)")
    print(f"{'what':44} {'M instr':>8} {'x floor':>8}")
    print(f"{'floor (2x SHA-256 + raw Ed25519 verify)':44} {floor / 1e6:>8.2f} {1:>8.1f}")
    for mode, label in (("verify", "cold verify(), expander (as shipped)"),
                        ("verify-pyld", "cold verify(), pyld expansion (before)")):
        each = (counts[mode] - counts["none"]) / args.rounds
        print(f"{label:44} {each / 1e6:>8.2f} {each / floor:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
