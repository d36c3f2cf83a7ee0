"""The commands the Dockerfile and compose.yaml run, run directly (no container engine here): the api and
worker commands against local Redis and a fresh PostgreSQL database, the image's health check, the worker
health check, and the first-key command the compose file documents."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
import urllib.request
from pathlib import Path

import asyncpg
import pytest

from tests.service.test_serve_command import free_port, wait_http
from tests.workers.conftest import REDIS_URL, WorkerProcess, cleanup, new_queue

ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "127.0.0.1", "port": 5432, "user": os.environ.get("LER_TEST_PG_USER", "postgres")}


def dockerfile_json(instruction: str) -> list[str]:
    """The exec-form (JSON array) argument of the Dockerfile's ``instruction`` (continuations joined)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith(instruction + " "))
    return json.loads(line[line.index("CMD [") + 4:] if instruction == "HEALTHCHECK" else line[line.index("["):])


def compose_service(name: str) -> dict:
    """``command``, ``healthcheck`` test and environment names of a compose service (plain line reading)."""
    text = (ROOT / "compose.yaml").read_text()
    block = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", text, re.M).group(1)
    out = {}
    for key in ("command", "test"):
        m = re.search(rf"^\s+{key}: (\[.*\])$", block, re.M)
        if m:
            out[key] = json.loads(m.group(1))
    env_block = re.search(r"^x-ler-environment: &ler-environment\n((?:  .*\n)+)", text, re.M).group(1)
    out["environment"] = [line.split(":")[0].strip() for line in env_block.splitlines()]
    return out


def run_cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    assert args[0] == "ler-verifier"
    return subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", *args[1:]], env=env,
                          capture_output=True, timeout=60)


@pytest.fixture
def pg_database(redis_ready):
    async def create():
        conn = await asyncpg.connect(database="postgres", timeout=3, **PG)
        name = f"ler_compose_{uuid.uuid4().hex[:10]}"
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        return name

    async def drop(name):
        conn = await asyncpg.connect(database="postgres", timeout=3, **PG)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    try:
        name = asyncio.run(create())
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable ({type(exc).__name__})")
    yield f"postgresql://{PG['user']}@127.0.0.1:5432/{name}"
    asyncio.run(drop(name))


def test_image_and_compose_commands(tmp_path, pg_database, signed_credential):
    api, worker = compose_service("api"), compose_service("worker")
    assert dockerfile_json("CMD") == api["command"] and api["command"][:2] == ["ler-verifier", "serve"]
    assert worker["command"] == ["ler-verifier", "worker"]
    assert {"REDIS_URL", "LER_DATABASE_URL", "LER_DATA_DIR"} <= set(api["environment"])
    assert "USER ler" in (ROOT / "Dockerfile").read_text()
    queue, port = new_queue(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(REDIS_URL=REDIS_URL, LER_DATABASE_URL=pg_database, LER_DATA_DIR=str(tmp_path), LER_QUEUE_NAME=queue,
               LER_REQUIRE_TRUSTED_ISSUER="false", LER_CPU_WORKERS="1")
    command = [{"0.0.0.0": "127.0.0.1", "8080": str(port)}.get(a, a) for a in api["command"]]  # loopback, free port
    serve = subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", *command[1:]], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = WorkerProcess(queue, tmp_path, LER_DATABASE_URL=pg_database)
    try:
        work.start()  # /readyz is 503 until a worker is alive
        wait_http(f"http://127.0.0.1:{port}/readyz")
        health = [part.replace("127.0.0.1:8080", f"127.0.0.1:{port}") for part in dockerfile_json("HEALTHCHECK")]
        assert health[0] == "python"
        assert subprocess.run([sys.executable, *health[1:]], timeout=30).returncode == 0
        worker_check = [part.replace("ler:checks:", f"{queue}:") for part in worker["test"][1:]]
        assert subprocess.run([sys.executable, *worker_check[1:]], env=env, timeout=30).returncode == 0
        created = run_cli(["ler-verifier", "keys", "create", "--role", "admin", "--name", "ops"], env)
        assert created.returncode == 0, created.stderr
        token = created.stdout.decode().split()[0]
        body = json.dumps({"verifiableCredential": signed_credential}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/credentials/verify", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            answer = json.loads(resp.read())
        assert answer["verified"] is True, answer
        ready = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).read())
        assert ready["checks"] == {"database": "ok", "redis": "ok", "workers": "ok"}
    finally:
        serve.terminate()
        serve.wait(timeout=20)
        work.stop()
        cleanup(queue)
