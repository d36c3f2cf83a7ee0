"""The per-verification state a check sees: options, environment, and earlier results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    :ivar memo: values derived once per verification and shared by the layers that need them (e.g. a
        credential's canonical bytes, keyed ``("bytes", pointer)``: the cache and the queue both key on them).
    """

    options: VerifyOptions
    env: Environment
    presented: Presented
    prior: dict[tuple[str, str], CheckResult] = field(default_factory=dict)
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)
