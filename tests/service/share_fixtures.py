"""Credentials in each of the four share states, signed with our own keys (issue 12 §3).

* ``verified``: an OB 3.0 credential with alignments, results, evidence and a learner name;
* ``not_verified``: the same, changed after signing (the proof no longer matches);
* ``could_not_check``: signed, with a ``credentialStatus`` whose list is on a port nothing listens on
  (the service must allow loopback targets: ``allow_insecure_loopback=True``);
* ``expired``: signed, ``validUntil`` in the past.
"""

from __future__ import annotations

import copy
import socket

from tests.core.credentials import ob3_credential
from tests.signing import TestKey, sign_ldp
from tests.status.helpers import bitstring_entry

ACHIEVEMENT = "Welding Fundamentals"
LEARNER_NAME = "Ana Learner"
LEARNER_ID = "did:example:learner-7"
XSS_NAME = "<script>alert('name')</script>"
XSS_DESCRIPTION = '"><img src=x onerror=alert(1)>'


def rich_credential(issuer: str, **changes) -> dict:
    """An OB 3.0 credential with an achievement type, alignments, results and evidence (unsigned)."""
    doc = ob3_credential(issuer)
    subject = doc["credentialSubject"]
    subject["name"] = LEARNER_NAME
    subject["achievement"].update({
        "achievementType": "Certificate",
        "alignment": [
            {"type": ["Alignment"], "targetName": "Weld metal joints",
             "targetFramework": "ESCO", "targetUrl": "http://data.europa.eu/esco/skill/5d3d6a4b-weld",
             "targetCode": "weld-joints"},
            {"type": ["Alignment"], "targetName": "Welders, Cutters, Solderers, and Brazers",
             "targetFramework": "O*NET-SOC", "targetCode": "51-4121.00",
             "targetUrl": "https://www.onetonline.org/link/summary/51-4121.00"},
        ],
    })
    subject["result"] = [{"type": ["Result"], "value": "A"}]
    doc["evidence"] = [{"id": "https://college.example/portfolio/7", "type": ["Evidence"], "name": "Weld portfolio"}]
    doc.update(copy.deepcopy(changes))
    return doc


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def state_credentials(key: TestKey) -> dict[str, dict]:
    """One signed credential per share state (see the module docstring)."""
    verified = sign_ldp(rich_credential(key.did), key)
    tampered = copy.deepcopy(verified)
    tampered["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    unreachable = f"http://127.0.0.1:{closed_port()}/status/1"
    undecided = sign_ldp(rich_credential(key.did, credentialStatus=bitstring_entry(unreachable, 7)), key)
    expired = sign_ldp(rich_credential(key.did, validUntil="2026-06-01T00:00:00Z"), key)
    return {"verified": verified, "not_verified": tampered, "could_not_check": undecided, "expired": expired}


def hostile_credential(key) -> dict:
    doc = rich_credential(key.did)
    achievement = doc["credentialSubject"]["achievement"]
    achievement["name"] = XSS_NAME
    achievement["description"] = XSS_DESCRIPTION
    achievement["image"] = {"id": "javascript:alert('image')", "type": "Image"}
    achievement["alignment"][0]["targetUrl"] = "javascript:alert('alignment')"
    doc["evidence"] = [{"id": "javascript:alert('evidence')", "type": ["Evidence"], "name": "</dd><script>x</script>"}]
    doc["issuer"]["name"] = "<b onmouseover=alert(1)>College</b>"
    return sign_ldp(doc, key)
