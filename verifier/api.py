"""The library entry points: verify a credential or a presentation.

Parse (limits first), plan and run every check, aggregate the report (DESIGN.md "Data flow").
"""

from __future__ import annotations

import json
from typing import Any, Literal

from verifier.dispatch import Dispatcher, InlineDispatcher
from verifier.environment import Environment
from verifier.options import VerifyOptions
from verifier.parse import parse_presented
from verifier.pipeline import verify_presented
from verifier.report import Report


def _as_bytes(data: bytes | str | dict[str, Any]) -> bytes:
    if isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


async def verify(data: bytes | str | dict[str, Any], *, env: Environment, options: VerifyOptions | None = None,
                 dispatcher: Dispatcher | None = None,
                 expect: Literal["any", "credential", "presentation"] = "any") -> Report:
    """Verify presented input: a JSON-LD credential/presentation (bytes, text or parsed object) or a compact JWT.

    :param data: the presented document.
    :param env: resolvers, CPU runner, trust and status sources (see :class:`Environment`).
    :param options: time, limits and policy; default: now, default limits.
    :param dispatcher: where dispatched checks run; default in this process.
    :param expect: refuse a presentation where a credential is expected, and the reverse.
    :returns: the :class:`Report`.
    :raises InputError: the input is unreadable (PARSING_ERROR): not JSON or JWT, too large or deep, wrong kind.
    """
    options = options or VerifyOptions()
    presented = parse_presented(_as_bytes(data), limits=options.limits, expect=expect)
    return await verify_presented(presented, options=options, env=env, dispatcher=dispatcher or InlineDispatcher())


async def verify_credential(data: bytes | str | dict[str, Any], *, env: Environment,
                            options: VerifyOptions | None = None, dispatcher: Dispatcher | None = None) -> Report:
    """Verify a verifiable credential (VCDM 1.1/2.0, JSON-LD or VC-JWT); see :func:`verify`."""
    return await verify(data, env=env, options=options, dispatcher=dispatcher, expect="credential")


async def verify_presentation(data: bytes | str | dict[str, Any], *, env: Environment,
                              options: VerifyOptions | None = None, dispatcher: Dispatcher | None = None) -> Report:
    """Verify a verifiable presentation and every credential it carries; see :func:`verify`."""
    return await verify(data, env=env, options=options, dispatcher=dispatcher, expect="presentation")
