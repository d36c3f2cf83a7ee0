"""``ler-verifier serve`` as an operator runs it: a real process on a free port, embedded mode."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_starts_embedded_and_verifies(tmp_path, signed_credential):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(LER_DATA_DIR=str(tmp_path), LER_CPU_WORKERS="1", LER_REQUIRE_TRUSTED_ISSUER="false")
    proc = subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", "serve", "--host",
                             "127.0.0.1", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz")
        req = urllib.request.Request(f"http://127.0.0.1:{port}/credentials/verify",
                                     data=json.dumps({"verifiableCredential": signed_credential}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = json.loads(resp.read())
        assert body["verified"] is True
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    lines = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert any(line.get("level") == "warning" and "no API key" in line["message"] for line in lines)
    access = [line for line in lines if line.get("logger") == "verifier.service.access"]
    assert any(line["path"] == "/credentials/verify" and line["status"] == 200 and line.get("request_id")
               for line in access)


def test_serve_on_a_port_in_use_is_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(LER_DATA_DIR=str(tmp_path), LER_CPU_WORKERS="0")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", "serve", "--host",
                               "127.0.0.1", "--port", str(port)], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2, done.stderr
    last = done.stderr.decode().strip().splitlines()[-1]
    assert last == f"ler-verifier: cannot listen on 127.0.0.1:{port}: the address is already in use"
    assert "internal error" not in done.stderr.decode()
