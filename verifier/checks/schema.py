"""Check ``schema``: the credential satisfies the JSON Schemas its ``credentialSchema`` names.

Types (issue 11):

* ``1EdTechJsonSchemaValidator2019`` (Open Badges 3.0 §8.2 / CLR 2.0 "credentialSchema"; 1EdTech JSON
  Schema Validator 2019) and ``JsonSchema`` (W3C VC JSON Schema §3.1.1): the schema at ``id`` is read
  from the offline bundle or the operator's installed set (``ler-verifier schemas add URL FILE``,
  pinned by SHA-256), or fetched when the operator set ``LER_FETCH_SCHEMAS=true``; then the credential
  is validated with ``jsonschema``. A violation fails the check, naming the JSON pointer and the rule;
  a schema we do not have is ``indeterminate`` (``SCHEMA_NOT_AVAILABLE``), never passed.
* ``JsonSchemaCredential`` (W3C VC JSON Schema §3.1.2, a schema wrapped in a credential that must itself
  be verified) and any other type: ``indeterminate`` (``UNSUPPORTED_SCHEMA_TYPE``).

The check is reported for every credential (``not_applicable`` without ``credentialSchema``) and
counts towards ``verified`` only with the ``requireSchema`` option.

What is validated is the JSON **as presented**, as 1EdTech's validator does: the credential object
(for a VC-JWT, the ``vc`` claim of VCDM 1.1 style or the payload of a ``vc+jwt``), not the RDF meaning a
Data Integrity proof signs. A JSON-LD respelling changes what the schema sees without changing the signed
meaning: written under an alias (an inline ``@context``, a prefix, a full IRI) a required property is
missing to the schema, so the check fails (a false failure, never a false pass); and a document whose
plain names satisfy the schema while an inline context makes them mean something else passes the schema
but not the proof, whose signed-meaning gate (:mod:`verifier.signed_meaning`) refuses a JSON that says
something other than what is signed for every checked property (``credentialSchema`` among them). So a
schema pass says "this JSON has the shape the schema asks for", nothing about meaning; ``verified`` still
needs the proof. A JWT signs the bytes themselves: there the schema sees exactly what is signed.
"""

from __future__ import annotations

from typing import Any

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.errors import CheckNotPossible
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome
from verifier.schemas.store import fetch_schema, lookup_local
from verifier.schemas.validate import validate_instance

ID = C.CHECK_SCHEMA
DESCRIPTION = "The credential satisfies the JSON Schemas its credentialSchema names."

VALIDATED_TYPES = ("1EdTechJsonSchemaValidator2019", "JsonSchema")


def applies_to(item: CredentialItem) -> bool:
    """A credential (not a presentation) that states a ``credentialSchema`` (an empty list states none: it
    expands to nothing, JSON-LD 1.1 §9.4)."""
    return item.kind == "credential" and _instance(item).get("credentialSchema") not in (None, [])


def _instance(item: CredentialItem) -> dict[str, Any]:
    """The credential JSON as presented (a VC-JWT's ``vc`` claim or payload, not the claims mapped back)."""
    if item.jwt is not None:
        vc = item.jwt.payload.get("vc")
        return vc if item.jwt.style == "vc1.1" and isinstance(vc, dict) else item.jwt.payload
    return item.document


async def _load(url: str, ctx: CheckContext) -> tuple[Any, dict[str, str]]:
    """The schema at ``url``: local first, fetched only when the operator allows it.

    :raises CheckNotPossible: not available, unreadable, or not a valid JSON Schema.
    """
    resources = ctx.env.resources
    found = lookup_local(url, resources)
    if found is not None:
        return found
    if resources.fetch_schemas and resources.offline_bundle is None and ctx.env.fetcher is not None:
        return await fetch_schema(url, ctx.env.fetcher)
    raise CheckNotPossible(f"the schema {url} is not installed (install it with `ler-verifier schemas add {url} "
                           "FILE`; schemas are never fetched unless LER_FETCH_SCHEMAS=true)",
                           problem_code=C.PROBLEM_SCHEMA_NOT_AVAILABLE)


def _retrieve_local(ctx: CheckContext):
    def retrieve(uri: str) -> Any:
        found = lookup_local(uri, ctx.env.resources)
        if found is None:
            raise CheckNotPossible(f"{uri} is not installed")
        return found[0]
    return retrieve


async def _judge(entry: Any, pointer: str, instance: dict[str, Any], ctx: CheckContext) -> dict[str, Any]:
    """One ``credentialSchema`` entry -> evidence with ``outcome``, ``detail`` and ``problem``."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get("type"), str):
        return {"pointer": pointer, "outcome": Outcome.FAILED, "problem": C.PROBLEM_MALFORMED_VALUE_ERROR,
                "detail": f"{pointer} must be an object with a string 'id' and 'type' (VCDM 2.0 §4.11)"}
    url, kind = entry["id"], entry["type"]
    out: dict[str, Any] = {"pointer": pointer, "id": url, "type": kind}
    if kind not in VALIDATED_TYPES:
        why = ("a JsonSchemaCredential must itself be verified first; not supported" if kind == "JsonSchemaCredential"
               else f"credentialSchema type {kind!r} is not supported (supported: {', '.join(VALIDATED_TYPES)})")
        return {**out, "outcome": Outcome.INDETERMINATE, "problem": C.PROBLEM_UNSUPPORTED_SCHEMA_TYPE, "detail": why}
    try:
        schema, where = await _load(url, ctx)
        violations = validate_instance(instance, schema, retrieve=_retrieve_local(ctx), schema_checked=True)
    except CheckNotPossible as exc:
        code = exc.problem_code if exc.problem_code != C.PROBLEM_VERIFICATION_ERROR else C.PROBLEM_SCHEMA_NOT_AVAILABLE
        return {**out, "outcome": Outcome.INDETERMINATE, "problem": code,
                "detail": exc.detail if url in exc.detail else f"{url}: {exc.detail}"}
    out.update(where)
    if violations:
        first = violations[0]
        out["violations"] = [v.to_json() for v in violations]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        return {**out, "outcome": Outcome.FAILED, "problem": C.PROBLEM_SCHEMA_VALIDATION_ERROR,
                "detail": f"{first.pointer or '/'} breaks '{first.keyword}' of {url} at {first.schema_path}: "
                          f"{first.message}{more}"}
    return {**out, "outcome": Outcome.PASSED, "detail": f"valid against {url}"}


async def run(item: CredentialItem, ctx: CheckContext) -> CheckResult:
    """Validate against every ``credentialSchema`` entry; failed beats indeterminate beats passed."""
    instance = _instance(item)
    value = instance.get("credentialSchema")
    entries = [("/credentialSchema", value)] if not isinstance(value, list) else \
        [(f"/credentialSchema/{i}", v) for i, v in enumerate(value)]
    judged = [await _judge(entry, pointer, instance, ctx) for pointer, entry in entries]
    evidence = {"schemas": [{k: (v.value if isinstance(v, Outcome) else v) for k, v in j.items()} for j in judged]}
    for outcome in (Outcome.FAILED, Outcome.INDETERMINATE):
        bad = [j for j in judged if j["outcome"] == outcome]
        if bad:
            return CheckResult(ID, outcome, "; ".join(j["detail"] for j in bad), bad[0]["problem"], evidence,
                               target=item.pointer)
    return CheckResult(ID, Outcome.PASSED, "; ".join(j["detail"] for j in judged), None, evidence, target=item.pointer)
