"""Browser tests: the built example site served on 127.0.0.1, driven in Debian's Chromium.

Playwright's own browser download is not reachable here, so the tests launch
the system Chromium by path. On a developer machine without it they skip with
a message; with KBGEN_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser
fails instead.

Every page opened through the ``page`` fixture fails its test on a page error,
a console error, or any request that leaves 127.0.0.1 (such requests are
blocked and recorded).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("KBGEN_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
# Material draws Mermaid inside a closed shadow root; open it so tests can see the SVG.
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
})();
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set KBGEN_CHROMIUM)"
    if os.environ.get("KBGEN_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; KBGEN_REQUIRE_BROWSER=1 makes this a failure", pytrace=False)
    pytest.skip(message)


def build_site(root: Path, site_dir: Path) -> None:
    """Build the knowledge base at ``root`` with the kbgen CLI, failing loudly on any problem."""
    proc = subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--site-dir", str(site_dir),
                           "--strict"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "papers.yaml"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "content", dest / "content")
    return dest


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 at a free port; returns (base_url, server)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    _require_browser()
    work = tmp_path_factory.mktemp("example")
    root = copy_example(work / "kb")
    build_site(root, work / "site")
    return work / "site"


@pytest.fixture(scope="session")
def base_url(example_site: Path):
    url, server = serve(example_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """Everything that went wrong on a page: checked after each test."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []

    def assert_clean(self) -> None:
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"
        assert not self.dialogs, f"a dialog opened (script ran): {self.dialogs}"
        assert not self.errors, f"page or console errors: {self.errors}"


def open_page(browser, problems: PageProblems, color_scheme: str = "light", width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block",
                                  color_scheme=color_scheme)
    context.add_init_script(OPEN_SHADOW_ROOTS)

    def route(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "file:")) or host == "127.0.0.1":
            route.continue_()
        else:
            problems.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: problems.errors.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error" else None)

    def on_dialog(dialog):
        problems.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser, problems):
    context, page = open_page(browser, problems)
    yield page
    context.close()
    problems.assert_clean()


def wait_for_graph(page, timeout: int = 20_000) -> None:
    """Wait until the graph explorer has drawn and placed its labels."""
    page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0", timeout=timeout)
    page.wait_for_timeout(300)  # the labels are placed again once the viewport settles


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot (of the viewport, or the whole page) under test-artifacts/ (look at them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
