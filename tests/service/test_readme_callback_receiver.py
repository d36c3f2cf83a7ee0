"""The callback receiver printed in README.md ("Callbacks") accepts our deliveries and refuses forged,
altered and replayed ones (issue 9)."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

from workers.jobs import sign_body

README = Path(__file__).resolve().parents[2] / "README.md"


def _receiver():
    text = README.read_text()
    block = text[text.index("    import hashlib, hmac, time"):]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line)
    namespace: dict = {}
    exec(textwrap.dedent("\n".join(lines)), namespace)  # noqa: S102 - our own README's example
    return namespace["accept"]


def test_readme_receiver_accepts_ours_and_refuses_the_rest():
    accept = _receiver()
    body, secret, now = b'{"id": "job-1", "status": "done"}', "s3cret", int(time.time())
    headers = {"X-LER-Signature": sign_body(secret, body, now), "X-LER-Delivery": "job-1"}
    seen: set = set()
    assert accept(headers, body, secret, seen) and seen == {"job-1"}
    assert accept(headers, body, secret, seen)  # a retry: accepted, acted on once
    assert not accept(headers, body + b" ", secret, set())
    assert not accept(headers, body, "other", set())
    old = {"X-LER-Signature": sign_body(secret, body, now - 3600), "X-LER-Delivery": "job-1"}
    assert not accept(old, body, secret, set())
