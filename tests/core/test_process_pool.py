"""CPU-bound proof work in a process pool (DESIGN.md: pyld is not thread-safe; inline checks use processes):
results and our errors cross the process boundary intact."""

from __future__ import annotations

import copy
import pickle
from concurrent.futures import ProcessPoolExecutor

from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.helpers import AT
from tests.signing import new_key, sign_ldp
from verifier import VerifyOptions, verify
from verifier.errors import UnknownContext
from verifier.runtime import open_environment
from verifier.settings import load_settings


def test_errors_pickle_with_all_attributes():
    err = UnknownContext("context not installed", url="https://x.example/v1", pointer="/@context/2")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is UnknownContext
    assert (back.detail, back.url, back.pointer, back.problem_code) == (err.detail, err.url, err.pointer,
                                                                       err.problem_code)
    assert str(back) == str(err)


async def test_verification_through_a_process_pool():
    key = new_key("P-384")
    good = sign_ldp(ob3_credential(key.did), key, suite="ecdsa-rdfc-2019")
    bad = copy.deepcopy(good)
    bad["name"] = "Changed"
    unknown = copy.deepcopy(good)
    unknown["@context"] = [VC2, OB3, "https://unknown.example/ctx"]
    with ProcessPoolExecutor(max_workers=2) as pool:
        async with open_environment(load_settings(), executor=pool) as env:
            options = VerifyOptions(now=AT)
            assert (await verify(good, env=env, options=options)).verified
            report = await verify(bad, env=env, options=options)
            assert next(r for r in report.results if r.check == "proof").outcome.value == "failed"
            report = await verify(unknown, env=env, options=options)
            proof = next(r for r in report.results if r.check == "proof")
            assert proof.outcome.value == "indeterminate" and "https://unknown.example/ctx" in proof.detail
