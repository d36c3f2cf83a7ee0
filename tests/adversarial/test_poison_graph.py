"""Attack class: a poison graph. A JSON-LD credential whose blank nodes are all alike (here each of n
blank nodes links to every other one) makes RDF canonicalization try every permutation of them,
recursively: about n! steps, so one small document holds a verifier's CPU for hours.

Source: RDF Dataset Canonicalization (RDFC-1.0) §4.4 and its Security Considerations "Dataset
Poisoning" (an implementation must bound the work of Hash N-Degree Quads, §4.8, and stop); the work
limits added for this in digitalbazaar/rdf-canonize (``maxWorkFactor`` / ``maxDeepIterations``).
VC Data Integrity 1.0 §4.4 "Verify Proof" canonicalizes before it checks any signature, so the attacker
needs no key at all.

Refused by the RDFC-1.0 work budget (``Limits.canonicalization_max_work``, ``verifier.jsonld.rdfc``):
the proof is ``failed`` with ``PROOF_VERIFICATION_ERROR`` (the budget is exceeded) within seconds, for
every RDF-canonicalised suite, in a nested credential and in a status list credential alike.
"""

from __future__ import annotations

import time

import pytest

from tests.core.credentials import VC1, VC2
from tests.core.helpers import result
from tests.signing import new_key, sign_ldp
from tests.status.helpers import ED2020, bitstring, bitstring_entry, bitstring_list, credential_with, sign_list
from verifier import Limits
from verifier import constants as C

KNOWS = "https://schema.org/knows"  # an absolute IRI as a key: defined without any context
#: wall-clock bound for one verification of a poison graph, seconds (it takes about one on a laptop;
#: without the budget the 10-node graph alone would run for hours).
BOUND_S = 15.0
RDF_SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("ecdsa-rdfc-2019", "P-384"),
              ("Ed25519Signature2020", "Ed25519")]


def clique(size: int) -> list[dict]:
    """``size`` blank nodes, each linked to every other: every first-degree hash ties (RDFC-1.0 §4.6)."""
    ids = [f"_:n{i}" for i in range(size)]
    return [{"@id": i, KNOWS: [{"@id": j} for j in ids if j != i]} for i in ids]


def credential(issuer: str, size: int, suite: str = "eddsa-rdfc-2022") -> dict:
    legacy = suite == "Ed25519Signature2020"
    doc = {"@context": [VC1, ED2020] if legacy else [VC2], "type": ["VerifiableCredential"], "issuer": issuer,
           "credentialSubject": {"id": "did:example:learner-7", KNOWS: clique(size)}}
    doc["issuanceDate" if legacy else "validFrom"] = "2026-01-01T00:00:00Z"
    return doc


def poisoned(key, size: int = 10, suite: str = "eddsa-rdfc-2022") -> dict:
    """A poison credential carrying the proof the issuer made for the same credential without the graph
    (a signer with a work budget cannot sign the poison itself; a verifier must stop before any signature)."""
    proof = sign_ldp(credential(key.did, 0, suite), key, suite=suite)["proof"]
    return {**credential(key.did, size, suite), "proof": proof}


def _assert_budget_refused(report, target: str = "") -> None:
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF, target)
    assert (proof.outcome.value, proof.problem_code) == ("failed", C.PROBLEM_PROOF_VERIFICATION_ERROR), \
        proof.to_json()
    assert "work budget" in proof.detail


async def test_a_small_symmetric_graph_is_signed_and_verifies(verify_vc):
    """Blank-node symmetry itself is fine: a 6-node clique fits the default budget."""
    key = new_key()
    assert (await verify_vc(sign_ldp(credential(key.did, 6), key))).verified


@pytest.mark.parametrize("suite,kind", RDF_SUITES)
async def test_poison_graph_is_refused_by_the_work_budget(verify_vc, suite, kind):
    key = new_key(kind)
    start = time.perf_counter()
    report = await verify_vc(poisoned(key, 10, suite))
    assert time.perf_counter() - start < BOUND_S
    _assert_budget_refused(report)


@pytest.mark.parametrize("size", [16, 40])
async def test_larger_poison_graphs_end_as_fast(verify_vc, size):
    key = new_key()
    start = time.perf_counter()
    report = await verify_vc(poisoned(key, size))
    assert time.perf_counter() - start < BOUND_S
    _assert_budget_refused(report)


async def test_the_budget_is_the_callers_limit(verify_vc):
    """``Limits.canonicalization_max_work`` (STYLE.md rule 5): a tight budget refuses even the 6-node graph."""
    key = new_key()
    signed = sign_ldp(credential(key.did, 6), key)
    _assert_budget_refused(await verify_vc(signed, limits=Limits(canonicalization_max_work=100)))


async def test_poison_graph_nested_in_a_presentation(verify_vp):
    """The presentation's own proof covers the nested credential's graph too: both stop at the budget."""
    issuer, holder = new_key(), new_key()

    def presentation(member: dict) -> dict:
        return {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                "verifiableCredential": [member]}

    clean = sign_ldp(presentation(sign_ldp(credential(issuer.did, 0), issuer)), holder, purpose="authentication")
    start = time.perf_counter()
    report = await verify_vp({**presentation(poisoned(issuer)), "proof": clean["proof"]})
    assert time.perf_counter() - start < BOUND_S
    _assert_budget_refused(report)
    _assert_budget_refused(report, "/verifiableCredential/0")


async def test_poison_graph_served_as_a_status_list(verify_vc, server):
    """The list host answers with a poisoned list credential: the status check fails, it does not hang."""
    issuer = new_key()
    url = f"{server.base}/list"
    genuine = sign_list(bitstring_list(url, issuer.did, bitstring()), issuer)
    poison = bitstring_list(url, issuer.did, bitstring())
    poison["credentialSubject"][KNOWS] = clique(10)
    server.json("/list", {**poison, "proof": genuine["proof"]})
    start = time.perf_counter()
    report = await verify_vc(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer))
    assert time.perf_counter() - start < BOUND_S
    assert report.verified is False
    status = result(report, C.CHECK_STATUS)
    assert (status.outcome.value, status.problem_code) == ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR)
    assert "work budget" in status.detail
