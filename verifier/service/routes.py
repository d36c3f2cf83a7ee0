"""The route table of the service (one place; STYLE.md rule 6). ``/admin`` is mounted in :mod:`app`."""

from __future__ import annotations

from aiohttp import web

from verifier.service.handlers import health, jobs, meta, shares, verify

ROUTES = [
    web.post("/credentials/verify", verify.verify_credential, name="verify_credential"),
    web.post("/presentations/verify", verify.verify_presentation, name="verify_presentation"),
    web.post("/verifications", jobs.create_job, name="create_verification"),
    web.get("/verifications/{job_id}", jobs.get_job, name="verification", allow_head=False),
    # Shared verifications (issue 12 §3); /v/{id}.json is the one route open to other origins (CORS).
    web.post("/shares", shares.create_share, name="create_share"),
    web.delete("/shares/{share_id}", shares.remove_share, name="share"),
    web.get(r"/v/{share_id:[^/.]+}.json", shares.share_json, name="share_json"),
    web.options(r"/v/{share_id:[^/.]+}.json", shares.share_json_preflight, name="share_json_preflight"),
    web.get(r"/v/{share_id:[^/.]+}", shares.share_page, name="share_page"),
    web.get("/oembed", shares.oembed, name="oembed", allow_head=False),
    web.get("/embed/v1/ler-verification.js", shares.component_js, name="component_js"),
    web.get("/embed/v1/share.css", shares.share_css, name="share_css"),
    web.get("/healthz", health.healthz, name="healthz", allow_head=False),
    web.get("/readyz", health.readyz, name="readyz", allow_head=False),
    web.get("/metrics", meta.metrics, name="metrics", allow_head=False),
    web.get("/openapi.json", meta.openapi, name="openapi", allow_head=False),
]
