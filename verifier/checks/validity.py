"""Check ``validity``: the instant ``now`` lies within the credential's validity period.

VCDM 2.0 §4.9 "Validity Period" (``validFrom``/``validUntil``), VCDM 1.1 §4.6/§4.7
(``issuanceDate``/``expirationDate``), JWT ``nbf``/``exp`` (RFC 7519 §4.1.4-5). Timestamps without
an offset are read as UTC with a warning (VCDM 2.0 §9.1 "Representing Time"). Every stated bound
must hold; an inverted window is MALFORMED_VALUE_ERROR.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.errors import MalformedValue
from verifier.ob2.model import read_date as ob2_date
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome
from verifier.timestamps import format_timestamp, from_numeric_date, parse_timestamp

ID = C.CHECK_VALIDITY
DESCRIPTION = "The credential is within its validity period at the verification instant."

_STARTS = ("validFrom", "issuanceDate")
_ENDS = ("validUntil", "expirationDate")


def applies_to(item: CredentialItem) -> bool:
    """Every item is judged; one that states no period passes with that said."""
    return True


def bounds(item: CredentialItem) -> tuple[list[tuple[str, datetime]], list[tuple[str, datetime]], list[str]]:
    """Collect the stated start and end instants.

    :returns: (starts, ends, names of fields read as UTC for lack of an offset), each bound as
        (field name, aware datetime).
    :raises MalformedValue: a bound that is not an RFC 3339 date-time / NumericDate.
    """
    doc, starts, ends, no_offset = item.document, [], [], []
    if item.is_ob2:  # Open Badges 2.0: issued on ``issuedOn`` (not in the future), ``expires`` (OB 2.0 Assertion)
        for name, into in (("issuedOn", starts), ("expires", ends)):
            if doc.get(name) is not None:
                stamp, naive = ob2_date(doc[name], name)
                into.append((name, stamp))
                if naive:
                    no_offset.append(name)
        return starts, ends, no_offset
    for names, into in ((_STARTS, starts), (_ENDS, ends)):
        for name in names:
            if doc.get(name) is not None:  # JSON null is no bound (JSON-LD drops nulls, JSON-LD 1.1 §4.2)
                stamp, naive = parse_timestamp(doc[name], name)
                into.append((name, stamp))
                if naive:
                    no_offset.append(name)
    if item.jwt is not None:
        for claim, into in (("nbf", starts), ("exp", ends)):
            if claim in item.jwt.payload:
                into.append((claim, from_numeric_date(item.jwt.payload[claim], claim)))
    return starts, ends, no_offset


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Judge the period against ``ctx.options.now`` with ``max_clock_skew_s`` tolerance."""
    now, skew = ctx.options.now, timedelta(seconds=ctx.options.max_clock_skew_s)
    try:
        starts, ends, no_offset = bounds(item)
    except MalformedValue as exc:
        return CheckResult(ID, Outcome.FAILED, exc.detail, exc.problem_code, target=item.pointer)
    warnings = tuple((C.PROBLEM_TIMESTAMP_WITHOUT_OFFSET, f"{name} has no time-zone offset; read as UTC")
                     for name in no_offset)
    evidence = {"at": format_timestamp(now)}
    if ctx.options.max_clock_skew_s:
        evidence["clockSkewS"] = ctx.options.max_clock_skew_s  # a tolerance was applied: say so
    evidence.update({name: format_timestamp(t) for name, t in starts + ends})
    for s_name, s in starts:
        for e_name, e in ends:
            if s > e:
                return CheckResult(ID, Outcome.FAILED, f"{s_name} ({format_timestamp(s)}) is after {e_name} "
                                   f"({format_timestamp(e)})", C.PROBLEM_MALFORMED_VALUE_ERROR, evidence,
                                   warnings, item.pointer)
    for name, s in starts:
        if s - now > skew:  # differences, not now ± skew: that can leave the calendar (year 1 or 9999)
            return CheckResult(ID, Outcome.FAILED, f"not valid until {format_timestamp(s)} ({name})",
                               C.PROBLEM_NOT_YET_VALID, evidence, warnings, item.pointer)
    for name, e in ends:
        if now - e > skew:
            return CheckResult(ID, Outcome.FAILED, f"expired at {format_timestamp(e)} ({name})",
                               C.PROBLEM_EXPIRED, evidence, warnings, item.pointer)
    if not starts and not ends:
        detail = "no validity period stated"
    else:
        window = [f"from {format_timestamp(min(t for _, t in starts))}" if starts else "",
                  f"until {format_timestamp(min(t for _, t in ends))}" if ends else ""]
        detail = "valid " + " ".join(w for w in window if w)
    return CheckResult(ID, Outcome.PASSED, detail, None, evidence, warnings, item.pointer)
