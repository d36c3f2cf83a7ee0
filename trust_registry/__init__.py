"""Trust registry of institutional issuers: model, SQL store, trust lookup, keys, import/export.

The verifier core uses only the lookup door::

    registry = await TrustRegistry.open(default_database_url())
    snapshot = await registry.snapshot()          # cached; reloads when the registry version changes
    decision = snapshot.decide(issuer_id=..., credential_types=[...], at=now)

HTTP routes live in :mod:`trust_registry.admin` (``create_admin_app``, ``create_trqp_app``) and the
command line in :mod:`trust_registry.cli` (``registry_group``, ``keys_group``); they are not imported
here, so importing this package never pulls in aiohttp's web layer or click. This package imports
nothing from ``verifier`` or ``workers``.
"""

from trust_registry.db import default_database_url
from trust_registry.errors import (Conflict, ConfigError, FieldError, InvalidInput, NotFound, PreconditionFailed,
                                   RegistryError, RegistryUnavailable)
from trust_registry.keys import ROLES, ApiKey, authenticate_token, create_key, list_keys, revoke_key
from trust_registry.lookup import REASON_CODES, RegistrySnapshot, TrustDecision, TrustRegistry
from trust_registry.migrate import migrate
from trust_registry.model import Authorization, Identifier, Issuer, Registry

__all__ = [
    "ApiKey", "Authorization", "ConfigError", "Conflict", "FieldError", "Identifier", "InvalidInput", "Issuer",
    "NotFound", "PreconditionFailed", "REASON_CODES", "ROLES", "Registry", "RegistryError", "RegistrySnapshot",
    "RegistryUnavailable", "TrustDecision", "TrustRegistry", "authenticate_token", "create_key",
    "default_database_url", "list_keys", "migrate", "revoke_key",
]
