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
``LER_MAX_CLOCK_SKEW_S``       tolerance on validity bounds, seconds (0)
``LER_REQUIRE_TRUSTED_ISSUER`` service default for ``require_trusted_issuer`` (true)
``LER_ALLOW_INSECURE_LOOPBACK``  tests only: allow http:// and loopback fetch targets (false)
=============================  =================================================================
"""

from __future__ import annotations

from pathlib import Path

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
    max_clock_skew_s: float = Field(default=0.0, ge=0)
    require_trusted_issuer: bool = True
    allow_insecure_loopback: bool = False

    def limits(self) -> Limits:
        """The :class:`Limits` these settings imply."""
        return Limits(max_body_bytes=self.max_body_bytes, max_json_depth=self.max_json_depth,
                      max_fetch_bytes=self.max_fetch_bytes, fetch_timeout_s=self.fetch_timeout_s)

    def resources(self) -> ResourceConfig:
        """The :class:`ResourceConfig` these settings imply."""
        return ResourceConfig(offline_bundle=self.offline_bundle, data_dir=self.data_dir,
                              allow_insecure_loopback=self.allow_insecure_loopback)


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
