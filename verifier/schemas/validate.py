"""Validate a credential's JSON against a JSON Schema with ``jsonschema`` (no network).

The dialect is the schema's ``$schema`` (Open Badges 3.0 and CLR 2.0 use draft 2019-09), by default
2020-12. ``$ref`` to another document is resolved only through ``retrieve`` (the offline bundle and the
installed set); nothing is fetched here. ``format`` is an annotation, as the 2019-09 and 2020-12
dialects make it by default (1EdTech's validator is no stricter). Only the dialects VC JSON Schema names
are judged (Draft 7, 2019-09, 2020-12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from jsonschema import Draft7Validator, Draft201909Validator, Draft202012Validator
from jsonschema.exceptions import SchemaError, _RefResolutionError
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

from verifier import constants as C
from verifier.errors import CheckNotPossible

#: JSON Schema dialects W3C VC JSON Schema §3 names (Draft 7, 2019-09, 2020-12); Open Badges 3.0 and CLR 2.0
#: schemas are 2019-09. An older dialect (draft-04, as Blockcerts' samples) is not judged: indeterminate.
SUPPORTED_DIALECTS = (Draft7Validator, Draft201909Validator, Draft202012Validator)

#: most violations reported for one schema.
MAX_VIOLATIONS = 20


@dataclass(frozen=True)
class Violation:
    """One rule the instance breaks.

    :ivar pointer: JSON pointer (RFC 6901) of the offending value in the instance ("" = the whole document).
    :ivar keyword: the schema keyword that failed (``required``, ``type``, ``const``...).
    :ivar schema_path: JSON pointer of that keyword in the schema.
    :ivar message: jsonschema's sentence for it.
    """

    pointer: str
    keyword: str
    schema_path: str
    message: str

    def to_json(self) -> dict[str, str]:
        """``{"pointer", "keyword", "schemaPath", "message"}``."""
        return {"pointer": self.pointer, "keyword": self.keyword, "schemaPath": self.schema_path,
                "message": self.message}


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validate_instance(instance: Any, schema: Any, *, retrieve: Callable[[str], Any] | None = None,
                      schema_checked: bool = False) -> list[Violation]:
    """Validate ``instance`` (parsed JSON) against ``schema``.

    :param retrieve: URL -> schema document, for ``$ref`` to other documents; raises
        :class:`CheckNotPossible` when it has none.
    :param schema_checked: the schema was already checked against its metaschema (as
        :func:`verifier.schemas.store.parse_schema_bytes` does): skip that (it costs milliseconds).
    :returns: the violations (at most :data:`MAX_VIOLATIONS`, in instance order); empty when valid.
    :raises CheckNotPossible: the schema is not a valid JSON Schema, a ``$ref`` cannot be resolved, or
        the schema nests too deeply to evaluate.
    """

    def _retrieve(uri: str) -> Resource:
        if retrieve is None:
            raise NoSuchResource(ref=uri)
        try:
            return Resource.from_contents(retrieve(uri), default_specification=DRAFT202012)
        except CheckNotPossible as exc:
            raise NoSuchResource(ref=uri) from exc

    cls = validator_for(schema, default=Draft202012Validator)
    if cls not in SUPPORTED_DIALECTS:
        raise CheckNotPossible(f"the schema's dialect ({schema.get('$schema') if isinstance(schema, dict) else '?'}) "
                               "is not one VC JSON Schema supports (Draft 7, 2019-09, 2020-12)",
                               problem_code=C.PROBLEM_UNSUPPORTED_SCHEMA_TYPE)
    try:
        if not schema_checked:
            cls.check_schema(schema)
        validator = cls(schema, registry=Registry(retrieve=_retrieve))
        found = []
        for error in validator.iter_errors(instance):
            found.append(Violation(_pointer(error.absolute_path), str(error.validator),
                                   _pointer(error.absolute_schema_path), error.message))
            if len(found) >= MAX_VIOLATIONS:
                break
    except SchemaError as exc:
        raise CheckNotPossible(f"not a valid JSON Schema: {exc.message}") from exc
    except (Unresolvable, _RefResolutionError) as exc:
        raise CheckNotPossible(f"a $ref in the schema cannot be resolved without the network: {exc}") from exc
    except RecursionError as exc:
        raise CheckNotPossible("the schema nests too deeply to evaluate") from exc
    return sorted(found, key=lambda v: (v.pointer, v.schema_path))
