"""The report model: check results, outcomes and the answer body (DESIGN.md "Report").

The body is VC-API (W3C VCALM "Verify Credential") compatible: ``verified``, ``checks``, ``errors``,
``warnings`` (RFC 9457 ProblemDetails), plus our ``results`` list, ``trusted`` and ``credential`` summary,
the skills ``summary`` and a one-sentence ``headline`` (issue 12), in the language asked for.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from verifier import constants as C
from verifier.i18n import DEFAULT_LANGUAGE, check_title
from verifier.messages import problem_details


class Outcome(str, enum.Enum):
    """How one check ended (DESIGN.md "Report")."""

    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"  # could not be decided: network error, unknown suite, ...
    NOT_APPLICABLE = "not_applicable"  # e.g. no credentialStatus


@dataclass(frozen=True)
class CheckResult:
    """The result of one check on one credential.

    :ivar check: check id from :mod:`verifier.constants` (``proof``, ``status``, ...).
    :ivar outcome: the :class:`Outcome`.
    :ivar detail: a plain-language reason naming the evidence (key, suite, list URL and index, ...).
    :ivar problem_code: problem code when the outcome is not ``passed``/``not_applicable``.
    :ivar evidence: JSON-ready evidence (keys used, cryptosuite, URLs, registry version, ...).
    :ivar warnings: problem codes and details that do not change the outcome.
    :ivar target: JSON pointer of the credential inside the presented document ("" = top level).
    """

    check: str
    outcome: Outcome
    detail: str
    problem_code: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[tuple[str, str], ...] = ()
    target: str = ""

    def to_json(self) -> dict[str, Any]:
        """Render as the ``results`` entry of the report."""
        out: dict[str, Any] = {"check": self.check, "outcome": self.outcome.value,
                               "title": check_title(self.check, self.outcome.value, DEFAULT_LANGUAGE,
                                                    self.problem_code),
                               "detail": self.detail}
        if self.target:
            out["credential"] = self.target
        if self.problem_code:
            out["problem"] = self.problem_code
        out.update(self.evidence)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckResult":
        """Rebuild from :meth:`to_json` output plus ``warnings``/``target`` (dispatcher transport)."""
        known = {"check", "outcome", "title", "detail", "credential", "problem", "_warnings"}
        return cls(
            check=data["check"], outcome=Outcome(data["outcome"]), detail=data["detail"],
            problem_code=data.get("problem"), target=data.get("credential", ""),
            evidence={k: v for k, v in data.items() if k not in known},
            warnings=tuple(tuple(w) for w in data.get("_warnings", ())),
        )

    def to_transport(self) -> dict[str, Any]:
        """JSON form that round-trips through :meth:`from_json` (carries warnings too)."""
        out = self.to_json()
        out["_warnings"] = [list(w) for w in self.warnings]
        return out


@dataclass
class Report:
    """The answer for one presented credential or presentation.

    :ivar verified: every required check passed (DESIGN.md "Report").
    :ivar trusted: the trust registry's answer: True/False, None when no registry is configured.
    :ivar checks: check ids run, in plan order.
    :ivar results: every planned check's result, in plan order (nested credentials included).
    :ivar errors: ProblemDetails of failed or indeterminate required checks.
    :ivar warnings: ProblemDetails that do not change ``verified``.
    :ivar credential: summary of the (top-level) credential or presentation.
    :ivar credentials: summaries of nested credentials (VP members, CLR achievements), by pointer.
    :ivar required_checks: the checks that count towards ``verified``, in report order.
    :ivar summary: the skills summary (:func:`verifier.summary_basis.report_summary`), language-neutral.
    :ivar checked_at: the instant the report judges at (RFC 3339 UTC), or None.
    """

    verified: bool
    trusted: bool | None
    checks: list[str]
    results: list[CheckResult]
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    credential: dict[str, Any] = field(default_factory=dict)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    required_checks: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    checked_at: str | None = None

    def to_json(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """Render the report body (JSON-ready dict) with its texts in ``lang`` (``en`` or ``es``; see
        :func:`verifier.i18n.localize.localize_report`): ``headline``, row titles and messages, summary."""
        from verifier.i18n.localize import localize_report

        out = {
            "verified": self.verified,
            "trusted": self.trusted,
            "checks": self.checks,
            "requiredChecks": self.required_checks,
            "results": [r.to_json() for r in self.results],
            "errors": self.errors,
            "warnings": self.warnings,
            "credential": self.credential,
        }
        if self.credentials:
            out["credentials"] = self.credentials
        out["summary"] = _copy_json(self.summary)  # localised in place below; the report's own stays as it is
        if self.checked_at:
            out["checkedAt"] = self.checked_at
        out.update(self.extra)
        return localize_report(out, lang)


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, immutable scalars): what ``copy.deepcopy`` gives for it, without
    its memo. A dict or list reached twice is copied twice; localisation sets the same texts on each copy."""
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


def problem_from_result(result: CheckResult) -> dict[str, Any]:
    """ProblemDetails (RFC 9457) for a failed or indeterminate result."""
    code = result.problem_code or C.PROBLEM_VERIFICATION_ERROR
    pd = problem_details(code, result.detail)
    pd["check"] = result.check
    if result.target:
        pd["credential"] = result.target
    return pd
