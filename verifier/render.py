"""Render a report for people: the verdict, a one-sentence headline, what the credential is, one line per
check in plain words (in the chosen language), and the technical ``detail`` where a check did not pass."""

from __future__ import annotations

from verifier.i18n import outcome_mark, plural_text, text
from verifier.i18n.headline import issuer_words
from verifier.report import Outcome, Report


def render_text(report: Report, *, source: str, lang: str = "en") -> str:
    """Return a short human summary: verdict, headline, what the credential is, one line per check.

    :param report: the report.
    :param source: where the input came from (a path or ``-``), shown in the heading.
    :param lang: ``en`` or ``es`` (see :mod:`verifier.i18n`).
    """
    body = report.to_json(lang)
    verdict = text("verdict.verified" if report.verified else "verdict.not_verified", lang)
    lines = [f"{source}: {verdict}", f"  {body['headline']}"]
    entries = body["summary"].get("credentials") or []
    top = next((e for e in entries if e.get("credential") == ""), None)
    if report.credential.get("kind") == "presentation":
        lines.append("  " + plural_text("cli.presentation", len(report.credentials), lang))
    elif top is not None:
        achievement = next(iter(top.get("achievements") or []), {})
        what = achievement.get("name") or top.get("name") or text("cli.credential", lang)
        if achievement.get("category"):
            what += f" ({achievement['category']})"
        lines.append("  " + text("cli.issued_by", lang, what=what, issuer=issuer_words(top.get("issuer") or {}, lang)))
    if body["summary"].get("notice"):
        lines.append(f"  {body['summary']['notice']}")
    names: dict[str, None] = {}
    for skill in body["summary"].get("skills", []):
        name = skill.get("targetName") or skill.get("targetCode") or skill.get("targetUrl")
        if name:
            names[f"{name} [{skill['frameworkName']}]"] = None
    if names:
        lines.append("  " + text("cli.skills", lang, skills="; ".join(names)))
    answer = {True: "cli.trusted.yes", False: "cli.trusted.no", None: "cli.trusted.unknown"}[report.trusted]
    lines.append("  " + text("cli.trusted", lang, answer=text(answer, lang)))
    width = max((len(r.check) for r in report.results), default=0)  # the check column fits the longest id
    for r, row in zip(report.results, body["results"]):
        where = f"[{r.target}] " if r.target else ""
        lines.append(f"  {outcome_mark(r.outcome.value, lang):<11} {r.check:<{width}} {where}{row['title']}")
        if r.outcome not in (Outcome.PASSED, Outcome.NOT_APPLICABLE):
            if row.get("message"):
                lines.append(f"  {'':<11} {'':<{width}} {row['message']}")
            lines.append(f"  {'':<11} {'':<{width}} " + text("cli.detail", lang, detail=r.detail))
    for w in body["warnings"]:
        lines.append("  " + text("cli.warning", lang, message=f"{w['title']} ({w['detail']})"))
    return "\n".join(lines)
