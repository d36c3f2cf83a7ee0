"""The per-verification state a check sees: options, environment, and earlier results."""

from __future__ import annotations

from dataclasses import dataclass, field

from verifier.environment import Environment
from verifier.options import VerifyOptions
from verifier.parse import Presented
from verifier.report import CheckResult


@dataclass
class CheckContext:
    """Handed to every check's ``run``.

    :ivar options: the verification options (``now``, limits, challenge, ...).
    :ivar env: process-wide services.
    :ivar presented: the whole parsed input (a nested credential can see its presentation).
    :ivar prior: results already known, keyed by (credential pointer, check id).
    """

    options: VerifyOptions
    env: Environment
    presented: Presented
    prior: dict[tuple[str, str], CheckResult] = field(default_factory=dict)
