"""Re-create examples/ob3-eddsa-rdfc-2022.json: an Open Badges 3.0 credential signed by a fresh did:key.

Run from the repository root: ``python examples/make_example.py``. The private key is thrown away;
the credential verifies offline (did:key resolves itself; its contexts are bundled).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.credentials import ob3_credential  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402


def main() -> None:
    key = new_key("Ed25519")
    signed = sign_ldp(ob3_credential(key.did), key, suite="eddsa-rdfc-2022", created="2026-11-29T09:00:00Z")
    out = Path(__file__).with_name("ob3-eddsa-rdfc-2022.json")
    out.write_text(json.dumps(signed, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
