"""``ler-verifier serve --processes N``: N real processes on one port, supervised, sharing rate limits."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.service.test_serve_command import free_port, wait_http


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(entry.name))
            except (OSError, IndexError):
                continue
    return out


def _wait_children(pid: int, count: int, timeout_s: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout_s
    while True:
        children = _children(pid)
        if len(children) == count:
            return children
        assert time.monotonic() < deadline, f"{len(children)} service processes, expected {count}"
        time.sleep(0.1)


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(LER_DATA_DIR=str(tmp_path), LER_REQUIRE_TRUSTED_ISSUER="false", **extra)
    return env


def _verify(port: int, body: bytes, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"http://127.0.0.1:{port}/credentials/verify", data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _serve(tmp_path, port: int, processes: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--processes", str(processes)],
                            env=_env(tmp_path, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stop(proc: subprocess.Popen) -> list[dict]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=40)
    assert proc.returncode == 0, err.decode()[-2000:]
    return [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]


def test_processes_share_the_port_and_a_dead_one_is_replaced(tmp_path, signed_credential):
    port = free_port()
    proc = _serve(tmp_path, port, 2)
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz", timeout_s=60)
        first = _wait_children(proc.pid, 2)
        body = json.dumps({"verifiableCredential": signed_credential}).encode()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: _verify(port, body), range(24)))
        assert all(status == 200 and answer["verified"] is True for status, answer in answers)
        victim = sorted(first)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (now := _children(proc.pid)) == first or len(now) != 2:
            assert time.monotonic() < deadline, "the killed process was not replaced"
            time.sleep(0.1)
        assert victim not in now
        wait_http(f"http://127.0.0.1:{port}/readyz", timeout_s=60)
        status, answer = _verify(port, body)
        assert status == 200 and answer["verified"] is True
    finally:
        lines = _stop(proc) if proc.poll() is None else []
    assert not _children(proc.pid)
    access = [line for line in lines if line.get("logger") == "verifier.service.access"]
    assert len({line["pid"] for line in access}) >= 2  # more than one process served
    assert all(line["pid"] != proc.pid for line in access)  # the supervisor serves nothing itself


class _Logs:
    """The JSON log lines of a running ``serve``, read from its stderr as they come (a thread)."""

    def __init__(self, proc: subprocess.Popen):
        self.lines: list[dict] = []
        self._thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        with stream:
            for raw in stream:
                if raw.startswith(b"{"):
                    self.lines.append(json.loads(raw))

    def close(self) -> None:
        self._thread.join(timeout=10)

    def served_by(self, path: str) -> set[int]:
        return {line["pid"] for line in list(self.lines)
                if line.get("logger") == "verifier.service.access" and line.get("path") == path}


def test_rate_limit_is_one_bucket_for_all_processes(tmp_path, signed_credential):
    """Both processes answer verify requests, and together they grant the burst once: a process that granted
    nothing refused from the shared bucket (with a bucket of its own it would have granted its burst)."""
    created = subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", "keys", "create",
                              "--role", "verify", "--name", "hr"], env=_env(tmp_path), capture_output=True, timeout=60)
    assert created.returncode == 0, created.stderr
    token = created.stdout.decode().split()[0]
    port = free_port()
    proc = _serve(tmp_path, port, 2, LER_RATE_LIMIT_PER_S="0.001", LER_RATE_LIMIT_BURST="6")
    logs = _Logs(proc)
    statuses: list[int] = []
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", timeout_s=60)
        _wait_children(proc.pid, 2)
        body = json.dumps({"verifiableCredential": signed_credential}).encode()
        deadline = time.monotonic() + 60
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            while len(logs.served_by("/credentials/verify")) < 2:  # until both processes have answered
                assert time.monotonic() < deadline, "one process answered every request"
                statuses += [status for status, _ in pool.map(lambda _: _verify(port, body, token), range(30))]
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        logs.close()
    assert proc.returncode == 0
    assert sorted(statuses) == [200] * 6 + [429] * (len(statuses) - 6)
