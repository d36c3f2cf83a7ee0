"""Put a report body into a language: titles, plain-words messages, the headline, the summary's texts.

Works on the JSON body so a cached report can be shown in any language: every localised field is
overwritten, codes are never touched (``check``, ``outcome``, ``problem``, ``code`` stay as they are),
and ``detail`` stays the engineers' English.
"""

from __future__ import annotations

from typing import Any

from verifier.i18n import achievement_category, check_title, choose, framework_name, problem_message, text
from verifier.i18n.headline import headline
from verifier.langtext import pick


def _localise_summary(node: Any, lang: str) -> None:
    if isinstance(node, list):
        for value in node:
            _localise_summary(value, lang)
        return
    if not isinstance(node, dict):
        return
    for field, variants in (node.get("languages") or {}).items():
        chosen = pick(variants, lang) if isinstance(variants, dict) else None
        if chosen is not None and not (field == "name" and node.get("nameSource") == "registry"):
            node[field] = chosen
    if isinstance(node.get("achievementType"), str):
        node["category"] = achievement_category(node["achievementType"], lang)
    if isinstance(node.get("framework"), str):
        node["frameworkName"] = framework_name(node["framework"], lang)
    for key, value in node.items():
        if key != "languages":
            _localise_summary(value, lang)


def localize_report(body: dict[str, Any], lang: str) -> dict[str, Any]:
    """Localise ``body`` in place and return it.

    :param body: a report body (:meth:`verifier.report.Report.to_json`, or the service's rendering of it).
    :param lang: a language tag; unsupported ones read as English.
    :returns: ``body`` with ``lang``, ``headline``, each result's ``title`` (outcome-specific) and
        ``message`` (plain-words reason, when it has a problem), each error's and warning's ``title``, and
        the summary's texts in ``lang`` (``notice``, ``category``, ``frameworkName``, tagged strings picked).
    """
    lang = choose(lang)
    body["lang"] = lang
    for entry in body.get("results") or []:
        entry["title"] = check_title(entry.get("check", ""), entry.get("outcome", ""), lang, entry.get("problem"))
        if entry.get("problem"):
            entry["message"] = problem_message(entry["problem"], lang)
    for group in ("errors", "warnings", "problemDetails"):
        for problem in body.get(group) or []:
            if isinstance(problem, dict) and isinstance(problem.get("code"), str):
                problem["title"] = problem_message(problem["code"], lang)
    summary = body.get("summary")
    if isinstance(summary, dict):
        summary["language"] = lang
        reasons = {e.get("basisReason") for e in summary.get("credentials") or [] if isinstance(e, dict)} - {None}
        key = {"signed": "summary.signed", "partly_signed": "summary.partly_signed"}.get(summary.get("basis"))
        if key is None:
            key = "summary.reading_not_confirmed" if reasons == {"reading_not_confirmed"} else "summary.unverified"
        summary["notice"] = text(key, lang)
        _localise_summary(summary.get("credentials"), lang)
        _localise_summary(summary.get("skills"), lang)
    body["headline"] = headline(body, lang)
    return body
