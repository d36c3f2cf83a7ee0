"""The check pipeline: plan checks x credentials, run them all, aggregate a report (DESIGN.md "Data flow").

Every planned check yields a result, in plan order; a check that does not apply is reported as
``not_applicable`` (STYLE.md rule 3). ``verified`` is true only when every required check of every
credential passed (DESIGN.md "Report"); an embedded endorsement counts only with ``requireEndorsements``
(issue 11: otherwise its failures are warnings, with one ``ENDORSEMENT_NOT_VERIFIED`` per endorsement).
"""

from __future__ import annotations

import asyncio
from typing import Any

from verifier import constants as C
from verifier.checks import AFTER_PROOFS, CHECKS, DISPATCHED
from verifier.checks.context import CheckContext
from verifier.dispatch import Dispatcher
from verifier.environment import Environment
from verifier.options import VerifyOptions
from verifier.parse import CredentialItem, Presented
from verifier.report import CheckResult, Outcome, Report, problem_from_result
from verifier.messages import problem_details
from verifier.summary_basis import report_summary
from verifier.summary import summarize, with_registry_display
from verifier.timestamps import format_timestamp


def required_checks(options: VerifyOptions) -> frozenset[str]:
    """The checks that must pass for ``verified`` (issue 2 "Other checks"; issue 5 ``checks`` option).

    A caller's selection never drops ``proof``: no answer says "verified" without a verified signature.
    ``holder_binding`` counts unless ``holderBinding`` is ``warn`` or ``off``, and ``recipient`` whenever a
    recipient is asked for, with or without a selection (issue 11).
    """
    policy = ({C.CHECK_HOLDER_BINDING} if options.holder_binding == "required" else set()) | \
        ({C.CHECK_RECIPIENT} if options.recipient is not None else set())
    if options.checks:
        return frozenset(options.checks) | {C.CHECK_PROOF} | policy
    base = {C.CHECK_PARSE, C.CHECK_PROOF, C.CHECK_ISSUER_KEY, C.CHECK_VALIDITY, C.CHECK_STATUS} | policy
    if options.require_trusted_issuer:
        base.add(C.CHECK_ISSUER_TRUST)
    if options.require_schema:
        base.add(C.CHECK_SCHEMA)
    return frozenset(base)


async def _run_one(check_id: str, item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """A check run in place (``parse``, ``validity``, ``issuer_key``), or any check that does not apply."""
    module = CHECKS[check_id]
    if not module.applies_to(item):
        return CheckResult(check_id, Outcome.NOT_APPLICABLE, _not_applicable_reason(check_id, item), target=item.pointer)
    result = await module.run(item, ctx)
    ctx.prior[(item.pointer, check_id)] = result
    return result


def _not_applicable_reason(check_id: str, item: CredentialItem) -> str:
    if check_id in (C.CHECK_HOLDER_BINDING, C.CHECK_RECIPIENT):
        return ("judged on each credential the presentation carries" if item.kind == "presentation" else
                "the credential was given alone, not in a presentation: who presents it is not shown")
    return {
        C.CHECK_STATUS: "no credentialStatus: the issuer publishes no status for this credential",
        C.CHECK_ISSUER_TRUST: "a presentation's holder is not judged by the issuer registry",
        C.CHECK_ISSUER_KEY: "the presentation states no holder",
        C.CHECK_SCHEMA: "no credentialSchema: the credential names no JSON Schema",
    }.get(check_id, "does not apply")


async def _check_item(item: CredentialItem, ctx: CheckContext, dispatcher: Dispatcher) -> dict[str, CheckResult]:
    """Run the checks on one credential but those of :data:`AFTER_PROOFS`: the dispatched ones as one unit
    (DESIGN.md "Data flow" step 4), ``issuer_key`` after ``proof``."""
    results = {C.CHECK_PARSE: await _run_one(C.CHECK_PARSE, item, ctx),
               C.CHECK_VALIDITY: await _run_one(C.CHECK_VALIDITY, item, ctx),
               C.CHECK_SCHEMA: await _run_one(C.CHECK_SCHEMA, item, ctx)}
    dispatched = [cid for cid in CHECKS if cid in DISPATCHED]
    applying = [cid for cid in dispatched if CHECKS[cid].applies_to(item)]
    for cid in dispatched:
        if cid not in applying:
            results[cid] = await _run_one(cid, item, ctx)  # not applicable: nothing is dispatched
    if applying:
        for cid, result in zip(applying, await dispatcher.run_checks(applying, item, ctx)):
            ctx.prior[(item.pointer, cid)] = results[cid] = result
    results[C.CHECK_ISSUER_KEY] = await _run_one(C.CHECK_ISSUER_KEY, item, ctx)
    return results


async def _after_proofs(item: CredentialItem, results: dict[str, CheckResult], ctx: CheckContext) -> list[CheckResult]:
    """The checks that read other credentials' proof results (a presentation's signer), then report order."""
    for cid in CHECKS:
        if cid in AFTER_PROOFS:
            results[cid] = await _run_one(cid, item, ctx)
    return [results[cid] for cid in CHECKS]


async def verify_presented(presented: Presented, *, options: VerifyOptions, env: Environment,
                           dispatcher: Dispatcher) -> Report:
    """Verify every credential in ``presented`` and build the report.

    :param presented: parsed input (:func:`verifier.parse.parse_presented`).
    :param options: time, limits and policy.
    :param env: resolvers, CPU runner, trust and status sources.
    :param dispatcher: where dispatched checks run.
    :returns: the :class:`Report`; verification problems are outcomes, never exceptions.
    """
    ctx = CheckContext(options=options, env=env, presented=presented)
    if len(presented.items) == 1:
        per_item = [await _check_item(presented.top, ctx, dispatcher)]
    else:
        per_item = await asyncio.gather(*(_check_item(item, ctx, dispatcher) for item in presented.items))
    results = [r for item, item_results in zip(presented.items, per_item)
               for r in await _after_proofs(item, item_results, ctx)]
    return build_report(presented, results, options)


def _trusted(results: list[CheckResult]) -> bool | None:
    """True when every credential's issuer is trusted, False when any is not, None when unknown."""
    answers = [r.evidence.get("trusted") for r in results if r.check == C.CHECK_ISSUER_TRUST
               and r.outcome != Outcome.NOT_APPLICABLE]
    if not answers:
        return None
    if any(a is False for a in answers):
        return False
    return None if any(a is None for a in answers) else True


def bind_trust_to_signer(results: list[CheckResult]) -> list[CheckResult]:
    """A registry "trusted" counts only for a credential its issuer's key signed (issue 4).

    ``issuer_trust`` runs concurrently with ``proof``; here a ``passed`` trust result whose credential's
    ``issuer_key`` *failed* (signed by a key of someone other than the named issuer: a forgery of a listed
    issuer) becomes ``failed``, and the registry's issuer data is not shown as the issuer's. When the
    issuer's own key is on a proof that does not verify (``issuer_key`` indeterminate), the registry's
    answer about that issuer stands and ``verified`` is false for the proof.
    """
    forged = {r.target for r in results if r.check == C.CHECK_ISSUER_KEY and r.outcome == Outcome.FAILED}
    out = []
    for r in results:
        if r.check == C.CHECK_ISSUER_TRUST and r.outcome == Outcome.PASSED and r.target in forged:
            evidence = {k: v for k, v in r.evidence.items() if k != "issuer"}
            r = CheckResult(r.check, Outcome.FAILED, "the registry lists the named issuer, but this credential was "
                            "not signed by that issuer's key", C.PROBLEM_UNTRUSTED_ISSUER,
                            {**evidence, "trusted": False}, r.warnings, r.target)
        out.append(r)
    return out


def _endorsement_problem(pointer: str, results: list[CheckResult], required: frozenset[str]) -> list[dict[str, Any]]:
    """One ``ENDORSEMENT_NOT_VERIFIED`` problem for an endorsement whose required checks did not all pass."""
    bad = [r for r in results if r.target == pointer and r.check in required
           and r.outcome not in (Outcome.PASSED, Outcome.NOT_APPLICABLE)]
    if not bad:
        return []
    reasons = "; ".join(f"{r.check} {r.outcome.value}: {r.detail}" for r in bad)
    return [problem_details(C.PROBLEM_ENDORSEMENT_NOT_VERIFIED, f"the endorsement at {pointer} did not verify ({reasons})",
                            credential=pointer)]


def build_report(presented: Presented, results: list[CheckResult], options: VerifyOptions) -> Report:
    """Aggregate results into the report body (DESIGN.md "Report")."""
    results = bind_trust_to_signer(results)
    required = required_checks(options)
    if not any(i.kind == "presentation" for i in presented.items):
        required -= {C.CHECK_HOLDER_BINDING}  # nothing is presented by anyone: not listed as required
    endorsements = [i.pointer for i in presented.items if i.endorsement]
    optional = frozenset() if options.require_endorsements else frozenset(endorsements)  # issue 11
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for r in results:
        for code, detail in r.warnings:
            warnings.append(problem_details(code, detail, check=r.check, **({"credential": r.target} if r.target else {})))
        if r.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE):
            continue
        (errors if r.check in required and r.target not in optional else warnings).append(problem_from_result(r))
    for pointer in endorsements:
        (warnings if pointer in optional else errors).extend(_endorsement_problem(pointer, results, required))
    trust = {r.target: r.evidence for r in results if r.check == C.CHECK_ISSUER_TRUST}
    verified = not errors and all(r.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE) for r in results
                                  if r.check in required and r.target not in optional)
    return Report(
        verified=verified,
        trusted=_trusted([r for r in results if r.target not in optional]),
        checks=list(CHECKS),
        required_checks=[cid for cid in CHECKS if cid in required],
        results=results,
        errors=errors,
        warnings=warnings,
        credential=with_registry_display(summarize(presented.top), trust.get("")),
        credentials=[{"pointer": i.pointer, **({"endorsement": True} if i.endorsement else {}),
                      **with_registry_display(summarize(i), trust.get(i.pointer))} for i in presented.items[1:]],
        summary=report_summary(presented.items, results, trust),
        checked_at=format_timestamp(options.now),
    )
