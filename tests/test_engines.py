"""The second site engine: ``kbgen build --engine zensical`` against the MkDocs build.

Real Zensical processes throughout (no stand-ins): a small knowledge base made
by ``kbgen init`` for the guarantees (atomic swap, permissions, errors without
a traceback), a hostile knowledge base for the sanitiser, and the example
built by both engines (slow) for the page lists.
"""

from __future__ import annotations

import os
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kbgen.cli.main import main
from kbgen.io.engine import EngineError, clean_output, run_zensical, zensical_command

REPO = Path(__file__).resolve().parents[1]
ZENSICAL_FILES = {"search.json"}  # Zensical's own search index
MKDOCS_FILES = {"search/search_index.json", "sitemap.xml.gz"}  # Material's index, MkDocs' gzipped sitemap


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small_root(tmp_path: Path, capsys) -> Path:
    root = tmp_path / "kb"
    assert run(capsys, "init", str(root))[0] == 0
    return root


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return [name for name in os.listdir(site.parent) if name.startswith(f".{site.name}.")]


# --- the process and what it prints --------------------------------------------------


def test_clean_output_drops_colours_and_the_traceback_and_escapes_controls() -> None:
    raw = ("Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n 9 \u2502 [a](x\x1b]0;pwned\x07.md)\n"
           "Traceback (most recent call last):\n  File \"main.py\", line 81, in execute_build\n"
           "    build(os.path.abspath(config_file), kwargs)\nRuntimeError: Aborted because --strict flag is set\n")
    cleaned = clean_output(raw)
    assert cleaned.startswith("Build started\nWarning: page does not exist\n")
    assert "Traceback" not in cleaned and "main.py" not in cleaned
    assert cleaned.rstrip().endswith("\nAborted because --strict flag is set")
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\\x1b]0;pwned\\x07" in cleaned


def _project(tmp_path: Path, body: str) -> Path:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n  font: false\n")
    (project / "docs" / "index.md").write_text(body)
    return project


def test_zensical_warns_and_strict_fails_with_its_findings(tmp_path: Path) -> None:
    project = _project(tmp_path, "# Home\n\n[gone](missing.md)\n")
    done = run_zensical(project)
    assert done.warnings and "page does not exist" in done.output
    assert (project / "site" / "index.html").is_file()
    with pytest.raises(EngineError) as caught:
        run_zensical(project, strict=True)
    message = str(caught.value)
    assert "page does not exist" in message and "index.md" in message
    assert "Traceback" not in message and "--strict" in message


def test_a_clean_project_builds_without_warnings(tmp_path: Path) -> None:
    done = run_zensical(_project(tmp_path, "# Home\n\nFine.\n"), strict=True)
    assert not done.warnings


# --- kbgen build --engine zensical -------------------------------------------------------


def test_zensical_build_writes_an_ordinary_site_and_leaves_nothing_behind(capsys, small_root: Path) -> None:
    site = small_root / "site"
    code, _, err = run(capsys, "build", "--root", str(small_root), "--engine", "zensical", "--strict")
    assert code == 0, err
    assert "site built in" in err and "Traceback" not in err
    assert (site / "index.html").is_file() and (site / "search.json").is_file() and (site / "kb.json").is_file()
    assert (site / "assets" / "kbgen" / "kbgen.css").is_file()  # the plugin's extra_css, from the export
    assert not leftovers(site)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(site.stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o666 & ~umask
    assert not (small_root / "content" / "kb.json").exists()  # nothing written into the knowledge base


def test_a_failing_zensical_leaves_the_previous_site_untouched(capsys, small_root: Path, monkeypatch) -> None:
    site = small_root / "site"
    assert run(capsys, "build", "--root", str(small_root), "--engine", "zensical")[0] == 0
    before = snapshot(site)
    monkeypatch.setenv("KBGEN_ZENSICAL", "/bin/false")  # a real executable that fails
    code, _, err = run(capsys, "build", "--root", str(small_root), "--engine", "zensical")
    assert code == 1 and "Zensical" in err and "left unchanged" in err and "Traceback" not in err
    assert snapshot(site) == before
    assert not leftovers(site)


def test_a_missing_zensical_is_one_clear_error(capsys, small_root: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KBGEN_ZENSICAL", str(tmp_path / "no" / "zensical"))
    code, _, err = run(capsys, "build", "--root", str(small_root), "--engine", "zensical")
    assert code == 1 and "cannot run Zensical" in err and "pip install zensical" in err
    assert "Traceback" not in err
    assert not (small_root / "site").exists() and not leftovers(small_root / "site")


@pytest.mark.parametrize("where", ["content/out", "papers.yaml", ".git/site", "."])
def test_zensical_site_dir_is_checked_like_mkdocs(capsys, small_root: Path, where: str) -> None:
    target = str(small_root / where)
    results = {engine: run(capsys, "build", "--root", str(small_root), "--engine", engine, "--site-dir", target)
               for engine in ("mkdocs", "zensical")}
    (code, _, err), (mk_code, _, mk_err) = results["zensical"], results["mkdocs"]
    assert code == mk_code and code in (1, 2) and err.splitlines()[0] == mk_err.splitlines()[0]
    assert "Traceback" not in err and not (small_root / "site").exists()


def test_zensical_build_stops_on_knowledge_base_errors(capsys, small_root: Path) -> None:
    (small_root / "papers.yaml").write_text("papers:\n  - id: Bad Id\n    title: x\n    year: 2020\n")
    code, _, err = run(capsys, "build", "--root", str(small_root), "--engine", "zensical")
    assert code == 1 and "KB0" in err and "Traceback" not in err
    assert not (small_root / "site").exists()


def test_zensical_is_found_where_kbgen_runs() -> None:
    # CI installs it with kbgen (pyproject.toml); the build above would be skipped otherwise.
    assert zensical_command() is not None


# --- hostile content ------------------------------------------------------------------


class _Scan(HTMLParser):
    """Every handler attribute, executing URL and inline script that mentions the payload."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text", "livescript:")):
                    self.found.append(f"<{tag} {name}={value!r}>")
        self._script = tag == "script"

    def handle_data(self, data) -> None:
        if self._script and "__xss" in data:
            self.found.append(f"<script>{data[:80]}")

    def handle_endtag(self, tag) -> None:
        self._script = False


def test_hostile_pages_build_with_zensical_into_inert_html(tmp_path_factory) -> None:
    from kbgen.app.load import Loaded
    from kbgen.app.zensical_build import build_with_zensical

    from .browser.test_xss import _hostile_root, hostile_kb

    root = _hostile_root(tmp_path_factory, generic=True)
    kb = hostile_kb()  # around the validator, as tests/browser/test_xss.py does
    site = tmp_path_factory.mktemp("hostile-zensical") / "site"
    build_with_zensical(root, site, loaded=Loaded(root.resolve(), [], [], lambda: kb))
    pages = sorted(site.rglob("*.html"))
    assert any("summaries/evil" in str(p) for p in pages)
    for page in pages:
        scan = _Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        assert not scan.found, f"{page.relative_to(site)}: {scan.found}"
    body = (site / "summaries" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "A paragraph with a handler" in body  # the page was built, its payloads made inert


# --- the example with both engines --------------------------------------------------------


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory) -> dict[str, Path]:
    import subprocess
    import sys

    from .browser.conftest import copy_example

    work = tmp_path_factory.mktemp("engines")
    root = copy_example(work / "kb")
    sites = {}
    for engine in ("mkdocs", "zensical"):
        sites[engine] = work / f"site-{engine}"
        proc = subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--engine", engine,
                               "--site-dir", str(sites[engine]), "--strict"],
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return sites


def _files(site: Path) -> set[str]:
    """The site's files but its theme assets and Pagefind's bundle (the MkDocs site's search index)."""
    return {str(p.relative_to(site)) for p in site.rglob("*")
            if p.is_file() and p.relative_to(site).parts[0] not in ("assets", "pagefind")}


@pytest.mark.slow
def test_both_engines_build_the_same_pages_and_files(both_sites: dict[str, Path]) -> None:
    mkdocs, zensical = _files(both_sites["mkdocs"]), _files(both_sites["zensical"])
    assert mkdocs - MKDOCS_FILES == zensical - ZENSICAL_FILES
    assert ZENSICAL_FILES <= zensical and MKDOCS_FILES <= mkdocs
    assert (both_sites["mkdocs"] / "pagefind" / "pagefind.js").is_file()
    assert {"papers/vit/index.html", "topics/transformers/path/index.html", "graph/index.html"} <= zensical
    for data in ("kb.json", "references.bib", "feed.xml", "paths/attention-to-vit.ics"):
        assert (both_sites["mkdocs"] / data).read_bytes() == (both_sites["zensical"] / data).read_bytes(), data
    kbgen_assets = {str(p.relative_to(both_sites["mkdocs"])) for p in (both_sites["mkdocs"] / "assets" / "kbgen").rglob("*")}
    assert kbgen_assets == {str(p.relative_to(both_sites["zensical"]))
                            for p in (both_sites["zensical"] / "assets" / "kbgen").rglob("*")}


@pytest.mark.slow
def test_both_engines_give_every_page_the_same_title_and_heading(both_sites: dict[str, Path]) -> None:
    import html
    import re

    def head(path: Path) -> tuple[str, str]:
        text = path.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        return (title.group(1).strip() if title else "",
                html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).replace("\u00b6", "").strip() if h1 else "")

    differ = []
    for page in sorted(both_sites["mkdocs"].rglob("*.html")):
        rel = page.relative_to(both_sites["mkdocs"])
        if head(page) != head(both_sites["zensical"] / rel):
            differ.append((str(rel), head(page), head(both_sites["zensical"] / rel)))
    assert not differ, differ[:5]


@pytest.mark.slow
@pytest.mark.parametrize("page", ["index.html", "summaries/vit/index.html", "papers/vit/index.html",
                                  "paths/attention-to-vit/index.html", "topics/transformers/index.html"])
def test_zensical_pages_carry_what_the_plugin_adds(both_sites: dict[str, Path], page: str) -> None:
    """The home page's additions, a contributed page's header and footer, the generated pages' links."""
    import re
    from urllib.parse import urljoin

    def article_links(site: Path) -> set[str]:
        """Where the article's links lead (resolved: the engines spell relative links differently)."""
        text = (site / page).read_text(encoding="utf-8")
        article = text[text.index("<article"):text.index("</article>")]
        base = "http://site/" + page.removesuffix("index.html")
        return {urljoin(base, href) for href in re.findall(r'href="([^"#]+)', article)}

    links = article_links(both_sites["zensical"])
    assert len(links) >= 4 and links == article_links(both_sites["mkdocs"])
    text = (both_sites["zensical"] / page).read_text(encoding="utf-8")
    assert "assets/kbgen/kbgen.css" in text and "assets/kbgen/kbgen.js" in text
    if page != "index.html":
        assert 'aria-label="Breadcrumb"' in text


def test_offline_zensical_site_uses_file_urls_and_loads_nothing_from_elsewhere(capsys, small_root: Path) -> None:
    import re

    code, _, err = run(capsys, "build", "--root", str(small_root), "--engine", "zensical", "--offline")
    assert code == 0, err
    site = small_root / "site"
    assert (site / "graph.html").is_file() and (site / "search.js").is_file()
    assert list((site / "papers").glob("*.html")) and not list((site / "papers").glob("*/index.html"))
    for page in site.rglob("*.html"):
        sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page.read_text(encoding="utf-8"))
        assert not [s for s in sources if "://" in s], page  # Zensical would add the worker shim from a CDN
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="./assets/kbgen/vendor/iframe-worker/shim.js"' in home
