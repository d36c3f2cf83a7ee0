"""Language choice over HTTP (``Accept-Language`` with q-values), for bulk jobs (``lang``), and a cached
report shown in another language; codes never change."""

from __future__ import annotations

import copy

from tests.service.conftest import issuer_key, make_client, signed_credential  # noqa: F401 - fixtures
from tests.service.test_jobs import wait_done
from verifier.options import VerifyOptions
from workers.jobs import requests_from_json, requests_to_json
from workers.verification import VerifyRequest


async def _verify(client, credential, accept=None):
    headers = {"Accept-Language": accept} if accept is not None else {}
    resp = await client.post("/credentials/verify", json={"verifiableCredential": credential}, headers=headers)
    assert resp.status == 200
    return resp, await resp.json()


async def test_accept_language_picks_the_language_and_the_cache_serves_both(make_client, signed_credential):
    client = await make_client()
    resp, en = await _verify(client, signed_credential)
    assert resp.headers["Content-Language"] == "en" and "Accept-Language" in resp.headers["Vary"]
    assert en["lang"] == "en" and en["headline"].startswith("Valid: issued by Example Community College")
    resp, es = await _verify(client, signed_credential, "fr-CH, es-MX;q=0.9, en;q=0.8")
    assert resp.headers["Content-Language"] == "es" and es["cached"] is True
    assert es["headline"].startswith("Válida: emitida por Example Community College")
    assert es["results"][1]["title"] == "La firma es válida: nada cambió después de firmarse"
    assert [(r["check"], r["outcome"]) for r in es["results"]] == [(r["check"], r["outcome"]) for r in en["results"]]
    assert es["summary"]["notice"].startswith("Estos datos") and es["summary"]["language"] == "es"
    # the cached copy was not changed by the Spanish answer
    resp, again = await _verify(client, signed_credential, "en;q=1, es;q=0.5")
    assert again["cached"] is True and again["headline"] == en["headline"] and again["lang"] == "en"
    resp, fallback = await _verify(client, signed_credential, "de, es;q=0")
    assert fallback["lang"] == "en"


async def test_failed_answer_in_spanish(make_client, signed_credential):
    client = await make_client()
    forged = copy.deepcopy(signed_credential)
    forged["name"] = "Forged"
    _, body = await _verify(client, forged, "es")
    assert body["verified"] is False
    assert body["headline"] == "No válida: la firma no coincide: la credencial se modificó después de firmarse"
    assert body["errors"][0]["code"] == "PROOF_VERIFICATION_ERROR"
    assert body["errors"][0]["title"] == "La firma no coincide: la credencial se modificó después de firmarse"
    assert body["problemDetails"][0]["title"] == body["errors"][0]["title"]
    assert body["summary"]["basis"] == "unverified" and body["summary"]["notice"].startswith("Afirmaciones no verificadas")


async def test_bulk_job_lang(make_client, signed_credential):
    client = await make_client()
    resp = await client.post("/verifications", json={"items": [{"verifiableCredential": signed_credential}],
                                                     "lang": "es"})
    assert resp.status == 202
    job = await wait_done(client, resp.headers["Location"])
    result = job["items"][0]["result"]
    assert result["lang"] == "es" and result["headline"].startswith("Válida")
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential},
                             headers={"Accept-Language": "es-ES"})
    job = await wait_done(client, resp.headers["Location"])
    assert job["items"][0]["result"]["lang"] == "es"
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential, "lang": "en"},
                             headers={"Accept-Language": "es"})
    job = await wait_done(client, resp.headers["Location"])
    assert job["items"][0]["result"]["lang"] == "en"
    resp = await client.post("/verifications", json={"items": [{"verifiableCredential": signed_credential}],
                                                     "lang": "klingon"})
    problem = await resp.json()
    assert resp.status == 400 and problem["errors"][0]["pointer"] == "/lang"


def test_bulk_items_carry_their_language_to_workers():
    request = VerifyRequest(document={"a": 1}, expect="credential", options=VerifyOptions(), lang="es")
    assert requests_from_json(requests_to_json([request]))[0].lang == "es"


async def test_rich_summary_matches_the_openapi_document(make_client):
    from tests.i18n.ob3_examples import rich_ob3
    from tests.service.test_openapi_and_metrics import _validate
    from tests.signing import new_key, sign_ldp

    client = await make_client()
    key = new_key()
    resp, body = await _verify(client, sign_ldp(rich_ob3(key.did), key), "es")
    _validate("/credentials/verify", "post", 200, "application/json", body)
    assert len(body["summary"]["skills"]) == 6 and body["summary"]["credentials"][0]["achievements"][0]["category"] == "Certificado"


async def test_service_problems_have_titles_in_the_asked_language(make_client):
    client = await make_client()
    resp = await client.post("/credentials/verify", data=b"{nope", headers={"Content-Type": "application/json",
                                                                          "Accept-Language": "es"})
    problem = await resp.json()
    assert resp.status == 400 and problem["code"] in ("PARSING_ERROR", "INVALID_REQUEST")
    assert problem["title"] in ("El archivo no se pudo leer como una credencial", "La solicitud no se pudo usar")
    resp = await client.get("/no-such-route", headers={"Accept-Language": "es"})
    problem = await resp.json()
    assert resp.status == 404 and problem["code"] == "NOT_FOUND" and problem["title"] == "No se encontró nada aquí"
    resp = await client.get("/no-such-route")
    assert (await resp.json())["title"] == "Nothing was found here"
