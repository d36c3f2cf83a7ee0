"""Trust decisions from a snapshot loaded from SQLite and PostgreSQL: matching rules, statuses,
windows, authorised types, priorities, caching and failure to read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.trust_registry.conftest import NOW
from trust_registry import lookup
from trust_registry.errors import RegistryUnavailable
from trust_registry.issuers import create_issuer, update_issuer
from trust_registry.lookup import RegistrySnapshot, TrustRegistry
from trust_registry.model import Authorization, Identifier, Issuer, Registry
from trust_registry.registries import create_registry

OB = ["VerifiableCredential", "OpenBadgeCredential"]
DAY = timedelta(days=1)


def issuer(iid: str, *idents: Identifier, **kw) -> Issuer:
    return Issuer(id=iid, name=kw.pop("name", f"Issuer {iid}"), identifiers=idents, **kw)


SEED = [
    issuer("active", Identifier(value="did:web:active.edu"), Identifier(value="https://active.edu/issuer"),
           Identifier(value="did:key:z6MkActive"), Identifier(value="did:web:active.edu:Dept:Math"),
           homepage="https://active.edu", country="US", sector="university", external_ids={"ror": "https://ror.org/1"}),
    issuer("suspended", Identifier(value="did:key:z6MkSusp"), status="suspended", status_reason="accreditation lapsed"),
    issuer("revoked-issuer", Identifier(value="did:key:z6MkGone"), status="revoked"),
    issuer("revoked-key", Identifier(value="did:key:z6MkRevoked", status="revoked", status_reason="key compromised"),
           Identifier(value="did:key:z6MkPaused", status="suspended")),
    issuer("window", Identifier(value="did:key:z6MkWindow", valid_from=NOW - 10 * DAY, valid_until=NOW + 10 * DAY)),
    issuer("clr-only", Identifier(value="did:key:z6MkClr"),
           authorizations=(Authorization(credential_type="ClrCredential"),
                           Authorization(credential_type="OpenBadgeCredential", valid_until=NOW - DAY))),
    issuer("host", Identifier(value="did:web:Host.edu", match="did_web_host")),
    issuer("port", Identifier(value="did:web:port.edu%3a8443")),
    issuer("pinned", Identifier(value="did:key:z6MkPinned", verification_methods=("did:key:z6MkPinned#z6MkPinned",))),
]


@pytest.fixture
async def registry(engine, db_url):
    async with engine.begin() as conn:
        for item in SEED:
            await create_issuer(conn, issuer=item, actor="seed")
    handle = await TrustRegistry.open(db_url, migrate_schema=False)
    yield handle
    await handle.close()


async def decide(registry, issuer_id, types=OB, at=NOW, **kw):
    return (await registry.snapshot()).decide(issuer_id=issuer_id, credential_types=types, at=at, **kw)


MATCHING = [
    ("did:web:active.edu", True),
    ("did:web:ACTIVE.EDU", True),                      # host is case-insensitive
    ("DID:web:active.edu", True),                      # so is the URI scheme
    ("did:web:active.edu:", False),                    # a trailing colon is another DID
    ("did:web:active.edu:dept:math", False),           # did:web paths are case-sensitive
    ("did:web:active.edu:Dept:Math", True),
    ("did:web:active.edu:Dept:Math:", False),
    ("did:web:active.edu:other", False),               # exact entries do not match other paths
    ("https://active.edu/issuer", True),
    ("HTTPS://Active.EDU/issuer", True),
    ("https://active.edu/issuer/", False),             # trailing slash is not ignored
    ("https://active.edu/Issuer", False),              # URL paths are case-sensitive
    ("https://active.edu:443/issuer", False),          # no port normalisation
    ("http://active.edu/issuer", False),
    ("did:key:z6MkActive", True),
    ("did:key:z6mkactive", False),                     # did:key is case-sensitive
    ("did:key:z6MkActive ", False),
    ("did:web:host.edu", True),                        # host entry: the bare host
    ("did:web:HOST.edu:issuers:42", True),             # ... and any path on it
    ("did:web:host.edu%3A8443:x", False),              # ... but not another port
    ("did:web:evilhost.edu", False),
    ("did:web:host.edu.evil.example", False),
    ("https://host.edu/", False),
    ("did:web:port.edu%3A8443", True),                 # %3A encoding case is normalised
    ("did:web:PORT.edu%3a8443", True),
    ("did:web:port.edu:8443", False),                  # an unencoded colon starts a path
    ("did:web:port.edu", False),
]


async def test_matching_rules(registry):
    """One database per backend for the whole table (each case is a pure lookup)."""
    wrong = []
    for presented, trusted in MATCHING:
        decision = await decide(registry, presented)
        if decision.trusted is not trusted or decision.code != (lookup.LISTED if trusted else lookup.NOT_LISTED):
            wrong.append((presented, trusted, decision.code))
    assert wrong == []


async def test_a_listed_issuer_comes_with_display_data(registry):
    d = await decide(registry, "did:web:Active.edu")
    assert d.trusted is True and d.registry == "local" and d.identifier == "did:web:active.edu"
    assert d.issuer == {"id": "active", "name": "Issuer active", "legal_name": None, "homepage": "https://active.edu",
                        "logo_url": None, "country": "US", "location": None, "sector": "university",
                        "external_ids": {"ror": "https://ror.org/1"}, "accreditor": None}
    assert d.version == (await registry.snapshot()).version > 0
    d.issuer["name"] = "mutated"
    assert (await decide(registry, "did:web:active.edu")).issuer["name"] == "Issuer active"


@pytest.mark.parametrize("presented,code,fragment", [
    ("did:key:z6MkSusp", lookup.ISSUER_SUSPENDED, "accreditation lapsed"),
    ("did:key:z6MkGone", lookup.ISSUER_REVOKED, "revoked"),
    ("did:key:z6MkRevoked", lookup.IDENTIFIER_REVOKED, "key compromised"),
    ("did:key:z6MkPaused", lookup.IDENTIFIER_SUSPENDED, "suspended"),
    ("did:key:z6MkNobody", lookup.NOT_LISTED, "not listed"),
])
async def test_failures_say_why(registry, presented, code, fragment):
    d = await decide(registry, presented)
    assert d.trusted is False and d.code == code and fragment in d.reason
    if code != lookup.NOT_LISTED:
        assert d.issuer is not None and d.registry == "local"


@pytest.mark.parametrize("at,code", [
    (NOW, lookup.LISTED),
    (NOW - 10 * DAY, lookup.LISTED),                              # valid_from is inclusive
    (NOW - 10 * DAY - timedelta(microseconds=1), lookup.NOT_YET_VALID),
    (NOW + 10 * DAY - timedelta(microseconds=1), lookup.LISTED),
    (NOW + 10 * DAY, lookup.EXPIRED),                            # valid_until is exclusive
])
async def test_identifier_validity_window(registry, at, code):
    assert (await decide(registry, "did:key:z6MkWindow", at=at)).code == code


@pytest.mark.parametrize("types,at,code", [
    (["VerifiableCredential", "ClrCredential"], NOW, lookup.LISTED),
    (["https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential"], NOW, lookup.LISTED),
    (OB, NOW, lookup.AUTHORIZATION_OUTSIDE_WINDOW),
    (["VerifiableCredential", "AchievementCredential"], NOW, lookup.AUTHORIZATION_OUTSIDE_WINDOW),
    (OB, NOW - 2 * DAY, lookup.LISTED),
    (["VerifiableCredential", "EmployerCredential"], NOW, lookup.NOT_AUTHORIZED),
    (["VerifiableCredential"], NOW, lookup.NOT_AUTHORIZED),
])
async def test_authorised_credential_types(registry, types, at, code):
    assert (await decide(registry, "did:key:z6MkClr", types=types, at=at)).code == code


async def test_no_authorisations_means_every_type(registry):
    assert (await decide(registry, "did:key:z6MkActive", types=["VerifiableCredential", "Anything"])).trusted


@pytest.mark.parametrize("methods,trusted", [
    (["did:key:z6MkPinned#z6MkPinned"], True),
    (["did:key:z6MkPinned#other"], False),
    (["did:key:z6MkPinned#z6MkPinned", "did:key:z6MkPinned#other"], False),
    ([], False),
    (None, False),
])
async def test_pinned_verification_methods(registry, methods, trusted):
    d = await decide(registry, "did:key:z6MkPinned", verification_methods=methods)
    assert d.trusted is trusted and (trusted or d.code == lookup.KEY_NOT_PINNED)
    assert (await decide(registry, "did:key:z6MkActive", verification_methods=None)).trusted


async def test_registry_priority_and_subsets(registry, engine):
    async with engine.begin() as conn:
        await create_registry(conn, registry=Registry(name="override", priority=-10), actor="t")
        await create_registry(conn, registry=Registry(name="partner", priority=50), actor="t")
        await create_issuer(conn, issuer=issuer("o1", Identifier(value="did:key:z6MkActive"), registry="override",
                                                status="suspended", status_reason="local hold"), actor="t")
        await create_issuer(conn, issuer=issuer("p1", Identifier(value="did:key:z6MkSusp"), registry="partner",
                                                name="Partner view"), actor="t")
        await create_issuer(conn, issuer=issuer("p2", Identifier(value="did:web:host.edu:exact"), registry="partner"),
                            actor="t")
    d = await decide(registry, "did:key:z6MkActive")
    assert (d.trusted, d.registry, d.code) == (False, "override", lookup.ISSUER_SUSPENDED)
    d = await decide(registry, "did:key:z6MkActive", registries=["local", "partner"])
    assert (d.trusted, d.registry) == (True, "local")
    d = await decide(registry, "did:key:z6MkSusp")          # local (priority 0) decides before partner
    assert (d.trusted, d.registry) == (False, "local")
    d = await decide(registry, "did:key:z6MkSusp", registries=["partner"])
    assert (d.trusted, d.registry, d.issuer["name"]) == (True, "partner", "Partner view")
    d = await decide(registry, "did:web:host.edu:exact")    # host entry in local outranks partner's exact one
    assert (d.trusted, d.registry) == (True, "local")
    d = await decide(registry, "did:key:z6MkActive", registries=["nope"])
    assert (d.trusted, d.code) == (False, lookup.UNKNOWN_REGISTRY)


async def test_empty_registry_is_none(engine, db_url):
    handle = await TrustRegistry.open(db_url, migrate_schema=False)
    try:
        snap = await handle.snapshot()
        d = snap.decide(issuer_id="did:key:z6MkAny", credential_types=OB, at=NOW)
        assert (d.trusted, d.code) == (None, lookup.REGISTRY_EMPTY)
        async with engine.begin() as conn:
            await create_registry(conn, registry=Registry(name="other"), actor="t")
            await create_issuer(conn, issuer=issuer("x", Identifier(value="did:key:z6MkX")), actor="t")
        snap = await handle.snapshot()
        assert snap.decide(issuer_id="did:key:z6MkY", credential_types=OB, at=NOW).trusted is False
        assert snap.decide(issuer_id="did:key:z6MkX", credential_types=OB, at=NOW, registries=["other"]).trusted is None
    finally:
        await handle.close()


async def test_snapshot_reloads_only_when_the_version_changes(registry, engine):
    first = await registry.snapshot()
    assert await registry.snapshot() is first
    async with engine.begin() as conn:
        await update_issuer(conn, issuer_id="active", changes={"status": "suspended"}, actor="t")
    second = await registry.snapshot()
    assert second is not first and second.version == first.version + 1
    assert second.decide(issuer_id="did:key:z6MkActive", credential_types=OB, at=NOW).trusted is False
    assert first.decide(issuer_id="did:key:z6MkActive", credential_types=OB, at=NOW).trusted is True  # immutable


async def test_refresh_interval_skips_the_version_query(engine, db_url):
    handle = await TrustRegistry.open(db_url, migrate_schema=False, refresh_interval_s=3600)
    try:
        first = await handle.snapshot()
        async with engine.begin() as conn:
            await create_issuer(conn, issuer=issuer("x", Identifier(value="did:key:z6MkX")), actor="t")
        assert await handle.snapshot() is first
    finally:
        await handle.close()


WEIRD = ["", " ", "\x00", "did:", "did:web:", "did:web:%3A", "https://", "https://@/", "HTTPS:", "::::", "\ud800",
         "x" * 100_000, "did:web:" + "a:" * 1000, "[", "http://[::1", "did:web:[::1]", "https://[::1]]/"]


async def test_any_string_gets_an_answer(registry):
    for weird in WEIRD:
        d = await decide(registry, weird, types=[weird])
        assert d.trusted is False and d.code == lookup.NOT_LISTED, weird


def test_naive_instant_is_refused():
    with pytest.raises(ValueError):
        RegistrySnapshot.empty().decide(issuer_id="x", credential_types=[], at=NOW.replace(tzinfo=None))


async def test_unreachable_postgresql_is_unavailable():
    handle = await TrustRegistry.open("postgresql://postgres@127.0.0.1:1/none", migrate_schema=False,
                                      connect_timeout_s=2)
    try:
        with pytest.raises(RegistryUnavailable):
            await handle.snapshot()
        with pytest.raises(RegistryUnavailable):
            await handle.authenticate("ler_0123456789abcdef_" + "a" * 43)
    finally:
        await handle.close()


async def test_unreadable_sqlite_file_is_unavailable(tmp_path):
    path = tmp_path / "registry.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    handle = await TrustRegistry.open(f"sqlite:///{path}", migrate_schema=False)
    try:
        with pytest.raises(RegistryUnavailable):
            await handle.snapshot()
    finally:
        await handle.close()
    with pytest.raises(RegistryUnavailable):
        await TrustRegistry.open(f"sqlite:///{path}")
