"""The skills summary (issue 12 §1): on our own signed OB 3.0 credentials, the DCC alignments fixture,
OB 2.0 shapes and every corpus credential; ``basis`` says whether the issuer's signature backs it."""

from __future__ import annotations

import copy
import json

import pytest

from tests.conftest import VECTORS, vectors_or_skip
from tests.core.credentials import ob3_credential
from tests.core.helpers import run_verify
from tests.i18n.ob3_examples import ESCO_SKILL, rich_ob3
from tests.signing import new_key, sign_ldp
from verifier.alignment import recognise
from verifier.skills_summary import summarize_credential

DCC_ALIGNMENTS = "credentials/dcc-vc-test-fixtures/v2-dataIntegrityProof-didkey-legacyRegistry-noStatus-noExpiry-alignments.json"


@pytest.fixture(scope="module")
def signed_rich():
    key = new_key()
    return key, sign_ldp(rich_ob3(key.did), key)


def test_signed_ob3_summary_has_every_field(signed_rich):
    _, doc = signed_rich
    report = run_verify(doc)
    assert report.verified
    body = report.to_json("en")
    summary = body["summary"]
    assert summary["basis"] == "signed" and summary["language"] == "en"
    assert summary["notice"].startswith("These details are what the issuer signed")
    entry, = summary["credentials"]
    assert entry["kind"] == "ob3" and entry["credential"] == "" and entry["basis"] == "signed"
    assert entry["validFrom"] == "2026-01-01T00:00:00Z" and entry["validUntil"] == "2030-01-01T00:00:00Z"
    assert entry["issuer"] == {"id": doc["issuer"]["id"], "selfAssertedName": "Example Community College",
                               "name": "Example Community College", "nameSource": "credential"}
    achievement, = entry["achievements"]
    assert achievement["name"] == "Welding Fundamentals"
    assert achievement["languages"]["name"] == {"en": "Welding Fundamentals", "es": "Fundamentos de soldadura"}
    assert achievement["category"] == "Certificate" and achievement["achievementType"] == "Certificate"
    assert achievement["criteria"]["narrative"] == "Pass the practical and written exams."
    assert achievement["image"]["url"] == "https://college.example/badges/weld-101.png"
    assert achievement["creditsAvailable"] == 4 and achievement["fieldOfStudy"] == "Welding Technology"
    assert entry["creditsEarned"] == 4
    result, = entry["results"]
    assert result["description"]["name"] == "Practical exam"
    assert result["achievedLevelDetail"]["name"] == "Exemplary" and result["achievedLevelDetail"]["level"] == "4"
    assert entry["evidence"] == [{"id": "https://college.example/portfolio/42", "url": "https://college.example/portfolio/42",
                                  "name": "Weld portfolio", "narrative": "Photos of six certified welds."}]
    frameworks = [a["framework"] for a in achievement["alignments"]]
    assert frameworks == ["ctdl", "esco-skill", "onet-soc", "case", "osn-rsd", "unrecognised"]
    assert [s["framework"] for s in summary["skills"]] == frameworks
    assert summary["skills"][0]["achievement"] == "https://college.example/achievements/weld-101"


def test_summary_picks_the_callers_language_and_keeps_tags(signed_rich):
    _, doc = signed_rich
    body = run_verify(doc).to_json("es")
    achievement = body["summary"]["credentials"][0]["achievements"][0]
    assert achievement["name"] == "Fundamentos de soldadura" and achievement["category"] == "Certificado"
    assert achievement["languages"]["name"]["en"] == "Welding Fundamentals"
    assert achievement["alignments"][1]["frameworkName"] == "Competencia ESCO"
    assert body["summary"]["notice"].startswith("Estos datos son lo que firmó el emisor")
    # a language the credential does not offer: its first untagged-or-first value
    assert run_verify(doc).to_json("en")["summary"]["credentials"][0]["achievements"][0]["name"] == "Welding Fundamentals"


def test_context_language_tags_plain_strings():
    doc = ob3_credential("did:example:x")
    doc["@context"] = doc["@context"] + [{"@language": "es"}]
    entry = summarize_credential(doc)
    assert entry["achievements"][0]["languages"]["name"] == {"es": "Welding Fundamentals"}


def test_changed_credential_is_marked_unverified_claims(signed_rich):
    _, doc = signed_rich
    forged = copy.deepcopy(doc)
    forged["credentialSubject"]["achievement"]["description"] = "Master welder, 20 years"
    report = run_verify(forged)
    assert not report.verified
    body = report.to_json("en")
    assert body["summary"]["basis"] == "unverified"
    assert body["summary"]["credentials"][0]["basis"] == "unverified"
    assert body["summary"]["notice"].startswith("Unverified claims")
    assert body["headline"].startswith("Not valid: the signature does not match")
    assert run_verify(forged).to_json("es")["summary"]["notice"].startswith("Afirmaciones no verificadas")


def test_signature_by_someone_else_is_unverified():
    issuer, other = new_key(), new_key()
    doc = sign_ldp(rich_ob3(issuer.did), other)  # a valid signature, but not the issuer's key
    body = run_verify(doc).to_json("en")
    assert body["summary"]["basis"] == "unverified"


def test_registry_name_and_logo_come_first():
    from verifier.skills_summary import with_registry

    issuer = {"id": "did:web:lakeside.example", "selfAssertedName": "Totally Real University"}
    shown = with_registry(issuer, {"name": "Lakeside Community College", "logo_url": "https://lakeside.example/logo.png"})
    assert shown["name"] == "Lakeside Community College" and shown["nameSource"] == "registry"
    assert shown["logo"] == "https://lakeside.example/logo.png"
    assert shown["selfAssertedName"] == "Totally Real University"


def test_dcc_alignments_fixture():
    vectors = vectors_or_skip()
    report = run_verify((vectors / DCC_ALIGNMENTS).read_bytes(), bundle=vectors)
    body = report.to_json("en")
    assert body["summary"]["basis"] == "signed"
    entry, = body["summary"]["credentials"]
    achievement, = entry["achievements"]
    assert achievement["name"] == "Text analysis" and achievement["criteria"]["narrative"].startswith("Cite strong")
    first, second = achievement["alignments"]
    assert first["framework"] == "ctdl" and first["code"] == "ce-cf4dee18-7cea-443a-b920-158a0762c6bf"
    assert first["targetFramework"] == "Edmonds College Course Catalog"
    assert second["framework"] == "ctdl" and second["recognisedBy"] == "targetUrl"  # credentialfinder.org
    assert second["targetDescription"] == "This is a description"


@pytest.mark.parametrize("alignment, framework, code", [
    ({"targetType": "ceasn:Competency", "targetUrl": "https://credentialengineregistry.org/resources/ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"},
     "ctdl-asn", "ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"),
    ({"targetCode": "ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"}, "ctdl", "ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"),
    ({"targetUrl": "https://sandbox.credentialengineregistry.org/graph/ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"},
     "ctdl", "ce-9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"),
    ({"targetUrl": "https://opensalt.example/ims/case/v1p0/CFItems/6b1c9e1e-4a5b-11ee-be56-0242ac120002"},
     "case", "6b1c9e1e-4a5b-11ee-be56-0242ac120002"),
    ({"targetCode": "15-1252.00", "targetFramework": "Occupations"}, "onet-soc", "15-1252.00"),
    ({"targetCode": "15-1252", "targetFramework": "O*NET"}, "onet-soc", "15-1252"),
    ({"targetUrl": ESCO_SKILL}, "esco-skill", "5a5b5a8f-4b5a-4b5a-9b5a-5a5b5a8f4b5a"),
    ({"targetUrl": "https://esco.ec.europa.eu/en/classification/occupation?uri=http%3A%2F%2Fdata.europa.eu%2Fesco%2Foccupation%2F1a2b3c4d-0000-4000-8000-000000000001"},
     "esco-occupation", "1a2b3c4d-0000-4000-8000-000000000001"),
    ({"targetName": "Teamwork", "targetFramework": "Open Skills Network"}, "osn-rsd", None),
    ({"targetCode": "15-1252"}, "unrecognised", None),  # a bare SOC-like code names no framework by itself
    ({"targetName": "Teamwork", "targetUrl": "https://skills.example/teamwork"}, "unrecognised", None),
    ({"targetUrl": "https://evil.example/credentialengineregistry.org/ce-x"}, "unrecognised", None),
    ({"targetUrl": "https://credentialengineregistry.org.evil.example/resources/x"}, "unrecognised", None),
])
def test_framework_recognition(alignment, framework, code):
    found = recognise(alignment)
    assert found["framework"] == framework and found["code"] == code


def test_unsafe_links_are_not_offered_as_urls():
    doc = ob3_credential("did:example:x")
    doc["credentialSubject"]["achievement"]["image"] = "javascript:alert(1)"
    doc["credentialSubject"]["achievement"]["alignment"] = [{"targetName": "X", "targetUrl": "javascript:alert(1)"}]
    doc["evidence"] = [{"id": "data:text/html,<script>alert(1)</script>"}]
    entry = summarize_credential(doc)
    achievement = entry["achievements"][0]
    assert "url" not in achievement["image"] and "url" not in achievement["alignments"][0]
    assert achievement["alignments"][0]["framework"] == "unrecognised"  # kept, never dropped
    assert "url" not in entry["evidence"][0]


OB2_ASSERTION = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "Assertion",
    "id": "https://issuer.example/assertions/1",
    "recipient": {"type": "email", "hashed": True, "identity": "sha256$abc"},
    "issuedOn": "2024-05-01T00:00:00Z",
    "expires": "2029-05-01T00:00:00Z",
    "evidence": [{"id": "https://issuer.example/evidence/1", "narrative": "Built a bridge."}],
    "badge": {
        "type": "BadgeClass", "id": "https://issuer.example/badges/bridge",
        "name": "Bridge Builder", "description": "Builds bridges.",
        "image": "https://issuer.example/badges/bridge.png",
        "criteria": {"id": "https://issuer.example/badges/bridge/criteria", "narrative": "Build a bridge."},
        "tags": ["engineering"],
        "alignment": [{"targetName": "Civil engineering", "targetUrl": "http://data.europa.eu/esco/occupation/1a2b3c4d-0000-4000-8000-000000000002"}],
        "issuer": {"type": "Profile", "id": "https://issuer.example/profile", "name": "Bridge Academy",
                   "url": "https://issuer.example", "image": "https://issuer.example/logo.png"},
    },
}


def test_ob2_assertion_shape():
    entry = summarize_credential(OB2_ASSERTION)
    assert entry["kind"] == "ob2" and entry["basis"] == "unverified"
    assert entry["validFrom"] == "2024-05-01T00:00:00Z" and entry["validUntil"] == "2029-05-01T00:00:00Z"
    assert entry["issuer"]["name"] == "Bridge Academy" and entry["issuer"]["nameSource"] == "credential"
    assert entry["issuer"]["selfAssertedLogo"] == "https://issuer.example/logo.png"
    badge, = entry["achievements"]
    assert badge["name"] == "Bridge Builder" and badge["criteria"]["narrative"] == "Build a bridge."
    assert badge["image"]["url"] == "https://issuer.example/badges/bridge.png" and badge["tags"] == ["engineering"]
    assert badge["alignments"][0]["framework"] == "esco-occupation"
    assert entry["evidence"][0]["narrative"] == "Built a bridge."
    hosted = dict(OB2_ASSERTION, badge="https://issuer.example/badges/bridge")  # not fetched: shown by URL
    assert summarize_credential(hosted)["achievements"] == [{"id": "https://issuer.example/badges/bridge"}]


def _corpus_documents():
    path = VECTORS / "MANIFEST.json"
    if not path.is_file():
        return []
    out = []
    for entry in json.loads(path.read_text()):
        try:
            data = json.loads((VECTORS / entry["file"]).read_text())
        except (ValueError, UnicodeDecodeError):
            continue  # JWTs and other non-JSON entries: their report's summary is covered by tests/conformance
        if isinstance(data, dict):
            out.append((entry["id"], data))
    return out


def test_summary_never_crashes_on_any_corpus_document():
    vectors_or_skip()
    documents = _corpus_documents()
    assert documents
    kinds = set()
    for name, data in documents:
        items = [data] + [c for c in (data.get("verifiableCredential") or []) if isinstance(c, dict)] \
            if isinstance(data.get("verifiableCredential"), list) else [data]
        subject = data.get("credentialSubject")
        if isinstance(subject, dict) and isinstance(subject.get("verifiableCredential"), list):
            items += [c for c in subject["verifiableCredential"] if isinstance(c, dict)]
        for doc in items:
            entry = summarize_credential(doc)
            kinds.add(entry["kind"])
            json.dumps(entry)  # JSON-ready
    assert {"ob3", "clr"} <= kinds


def test_jcs_proof_signs_the_bytes_so_any_reading_is_signed():
    key = new_key()
    doc = ob3_credential(key.did)
    doc["@context"] = doc["@context"] + [{"label": "https://schema.org/name"}]
    signed = sign_ldp(doc, key, suite="eddsa-jcs-2022")
    body = run_verify(signed).to_json("en")
    if body["results"][1]["outcome"] != "passed":
        pytest.skip("eddsa-jcs-2022 with an inline context is refused by the proof check: " + body["results"][1]["detail"])
    assert body["summary"]["credentials"][0]["basis"] == "signed"


@pytest.mark.parametrize("document, plain", [
    ({"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "x"}, True),
    ({"name": [{"@value": "x", "@language": "en"}]}, True),
    ({"@context": ["https://www.w3.org/ns/credentials/v2", {"a": "b"}]}, False),
    ({"credentialSubject": {"@context": "https://x.example/ctx"}}, False),
    ({"@context": ["https://a.example"], "issuer": {"endorsement": [{"@context": ["https://a.example"]}]}}, True),
    ({"@context": ["https://a.example"], "issuer": {"endorsement": [{"@context": [{"x": "y"}]}]}}, False),
    ({"credentialSubject": {"@included": []}}, False),
    ({"credentialSubject": {"schema:name": "x"}}, False),
    ({"credentialSubject": {"https://schema.org/name": "x"}}, False),
    ({"name": {"@value": "x", "@type": "xsd:string"}}, False),
    ({"name": {"@value": "x", "other": 1}}, False),
])
def test_plain_reading(document, plain):
    from verifier.summary_basis import plain_reading

    assert plain_reading(document) is plain


async def test_clr_summary_has_each_nested_achievement_with_its_own_basis(tmp_path):
    from tests.core.test_clr_items import CLR_CONTEXT, achievement, clr
    from tests.core.test_schema_check import check
    from verifier.contexts.installed import install_context

    source = vectors_or_skip() / "contexts" / "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
    if not source.is_file():
        pytest.skip(f"the CLR 2.0 context is not in the corpus at {source}")
    data_dir = tmp_path / "data"
    install_context(CLR_CONTEXT, source, data_dir)  # as an operator would (not bundled: no registry package has it)
    issuer = new_key()
    good = sign_ldp(rich_ob3(issuer.did, id="urn:uuid:11111111-1111-4111-8111-111111111111"), issuer)
    tampered = sign_ldp(ob3_credential(issuer.did, id="urn:uuid:22222222-2222-4222-8222-222222222222"), issuer)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Welder"
    signed = clr(issuer, data_dir, [good, tampered],
                 achievement=[achievement("urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002")])
    report = await check(signed, data_dir)
    body = report.to_json("es")
    summary = body["summary"]
    entries = {e["credential"]: e for e in summary["credentials"]}
    base = "/credentialSubject/verifiableCredential"
    assert set(entries) == {"", f"{base}/0", f"{base}/1"}
    assert entries[""]["kind"] == "clr" and entries[""]["name"] == "Transcript"
    assert [a["name"] for a in entries[""]["achievements"]] == ["Course 0002"]
    assert entries[f"{base}/0"]["basis"] == "signed"
    assert entries[f"{base}/0"]["achievements"][0]["name"] == "Fundamentos de soldadura"
    assert entries[f"{base}/1"]["basis"] == "unverified" and entries[f"{base}/1"]["basisReason"] == "proof_not_verified"
    assert entries[f"{base}/1"]["achievements"][0]["name"] == "Master Welder"  # shown, but as an unverified claim
    assert summary["basis"] == "partly_signed" and summary["notice"].startswith("Algunos de estos datos")
    assert {s["credential"] for s in summary["skills"]} == {f"{base}/0"} and len(summary["skills"]) == 6


def test_related_language_versions_are_listed():
    doc = ob3_credential("did:example:x")
    doc["credentialSubject"]["achievement"]["inLanguage"] = "en"
    doc["credentialSubject"]["achievement"]["related"] = [
        {"id": "https://college.example/achievements/weld-101-es", "type": ["Related"], "inLanguage": "es"}]
    achievement = summarize_credential(doc)["achievements"][0]
    assert achievement["inLanguage"] == "en"
    assert achievement["related"] == [{"id": "https://college.example/achievements/weld-101-es", "inLanguage": "es"}]
