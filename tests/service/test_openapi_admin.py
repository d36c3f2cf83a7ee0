"""The admin API in the served OpenAPI document stays true: every route of the mounted admin sub-app is
documented (and nothing else under /admin), real answers of a running service validate against the
documented schemas and headers, every documented example validates, and the documented request bodies
are the schemas the server validates with."""

from __future__ import annotations

import copy
import json
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.service.conftest import running, service_settings
from tests.service.test_jobs import api_keys
from tests.service.test_openapi_and_metrics import _REGISTRY, DOC, _check
from trust_registry import schemas
from verifier.service import create_app
from verifier.service.handlers.meta import OPENAPI_ADMIN_PATH, merge_openapi

PREFIX = "/admin"
ADMIN_PATHS = {path: item for path, item in DOC["paths"].items() if path.startswith(PREFIX + "/")}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CHOICE = re.compile(r"\(\?P<(\w+)>([\w-]+(?:\|[\w-]+)+)\)")  # a {name:a|b|c} path segment of the router
_ANNOTATIONS = ("description", "examples", "example", "title", "default")


def _operations():
    for path, item in ADMIN_PATHS.items():
        for method, op in item.items():
            assert method in METHODS, f"{path}: {method!r} is not an operation"
            yield path, method, op


def _resolve(node):
    """Follow ``$ref`` (``#/...`` pointers into the served document) to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target = DOC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _pointer(*parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _validator_at(*parts) -> Draft202012Validator:
    """A validator for the schema at ``parts`` of the served document (its ``$ref``s resolved in place)."""
    return Draft202012Validator({"$ref": "urn:ler:openapi#" + _pointer(*parts)}, registry=_REGISTRY,
                                format_checker=FormatChecker())


def _errors(validator: Draft202012Validator, value) -> list[str]:
    return [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(value)]


def _router_operations(app) -> set[tuple[str, str]]:
    """(METHOD, path) of every route of the sub-app mounted at /admin (mounting prefixed its paths); a
    ``{verb:a|b}`` segment stands for one path per choice; HEAD is the automatic twin of a GET."""
    mounted = [r.get_info()["app"] for r in app.router.resources() if r.get_info().get("prefix") == PREFIX]
    assert len(mounted) == 1, "the admin sub-app is mounted at /admin once"
    out, heads = set(), set()
    for route in mounted[0].router.routes():
        info = route.resource.get_info()
        templates = [info["path"]] if "path" in info else [info["formatter"]]
        for name, choices in _CHOICE.findall(info.get("pattern").pattern if "pattern" in info else ""):
            templates = [t.replace("{%s}" % name, c) for t in templates for c in choices.split("|")]
        for template in templates:
            assert template.startswith(PREFIX + "/"), template
            (heads if route.method == "HEAD" else out).add((route.method, template))
    assert heads == {("HEAD", path) for method, path in out if method == "GET"}
    return out


# ------------------------------------------------------------------ (1) the document and the router agree

def test_every_admin_route_is_documented_and_no_other(tmp_path):
    routed = _router_operations(create_app(service_settings(tmp_path)))
    documented = {(method.upper(), path) for path, method, _op in _operations()}
    assert routed - documented == set(), "routes of the admin sub-app missing from the document"
    assert documented - routed == set(), "documented /admin operations no route serves"
    assert len(documented) == 26


def test_admin_operations_declare_their_parameters_security_and_answers():
    op_ids = [op["operationId"] for _p, _m, op in _operations()]
    assert len(op_ids) == len(set(op_ids))
    for path, method, op in _operations():
        where = f"{method.upper()} {path}"
        params = [_resolve(p) for p in op.get("parameters", [])]
        in_path = {p["name"] for p in params if p["in"] == "path"}
        assert in_path == set(re.findall(r"{(\w+)}", path)), where
        assert all(p["required"] for p in params if p["in"] == "path"), where
        assert op["security"] == [{"AdminBearer": []}], where
        answers = op["responses"]
        assert {"401", "403", "500", "503"} <= set(answers), where
        if method in ("post", "patch") and not path.endswith("/import"):
            assert _resolve(op["requestBody"])["content"]["application/json"], where
            assert {"400", "413", "415", "422"} <= set(answers), where
        if method == "patch" or method == "delete":
            assert {"404", "412", "428"} <= set(answers), where
            assert any(p["name"] == "If-Match" and p["required"] for p in params), where
        for status, answer in answers.items():
            answer = _resolve(answer)
            assert answer["headers"]["X-Request-Id"] == {"$ref": "#/components/headers/XRequestId"}, where
            if int(status) >= 400:
                assert answer["content"]["application/problem+json"]["schema"] == \
                    {"$ref": "#/components/schemas/AdminProblem"}, f"{where} {status}"


def test_admin_file_holds_only_admin_paths_and_admin_components_and_every_ref_resolves():
    part = json.loads(OPENAPI_ADMIN_PATH.read_text(encoding="utf-8"))
    assert set(part["paths"]) == set(ADMIN_PATHS)
    for section, entries in part["components"].items():
        assert all(name.startswith("Admin") for name in entries), section
    text = json.dumps(part)
    for section, entries in part["components"].items():
        for name in entries:
            if section != "securitySchemes":
                assert f'"#/components/{section}/{name}"' in text, f"{section}/{name} is not used"
    for target in set(re.findall(r'"\$ref": "([^"]+)"', text)):
        assert _resolve({"$ref": target}) is not None, target
    for name, schema in part["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def test_merge_adds_paths_components_and_tags_and_refuses_a_second_definition():
    main = {"openapi": "3.1.0", "paths": {"/a": {}}, "components": {"schemas": {"A": {}}}}
    part = {"description": "x", "paths": {"/admin/b": {}}, "components": {"schemas": {"AdminB": {}},
                                                                         "headers": {"AdminH": {}}},
            "tags": [{"name": "Admin"}]}
    merged = merge_openapi(main, part)
    assert merged == {"openapi": "3.1.0", "paths": {"/a": {}, "/admin/b": {}},
                      "components": {"schemas": {"A": {}, "AdminB": {}}, "headers": {"AdminH": {}}},
                      "tags": [{"name": "Admin"}]}
    assert main == {"openapi": "3.1.0", "paths": {"/a": {}}, "components": {"schemas": {"A": {}}}}
    with pytest.raises(ValueError, match="/a"):
        merge_openapi(main, {"paths": {"/a": {}}})
    with pytest.raises(ValueError, match="schemas/A"):
        merge_openapi(main, {"components": {"schemas": {"A": {}}}})
    with pytest.raises(ValueError, match="Admin"):
        merge_openapi(merged, {"tags": [{"name": "Admin"}]})


# ------------------------------------------------------------------ (3) examples, and the server's own schemas

def test_every_documented_example_validates_against_its_schema():
    counted = {"request": 0, "response": 0, "parameter": 0}
    for path, method, op in _operations():
        for n, param in enumerate(op.get("parameters", [])):
            resolved = _resolve(param)
            if "example" in resolved:
                validator = Draft202012Validator(resolved["schema"], format_checker=FormatChecker())
                assert not _errors(validator, resolved["example"]), f"{method} {path} {resolved['name']}"
                counted["parameter"] += 1
        body = op.get("requestBody")
        for media, content in (body or {}).get("content", {}).items():
            validator = _validator_at("paths", path, method, "requestBody", "content", media, "schema")
            for name, example in content["examples"].items():
                assert not _errors(validator, example["value"]), f"{method.upper()} {path} request {name}"
                counted["request"] += 1
        for status, answer in op["responses"].items():
            for media, content in _resolve(answer).get("content", {}).items():
                validator = _validator_at("paths", path, method, "responses", status, "content", media, "schema")
                assert content.get("examples"), f"{method.upper()} {path} {status} has no example"
                for name, example in content["examples"].items():
                    example = _resolve(example)  # the answers common to every route share one example
                    assert not _errors(validator, example["value"]), f"{method.upper()} {path} {status} {name}"
                    counted["response"] += 1
    for name, header in DOC["components"]["headers"].items():
        if name.startswith("Admin") and "example" in header:
            assert not _errors(Draft202012Validator(header["schema"]), header["example"]), name
    bodies = sum(1 for _p, _m, op in _operations() if "requestBody" in op)
    assert counted["request"] >= bodies and counted["response"] > 26 * 5


def _bare(node):
    """The schema with ``$ref``s inlined and annotations (descriptions, examples) dropped."""
    node = _resolve(node)
    if isinstance(node, list):
        return [_bare(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":  # names of properties, not keywords: a property may be called "description"
            out[key] = {name: _bare(sub) for name, sub in value.items()}
        elif key not in _ANNOTATIONS:
            out[key] = _bare(value)
    return out


@pytest.mark.parametrize("component,server_schema", [
    ("AdminIssuerCreate", schemas.ISSUER_CREATE), ("AdminIssuerPatch", schemas.ISSUER_PATCH),
    ("AdminIdentifierCreate", schemas.IDENTIFIER_CREATE), ("AdminIdentifierPatch", schemas.IDENTIFIER_PATCH),
    ("AdminStatusChange", schemas.STATUS_BODY), ("AdminRegistryCreate", schemas.REGISTRY_CREATE),
    ("AdminRegistryPatch", schemas.REGISTRY_PATCH), ("AdminAuthorization", schemas.AUTHORIZATION),
    ("AdminExportDocument", schemas.EXPORT_DOCUMENT), ("AdminDccLegacyDocument", schemas.DCC_LEGACY_DOCUMENT),
])
def test_documented_request_bodies_are_the_schemas_the_server_validates_with(component, server_schema):
    documented = _bare({"$ref": f"#/components/schemas/{component}"})
    assert documented == json.loads(json.dumps(server_schema))


# ------------------------------------------------------------------ (2) real answers of a running service

async def _answer(resp, path: str, method: str):
    """Check a real answer against the document: its status is documented, each documented header that is
    required is there, every documented header present validates, and the body validates."""
    response = _resolve(DOC["paths"][path][method]["responses"].get(str(resp.status)))
    where = f"{method.upper()} {path} {resp.status}"
    assert response is not None, f"{where} is not documented: {await resp.text()}"
    for name, header in response.get("headers", {}).items():
        header = _resolve(header)
        value = resp.headers.get(name)
        if value is None:
            assert not header.get("required"), f"{where}: no {name} header"
            continue
        assert not _errors(Draft202012Validator(header["schema"]), value), f"{where}: {name}: {value!r}"
    if "content" not in response:
        assert await resp.read() == b"", where
        return None
    return await _check(resp, path, method)


def _example(path: str, method: str, media: str = "application/json"):
    content = DOC["paths"][path][method]["requestBody"]["content"][media]
    return copy.deepcopy(next(iter(content["examples"].values()))["value"])


async def test_real_admin_answers_match_the_document(tmp_path):
    settings = service_settings(tmp_path, rate_limit_per_s=0, max_body_bytes=20_000)
    async with running(settings) as client:
        keys = await api_keys(tmp_path, ("ops", "admin"), ("hr-system", "verify"))
        h = keys["ops"]

        async def call(method: str, path: str, doc_path: str | None = None, status: int | None = None, **kw):
            resp = await client.request(method, path, **kw)
            body = await _answer(resp, doc_path or path.split("?")[0], method.lower())
            if status is not None:
                assert resp.status == status, (method, path, resp.status, body)
            return resp, body

        # auth
        await call("GET", "/admin/issuers", status=401)
        await call("GET", "/admin/issuers", status=401, headers={"Authorization": "Bearer ler_nope"})
        await call("GET", "/admin/version", status=403, headers=keys["hr-system"])
        await call("POST", "/admin/issuers", status=403, headers=keys["hr-system"], json={"name": "x"})

        # registries
        resp, reg = await call("POST", "/admin/registries", status=201, headers=h,
                               json=_example("/admin/registries", "post"))
        await call("POST", "/admin/registries", status=409, headers=h, json={"name": reg["name"]})
        await call("POST", "/admin/registries", status=422, headers=h, json={"name": "x", "priority": 10**7})
        await call("GET", "/admin/registries", status=200, headers=h)
        reg_path, reg_doc = f"/admin/registries/{reg['name']}", "/admin/registries/{name}"
        resp, _ = await call("GET", reg_path, reg_doc, 200, headers=h)
        await call("PATCH", reg_path, reg_doc, 428, headers=h, json={"priority": 5})
        await call("PATCH", reg_path, reg_doc, 412, headers={**h, "If-Match": '"999"'}, json={"priority": 5})
        resp, _ = await call("PATCH", reg_path, reg_doc, 200, headers={**h, "If-Match": resp.headers["ETag"]},
                             json=_example(reg_doc, "patch"))
        await call("GET", "/admin/registries/nope", reg_doc, 404, headers=h)

        # issuers
        resp, issuer = await call("POST", "/admin/issuers", status=201, headers=h,
                                  json=_example("/admin/issuers", "post"))
        issuer_path, issuer_doc = resp.headers["Location"], "/admin/issuers/{issuer_id}"
        await call("POST", "/admin/issuers", status=409, headers=h, json=_example("/admin/issuers", "post"))
        await call("POST", "/admin/issuers", status=422, headers=h, json={"name": "", "bad": 1, "homepage": "ftp://x"})
        await call("POST", "/admin/issuers", status=422, headers=h, json={"name": "x", "registry": "nope"})
        await call("POST", "/admin/issuers", status=400, headers={**h, "Content-Type": "application/json"}, data="{")
        await call("POST", "/admin/issuers", status=415, headers={**h, "Content-Type": "text/plain"}, data="x")
        await call("POST", "/admin/issuers", status=413, headers=h, json={"name": "x", "notes": "n" * 30_000})
        _resp, page = await call("GET", "/admin/issuers", status=200, headers=h, params={"q": "lakeside"})
        assert page["total"] == 1
        await call("GET", "/admin/issuers", status=400, headers=h, params={"limit": "0"})
        resp, _ = await call("GET", issuer_path, issuer_doc, 200, headers=h)
        etag = resp.headers["ETag"]
        await call("GET", "/admin/issuers/nope", issuer_doc, 404, headers=h)
        await call("PATCH", issuer_path, issuer_doc, 428, headers=h, json={"notes": "n"})
        resp, _ = await call("PATCH", issuer_path, issuer_doc, 412, headers={**h, "If-Match": '"1"'},
                             json={"notes": "n"})
        assert resp.headers["ETag"] == etag
        await call("PATCH", issuer_path, issuer_doc, 422, headers={**h, "If-Match": etag}, json={"id": "other"})
        resp, _ = await call("PATCH", issuer_path, issuer_doc, 200, headers={**h, "If-Match": etag},
                             json=_example(issuer_doc, "patch"))
        etag = resp.headers["ETag"]
        for verb, status in (("suspend", 200), ("reinstate", 200), ("revoke", 200)):
            doc = f"/admin/issuers/{{issuer_id}}/{verb}"
            body = _example(doc, "post")
            await call("POST", f"{issuer_path}/{verb}", doc, status, headers=h, **({"json": body} if body else {}))
        await call("POST", f"{issuer_path}/suspend", "/admin/issuers/{issuer_id}/suspend", 412,
                   headers={**h, "If-Match": etag})
        await call("POST", f"{issuer_path}/reinstate", "/admin/issuers/{issuer_id}/reinstate", 422, headers=h,
                   json={"reason": 1})

        # identifiers
        idents_doc = "/admin/issuers/{issuer_id}/identifiers"
        await call("GET", f"{issuer_path}/identifiers", idents_doc, 200, headers=h)
        await call("GET", "/admin/issuers/nope/identifiers", idents_doc, 404, headers=h)
        resp, ident = await call("POST", f"{issuer_path}/identifiers", idents_doc, 201, headers=h,
                                 json=_example(idents_doc, "post"))
        await call("POST", f"{issuer_path}/identifiers", idents_doc, 409, headers=h, json={"value": ident["value"]})
        await call("POST", f"{issuer_path}/identifiers", idents_doc, 412, headers={**h, "If-Match": '"1"'},
                   json={"value": "did:web:other.example"})
        _resp, found = await call("GET", "/admin/identifiers", status=200, headers=h,
                                  params={"value": "did:web:Lakeside.example"})
        assert [i["issuer_id"] for i in found["items"]] == [issuer["id"]]
        await call("GET", "/admin/identifiers", status=400, headers=h)
        ident_path, ident_doc = resp.headers["Location"], "/admin/identifiers/{identifier_id}"
        resp, _ = await call("GET", ident_path, ident_doc, 200, headers=h)
        resp, _ = await call("PATCH", ident_path, ident_doc, 200, headers={**h, "If-Match": resp.headers["ETag"]},
                             json=_example(ident_doc, "patch"))
        await call("PATCH", ident_path, ident_doc, 422, headers={**h, "If-Match": "*"},
                   json={"valid_from": "2027-01-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"})
        await call("PATCH", ident_path, ident_doc, 409, headers={**h, "If-Match": "*"},
                   json={"value": "did:web:LAKESIDE.example"})
        for verb in ("suspend", "revoke", "reinstate"):
            doc = f"/admin/identifiers/{{identifier_id}}/{verb}"
            body = _example(doc, "post")
            await call("POST", f"{ident_path}/{verb}", doc, 200, headers=h, **({"json": body} if body else {}))
        await call("DELETE", ident_path, ident_doc, 428, headers=h)
        await call("DELETE", ident_path, ident_doc, 204, headers={**h, "If-Match": "*"})
        await call("GET", ident_path, ident_doc, 404, headers=h)
        await call("POST", f"{ident_path}/suspend", "/admin/identifiers/{identifier_id}/suspend", 404, headers=h)

        # import, export, audit, version
        for fmt in ("ler", "dcc-legacy", "csv"):
            resp, exported = await call("GET", "/admin/export", status=200, headers=h, params={"format": fmt})
        resp, exported = await call("GET", "/admin/export", status=200, headers=h, params={"registry": reg["name"]})
        await call("GET", "/admin/export", status=404, headers=h, params={"registry": "nope"})
        await call("GET", "/admin/export", status=400, headers=h, params={"format": "xml"})
        _resp, summary = await call("POST", "/admin/import", status=200, headers=h, data=json.dumps(exported))
        assert summary["unchanged"] == 1
        await call("POST", "/admin/import", status=200, headers=h, params={"format": "csv"},
                   data=_example("/admin/import", "post", "text/csv").replace("lakeside", "lakeside-csv")
                   .replace("did:web:lakeside.example", "did:web:csv.lakeside.example"))
        await call("POST", "/admin/import", status=200, headers=h, params={"format": "dcc-legacy"},
                   data=json.dumps({"registry": {"did:web:dcc.example": {"name": "DCC College"}}}))
        await call("POST", "/admin/import", status=422, headers=h, data="{}")
        await call("POST", "/admin/import", status=400, headers=h, params={"mode": "sometimes"}, data="{}")
        clash = _example("/admin/import", "post")
        clash["issuers"][0].update(id="another", identifiers=[{"value": "did:web:lakeside.example"}])
        await call("POST", "/admin/import", status=409, headers=h, data=json.dumps(clash))
        _resp, audit = await call("GET", "/admin/audit", status=200, headers=h, params={"limit": "2"})
        assert len(audit["items"]) == 2 and audit["next"].startswith("/admin/audit?")
        _resp, older = await call("GET", audit["next"], "/admin/audit", 200, headers=h)
        assert older["items"][0]["id"] < audit["items"][-1]["id"]
        await call("GET", "/admin/audit", status=400, headers=h, params={"entity": "nothing"})
        _resp, version = await call("GET", "/admin/version", status=200, headers=h)
        assert version["version"] >= 10

        # deletes
        await call("DELETE", reg_path, reg_doc, 409, headers={**h, "If-Match": "*"})
        await call("DELETE", reg_path, reg_doc, 412, headers={**h, "If-Match": '"999"'})
        await call("DELETE", issuer_path, issuer_doc, 412, headers={**h, "If-Match": etag})
        await call("DELETE", issuer_path, issuer_doc, 204, headers={**h, "If-Match": "*"})
        await call("DELETE", "/admin/issuers/nope", issuer_doc, 404, headers={**h, "If-Match": "*"})
        await call("DELETE", "/admin/registries/nope", reg_doc, 404, headers={**h, "If-Match": "*"})
        _resp, _ = await call("POST", "/admin/registries", status=201, headers=h, json={"name": "empty"})
        await call("DELETE", "/admin/registries/empty", reg_doc, 204, headers={**h, "If-Match": "*"})
