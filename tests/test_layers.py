"""The import direction of our packages, and no circles (issue 9 "Layers"; DESIGN.md "Packages").

    trust_registry   imports nothing of ours
    verifier (core)  imports the core and trust_registry
    workers          imports workers, the core and trust_registry -- never verifier.service or verifier.cli
    verifier.service, verifier.cli   the composition roots: may import everything

Every ``import`` counts, also those inside functions. A module-level import circle between two of our
modules fails too (a circle is a layering mistake even when Python tolerates it).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("trust_registry", "verifier", "workers")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """Our module a dotted name refers to (the longest known prefix), or None for a third-party one."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in MODULES:
            return candidate
    return None


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module of ours, line, at module level) for every import in ``path``."""
    tree = ast.parse(path.read_text(), str(path))
    top_level = {id(node) for node in tree.body}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" if _resolve(f"{base}.{a.name}") == f"{base}.{a.name}" else base
                     for a in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                out.append((target, node.lineno, id(node) in top_level))
    return out


def layer(module: str) -> str:
    if module.startswith("trust_registry"):
        return "registry"
    if module.startswith("workers"):
        return "workers"
    if module == "verifier.cli" or module.startswith("verifier.service"):
        return "root"
    return "core"


ALLOWED = {"registry": {"registry"}, "core": {"core", "registry"}, "workers": {"workers", "core", "registry"},
           "root": {"root", "workers", "core", "registry"}}


def test_every_import_goes_down_the_layers():
    wrong = []
    for module, path in MODULES.items():
        for target, line, _ in _imports(module, path):
            if layer(target) not in ALLOWED[layer(module)]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {layer(module)} module {module} imports "
                             f"{layer(target)} module {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circles_between_our_modules():
    graph = {m: {t for t, _, top in _imports(m, p) if top and not m.startswith(t + ".")} for m, p in MODULES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not circles, "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The rule can fail: a core module importing the service is reported."""
    path = tmp_path / "bad.py"
    path.write_text("from verifier.service.app import create_app\n")
    assert [(t, layer(t)) for t, _, _ in _imports("verifier.bad", path)] == [("verifier.service.app", "root")]
    assert layer("verifier.service.app") not in ALLOWED[layer("verifier.bad")]
