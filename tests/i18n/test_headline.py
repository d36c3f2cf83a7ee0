"""The one-sentence headline and outcome-specific row titles (issue 12 §2), on real reports: a status
list served by a real local server, a registry-listed issuer, an expired and a changed credential."""

from __future__ import annotations

from tests.core.credentials import ob3_credential
from tests.core.helpers import run_verify
from tests.signing import new_key, sign_ldp
from tests.status.helpers import bitstring, bitstring_entry, bitstring_list, credential_with, sign_list
from tests.status.test_pipeline import verify_at
from verifier.i18n.headline import headline


async def test_valid_not_revoked_in_both_languages(server):
    issuer = new_key()
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring([4])), issuer))
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    assert report.verified
    assert report.to_json("en")["headline"] == ("Valid: issued by Example Community College (name as stated in the "
                                                "credential, not confirmed), not revoked, checked 29 Nov 2026")
    assert report.to_json("es")["headline"] == ("Válida: emitida por Example Community College (nombre según la "
                                                "credencial, sin confirmar), no revocada, comprobada el 29 nov 2026")


async def test_revoked(server):
    issuer = new_key()
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring([3])), issuer))
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    body = report.to_json("en")
    assert body["headline"] == "Not valid: the issuer revoked this credential"
    status = next(r for r in body["results"] if r["check"] == "status")
    assert status["title"] == "Revoked, suspended, or its revocation list is not valid"
    assert status["message"] == "The issuer revoked this credential" and status["problem"] == "REVOKED"
    assert body["errors"][0]["title"] == "The issuer revoked this credential" and body["errors"][0]["code"] == "REVOKED"
    es = report.to_json("es")
    assert es["headline"] == "No válida: el emisor revocó esta credencial"
    assert es["errors"][0]["code"] == "REVOKED" and es["results"][4]["problem"] == "REVOKED"  # codes never change
    assert es["results"][4]["detail"] == body["results"][4]["detail"]  # detail stays the engineers' English


async def test_status_list_that_does_not_answer(server):
    issuer = new_key()
    url = f"{server.base}/missing"  # the server answers 404
    report = await verify_at(sign_ldp(credential_with(issuer.did, bitstring_entry(url, 3)), issuer),
                             allow_insecure_loopback=True)
    assert not report.verified
    assert report.to_json("en")["headline"] == ("Could not check: the issuer's revocation list did not answer; "
                                                "try again later")
    assert report.to_json("es")["headline"] == ("No se pudo comprobar: la lista de revocación del emisor no "
                                                "respondió; inténtelo más tarde")
    status = next(r for r in report.to_json("en")["results"] if r["check"] == "status")
    assert status["outcome"] == "indeterminate" and status["title"] == "Could not check whether it was revoked"


def test_changed_credential_rows_say_so():
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    doc["name"] = "Forged"
    body = run_verify(doc).to_json("en")
    proof = next(r for r in body["results"] if r["check"] == "proof")
    assert proof["outcome"] == "failed"
    assert proof["title"] == "The signature does not match: the credential was changed after it was signed"
    assert "valid" not in proof["title"].lower()


def test_expired_but_authentic():
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did, validUntil="2026-06-30T00:00:00Z"), key)
    report = run_verify(doc)
    assert [e["code"] for e in report.errors] == ["EXPIRED"]
    assert report.to_json("en")["headline"] == ("Expired: issued by Example Community College (name as stated in "
                                                "the credential, not confirmed) and authentic, but it expired on "
                                                "30 Jun 2026")
    assert report.to_json("es")["headline"].endswith("pero caducó el 30 jun 2026")


def test_several_problems_are_counted_with_plural_forms():
    body = {"verified": False, "results": [], "summary": {"credentials": []}, "errors": [
        {"code": "REVOKED"}, {"code": "EXPIRED"}, {"code": "ISSUER_KEY_MISMATCH"}]}
    assert headline(body, "en") == "Not valid: the issuer revoked this credential (and 2 more problems)"
    assert headline(body, "es") == "No válida: el emisor revocó esta credencial (y 2 problemas más)"
    body["errors"] = body["errors"][:2]
    assert headline(body, "en") == "Not valid: the issuer revoked this credential (and 1 more problem)"
    assert headline(body, "es") == "No válida: el emisor revocó esta credencial (y 1 problema más)"


def test_registry_name_in_the_headline(tmp_path):
    """A listed issuer is named by the registry, unmarked (tests/core/test_issuer_trust does the registry CLI)."""
    body = {"verified": True, "checkedAt": "2026-12-05T10:00:00Z", "credential": {"kind": "credential"},
            "results": [{"check": "status", "outcome": "passed"}],
            "summary": {"credentials": [{"credential": "", "issuer": {"name": "Lakeside Community College",
                                                                       "nameSource": "registry"}}]}}
    assert headline(body, "en") == "Valid: issued by Lakeside Community College, not revoked, checked 5 Dec 2026"
    assert headline(body, "es") == "Válida: emitida por Lakeside Community College, no revocada, comprobada el 5 dic 2026"


async def test_registry_listed_issuer_is_named_by_the_registry_with_its_logo(tmp_path):
    from tests.core.test_issuer_trust import check, registry_cli

    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    registry_cli(tmp_path, "add", "Lakeside Community College", "-i", key.did,
                 "--logo-url", "https://lakeside.example/logo.png")
    report = await check(doc, tmp_path, require_trusted_issuer=True)
    body = report.to_json("en")
    assert body["headline"] == "Valid: issued by Lakeside Community College, checked 29 Nov 2026"
    issuer = body["summary"]["credentials"][0]["issuer"]
    assert issuer["name"] == "Lakeside Community College" and issuer["nameSource"] == "registry"
    assert issuer["logo"] == "https://lakeside.example/logo.png"
    assert issuer["selfAssertedName"] == "Example Community College"
    forged = sign_ldp(ob3_credential(key.did), new_key())  # names the listed issuer, signed by another key
    body = (await check(forged, tmp_path)).to_json("en")
    assert body["summary"]["credentials"][0]["issuer"]["nameSource"] == "credential"
    assert body["summary"]["credentials"][0]["basis"] == "unverified"
    assert body["headline"].startswith("Not valid: the credential was not signed by the issuer it names")


async def test_a_revocation_is_named_before_a_malformed_value(server):
    """Several failed checks: the headline names what most changes the reader's decision (here the
    revocation), not the first check in plan order (a subject named by nobody, a parse failure)."""
    issuer = new_key()
    url = f"{server.base}/list"
    server.json("/list", sign_list(bitstring_list(url, issuer.did, bitstring([3])), issuer))
    credential = credential_with(issuer.did, bitstring_entry(url, 3))
    credential["credentialSubject"].pop("id", None)  # OB 3.0: a badge issued to nobody fails parse
    credential["credentialSubject"].pop("identifier", None)
    report = await verify_at(sign_ldp(credential, issuer), allow_insecure_loopback=True)
    body = report.to_json("en")
    failed = {r["check"] for r in body["results"] if r["outcome"] == "failed"}
    assert {"parse", "status"} <= failed, failed
    assert body["headline"] == "Not valid: the issuer revoked this credential (and 1 more problem)"
