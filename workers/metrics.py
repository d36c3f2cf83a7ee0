"""Prometheus metrics of the service (issue 5 ``GET /metrics``), with ``prometheus_client``.

One :class:`Metrics` per application, each with its own registry (several apps in one process, as in
tests, never share counters). Exposed in the Prometheus text format 0.0.4:

=====================================  ============================================================
``ler_http_requests_total``            requests by ``route`` (the route pattern), ``method``, ``status``
``ler_http_request_duration_seconds``  latency histogram by ``route`` and ``outcome``
                                       (``verified``, ``not_verified``, ``client_error``, ``server_error``, ``ok``)
``ler_checks_total``                   check results by ``check`` and ``outcome``
``ler_cache_requests_total``           report cache lookups by ``result`` (``hit``, ``miss``)
``ler_queue_depth``                    jobs waiting in the arq queue (read at scrape time; 0 when embedded)
``ler_worker_job_seconds``             dispatched check round trip (enqueue to result) by ``check``
``ler_async_jobs_total``               bulk jobs by ``state`` (``accepted``, ``done``)
``ler_callbacks_total``                callback deliveries by ``result`` (``delivered``, ``failed``)
=====================================  ============================================================
"""

from __future__ import annotations

from typing import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The service's metrics in a registry of their own."""

    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("ler_http_requests", "HTTP requests", ("route", "method", "status"), registry=r)
        self.latency = Histogram("ler_http_request_duration_seconds", "HTTP request latency", ("route", "outcome"),
                                 buckets=_LATENCY_BUCKETS, registry=r)
        self.checks = Counter("ler_checks", "Check results", ("check", "outcome"), registry=r)
        self.cache = Counter("ler_cache_requests", "Report cache lookups", ("result",), registry=r)
        self.queue_depth = Gauge("ler_queue_depth", "Jobs waiting in the arq queue", registry=r)
        self.job_latency = Histogram("ler_worker_job_seconds", "Dispatched check round trip, enqueue to result",
                                     ("check",), buckets=_LATENCY_BUCKETS, registry=r)
        self.async_jobs = Counter("ler_async_jobs", "Bulk verification jobs", ("state",), registry=r)
        self.callbacks = Counter("ler_callbacks", "Callback deliveries", ("result",), registry=r)
        self._queue_probe: Callable[[], Awaitable[int]] | None = None

    def set_queue_probe(self, probe: Callable[[], Awaitable[int]] | None) -> None:
        """Read the queue depth with ``probe`` at each scrape (None: report 0)."""
        self._queue_probe = probe

    def observe_request(self, route: str, method: str, status: int, outcome: str, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, outcome).observe(seconds)

    def observe_checks(self, outcomes: list[tuple[str, str]]) -> None:
        """Count each (check id, outcome) of one report."""
        for check, outcome in outcomes:
            self.checks.labels(check, outcome).inc()

    async def render(self) -> bytes:
        """The text exposition (refreshes the queue depth first; an unreadable queue reads as -1)."""
        depth = 0
        if self._queue_probe is not None:
            try:
                depth = await self._queue_probe()
            except Exception:  # noqa: BLE001 - a scrape must answer even when Redis is down
                depth = -1
        self.queue_depth.set(depth)
        return generate_latest(self.registry)
