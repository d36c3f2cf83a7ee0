"""The package's one public door, its import rule and its module sizes (STYLE.md rules 1 and the
DESIGN.md import direction)."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import trust_registry

PACKAGE = Path(trust_registry.__file__).resolve().parent


def test_all_is_true():
    for name in trust_registry.__all__:
        assert hasattr(trust_registry, name), name
    public = {n for n in vars(trust_registry) if not n.startswith("_") and not isinstance(getattr(trust_registry, n), type(sys))}
    assert public <= set(trust_registry.__all__) | {"annotations"}


def test_lookup_api_shape():
    from dataclasses import fields
    from trust_registry.lookup import RegistrySnapshot, TrustDecision, TrustRegistry
    assert [f.name for f in fields(TrustDecision)][:6] == ["trusted", "reason", "issuer", "registry", "identifier",
                                                            "version"]
    assert TrustDecision.__dataclass_params__.frozen
    assert callable(RegistrySnapshot.decide) and callable(TrustRegistry.open) and callable(TrustRegistry.snapshot)


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_trust_registry_imports_nothing_of_verifier_or_workers():
    offenders = [(p.name, m) for p in PACKAGE.rglob("*.py") for m in _imports(p)
                 if m.split(".")[0] in ("verifier", "workers")]
    assert offenders == []


def test_the_lookup_door_pulls_in_neither_aiohttp_web_nor_click():
    code = ("import sys, trust_registry; "
            "bad = [m for m in ('aiohttp.web', 'click', 'trust_registry.admin') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    import subprocess
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_modules_stay_small():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 500, sizes
    assert importlib.import_module("trust_registry.admin").create_admin_app
