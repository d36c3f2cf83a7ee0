"""JSON Schemas that ``credentialSchema`` entries name: where they come from and how a credential is
validated against them (issue 11; 1EdTech ``1EdTechJsonSchemaValidator2019``, W3C VC JSON Schema ``JsonSchema``).

No registry package carries the Open Badges 3.0 / CLR 2.0 schemas, so none is bundled: a schema is read
from the offline bundle, from the operator's installed set (``ler-verifier schemas add URL FILE``, pinned
by SHA-256), or fetched only when the operator sets ``LER_FETCH_SCHEMAS=true``.
"""

from verifier.schemas.store import install_schema, list_schemas, lookup_local
from verifier.schemas.validate import Violation, validate_instance

__all__ = ["install_schema", "list_schemas", "lookup_local", "Violation", "validate_instance"]
