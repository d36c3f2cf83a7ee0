"""An Open Badges 2.0 issuer of our own, served by a real aiohttp server on 127.0.0.1 (tests only).

:class:`Ob2Issuer` publishes an issuer Profile, a BadgeClass, a CryptographicKey (PEM) and a
RevocationList on a :class:`tests.fetch.local_server.LocalServer`, and makes hosted and signed
assertions. Environments built by :func:`ob2_env` allow ``http://127.0.0.1`` (the test-only setting).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
from datetime import datetime, timezone
from typing import Any, AsyncIterator

from cryptography.hazmat.primitives import serialization

from tests.fetch.local_server import LocalServer
from tests.signing import TestKey, new_key, sign_jwt
from verifier import VerifyOptions, verify
from verifier.environment import Environment
from verifier.runtime import open_environment
from verifier.settings import load_settings

OB2 = "https://w3id.org/openbadges/v2"
EMAIL = "learner@example.org"
SALT = "s4lt"


@functools.lru_cache(maxsize=4)
def rsa_key(slot: int = 0) -> TestKey:
    """An RSA key per slot, made once per test run (RSA generation is slow)."""
    return new_key("RSA")


def pem(key: TestKey) -> str:
    return key.public.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def hashed_email(email: str = EMAIL, salt: str = SALT) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


class Ob2Issuer:
    """An issuer at ``server`` with a BadgeClass, a key and a revocation list."""

    def __init__(self, server: LocalServer, *, key: TestKey | None = None, name: str = "college"):
        self.server = server
        self.key = key or rsa_key()
        self.name = name
        base = server.base
        self.profile_id = f"{base}/{name}/issuer.json"
        self.badge_id = f"{base}/{name}/badge.json"
        self.key_id = f"{base}/{name}/key.json"
        self.list_id = f"{base}/{name}/revocations.json"
        self.profile: dict[str, Any] = {"@context": OB2, "type": "Issuer", "id": self.profile_id,
                                        "name": "Lakeside College", "url": base, "email": "registrar@example.org",
                                        "publicKey": self.key_id, "revocationList": self.list_id}
        self.badge = {"@context": OB2, "type": "BadgeClass", "id": self.badge_id, "name": "Welding I",
                      "description": "Basic welding.", "image": f"{base}/{name}/badge.png",
                      "criteria": {"narrative": "Weld."}, "issuer": self.profile_id}
        self.key_doc = {"@context": OB2, "type": "CryptographicKey", "id": self.key_id, "owner": self.profile_id,
                        "publicKeyPem": pem(self.key)}
        self.revoked: list[Any] = []
        self.publish()

    def publish(self) -> None:
        """(Re)serve the Profile, BadgeClass, key and revocation list as they stand now."""
        p = f"/{self.name}"
        self.server.json(f"{p}/issuer.json", self.profile)
        self.server.json(f"{p}/badge.json", self.badge)
        self.server.json(f"{p}/key.json", self.key_doc)
        self.server.json(f"{p}/revocations.json", {"@context": OB2, "type": "RevocationList", "id": self.list_id,
                                                   "revokedAssertions": self.revoked})

    def assertion(self, aid: str, *, signed: bool = False, **changes: Any) -> dict[str, Any]:
        """An Assertion with id ``aid``; ``changes`` replace members (None removes one)."""
        doc: dict[str, Any] = {
            "@context": OB2, "type": "Assertion", "id": aid,
            "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": hashed_email()},
            "badge": self.badge_id, "issuedOn": "2025-06-01T12:00:00Z",
            "verification": {"type": "signed", "creator": self.key_id} if signed else {"type": "hosted"},
        }
        for k, v in changes.items():
            if v is None:
                doc.pop(k, None)
            else:
                doc[k] = v
        return doc

    def host(self, path: str, **changes: Any) -> dict[str, Any]:
        """Serve a hosted assertion at ``path`` on this issuer's server; return it."""
        doc = self.assertion(f"{self.server.base}{path}", **changes)
        self.server.json(path, doc)
        return copy.deepcopy(doc)

    def sign(self, aid: str | None = None, *, key: TestKey | None = None, alg: str = "RS256",
             header: dict | None = None, **changes: Any) -> str:
        """A signed assertion (compact JWS) with ``alg``."""
        doc = self.assertion(aid or "urn:uuid:2f1c5a9e-1b7e-4d8e-9a55-0c2d7f3b9a11", signed=True, **changes)
        return sign_jwt(doc, key or self.key, alg=alg, kid=None, header=header)


@contextlib.asynccontextmanager
async def ob2_env(**overrides: Any) -> AsyncIterator[Environment]:
    """An environment that may fetch from ``http://127.0.0.1`` (test-only loopback setting)."""
    async with open_environment(load_settings(allow_insecure_loopback=True, **overrides)) as env:
        yield env


#: the instant the OB 2.0 tests verify at.
AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def outcome(report, check: str):
    """The top-level credential's result of ``check`` in ``report``."""
    return next(r for r in report.results if r.check == check and not r.target)


async def verify_at(doc, **options: Any):
    """Verify ``doc`` at :data:`AT` in an :func:`ob2_env` (``options``: more :class:`VerifyOptions`)."""
    async with ob2_env() as env:
        return await verify(doc, env=env, options=VerifyOptions(now=AT, **options))
