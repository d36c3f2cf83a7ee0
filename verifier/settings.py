"""One typed settings object, read from the environment once at start-up (STYLE.md rule 10).

Every URL, timeout and cap is a field; a bad value names the variable and the value. Variables:

=============================  =================================================================
``LER_DATA_DIR``               data directory (registry SQLite file, installed contexts)
``LER_DATABASE_URL``           trust registry SQLAlchemy URL (default: SQLite in the data dir)
``REDIS_URL``                  arq/Redis URL; unset = embedded (inline checks, in-process cache)
``LER_OFFLINE_BUNDLE``         offline bundle directory: every lookup answered from it
``LER_FETCH_TIMEOUT_S``        outbound fetch timeout, seconds (5)
``LER_MAX_FETCH_BYTES``        outbound response cap, bytes (2,000,000)
``LER_MAX_BODY_BYTES``         presented document cap, bytes (1,000,000)
``LER_MAX_JSON_DEPTH``         deepest JSON nesting accepted (64)
``LER_MAX_CLOCK_SKEW_S``       tolerance on validity bounds, seconds (0; at most 86,400)
``LER_REQUIRE_TRUSTED_ISSUER`` service default for ``require_trusted_issuer`` (true)
``LER_FETCH_SCHEMAS``          fetch a credentialSchema that is neither installed nor in the offline bundle (false)
``LER_STRICT_STATUS_SIGNER``   a status list signed by someone other than the issuer fails (false: warns)
``LER_STRICT_STATUS_LIST_LENGTH``  a bitstring under 131,072 entries fails (false: warns)
``LER_ALLOW_INSECURE_LOOPBACK``  tests only: allow http:// and loopback fetch targets (false)
``LER_CPU_WORKERS``            service: process-pool size for CPU-bound checks (unset: the cores with one
                               service process, 0 with several; 0: in place)
``LER_PROCESSES``              service: processes sharing the port (unset: the cores; ``serve --processes``)
``LER_VERIFY_DEADLINE_S``      service: how long a request waits for its dispatched checks, seconds (10)
``LER_REQUEST_TIMEOUT_S``      service: whole-request timeout, seconds (30)
``LER_VC_API_STATUS_CODES``    service: answer ``verified: false`` with 422, as with ``Prefer`` (false)
``LER_BATCH_MAX_ITEMS``        service: most items in one ``POST /verifications`` (1,000)
``LER_RATE_LIMIT_PER_S``       service: requests per second per API key (50; 0 = no limit)
``LER_RATE_LIMIT_BURST``       service: burst allowance per API key, requests (100)
``LER_METRICS_PUBLIC``         service: ``GET /metrics`` without a key even when keys exist (false: admin key)
``LER_CACHE_MAX_TTL_S``        result cache: longest life of any cached report or part, seconds (3,600)
``LER_CACHE_STATUS_TTL_S``     result cache: life of a status result when its list says nothing, seconds (300)
``LER_CACHE_MAX_ENTRIES``      result cache (embedded): most cached entries (10,000)
``LER_REGISTRY_POLL_S``        how long a read registry version is trusted (cache keys, trust snapshot), seconds (1)
``LER_KEY_CACHE_S``            how long an API key check is remembered, seconds (5): a revoked key stops
                               working within this time in every process
``LER_QUEUE_NAME``             arq queue name (``ler:checks``)
``LER_WORKER_JOB_TIMEOUT_S``   worker: timeout of one check job; a crashed worker's job is retried after it (15)
``LER_WORKER_POLL_S``          worker: longest wait between queue reads when no work is announced, seconds (0.25)
``LER_WORKER_MAX_JOBS``        worker: concurrent jobs per worker process (50)
``LER_DISPATCH_UNIT``          front end with Redis: what one unit of work for the workers is: ``request``
                               (the whole verification runs on a worker; the default) or ``credential``
                               (the front end runs the pipeline and sends each credential's checks)
``LER_DISPATCH_BATCH_MAX``     front end with Redis: most units in one arq job (32)
``LER_DISPATCH_JOBS_IN_FLIGHT``  front end with Redis: jobs on their way before new units wait to share one (2)
``LER_DISPATCH_BATCH_WAIT_S``  front end with Redis: the longest a unit waits to share a job, seconds (0.02)
``LER_CALLBACK_SECRET``        async jobs: HMAC-SHA256 key signing callback bodies (unset = no callbacks)
``LER_JOB_RESULT_TTL_S``       async jobs: how long a finished job's results are kept, seconds (86,400)
``LER_MAX_BATCH_BODY_BYTES``   async jobs: cap of a ``POST /verifications`` body, bytes (20,000,000)
``LER_CALLBACK_RETRY_BASE_S``  async jobs: first callback retry delay, doubling each time, seconds (0.5)
``LER_CALLBACK_MAX_ATTEMPTS``  async jobs: callback delivery attempts (6)
``LER_LOG_LEVEL``              log level of the JSON logs (INFO)
``LER_PUBLIC_URL``             shares: the service's public origin in share links (unset: the request's)
=============================  =================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from verifier.options import Limits, ResourceConfig


class SettingsError(ValueError):
    """A setting has a bad value; the message names the environment variable and the value."""


class Settings(BaseSettings):
    """Process settings (see the module docstring for the variables)."""

    model_config = SettingsConfigDict(env_prefix="LER_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("ler-verifier")))
    database_url: str | None = None
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    offline_bundle: Path | None = None
    fetch_timeout_s: float = Field(default=5.0, gt=0, le=120)
    max_fetch_bytes: int = Field(default=2_000_000, gt=0)
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    max_json_depth: int = Field(default=64, gt=1, le=512)
    max_clock_skew_s: float = Field(default=0.0, ge=0, le=86_400)
    require_trusted_issuer: bool = True
    strict_status_signer: bool = False
    strict_status_list_length: bool = False
    allow_insecure_loopback: bool = False
    fetch_schemas: bool = False
    cpu_workers: int | None = Field(default=None, ge=0, le=256)
    processes: int | None = Field(default=None, ge=1, le=256)
    verify_deadline_s: float = Field(default=10.0, gt=0, le=300)
    request_timeout_s: float = Field(default=30.0, gt=0, le=600)
    vc_api_status_codes: bool = False
    batch_max_items: int = Field(default=1000, gt=0, le=100_000)
    rate_limit_per_s: float = Field(default=50.0, ge=0)
    rate_limit_burst: int = Field(default=100, gt=0)
    metrics_public: bool = False
    cache_max_ttl_s: float = Field(default=3600.0, ge=0)
    cache_status_ttl_s: float = Field(default=300.0, ge=0)
    cache_max_entries: int = Field(default=10_000, ge=0)
    registry_poll_s: float = Field(default=1.0, ge=0)
    key_cache_s: float = Field(default=5.0, ge=0, le=3600)
    queue_name: str = Field(default="ler:checks", min_length=1, max_length=200)
    worker_job_timeout_s: float = Field(default=15.0, gt=0, le=3600)
    worker_poll_s: float = Field(default=0.25, gt=0, le=60)
    worker_max_jobs: int = Field(default=50, gt=0, le=10_000)
    dispatch_unit: Literal["request", "credential"] = "request"
    dispatch_batch_max: int = Field(default=32, gt=0, le=1000)
    dispatch_jobs_in_flight: int = Field(default=2, gt=0, le=1000)
    dispatch_batch_wait_s: float = Field(default=0.02, ge=0, le=5)
    callback_secret: str | None = None
    job_result_ttl_s: float = Field(default=86_400.0, gt=0)
    max_batch_body_bytes: int = Field(default=20_000_000, gt=0)
    callback_retry_base_s: float = Field(default=0.5, gt=0, le=600)
    callback_max_attempts: int = Field(default=6, gt=0, le=50)
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+$")
    log_level: str = Field(default="INFO", pattern=r"^(?i:DEBUG|INFO|WARNING|ERROR|CRITICAL)$")

    @property
    def sends_whole_requests(self) -> bool:
        """Whether a front end sends whole requests to the workers (``REDIS_URL`` set and
        ``LER_DISPATCH_UNIT=request``): then it runs no check itself."""
        return bool(self.redis_url) and self.dispatch_unit == "request"

    def limits(self) -> Limits:
        """The :class:`Limits` these settings imply."""
        return Limits(max_body_bytes=self.max_body_bytes, max_json_depth=self.max_json_depth,
                      max_fetch_bytes=self.max_fetch_bytes, fetch_timeout_s=self.fetch_timeout_s)

    def resources(self) -> ResourceConfig:
        """The :class:`ResourceConfig` these settings imply."""
        return ResourceConfig(offline_bundle=self.offline_bundle, data_dir=self.data_dir,
                              allow_insecure_loopback=self.allow_insecure_loopback,
                              fetch_schemas=self.fetch_schemas)


def load_settings(**overrides) -> Settings:
    """Read settings from the environment, with ``overrides`` (field name -> value) on top.

    :raises SettingsError: a value does not fit its field; the message names the variable and value.
    """
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        parts = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            var = "REDIS_URL" if field == "redis_url" else f"LER_{field.upper()}"
            parts.append(f"{var}={err.get('input')!r}: {err['msg']}")
        raise SettingsError("bad setting: " + "; ".join(parts)) from exc
