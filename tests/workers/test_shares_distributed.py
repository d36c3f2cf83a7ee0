"""Shares in distributed mode (issue 12 §3): one front end makes the share, another serves its page, and
the page's verification runs on an arq worker (real Redis, a real worker process)."""

from __future__ import annotations

from tests.service.conftest import running, service_settings
from tests.service.share_fixtures import rich_credential
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import arq_client


async def test_a_share_made_on_one_front_end_is_served_by_another(worker, queue, module_dir):
    key = new_key("Ed25519")
    credential = sign_ldp(rich_credential(key.did), key)
    async with arq_client(module_dir, queue) as first:
        resp = await first.post("/shares", json={"verifiableCredential": credential})
        made = await resp.json()
        assert resp.status == 201 and made["state"] == "verified", made
    async with arq_client(module_dir, queue) as second:
        view = await (await second.get(f"/v/{made['id']}.json?lang=es")).json()
        assert view["state"] == "verified" and view["stateLabel"] == "Verificada"
        page = await second.get(f"/v/{made['id']}")
        assert page.status == 200 and '<span class="state-text">Verified</span>' in await page.text()
        assert (await second.delete(f"/shares/{made['id']}")).status == 204
    async with arq_client(module_dir, queue) as first:
        assert (await first.get(f"/v/{made['id']}")).status == 404


async def test_queue_down_shows_could_not_check_never_a_verdict(redis_ready, tmp_path):
    key = new_key("Ed25519")
    async with running(service_settings(tmp_path)) as embedded:  # made while everything works
        made = await (await embedded.post("/shares", json={"verifiableCredential": sign_ldp(rich_credential(key.did), key)})).json()
        assert made["state"] == "verified"
    async with running(service_settings(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")) as broken:
        view = await (await broken.get(f"/v/{made['id']}.json")).json()
        assert view["state"] == "could_not_check" and view["detailsHidden"] is True
        page = await broken.get(f"/v/{made['id']}?lang=es")
        assert page.status == 200 and '<span class="state-text">No se pudo comprobar</span>' in await page.text()
