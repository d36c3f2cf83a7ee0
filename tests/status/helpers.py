"""Status lists the tests build and sign themselves, and a source wired to a local server.

Lists are real credentials: a bitstring with chosen bits set (MSB-first), GZIP-compressed, base64url
encoded (with the multibase ``u`` for Bitstring Status List), signed with ``tests.signing``.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import shutil
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from tests.core.credentials import OB3, VC1, VC2
from tests.signing import TestKey, sign_ldp
from verifier.did import KeyResolver
from verifier.environment import CpuRunner, Environment
from verifier.fetch import Fetcher
from verifier.options import ResourceConfig
from verifier.status import StatusListSource

AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
MIN_BITS = 131_072
SL2021 = "https://w3id.org/vc/status-list/2021/v1"
RL2020 = "https://w3id.org/vc-revocation-list-2020/v1"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
OB3_EXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
_RL2020_FILE = Path(__file__).with_name("rl2020_context.json")


class FakeTimer:
    """A monotonic clock the test moves by hand (seconds)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def bitstring(set_bits: Iterable[int] = (), *, bits: int = MIN_BITS, size: int = 1,
              values: dict[int, int] | None = None) -> bytes:
    """A bitstring of ``bits`` bits: single bits set, or ``size``-bit values at entry indexes (MSB-first)."""
    buf = bytearray(bits // 8)
    for i in set_bits:
        buf[i // 8] |= 0x80 >> (i % 8)
    for index, value in (values or {}).items():
        for k in range(size):
            if value >> (size - 1 - k) & 1:
                pos = index * size + k
                buf[pos // 8] |= 0x80 >> (pos % 8)
    return bytes(buf)


@functools.lru_cache(maxsize=1)
def gzip_bomb(total_mib: int = 64) -> bytes:
    """One GZIP member inflating to ``total_mib`` MiB of zeros (about 1 KiB per MiB compressed)."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    return b"".join(deflate.compress(chunk) for _ in range(total_mib)) + deflate.flush()


def encode(raw: bytes, *, multibase: bool = True, compressed: bytes | None = None) -> str:
    """``encodedList`` text for ``raw`` (or for already ``compressed`` bytes)."""
    data = compressed if compressed is not None else gzip.compress(raw, mtime=0)
    text = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    return "u" + text if multibase else text


def bitstring_list(url: str, issuer: str, raw: bytes, *, purpose="revocation", ttl_ms: int | None = None,
                   valid_until: str | None = None, list_id: str | None = None, **changes) -> dict:
    """An unsigned BitstringStatusListCredential (VCDM 2.0) for ``url``."""
    subject = {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
               "encodedList": encode(raw)}
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    doc = {"@context": [VC2], "id": list_id or url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
           "issuer": issuer, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject}
    if valid_until:
        doc["validUntil"] = valid_until
    doc.update(changes)
    return doc


def sl2021_list(url: str, issuer: str, raw: bytes, *, purpose="revocation") -> dict:
    """An unsigned StatusList2021Credential (VCDM 1.1)."""
    return {"@context": [VC1, SL2021, ED2020], "id": url, "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": issuer, "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": f"{url}#list", "type": "StatusList2021", "statusPurpose": purpose,
                                  "encodedList": encode(raw, multibase=False)}}


def rl2020_list(url: str, issuer: str, raw: bytes) -> dict:
    """An unsigned RevocationList2020Credential (VCDM 1.1)."""
    return {"@context": [VC1, RL2020, ED2020], "id": url,
            "type": ["VerifiableCredential", "RevocationList2020Credential"],
            "issuer": issuer, "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": f"{url}#list", "type": "RevocationList2020",
                                  "encodedList": encode(raw, multibase=False)}}


def bitstring_entry(url: str, index, purpose="revocation", **extra) -> dict:
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": purpose,
            "statusListIndex": index if not isinstance(index, int) else str(index), "statusListCredential": url,
            **extra}


def sign_list(doc: dict, key: TestKey, *, resources: ResourceConfig | None = None) -> dict:
    """Sign a list: eddsa-rdfc-2022 for VCDM 2.0, Ed25519Signature2020 for VCDM 1.1 (as DCC does)."""
    suite = "eddsa-rdfc-2022" if doc["@context"][0] == VC2 else "Ed25519Signature2020"
    return sign_ldp(doc, key, suite=suite, resources=resources)


def install_rl2020_context(data_dir: Path) -> ResourceConfig:
    """Install the RevocationList2020 context the way an operator does (pinned by SHA-256)."""
    folder = data_dir / "contexts"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(_RL2020_FILE, folder / "rl2020.json")
    digest = hashlib.sha256((folder / "rl2020.json").read_bytes()).hexdigest()
    (folder / "index.json").write_text(json.dumps({RL2020: {"file": "rl2020.json", "sha256": digest}}))
    return ResourceConfig(data_dir=data_dir, allow_insecure_loopback=True)


@dataclass
class Wired:
    """A source plus what it was built from."""

    source: StatusListSource
    timer: FakeTimer


def make_source(fetcher: Fetcher | None, *, offline_bundle: Path | None = None, data_dir: Path | None = None,
                **options) -> Wired:
    """A :class:`StatusListSource` reading over ``fetcher`` (loopback http allowed), with a fake timer."""
    resources = ResourceConfig(offline_bundle=offline_bundle, data_dir=data_dir, allow_insecure_loopback=True)
    resolver = KeyResolver(resources=resources, fetcher=fetcher)
    env = Environment(resources=resources, key_resolver=resolver, cpu=CpuRunner())
    timer = FakeTimer()
    return Wired(StatusListSource(list_env=env, fetcher=fetcher, timer=timer, **options), timer)


def credential_with(issuer: str, status, **changes) -> dict:
    """An (unsigned) OB 3.0 credential carrying ``status`` as its credentialStatus."""
    doc = {"@context": [VC2, OB3, OB3_EXT], "id": "urn:uuid:6a9d8e5c-4b5a-4e8e-9d2f-1f3c8a7b6e50",
           "type": ["VerifiableCredential", "OpenBadgeCredential"],
           "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Community College"},
           "validFrom": "2026-01-01T00:00:00Z", "name": "Welding Fundamentals",
           "credentialSubject": {"id": "did:example:learner-7", "type": ["AchievementSubject"],
                                 "achievement": {"id": "https://college.example/achievements/weld-101",
                                                 "type": ["Achievement"], "name": "Welding Fundamentals",
                                                 "description": "Completed WELD 101.",
                                                 "criteria": {"narrative": "Pass the exams."}}},
           "credentialStatus": status}
    doc.update(changes)
    return doc
