"""The share page, its iframe form and the ``<ler-verification>`` component in a real browser (issue 12 §3).

Debian's ``chromium`` driven by Playwright for Python (``executable_path``; no browser download). The
service runs on one 127.0.0.1 port and a marketplace page on another (a second origin) that sends a
strict Content-Security-Policy: only the service may give scripts and answer fetches, and nothing inline.
Each of the four states is shown in English and Spanish; a screenshot per state and view is saved under
the artefacts directory printed at the start (``LER_TEST_ARTIFACTS``, default ``$TMPDIR/ler-verifier-artifacts``).
axe-core (the npm package, installed by this test into a cache directory outside the repository) must
find no serious or critical violation.

Skips with a message when chromium, Playwright or npm (or its registry) is unavailable.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.service.conftest import service_settings
from tests.service.share_fixtures import XSS_NAME, hostile_credential, state_credentials
from tests.signing import new_key
from verifier.service import create_app
from verifier.service import share_text as T

CHROMIUM = os.environ.get("LER_CHROMIUM", "/usr/bin/chromium")
AXE_VERSION = "4.10.3"
STATES = ("verified", "not_verified", "could_not_check", "expired")

if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install -e '.[test]')")


def artefacts_dir() -> Path:
    root = Path(os.environ.get("LER_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "ler-verifier-artifacts")
    folder = root / "share-embed"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_source() -> str:
    """axe-core's ``axe.min.js``, installed once with npm into a cache directory outside the repository."""
    cache = Path(os.environ.get("LER_TEST_CACHE") or Path.home() / ".cache" / "ler-verifier-tests") / f"axe-core-{AXE_VERSION}"
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("the axe-core run needs npm (apt-get install -y npm)")
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", "--silent",
                            f"axe-core@{AXE_VERSION}"], check=True, timeout=180, capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"could not install axe-core with npm (registry unreachable?): {exc}")
    return script.read_text(encoding="utf-8")


def readme_snippet() -> str:
    """The embedding lines of README.md ("Sharing a verification"), as written there."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("<ler-verification"))
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "</noscript>")
    assert end - start + 1 == 5, "the README promises five lines of HTML"
    return "\n".join(line[4:] for line in lines[start:end + 1])


class Servers:
    """The service and a marketplace page on two 127.0.0.1 ports, served from a thread of their own."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []
        self.service = self.host = ""
        self.shares: dict[str, str] = {}

    def call(self, coro, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _serve(self, app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def _start(self) -> None:
        settings = service_settings(self.tmp, allow_insecure_loopback=True, fetch_timeout_s=1.0)
        self.service = await self._serve(create_app(settings))
        host = web.Application()
        host.router.add_get("/component", self._component_page)
        host.router.add_get("/frame", self._frame_page)
        host.router.add_get("/readme", self._readme_page)
        self.host = await self._serve(host)
        key = new_key("Ed25519")
        async with aiohttp.ClientSession() as session:
            for state, credential in state_credentials(key).items():
                async with session.post(f"{self.service}/shares", json={"verifiableCredential": credential}) as resp:
                    assert resp.status == 201, await resp.text()
                    made = await resp.json()
                    assert made["state"] == state
                    self.shares[state] = made["id"]
            body = {"verifiableCredential": hostile_credential(key), "show": ["evidence"]}
            async with session.post(f"{self.service}/shares", json=body) as resp:
                assert resp.status == 201, await resp.text()
                self.shares["hostile"] = (await resp.json())["id"]

    def strict_csp(self) -> str:
        return (f"default-src 'self'; script-src {self.service}; connect-src {self.service}; img-src 'self' {self.service}; "
                f"style-src 'self'; frame-src {self.service}; object-src 'none'; base-uri 'none'")

    async def _component_page(self, request: web.Request) -> web.Response:
        share, lang = request.query["share"], request.query.get("lang", "en")
        theme = request.query.get("theme")
        theme_attr = f' theme="{theme}"' if theme in ("light", "dark") else ""
        html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Candidate profile</title></head>'
                f'<body><main><h1>Candidate profile</h1>'
                f'<ler-verification share="{share}"{theme_attr}></ler-verification>'
                f'<script src="{self.service}/embed/v1/ler-verification.js"></script></main></body></html>')
        return web.Response(text=html, content_type="text/html", headers={"Content-Security-Policy": self.strict_csp()})

    async def _frame_page(self, request: web.Request) -> web.Response:
        share, lang = request.query["share"], request.query.get("lang", "en")
        html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Candidate profile</title></head>'
                f'<body><main><h1>Candidate profile</h1><iframe src="{self.service}/v/{share}?embed=1&amp;lang={lang}" '
                f'title="Credential verification" width="480" height="420"></iframe></main></body></html>')
        return web.Response(text=html, content_type="text/html", headers={"Content-Security-Policy": self.strict_csp()})

    async def _readme_page(self, request: web.Request) -> web.Response:
        """The README's five lines of HTML, with this service's origin and a share id put in."""
        snippet = readme_snippet().replace("https://verify.example.org", self.service)
        snippet = snippet.replace("SHARE_ID", request.query["share"])
        html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Candidate profile</title></head>'
                f'<body><main><h1>Candidate profile</h1>{snippet}</main></body></html>')
        return web.Response(text=html, content_type="text/html", headers={"Content-Security-Policy": self.strict_csp()})

    def __enter__(self) -> "Servers":
        self.thread.start()
        self.call(self._start())
        return self

    async def _stop(self) -> None:
        for runner in reversed(self.runners):
            await runner.cleanup()

    def __exit__(self, *exc) -> None:
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(tmp_path_factory.mktemp("share-browser")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = artefacts_dir()
    print(f"\nshare-embed screenshots: {folder}")
    return folder


def _watch(page) -> list[str]:
    """Collect console errors (CSP refusals show up there) and page errors."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    return problems


def test_share_page_in_four_states_and_two_languages(servers, browser, artefacts):
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    for state in STATES:
        for lang in ("en", "es"):
            page.goto(f"{servers.service}/v/{servers.shares[state]}?lang={lang}")
            heading = page.get_by_role("heading", level=1)
            assert heading.inner_text().strip() == T.text(f"state.{state}", lang)
            assert page.locator("html").get_attribute("lang") == lang
            assert page.locator(f"main.card.state-{state} svg.icon").count() == 1  # an icon beside the words
            page.screenshot(path=str(artefacts / f"page-{state}-{lang}.png"), full_page=True)
    # keyboard: Tab reaches the reasons, Enter opens them (a native <details>)
    page.goto(f"{servers.service}/v/{servers.shares['not_verified']}?lang=en")
    reasons = page.locator("details.reasons")
    assert reasons.get_attribute("open") is None
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.matches('details.reasons > summary')"):
            break
    page.keyboard.press("Enter")
    assert reasons.get_attribute("open") is not None
    page.screenshot(path=str(artefacts / "page-not_verified-en-reasons-open.png"), full_page=True)
    assert problems == []
    assert context.cookies() == []
    context.close()


def test_component_on_another_origin_under_a_strict_csp(servers, browser, artefacts):
    context = browser.new_context(viewport={"width": 640, "height": 640})
    page = context.new_page()
    problems = _watch(page)
    for state in STATES:
        for lang in ("en", "es"):
            page.goto(f"{servers.host}/component?share={servers.shares[state]}&lang={lang}")
            label = page.locator("ler-verification .state-text")
            label.wait_for(timeout=10_000)
            assert label.inner_text() == T.text(f"state.{state}", lang)
            card = page.locator("ler-verification section.card")
            assert card.get_attribute("class") == f"card state-{state}" and card.get_attribute("lang") == lang
            assert page.locator("ler-verification svg[aria-hidden=true]").count() == 1
            page.locator("ler-verification").screenshot(path=str(artefacts / f"component-{state}-{lang}.png"))
    page.goto(f"{servers.host}/component?share={servers.shares['verified']}&lang=en&theme=dark")
    page.locator("ler-verification .state-text").wait_for()
    background = page.evaluate("getComputedStyle(document.querySelector('ler-verification').shadowRoot"
                               ".querySelector('.card')).backgroundColor")
    assert background == "rgb(21, 23, 26)"
    page.locator("ler-verification").screenshot(path=str(artefacts / "component-verified-en-dark.png"))
    # the host origin may read the share, and nothing else of the service (CORS only on /v/{id}.json)
    outcome = page.evaluate("""async (service) => {
        const ok = await fetch(service + '/v/' + %r + '.json', {credentials: 'omit'}).then(r => r.status);
        let other = 'readable';
        try { await fetch(service + '/openapi.json'); } catch (e) { other = 'blocked'; }
        return [ok, other];
    }""" % servers.shares["verified"], servers.service)
    assert outcome == [200, "blocked"]
    assert [p for p in problems if "openapi.json" not in p and "Failed to fetch" not in p
            and "net::ERR_FAILED" not in p] == []
    assert not any("Content Security Policy" in p for p in problems), problems
    assert context.cookies() == []
    context.close()


def test_iframe_form_on_another_origin(servers, browser, artefacts):
    context = browser.new_context(viewport={"width": 640, "height": 560})
    page = context.new_page()
    problems = _watch(page)
    for state in STATES:
        page.goto(f"{servers.host}/frame?share={servers.shares[state]}&lang=es")
        frame = page.frame_locator("iframe")
        assert frame.get_by_role("heading", level=1).inner_text().strip() == T.text(f"state.{state}", "es")
        page.screenshot(path=str(artefacts / f"iframe-{state}-es.png"))
    assert problems == []
    context.close()


def test_axe_finds_no_serious_or_critical_violation(servers, browser):
    axe = axe_source()
    pages = [f"{servers.service}/v/{servers.shares[s]}?lang={lang}" for s in STATES for lang in ("en", "es")]
    pages += [f"{servers.service}/v/{servers.shares[s]}?embed=1&lang=en" for s in STATES]
    pages += [f"{servers.host}/component?share={servers.shares[s]}&lang=es" for s in STATES]
    pages += [f"{servers.host}/component?share={servers.shares[s]}&lang=en&theme={t}" for s in STATES
              for t in ("light", "dark")]  # the theme attribute wins over the reader's setting
    found = {}
    for scheme in ("light", "dark"):  # the reader's prefers-color-scheme: both themes must keep their contrast
        context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # bypass only to inject axe
        page = context.new_page()
        for url in pages:
            page.goto(url)
            if "/component" in url:
                page.locator("ler-verification .state-text").wait_for()
            page.evaluate("""() => { for (const d of document.querySelectorAll('details')) d.open = true;
                const host = document.querySelector('ler-verification');
                if (host) for (const d of host.shadowRoot.querySelectorAll('details')) d.open = true; }""")
            page.evaluate(axe)
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
            if bad:
                found[f"{scheme} {url}"] = bad
        context.close()
    assert found == {}


def test_script_in_credential_fields_never_runs(servers, browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{servers.service}/v/{servers.shares['hostile']}?lang=en")
    assert page.locator(".achievement-name").inner_text().startswith(XSS_NAME)
    for link in page.locator("a").all():
        assert link.get_attribute("href").startswith(("http://", "https://"))
    page.goto(f"{servers.host}/component?share={servers.shares['hostile']}&lang=en")
    page.locator("ler-verification .state-text").wait_for()
    assert XSS_NAME in page.locator("ler-verification dl").inner_text()
    for link in page.locator("ler-verification a").all():
        assert link.get_attribute("href").startswith(servers.service + "/v/")
    page.wait_for_timeout(200)
    assert dialogs == [] and page.evaluate("document.querySelectorAll('script').length") == 1
    context.close()


def test_the_readme_five_lines_work(servers, browser, artefacts):
    context = browser.new_context(viewport={"width": 640, "height": 480})
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{servers.host}/readme?share={servers.shares['verified']}")
    label = page.locator("ler-verification .state-text")
    label.wait_for(timeout=10_000)
    assert label.inner_text() == T.text("state.verified", "es")  # lang="es" in the snippet
    page.screenshot(path=str(artefacts / "readme-snippet.png"))
    assert problems == []
    script_off = browser.new_context(java_script_enabled=False)
    page = script_off.new_page()
    page.goto(f"{servers.host}/readme?share={servers.shares['verified']}")
    frame = page.frame_locator("iframe")
    assert frame.get_by_role("heading", level=1).inner_text().strip() == T.text("state.verified", "en")
    script_off.close()
    context.close()
