"""End to end: build the example site with --strict and check it like a reader's browser would.

Site builds take seconds each, so they are few: the example site once (module
fixture), its export once, and the small fixture knowledge base for the
failure and escaping cases.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from kbgen.app.sitebuild import generated_files, read_templates
from kbgen.cli.main import main
from kbgen.graph import build_graph, graph_to_json
from kbgen.io.atomic import write_tree
from kbgen.io.files import read_content_files
from kbgen.site.export import export_files
from kbgen.site.renderer import SiteOptions, SiteRenderer
from kbgen.site.urls import page_url
from tests.kbload import load_kb

from .conftest import REPO


def run_cli(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # load_checked exits 1 on knowledge-base errors
        return int(exc.code)

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).parent / "fixtures" / "site-kb"
SCHEMA = REPO / "kbgen" / "site" / "assets" / "kb.schema.json"
#: Average search-index bytes per paper page the issue allows.
INDEX_BUDGET = 2048


def copy_kb(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(source / "papers.yaml", dest / "papers.yaml")
    shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(source / "content", dest / "content")
    return dest


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The repository's example knowledge base, built with --strict into ROOT/site."""
    root = copy_kb(REPO, tmp_path_factory.mktemp("example") / "kb")
    started = time.perf_counter()
    assert main(["build", "--root", str(root), "--strict"]) == 0
    seconds = time.perf_counter() - started
    kb, diags = load_kb(root)
    print(f"\nexample site: {len(kb.papers)} papers built in {seconds:.1f} s")
    return root, root / "site", kb


def html_pages(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}


def test_every_page_is_there(example):
    root, site, kb = example
    expected = ["index.html", "papers/index.html", "topics/index.html", "paths/index.html", "graph/index.html",
                "summaries/index.html", "concepts/index.html", "stories/index.html", "resources/index.html"]
    expected += [f"papers/{i}/index.html" for i in kb.papers]
    expected += [f"topics/{i}/index.html" for i in kb.topics]
    expected += [f"paths/{i}/index.html" for i in kb.paths]
    expected += [f"paths/{i}.bib" for i in kb.paths] + [f"paths/{i}.ics" for i in kb.paths]
    expected += [f"summaries/{i}/index.html" for i in kb.summaries]
    expected += [f"concepts/{i}/index.html" for i in kb.concepts]
    expected += [f"stories/{i}/index.html" for i in kb.stories]
    expected += [f"resources/{i}/index.html" for i in kb.resources]
    expected += ["kb.json", "references.bib", "assets/kbgen/kbgen.js", "assets/kbgen/vendor/mermaid/mermaid.min.js"]
    missing = [p for p in expected if not (site / p).is_file()]
    assert not missing
    # Sources are inputs, not pages.
    assert not list(site.rglob("*.yaml")) and not (site / "classics.bib").exists()


def test_contributed_pages_have_header_and_footer(example):
    _, site, kb = example
    for kind, table in (("concepts", kb.concepts), ("summaries", kb.summaries), ("resources", kb.resources)):
        for entity_id in table:
            soup = BeautifulSoup((site / kind / entity_id / "index.html").read_text(), "html.parser")
            assert soup.select_one(".md-content .kb-meta"), (kind, entity_id)
            assert soup.select_one("button.kb-known[data-id]"), (kind, entity_id)


def test_references_bib_has_every_paper(example):
    import bibtexparser

    _, site, kb = example
    library = bibtexparser.parse_string((site / "references.bib").read_text())
    assert not library.failed_blocks
    assert len(library.entries) == len(kb.papers)


def test_kb_json_matches_its_schema_and_the_graph(example):
    import jsonschema

    root, site, kb = example
    data = json.loads((site / "kb.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data == json.loads(json.dumps(graph_to_json(build_graph(kb), url_of=page_url)))
    for node in data["nodes"]:
        if node["kind"] in ("paper", "concept", "story", "resource", "summary", "topic", "path"):
            assert (site / node["url"] / "index.html").is_file(), node["url"]


def test_no_request_leaves_the_origin(example):
    _, site, _ = example
    for rel, path in html_pages(site).items():
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag, attrs={attr: True}):
                url = element[attr]
                assert not urlsplit(url).scheme and not url.startswith("//"), (rel, tag, url)


def test_internal_links_and_anchors_resolve(example):
    _, site, _ = example
    broken = check_links(site)
    assert not broken, broken[:20]


def check_links(site: Path) -> list[tuple[str, str]]:
    """Every relative href/src of every page points at a file, and every #fragment at an id."""
    pages = html_pages(site)
    ids: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in ids:
            soup = BeautifulSoup(pages[rel].read_text(), "html.parser")
            ids[rel] = {e["id"] for e in soup.find_all(id=True)} | {e["name"] for e in soup.find_all("a", attrs={"name": True})}
        return ids[rel]

    broken = []
    for rel, path in pages.items():
        soup = BeautifulSoup(path.read_text(), "html.parser")
        base = posixpath.dirname(rel)
        for element in soup.find_all(["a", "link", "script", "img"]):
            url = element.get("href") or element.get("src")
            if not url or urlsplit(url).scheme or url.startswith("//"):
                continue
            parts = urlsplit(url)
            # 404.html links from the site root: it is served at any depth.
            start = "" if parts.path.startswith("/") else base
            target = posixpath.normpath(posixpath.join(start, unquote(parts.path).lstrip("/"))) if parts.path else rel
            if parts.path.endswith("/") or (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).is_file():
                broken.append((rel, url))
            elif parts.fragment and target.endswith(".html") and target in pages:
                if unquote(parts.fragment) not in ids_of(target) and not parts.fragment.startswith("__"):
                    broken.append((rel, url))
    return broken


def lunr_pages_and_size(index: dict, kb) -> tuple[dict, float]:
    """Material's lunr entries by location (pages only), and the average bytes per paper page."""
    per_paper = sum(len(json.dumps(doc, ensure_ascii=False).encode()) for doc in index["docs"]
                    if doc["location"].startswith("papers/") and doc["location"] not in ("papers/", "papers/index.html"))
    return {d["location"]: d for d in index["docs"] if "#" not in d["location"]}, per_paper / len(kb.papers)


def test_search_is_pagefinds_and_lunrs_index_is_a_stub(example):
    """A page view fetches Material's index: it holds no documents; Pagefind's bundle has every page."""
    _, site, kb = example
    stub = site / "search" / "search_index.json"
    assert json.loads(stub.read_text())["docs"] == [] and stub.stat().st_size < 1_000
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_text()
    assert "importScripts(\"../../kbgen/search-worker.js\")" in worker and "lunr" not in worker
    assert (site / "assets" / "kbgen" / "search-worker.js").is_file()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    pages = sum(len(list(site.glob(f"{kind}/*/index.html"))) for kind in ("papers", "concepts", "summaries"))
    assert entry["languages"]["en"]["page_count"] > pages  # entity pages plus indexes, topics, paths, graph
    fragments = list((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert len(fragments) == entry["languages"]["en"]["page_count"]
    print(f"\npagefind: {entry['languages']['en']['page_count']} pages, "
          f"{sum(f.stat().st_size for f in (site / 'pagefind').rglob('*') if f.is_file()) / 1e3:.0f} KB in all")


def test_nav_lists_index_pages_only(example):
    _, site, kb = example
    soup = BeautifulSoup((site / "papers" / "vit" / "index.html").read_text(), "html.parser")
    nav_links = [a["href"] for a in soup.select("nav.md-nav--primary a[href]")]
    assert len(nav_links) < 30
    assert not any("/vit/" in href or href.rstrip("/").endswith("resnet") for href in nav_links)


def test_export_builds_the_same_pages_with_plain_mkdocs(example, tmp_path):
    root, site, _ = example
    out = tmp_path / "export"
    assert main(["export", str(out), "--root", str(root)]) == 0
    config = (out / "mkdocs.yml").read_text()
    assert "kbgen" not in [line.strip(" -:") for line in config.splitlines()]
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert set(html_pages(out / "site")) == set(html_pages(site))
    for name in ("kb.json", "references.bib", "paths/attention-to-vit.ics"):
        assert (out / "site" / name).read_bytes() == (site / name).read_bytes()


# -- the small fixture: failures and hostile values ------------------------------


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path, capsys):
    root = copy_kb(FIXTURE, tmp_path / "kb")
    assert main(["build", "--root", str(root), "--strict"]) == 0
    before = tree_digest(root / "site")

    papers = root / "papers.yaml"
    good = papers.read_text()
    papers.write_text(good.replace("year: 2017", "year: twenty"))
    assert run_cli(["build", "--root", str(root), "--strict"]) == 1
    assert tree_digest(root / "site") == before
    papers.write_text(good)

    # A broken anchor fails MkDocs itself under --strict, after the knowledge base validated
    # (a link to a missing page is validate's KB033, before MkDocs runs).
    (root / "content" / "broken.md").write_text("# Broken\n\nSee [x](papers/alpha.md#nope).\n")
    assert run_cli(["build", "--root", str(root), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "nope" in err
    assert tree_digest(root / "site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []  # no temporary left


def test_a_script_in_a_title_is_shown_as_text(tmp_path):
    """Defence in depth: values that validation would reject are still escaped by the pages."""
    from kbgen.core.kb import KnowledgeBase
    from kbgen.core.models import Paper, ReadingPath, Topic

    title = "<script>alert(1)</script> & *not* [a](link)"
    kb = KnowledgeBase(
        papers={"evil": Paper(id="evil", title=title, authors=[title], year=2020, topics=["t"], abstract=title),
                "next": Paper(id="next", title="Next", year=2021, prerequisites=["evil"], topics=["t"])},
        topics={"t": Topic(id="t", name=title)},
        paths={"p": ReadingPath(id="p", title=title, steps=["evil", "next"])},
    )
    docs = tmp_path / "content"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    renderer = SiteRenderer(kb, build_graph(kb), SiteOptions(), templates=read_templates())
    out = tmp_path / "out"
    write_tree(out, export_files(renderer, read_content_files(docs), generated_files(renderer),
                                 (FIXTURE / "mkdocs.yml").read_text()))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    for page in ("papers/evil", "topics/t", "paths/p", "papers", "papers/next"):
        soup = BeautifulSoup((out / "site" / page / "index.html").read_text(), "html.parser")
        assert not [s for s in soup.find_all("script") if "alert(1)" in s.text], page
        assert "<script>alert(1)</script>" in soup.get_text(), page
    soup = BeautifulSoup((out / "site" / "papers" / "evil" / "index.html").read_text(), "html.parser")
    assert soup.find("h1").get_text().rstrip("¶") == title
    assert soup.title.get_text().startswith(title)


# -- what a reader sees (issue 13) -------------------------------------------------


def test_every_paper_page_links_out_and_lists_each_connection_once(example):
    _, site, kb = example
    for paper_id in kb.papers:
        soup = BeautifulSoup((site / "papers" / paper_id / "index.html").read_text(), "html.parser")
        out = [a["href"] for a in soup.select(".kb-meta__links a[href]") if a["href"].startswith("https://")]
        assert out, f"{paper_id}: no link out"
        heading = soup.find(id="connections")
        if heading is None:
            continue
        hrefs = []
        for element in heading.find_next_siblings():
            if element.name in ("h2", "h3"):
                break
            hrefs += [a["href"] for a in element.select("li > a[href]")]
        assert hrefs and len(hrefs) == len(set(hrefs)), f"{paper_id}: {hrefs}"


def test_pages_outside_the_nav_mark_their_sections_tab(example):
    _, site, _ = example
    expected = {"papers/vit": "Papers", "summaries/vit": "Summaries", "paths/classic-cnns": "Reading paths",
                "topics/transformers": "Topics", "topics/deep-learning/path": "Topics", "papers": "Papers"}
    for page, tab in expected.items():
        soup = BeautifulSoup((site / page / "index.html").read_text(), "html.parser")
        active = [li.get_text(" ", strip=True) for li in soup.select("li.md-tabs__item--active")]
        assert active == [tab], (page, active)
        if page != "papers":
            crumb = soup.select_one("article nav.kb-breadcrumb")
            assert crumb is not None and crumb.find("a").get_text() == (tab if page != "paths/classic-cnns"
                                                                        else "Reading paths"), page


def test_the_site_follows_the_umask_not_the_private_temporary_directory(example, tmp_path):
    _, site, _ = example
    probe = tmp_path / "probe"
    probe.mkdir()
    expected = probe.stat().st_mode & 0o777  # what any new folder of this process gets
    assert site.stat().st_mode & 0o777 == expected != 0o700


def test_offline_build_opens_from_disk_and_is_world_readable(tmp_path):
    """kbgen build --offline under umask 022: .html pages, no link to a folder, local search, 0755/0644."""
    import os

    root = copy_kb(REPO, tmp_path / "kb")
    proc = subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--offline", "--strict"],
                          capture_output=True, text=True, timeout=600, preexec_fn=lambda: os.umask(0o022))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"open {root / 'site' / 'index.html'}" in proc.stderr
    site = root / "site"
    assert (site / "papers" / "vit.html").is_file() and not (site / "papers" / "vit").exists()
    assert (site / "search" / "search_index.js").is_file() and not (site / "pagefind").exists()
    kb, _ = load_kb(root)
    index = json.loads((site / "search" / "search_index.json").read_text())
    pages, average = lunr_pages_and_size(index, kb)
    print(f"\nsearch index: {average:.0f} bytes per paper page")
    assert average <= INDEX_BUDGET
    assert pages["papers/vit.html"].get("boost") == 2
    assert pages["papers/vit.html"]["title"].startswith("ViT — ")  # names where lunr weighs them most
    assert pages["papers/vit.html"]["tags"][:2] == ["ViT", "Vision Transformer"]
    for paper_id in kb.papers:
        # Each page's own entry holds its text (nothing before the h1 splits it off to the h1's anchor).
        assert "Paper · " in pages[f"papers/{paper_id}.html"]["text"], paper_id
    assert (site / "search" / "search_index.js").read_text().startswith('var __index = {"config"')
    assert "\"tags\":[\"ViT\",\"Vision Transformer\"" in (site / "search" / "search_index.js").read_text()
    assert '"url":"papers/vit.html"' in (site / "kb.json").read_text()
    for rel, path in html_pages(site).items():
        if rel == "404.html":
            continue  # only a web server shows it, from any depth: its links start at the root
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for a in soup.find_all("a", href=True):
            parts = urlsplit(a["href"])
            if not parts.scheme and parts.path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
                assert (site / target).is_file(), (rel, a["href"])  # a file, never a directory listing
        for script in soup.find_all("script", src=True):
            assert not urlsplit(script["src"]).scheme, (rel, script["src"])
    modes = {(p.is_dir(), p.stat().st_mode & 0o777) for p in [site, *site.rglob("*")]}
    assert modes == {(True, 0o755), (False, 0o644)}
