"""Real Redis (127.0.0.1:6379) and real arq worker processes, with a queue name of this test run only.

Every key this run makes carries the queue name (``ler-test-<random>``): job ids, cache keys, the
``done`` channel, arq's own ``arq:job:``/``arq:result:``/``arq:in-progress:`` keys for those jobs and the
queue itself. They are deleted at the end, so concurrent runs (and other users of db 0) are untouched.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.service.conftest import issuer_key, running, service_settings, signed_credential  # noqa: F401 - shared fixtures

REDIS_URL = os.environ.get("LER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        return f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__}); .ci/run starts one"
    return None


def cleanup(queue: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"{queue}*", f"arq:*{queue}*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


def new_queue() -> str:
    return f"ler-test-{uuid.uuid4().hex[:12]}"


class WorkerProcess:
    """``ler-verifier worker`` in a subprocess."""

    def __init__(self, queue: str, data_dir: Path, **env: str):
        self.queue = queue
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
        self.env.update({"REDIS_URL": REDIS_URL, "LER_QUEUE_NAME": queue, "LER_DATA_DIR": str(data_dir),
                         "LER_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'registry.sqlite3'}",
                         "LER_LOG_LEVEL": "WARNING", **env})
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 30.0) -> "WorkerProcess":
        client = redis.Redis.from_url(self.env["REDIS_URL"])
        client.delete(f"{self.queue}:health-check")
        self.proc = subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", "worker"],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while not client.exists(f"{self.queue}:health-check"):  # arq writes it on its first poll
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError("worker did not start")
            time.sleep(0.05)
        client.close()
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def redis_ready():
    problem = _redis_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workers")


@pytest.fixture(scope="module")
def queue(redis_ready) -> str:
    name = new_queue()
    yield name
    cleanup(name)


@pytest.fixture(scope="module")
def worker(queue, module_dir) -> WorkerProcess:
    """One worker for the module's tests, on the module's queue."""
    proc = WorkerProcess(queue, module_dir, LER_ALLOW_INSECURE_LOOPBACK="true").start()
    yield proc
    proc.stop()


def arq_settings(data_dir: Path, queue: str, **overrides: Any):
    """Front-end settings for arq mode sharing the worker's registry file."""
    return service_settings(data_dir, REDIS_URL=REDIS_URL, queue_name=queue,
                            database_url=f"sqlite+aiosqlite:///{data_dir / 'registry.sqlite3'}", **overrides)


@contextlib.asynccontextmanager
async def arq_client(data_dir: Path, queue: str, **overrides: Any):
    async with running(arq_settings(data_dir, queue, **overrides)) as client:
        yield client
