"""``ler-verifier serve --processes N``: N service processes sharing one port, supervised by gunicorn.

One Python process verifies on one core at a time (pyld and the proof work hold the GIL), so the
embedded service uses every core by running N copies of the application behind one listening socket.
gunicorn's arbiter (a well-kept process supervisor; aiohttp ships its worker class,
``aiohttp.GunicornWebWorker``) binds the port once, forks the N processes, which all accept on that one
socket, restarts one that dies, and stops them gracefully on SIGTERM/SIGINT.

What the processes share and what they do not:

* **CPU work runs in each process** (no process pool of its own by default: N processes already fill
  N cores, and a pool each would mean N x N processes and a pickling hand-off per check). An explicit
  ``LER_CPU_WORKERS`` still gives each process a pool.
* **The report cache is per process** (embedded mode has no Redis): a credential presented on
  connections served by different processes may be verified once in each before it is a cache hit.
  With ``REDIS_URL`` the cache is Redis and shared.
* **Rate limits are shared**: one token bucket per API key for the whole service, in shared memory
  (:class:`verifier.service.shared_limits.SharedRateLimiter`), so N processes do not grant N times
  the limit.
* **The registry version** is read by each process (at most every ``LER_REGISTRY_POLL_S``); a write
  through ``/admin`` takes effect at once in the process that served it and within that interval in
  the others.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from gunicorn.app.base import BaseApplication

from verifier.service.shared_limits import SharedRateLimiter
from verifier.settings import Settings

log = logging.getLogger("verifier.service")

#: seconds a stopping process has to finish the requests it holds (gunicorn ``graceful_timeout``).
GRACEFUL_TIMEOUT_S = 30


class _Service(BaseApplication):
    """The gunicorn application: configuration from our settings, the aiohttp app built in each process."""

    def __init__(self, settings: Settings, options: dict[str, Any], limiter: SharedRateLimiter):
        self.settings = settings
        self.options = options
        self.limiter = limiter
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        settings, limiter = self.settings, self.limiter

        async def factory():
            from verifier.service import create_app

            return create_app(settings, rate_limiter=limiter, migrate_schema=False)

        return factory


def _check_port(host: str, port: int) -> None:
    """Bind ``host:port`` as gunicorn will (``SO_REUSEADDR``) and let go at once, so a port in use is a
    clear error now instead of gunicorn's retries.

    :raises OSError: the address cannot be bound (errno ``EADDRINUSE``, ``EACCES``, ``EADDRNOTAVAIL``).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _migrate_once(settings: Settings) -> None:
    """Bring the registry schema up to date here, once, before any service process starts (N processes
    migrating one database at the same time would race). An unreachable database is logged, not fatal:
    the processes start, and ``/readyz`` reports it, as with one process."""
    from trust_registry.errors import RegistryUnavailable
    from trust_registry.migrate import migrate
    from workers.settings import registry_url

    try:
        asyncio.run(migrate(registry_url(settings)))
    except RegistryUnavailable as exc:
        log.warning("trust registry not reachable at start-up (%s); continuing, /readyz reports it", exc)


def _log_config(level: str) -> dict[str, Any]:
    """gunicorn's own lines (booting, restarts) as our JSON log lines on standard error."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "verifier.service.logging.JsonFormatter"}},
        "handlers": {"json": handler},
        "root": {"level": level.upper(), "handlers": ["json"]},
        "loggers": {"gunicorn.error": {"level": level.upper(), "handlers": ["json"], "propagate": False},
                    "gunicorn.access": {"level": "WARNING", "handlers": ["json"], "propagate": False},
                    "aiohttp.access": {"level": "WARNING"}},
    }


def serve_processes(settings: Settings, *, host: str, port: int, processes: int) -> None:
    """Serve with ``processes`` processes on ``host:port`` until SIGTERM/SIGINT.

    :param settings: process settings; ``cpu_workers`` None becomes 0 here (CPU work in each process).
    :param host: address to listen on.
    :param port: TCP port (0: any free port; gunicorn logs the one it took).
    :param processes: number of service processes, >= 1.
    :raises OSError: the port cannot be bound.
    :raises SystemExit: a process cannot boot (gunicorn's exit codes).
    """
    if settings.cpu_workers is None:
        settings = settings.model_copy(update={"cpu_workers": 0})
    _check_port(host, port)
    _migrate_once(settings)
    limiter = SharedRateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    host_part = f"[{host}]" if ":" in host else host
    options = {
        "bind": f"{host_part}:{port}",
        "workers": processes,
        "worker_class": "aiohttp.GunicornWebWorker",
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "timeout": max(60, int(settings.request_timeout_s * 2)),  # a process silent this long is restarted
        "keepalive": 75,  # aiohttp's own default keep-alive, seconds
        "accesslog": None,  # our request middleware writes the access line
        "loglevel": settings.log_level.lower(),
        "proc_name": "ler-verifier",
        "reuse_port": False,  # one listening socket, inherited by the processes; a second service is refused
        "max_requests": 0,
        "logconfig_dict": _log_config(settings.log_level),
    }
    _Service(settings, options, limiter).run()
