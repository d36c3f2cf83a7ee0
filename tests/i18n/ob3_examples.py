"""Open Badges 3.0 spec-shaped credentials (OB 3.0 §B.1, Appendix "Examples": Achievement with results,
alignments, evidence), unsigned; the tests sign them with their own keys."""

from __future__ import annotations

from tests.core.credentials import ob3_credential

ESCO_SKILL = "http://data.europa.eu/esco/skill/5a5b5a8f-4b5a-4b5a-9b5a-5a5b5a8f4b5a"


def rich_ob3(issuer: str, **changes) -> dict:
    """An OB 3.0 credential with every summary field: multilingual name, type, criteria, image, credits,
    field of study, result descriptions with rubric levels, results, evidence and six alignments."""
    achievement = {
        "id": "https://college.example/achievements/weld-101",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": [{"@value": "Welding Fundamentals", "@language": "en"},
                 {"@value": "Fundamentos de soldadura", "@language": "es"}],
        "description": "Completed WELD 101 with a passing grade.",
        "criteria": {"id": "https://college.example/achievements/weld-101/criteria",
                     "narrative": "Pass the practical and written exams."},
        "image": {"id": "https://college.example/badges/weld-101.png", "type": "Image", "caption": "WELD 101 badge"},
        "creditsAvailable": 4,
        "fieldOfStudy": "Welding Technology",
        "humanCode": "WELD 101",
        "resultDescription": [{
            "id": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
            "type": ["ResultDescription"],
            "name": "Practical exam",
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {"id": "urn:uuid:d58d8d3c-0000-4c1b-8b55-8b1d1f3a7e01", "type": ["RubricCriterionLevel"],
                 "name": "Proficient", "level": "3"},
                {"id": "urn:uuid:d58d8d3c-0000-4c1b-8b55-8b1d1f3a7e02", "type": ["RubricCriterionLevel"],
                 "name": "Exemplary", "level": "4"},
            ],
        }],
        "alignment": [
            {"type": ["Alignment"], "targetName": "Welder", "targetType": "ceterms:Credential",
             "targetUrl": "https://credentialengineregistry.org/resources/ce-1f0c4e7a-6f43-4e7b-8a54-6a2b0f3b8c11"},
            {"type": ["Alignment"], "targetName": "Use welding equipment", "targetUrl": ESCO_SKILL},
            {"type": ["Alignment"], "targetName": "Welders, Cutters, Solderers, and Brazers", "targetCode": "51-4121.00",
             "targetFramework": "O*NET-SOC", "targetUrl": "https://www.onetonline.org/link/summary/51-4121.00"},
            {"type": ["Alignment"], "targetName": "Weld joint design", "targetType": "CFItem",
             "targetUrl": "https://casenetwork.example/ims/case/v1p0/CFItems/6b1c9e1e-4a5b-11ee-be56-0242ac120002"},
            {"type": ["Alignment"], "targetName": "Metal fabrication safety",
             "targetUrl": "https://osmt.example.org/api/skills/0e3a4f2c-5b6d-4e7f-8a9b-0c1d2e3f4a5b"},
            {"type": ["Alignment"], "targetName": "Shop floor craft", "targetUrl": "https://skills.example/craft/17"},
        ],
    }
    doc = ob3_credential(issuer)
    doc["credentialSubject"]["achievement"] = achievement
    doc["credentialSubject"]["creditsEarned"] = 4
    doc["credentialSubject"]["result"] = [{
        "type": ["Result"], "resultDescription": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
        "achievedLevel": "urn:uuid:d58d8d3c-0000-4c1b-8b55-8b1d1f3a7e02", "status": "Completed"}]
    doc["evidence"] = [{"id": "https://college.example/portfolio/42", "type": ["Evidence"], "name": "Weld portfolio",
                        "narrative": "Photos of six certified welds."}]
    doc["validUntil"] = "2030-01-01T00:00:00Z"
    doc.update(changes)
    return doc
