"""The skills summary reads what is signed (issue 12): a credential re-spelled so that its plain JSON
reading differs from its signed meaning still verifies (the RDF proof signs meaning), but its summary is
never presented as what the issuer signed."""

from __future__ import annotations

import copy

from tests.core.credentials import ob3_credential
from tests.core.helpers import run_verify
from tests.signing import new_key, sign_ldp


def test_respelled_credential_is_not_shown_as_signed():
    """An inline alias hides the achievement's name from the plain reading while the
    RDF proof still verifies; the summary must not present that reading as what the issuer signed."""
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    respelled = copy.deepcopy(doc)
    respelled["@context"] = respelled["@context"] + [{"label": "https://schema.org/name"}]
    achievement = respelled["credentialSubject"]["achievement"]
    achievement["label"] = achievement.pop("name")
    report = run_verify(respelled)
    body = report.to_json("en")
    entry = body["summary"]["credentials"][0]
    assert entry["basis"] == "unverified" and entry["basisReason"] == "reading_not_confirmed"
    assert body["summary"]["notice"].startswith("Unverified claims: the signature is valid")
    assert "name" not in entry["achievements"][0]



def test_respelled_nested_context_is_not_shown_as_signed():
    """A nested ``@context`` naming a context the top level does not use could give a term another meaning."""
    key = new_key()
    doc = ob3_credential(key.did)
    doc["credentialSubject"]["achievement"]["@context"] = ["https://w3id.org/security/data-integrity/v2"]
    signed = sign_ldp(doc, key)
    body = run_verify(signed).to_json("en")
    assert body["results"][1]["outcome"] == "passed", body["results"][1]["detail"]
    entry = body["summary"]["credentials"][0]
    assert entry["basis"] == "unverified" and entry["basisReason"] == "reading_not_confirmed"
