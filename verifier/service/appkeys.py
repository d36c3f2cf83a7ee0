"""Typed application keys (``web.AppKey``) of the service, one per shared resource (STYLE.md rule 6)."""

from __future__ import annotations

from concurrent.futures import Executor

from aiohttp import web

from trust_registry import TrustRegistry

from verifier.environment import Environment
from verifier.service.auth import Authenticator
from workers.jobs import JobRunner
from workers.metrics import Metrics
from workers.verification import Verifications, VersionTracker
from verifier.settings import Settings

SETTINGS = web.AppKey("ler_settings", Settings)
METRICS = web.AppKey("ler_metrics", Metrics)
EXECUTOR = web.AppKey("ler_executor", Executor)
REGISTRY = web.AppKey("ler_registry", TrustRegistry)
VERSIONS = web.AppKey("ler_registry_versions", VersionTracker)
AUTH = web.AppKey("ler_auth", Authenticator)
ENVIRONMENT = web.AppKey("ler_environment", Environment)
VERIFICATIONS = web.AppKey("ler_verifications", Verifications)
REDIS = web.AppKey("ler_redis", object)  # an arq ``ArqRedis`` pool, or None when embedded
JOBS = web.AppKey("ler_jobs", JobRunner)

# Request-scoped: the request id, the authenticated API key, and the verdict (for logs and metrics).
REQUEST_ID = web.RequestKey("ler_request_id", str)
API_KEY = web.RequestKey("ler_api_key", object)  # a trust_registry.ApiKey, or None on an open route
VERIFIED = web.RequestKey("ler_verified", bool)
CACHED = web.RequestKey("ler_cached", bool)
