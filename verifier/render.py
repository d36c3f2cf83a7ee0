"""Render a report for people: one line per check with a plain-language reason."""

from __future__ import annotations

from verifier.report import Outcome, Report

_MARKS = {Outcome.PASSED: "pass", Outcome.FAILED: "FAIL", Outcome.INDETERMINATE: "undecided",
          Outcome.NOT_APPLICABLE: "n/a"}


def render_text(report: Report, *, source: str) -> str:
    """Return a short human summary: verdict, what the credential is, one line per check.

    :param report: the report.
    :param source: where the input came from (a path or ``-``), shown in the heading.
    """
    cred = report.credential
    verdict = "VERIFIED" if report.verified else "NOT VERIFIED"
    lines = [f"{source}: {verdict}"]
    what = cred.get("achievement") or cred.get("name")
    if cred.get("kind") == "presentation":
        by = cred.get("holderName") or cred.get("holder")
        lines.append(f"  presentation of {len(report.credentials)} credential(s)" + (f" — presented by {by}" if by else ""))
    else:
        issuer = cred.get("issuerName") or cred.get("issuer")
        if cred.get("issuerName") and cred.get("issuerNameSource") != "registry":
            issuer += " (name as the credential states it; not confirmed by the trust registry)"
        if what or issuer:
            lines.append(f"  {what or 'credential'}" + (f" — issued by {issuer}" if issuer else ""))
    trusted = {True: "yes", False: "no", None: "unknown (no trust registry answer)"}[report.trusted]
    lines.append(f"  trusted issuer: {trusted}")
    width = max((len(r.check) for r in report.results), default=0)
    for r in report.results:
        where = f" [{r.target}]" if r.target else ""
        lines.append(f"  {_MARKS[r.outcome]:<9} {r.check:<{width}}{where} {r.detail}")
    for w in report.warnings:
        lines.append(f"  warning: {w['detail']}")
    return "\n".join(lines)
