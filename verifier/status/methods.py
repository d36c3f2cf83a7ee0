"""The status methods, one module each, by ``credentialStatus`` type (STYLE.md rule 2).

Each module holds ``NAME``, ``ENTRY_TYPE``, ``UNSIGNED_LIST_ALLOWED`` and three functions:
``parse_entry(entry) -> EntryRef`` (field rules, before any fetch), ``read_list(document, *,
max_decoded_bytes) -> DecodedList`` (list rules and decoding, after the list verified) and
``evaluate(ref, record, credential, *, strict_length) -> EntryResult``.

Not yet: Open Badges 2.0 hosted/signed assertion revocation (needs OB 2.0 input, which the parser
does not accept yet). An entry of any type not listed here is ``indeterminate`` naming the type.
"""

from __future__ import annotations

from types import ModuleType

from verifier.status import bitstring, revocation_list_1edtech, revocation_list_2020, statuslist2021

__all__ = ["METHODS", "method_for"]


def _registry(*modules: ModuleType) -> dict[str, ModuleType]:
    out: dict[str, ModuleType] = {}
    for module in modules:
        if module.ENTRY_TYPE in out:
            raise ValueError(f"duplicate status method for {module.ENTRY_TYPE!r}")
        out[module.ENTRY_TYPE] = module
    return out


#: credentialStatus type -> method module.
METHODS: dict[str, ModuleType] = _registry(bitstring, statuslist2021, revocation_list_2020, revocation_list_1edtech)


def method_for(types: list[str]) -> ModuleType | None:
    """The method for an entry's types (the first known one), or None."""
    for t in types:
        module = METHODS.get(t)
        if module is not None:
            return module
    return None
