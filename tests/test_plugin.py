"""The MkDocs plugin's events, driven through MkDocs' own config and file collection (no site build)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files

from kbgen.plugin.plugin import KbgenPlugin
from kbgen.site.layout import default_nav
from kbgen.site.urls import ASSETS_URI

FIXTURE = Path(__file__).parent / "fixtures" / "site-kb"


@pytest.fixture
def kb_root(tmp_path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    return root


def run_config(root: Path):
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    return config


def test_entry_point_names_the_plugin():
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "kbgen"]
    assert entry.load() is KbgenPlugin


def test_on_config_adds_assets_and_a_nav_of_index_pages(kb_root):
    config = run_config(kb_root)
    assert config.extra_css[0] == f"{ASSETS_URI}/kbgen.css"
    scripts = [str(s) for s in config.extra_javascript]
    assert scripts[:1] == [f"{ASSETS_URI}/kbgen.js"]
    assert not any("mermaid" in s for s in scripts)  # Mermaid loads only on pages with a diagram
    assert config.nav == default_nav()  # the fixture's mkdocs.yml has no nav
    assert not any("papers/alpha" in str(entry) for entry in config.nav)


def test_on_files_adds_generated_pages_and_drops_sources(kb_root):
    config = run_config(kb_root)
    files = config.plugins.on_files(get_files(config), config=config)
    uris = set(files.src_uris)
    assert {"papers/alpha.md", "topics/ml.md", "paths/basics.md", "paths/basics.ics", "kb.json",
            "references.bib", "graph.md", f"{ASSETS_URI}/kbgen.js",
            f"{ASSETS_URI}/vendor/mermaid/LICENSE"} <= uris
    assert "topics.yaml" not in uris and "paths/basics.yaml" not in uris
    assert files.get_file_from_path("papers/alpha.md").generated_by == "kbgen"
    assert files.get_file_from_path("concepts/conc.md").generated_by is None


def test_a_contributed_page_wins_over_a_generated_one(kb_root):
    (kb_root / "content" / "papers").mkdir()
    (kb_root / "content" / "papers" / "index.md").write_text("# Our own papers page\n")
    config = run_config(kb_root)
    files = config.plugins.on_files(get_files(config), config=config)
    assert files.get_file_from_path("papers/index.md").generated_by is None


def test_errors_abort_the_build_with_every_located_diagnostic(kb_root):
    papers = kb_root / "papers.yaml"
    papers.write_text(papers.read_text().replace("year: 2017", "year: 99999").replace(
        "cites: [beta]", "cites: [betta]"))
    with pytest.raises(PluginError) as info:
        run_config(kb_root)
    message = str(info.value)
    assert "papers.yaml:" in message and "KB010" in message
    assert "papers.yaml:30:13: error KB004: unknown paper id 'betta'; did you mean 'beta'" in message


def test_warnings_go_to_the_mkdocs_plugins_logger(kb_root, caplog):
    path = kb_root / "content" / "paths" / "basics.yaml"
    path.write_text("title: Out of order\nsteps: [beta, alpha]\n")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kbgen"):
        run_config(kb_root)
    records = [r for r in caplog.records if r.name == "mkdocs.plugins.kbgen"]
    assert records and all(r.levelno == logging.WARNING for r in records)
    assert any("KB025" in r.getMessage() and "basics.yaml:" in r.getMessage() for r in records)


def test_contributed_pages_and_home_are_decorated(kb_root):
    from mkdocs.structure.pages import Page

    config = run_config(kb_root)
    files = config.plugins.on_files(get_files(config), config=config)
    file = files.get_file_from_path("concepts/conc.md")
    page = Page(None, file, config)
    page.meta = {"title": "A <b>concept</b>"}
    out = config.plugins.on_page_markdown("# A concept\n\nBody.\n", page=page, config=config, files=files)
    assert 'data-id="conc"' in out and "## Read first" in out
    assert page.meta["title"] == "A &lt;b&gt;concept&lt;/b&gt;"
    home = Page(None, files.get_file_from_path("index.md"), config)
    home.meta = {}
    out = config.plugins.on_page_markdown("# Home\n\n<!-- kbgen:home -->\n", page=home, config=config, files=files)
    assert "## In this knowledge base" in out


def test_serve_watches_papers_yaml(kb_root):
    config = run_config(kb_root)
    plugin = config.plugins["kbgen"]

    class Server:
        watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert str((kb_root / "papers.yaml").resolve()) in [str(Path(p).resolve()) for p in server.watched]
    # The content is MkDocs' docs_dir, which mkdocs serve watches already.
    assert not any("/content/" in p for p in server.watched)


def test_bad_option_is_a_config_error(kb_root):
    text = (kb_root / "mkdocs.yml").read_text().replace('session_start: "2026-01-05"', 'session_start: "soon"')
    (kb_root / "mkdocs.yml").write_text(text)
    with pytest.raises(PluginError, match="session_start"):
        run_config(kb_root)


@pytest.mark.slow
def test_serve_rebuilds_keep_one_plugin_and_no_old_knowledge_base(kb_root, tmp_path, monkeypatch):
    """Twenty rebuilds the way `mkdocs serve` does them (a new config each time, the plugin kept by
    on_startup): the same plugin instance serves every build and holds no knowledge base after one."""
    import gc

    from mkdocs.commands.build import build

    from kbgen.core.kb import KnowledgeBase

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plugins = set()
    live = []
    for i in range(20):
        config = load_config(config_file=str(kb_root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        if i == 0:
            config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["kbgen"]
        plugins.add(id(plugin))
        (kb_root / "papers.yaml").write_text((kb_root / "papers.yaml").read_text() + f"# edit {i}\n")
        build(config)
        del config
        gc.collect()
        live.append(sum(isinstance(o, KnowledgeBase) for o in gc.get_objects()))
        assert plugin.renderer is None
    assert len(plugins) == 1
    assert max(live) <= 1, live


def test_session_start_may_be_a_yaml_date_or_unset(kb_root):
    import datetime as dt

    from kbgen.site.renderer import default_session_start

    text = (kb_root / "mkdocs.yml").read_text()
    (kb_root / "mkdocs.yml").write_text(text.replace('session_start: "2026-01-05"', "session_start: 2026-02-02"))
    config = run_config(kb_root)
    assert config.plugins["kbgen"].site_options(config).session_start == dt.date(2026, 2, 2)
    (kb_root / "mkdocs.yml").write_text(text.replace('session_start: "2026-01-05"', ""))
    config = run_config(kb_root)
    plugin = config.plugins["kbgen"]
    assert plugin.site_options(config).session_start is None
    assert plugin.renderer.options.sessions_start(plugin.renderer.kb) == default_session_start(plugin.renderer.kb)


def test_offline_urls_and_the_local_worker_shim(kb_root):
    from kbgen.app.build import add_offline_plugin

    config = load_config(config_file=str(kb_root / "mkdocs.yml"))
    add_offline_plugin(config)
    config = config.plugins.on_config(config)
    assert config.use_directory_urls is False
    assert config.extra["polyfills"] == [f"{ASSETS_URI}/vendor/iframe-worker/shim.js"]  # not the CDN's
    assert config.plugins["kbgen"].renderer.options.directory_urls is False


def test_a_page_outside_the_nav_marks_its_sections_index_while_it_renders(kb_root):
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    config = run_config(kb_root)
    files = config.plugins.on_files(get_files(config), config=config)
    nav = get_navigation(files, config)
    plugin = config.plugins["kbgen"]
    index = next(p for p in nav.pages if p.file.src_uri == "papers/index.md")
    page = Page(None, files.get_file_from_path("papers/alpha.md"), config)
    plugin.on_page_context({}, page=page, config=config, nav=nav)
    assert index.active
    plugin.on_post_page("", page=page, config=config)
    assert not index.active
    home = next(p for p in nav.pages if p.file.src_uri == "index.md")
    plugin.on_page_context({}, page=home, config=config, nav=nav)
    assert not any(p.active for p in nav.pages)


def test_generated_pages_skip_markdown_and_are_not_held_after_the_build(kb_root, tmp_path):
    """A real build: kbgen's pages get kbgen's HTML (no Python-Markdown), and none keeps it once written."""
    from mkdocs.commands.build import build
    from mkdocs.plugins import BasePlugin, event_priority

    from kbgen.plugin.generated import GeneratedPage

    config = load_config(config_file=str(kb_root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    files = []

    class Probe(BasePlugin):
        """Keeps the build's files to look at its pages afterwards."""

        @event_priority(-100)
        def on_files(self, f, /, *, config):
            files.append(f)

    config.plugins["probe"] = Probe()
    build(config)
    pages = [f.page for f in files[0].documentation_pages() if f.generated_by == "kbgen"]
    assert pages and all(isinstance(p, GeneratedPage) for p in pages)
    assert all(p.markdown == "" and p.content == "" for p in pages)  # no Markdown, no HTML kept
    assert all(not isinstance(f.page, GeneratedPage) for f in files[0].documentation_pages()
               if f.generated_by is None)
    html = (tmp_path / "site" / "papers" / "alpha" / "index.html").read_text()
    assert '<h2 data-search-exclude="" id="connections">Connections<a class="headerlink" href="#connections"' in html
    assert 'href="#connections"' in html.split('class="md-nav md-nav--secondary"', 1)[1]  # the page's toc
    # Generated files are rendered when MkDocs reads them, never stored.
    kb_json = files[0].get_file_from_path("kb.json")
    assert kb_json._stored is None and kb_json.content_string.startswith("{")


def test_links_of_generated_pages_are_checked(kb_root, caplog):
    from kbgen.plugin.generated import check_links

    config = run_config(kb_root)
    files = config.plugins.on_files(get_files(config), config=config)
    renderer = config.plugins["kbgen"].renderer
    page = renderer.render_page("papers/alpha.md")
    assert check_links(page, files) == 0
    files.remove(files.get_file_from_path("papers/beta.md"))  # a page alpha links to
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kbgen"):
        assert check_links(page, files) >= 1
    assert "links to 'papers/beta.md', but the target 'papers/beta.md' is not found" in caplog.text
    index = renderer.render_page("papers/index.md")
    index.ids.discard("by-topic")  # the page's own anchor, as if the heading were gone
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kbgen"):
        assert check_links(index, files) >= 1
    assert "does not contain an anchor '#by-topic'" in caplog.text


def test_serve_rebuilds_write_only_what_an_edit_changes(kb_root, tmp_path, monkeypatch):
    """Two builds as `kbgen serve` runs them (one plugin, the second a dirty build) around an edit of a
    summary's text: the summary's page shows the edit; a page the edit does not change is not written."""
    import os
    import time

    from mkdocs.commands.build import build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    site = tmp_path / "site"

    def configured():
        return load_config(config_file=str(kb_root / "mkdocs.yml"), site_dir=str(site))

    config = configured()
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["kbgen"]
    build(config)
    summary, untouched = site / "summaries" / "beta" / "index.html", site / "topics" / "ml" / "index.html"
    past = time.time() - 1000
    for path in site.rglob("*.html"):
        os.utime(path, (past, past))
    source = kb_root / "content" / "summaries" / "beta.md"
    source.write_text(source.read_text() + "\nA sentence added while serving.\n")
    config = configured()
    assert config.plugins["kbgen"] is plugin
    build(config, dirty=True)
    assert "A sentence added while serving." in summary.read_text()
    assert summary.stat().st_mtime > past + 1
    assert untouched.stat().st_mtime == past  # its output did not change: not written again
    written = [p for p in site.rglob("*.html") if p.stat().st_mtime > past + 1]
    assert len(written) < len(list(site.rglob("*.html"))) / 2, written
    # A change a generated page does show is written: the summary's new title on its paper's page.
    source.write_text(source.read_text().replace("Summary: Beta", "Retitled: Beta", 1))
    paper = site / "papers" / "beta" / "index.html"
    build(configured(), dirty=True)
    assert "Retitled" in paper.read_text()
