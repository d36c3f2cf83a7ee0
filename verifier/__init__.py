"""ler-verifier: verification of Learning and Employment Records (W3C Verifiable Credentials).

The public door of the verification core (STYLE.md rule 1)::

    from verifier import verify_credential, VerifyOptions, Outcome
    report = await verify_credential(data, env=env, options=VerifyOptions(now=...))
    report.verified, report.to_json()
"""

from verifier.api import verify, verify_credential, verify_presentation
from verifier.environment import CpuRunner, Environment
from verifier.errors import CheckNotPossible, InputError, VerificationFailed, VerifierError
from verifier.options import Limits, ResourceConfig, VerifyOptions
from verifier.report import CheckResult, Outcome, Report

__all__ = [
    "verify",
    "verify_credential",
    "verify_presentation",
    "Report",
    "CheckResult",
    "Outcome",
    "VerifyOptions",
    "Limits",
    "ResourceConfig",
    "Environment",
    "CpuRunner",
    "VerifierError",
    "InputError",
    "VerificationFailed",
    "CheckNotPossible",
]
