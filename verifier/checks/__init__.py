"""The checks, one module each, and the registry that lists them in report order (STYLE.md rule 2).

Each module holds ``ID``, ``DESCRIPTION``, ``applies_to(item) -> bool`` and
``async def run(item, ctx) -> CheckResult``.
"""

from __future__ import annotations

from types import ModuleType

from verifier.checks import holder_binding, issuer_key, issuer_trust, parse, proof, recipient, status, validity
from verifier.checks import schema  # issue 11


def _registry(*modules: ModuleType) -> dict[str, ModuleType]:
    out: dict[str, ModuleType] = {}
    for module in modules:
        if module.ID in out:
            raise ValueError(f"duplicate check id {module.ID!r}")
        out[module.ID] = module
    return out


#: check id -> module, in report order.
CHECKS: dict[str, ModuleType] = _registry(parse, proof, issuer_key, validity, status, issuer_trust, schema,
                                          holder_binding, recipient)

#: checks that are expensive or networked and go through the dispatcher (DESIGN.md "Data flow" step 4).
DISPATCHED = frozenset({proof.ID, status.ID, issuer_trust.ID})

#: checks that read other credentials' proof results (a presentation's signer): run in place once every
#: credential's dispatched checks are done.
AFTER_PROOFS = frozenset({holder_binding.ID, recipient.ID})


def describe() -> list[tuple[str, str]]:
    """(id, one-line description) for every check, in report order."""
    return [(cid, m.DESCRIPTION) for cid, m in CHECKS.items()]
