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
    issuer = cred.get("issuerName") or cred.get("issuer") or cred.get("holder")
    if what or issuer:
        lines.append(f"  {what or cred.get('kind', 'credential')}" + (f" — issued by {issuer}" if issuer else ""))
    trusted = {True: "yes", False: "no", None: "unknown (no trust registry answer)"}[report.trusted]
    lines.append(f"  trusted issuer: {trusted}")
    for r in report.results:
        where = f" [{r.target}]" if r.target else ""
        lines.append(f"  {_MARKS[r.outcome]:<9} {r.check:<13}{where} {r.detail}")
    for w in report.warnings:
        lines.append(f"  warning: {w['detail']}")
    return "\n".join(lines)
