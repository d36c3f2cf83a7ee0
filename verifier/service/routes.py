"""The route table of the service (one place; STYLE.md rule 6). ``/admin`` is mounted in :mod:`app`."""

from __future__ import annotations

from aiohttp import web

from verifier.service.handlers import health, jobs, meta, verify

ROUTES = [
    web.post("/credentials/verify", verify.verify_credential, name="verify_credential"),
    web.post("/presentations/verify", verify.verify_presentation, name="verify_presentation"),
    web.post("/verifications", jobs.create_job, name="create_verification"),
    web.get("/verifications/{job_id}", jobs.get_job, name="verification", allow_head=False),
    web.get("/healthz", health.healthz, name="healthz", allow_head=False),
    web.get("/readyz", health.readyz, name="readyz", allow_head=False),
    web.get("/metrics", meta.metrics, name="metrics", allow_head=False),
    web.get("/openapi.json", meta.openapi, name="openapi", allow_head=False),
]
