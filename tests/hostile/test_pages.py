"""Every page's metadata, static files, reserved and duplicate names: what validate must refuse."""

from __future__ import annotations

import pytest

from kbgen.check.reserved import RESERVED_IDS
from kbgen.parse.sources import multimarkdown_meta

from .conftest import PAPERS, findings

SVG_HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def problems(root, file: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in findings(root) if d.file == file]


@pytest.mark.parametrize("page", ["content/index.md", "content/contributing.md", "content/reference/x.md"])
def test_a_list_valued_title_in_a_generic_page_is_an_error(kb, page):
    kb.write(page, '---\ntitle: ["<img src=x onerror=alert(1)>"]\n---\n# Hi\n')
    assert problems(kb.root, page) == [("KB008", 2)]


@pytest.mark.parametrize("key", ["description", "author", "title", "subtitle"])
def test_script_in_printed_metadata_is_an_error(kb, key):
    kb.write("content/about.md", f'---\n{key}: "\\"><script>alert(1)</script>"\n---\n# About\n')
    assert problems(kb.root, "content/about.md") == [("KB020", 2)]


@pytest.mark.parametrize("front, code", [
    ("template: redirect.html\nlocation: javascript:alert(1)", "KB006"),
    ("search: {boost: [1]}", "KB008"),
    ("search: {exclude: yes-please}", "KB008"),
    ("tags: tag", "KB008"),
    ('status: "new\\" onmouseover=\\"alert(1)"', "KB008"),
    ("icon: ../../base", "KB008"),
    ("- just\n- a list", "KB008"),
    ("titel: Typo", "KB006"),
])
def test_generic_front_matter_keys_have_shapes(kb, front, code):
    kb.write("content/page.md", f"---\n{front}\n---\n# Page\n")
    assert code in {c for c, _ in problems(kb.root, "content/page.md")}


def test_well_formed_generic_front_matter_passes(kb):
    kb.write("content/page.md", "---\ntitle: Page\ndescription: About us\nauthor: Ada\nhide: [toc, navigation]\n"
             "search: {exclude: false, boost: 2}\ntags: [a, b]\nstatus: new\nicon: material/book\n---\n# Page\n")
    assert problems(kb.root, "content/page.md") == []


def test_multimarkdown_metadata_is_refused(kb):
    kb.write("content/mmd.md", 'Description: "><script>alert(1)</script>\nAuthor: x\n\n# Page\n')
    assert ("KB027", 1) in problems(kb.root, "content/mmd.md")  # and KB020 for the script itself


@pytest.mark.parametrize("text", [
    "Title: a\nAuthor: b\n\n# x\n", "---\ntitle: x\n---\nbody\n", "# Heading\nKey: value\n", "Key:value\n    more\nNext: 2\n",
    "Key: 1\r\nOther: 2\r\n\r\nbody", "---\ntitle: unclosed\n", "  Key: v\nnot meta\n", "",
])
def test_multimarkdown_detection_agrees_with_mkdocs(text):
    from mkdocs.utils.meta import get_data

    _, mkdocs_meta = get_data(text.replace("\r\n", "\n"))
    ours = multimarkdown_meta(text)
    if text.startswith("---") and mkdocs_meta:
        assert ours == {}  # YAML front matter: validated by the models and check_front_matter
    else:
        assert {k: v for k, (v, _) in ours.items()} == mkdocs_meta


@pytest.mark.parametrize("kind, folder", [("summary", "summaries"), ("concept", "concepts"), ("story", "stories")])
def test_a_page_entity_with_a_reserved_id_is_an_error(kb, kind, folder):
    extra = "paper: alpha\n" if kind == "summary" else ""
    kb.write(f"content/{folder}/index.md", f"---\ntitle: X\n{extra}---\nText.\n")
    assert "KB044" in {c for c, _ in problems(kb.root, f"content/{folder}/index.md")}


@pytest.mark.parametrize("ident", sorted(RESERVED_IDS))
def test_a_paper_with_a_reserved_id_is_an_error(kb, ident):
    kb.write("papers.yaml", PAPERS + f"  - id: '{ident}'\n    title: Sneaky\n")
    found = [d for d in findings(kb.root) if d.code == "KB044"]
    assert len(found) == 1 and found[0].file == "papers.yaml" and found[0].line == 11


def test_topic_and_path_with_a_reserved_id(kb):
    kb.write("content/topics.yaml", "topics:\n  - id: ml\n    name: ML\n  - id: index\n    name: Index\n")
    kb.write("content/paths/search.yaml", "title: S\nsteps: [alpha]\n")
    found = {(d.file, d.code) for d in findings(kb.root) if d.code == "KB044"}
    assert found == {("content/topics.yaml", "KB044"), ("content/paths/search.yaml", "KB044")}


def test_a_generic_page_replacing_a_generated_page_is_an_error(kb):
    kb.write("content/papers/alpha.md", "# My own alpha page\n")
    kb.write("content/papers/index.md", "# Papers (our own index: allowed)\n")
    assert problems(kb.root, "content/papers/alpha.md") == [("KB044", 1)]
    assert problems(kb.root, "content/papers/index.md") == []


def test_two_files_for_one_path_id(kb):
    kb.write("content/paths/dup.yaml", "title: A\nsteps: [alpha]\n")
    kb.write("content/paths/dup.yml", "title: B\nsteps: [beta]\n")
    assert ("KB045", 1) in problems(kb.root, "content/paths/dup.yml")


@pytest.mark.parametrize("first, second", [("content/a.md", "content/a/index.md"),
                                           ("content/Notes.md", "content/notes.md"),
                                           ("content/x/README.md", "content/x/index.md")])
def test_two_pages_for_one_url(kb, first, second):
    kb.write(first, "# One\n")
    kb.write(second, "# Two\n")
    assert "KB045" in {d.code for d in findings(kb.root) if d.file in (first, second)}


@pytest.mark.parametrize("name", ["evil.html", "evil.js", "x/page.htm", "style.css", "data.json", "noext",
                                  "feed.xml", "sitemap.xml", "extra.yaml"])
def test_unknown_static_files_are_refused(kb, name):
    kb.write(f"content/{name}", "<script>alert(1)</script>")
    assert problems(kb.root, f"content/{name}") == [("KB043", 1)]


def test_kbgen_assets_cannot_be_replaced(kb):
    kb.write("content/assets/kbgen/kbgen.js", "alert(1)")
    kb.write("content/assets/kbgen/notes.md", "# hi\n")
    kb.write("mkdocs.yml", kb.path("mkdocs.yml").read_text().replace(
        "session_start", "static_files: ['**']\n      session_start"))
    assert problems(kb.root, "content/assets/kbgen/kbgen.js") == [("KB043", 1)]
    assert problems(kb.root, "content/assets/kbgen/notes.md") == [("KB043", 1)]


def test_images_pass_and_the_allowlist_admits_what_it_names(kb):
    kb.write("content/img/a.png", b"\x89PNG\r\n")
    kb.write("content/img/b.JPG", b"\xff\xd8")
    kb.write("content/downloads/slides.pdf", b"%PDF")
    kb.write("content/downloads/evil.html", b"<script>")
    kb.write("mkdocs.yml", kb.path("mkdocs.yml").read_text().replace(
        "session_start", "static_files: ['downloads/*.pdf']\n      session_start"))
    found = {d.file for d in findings(kb.root) if d.code == "KB043"}
    assert found == {"content/downloads/evil.html"}


@pytest.mark.parametrize("body", [
    b"<script>alert(1)</script>", b'<circle r="1" onload="alert(1)"/>', b'<a xlink:href="javascript:alert(1)"><text>x</text></a>',
    b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
    b'<a><set attributeName="href" to="javascript:alert(1)"/></a>', b'<image href="https://tracker.example/p.gif"/>',
    b"<style>@import url(https://evil.example/x.css);</style>", b'<rect style="fill: url(https://x/y)"/>',
])
def test_unsafe_svg_is_refused_with_its_line(kb, body):
    kb.write("content/img/x.svg", SVG_HEAD + b"\n" + body + b"\n</svg>\n")
    assert problems(kb.root, "content/img/x.svg") == [("KB043", 2)]


def test_svg_bombs_and_doctypes_are_refused(kb):
    kb.write("content/img/b.svg", b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n' + SVG_HEAD + b"</svg>")
    assert problems(kb.root, "content/img/b.svg") == [("KB043", 2)]


def test_a_plain_svg_diagram_passes(kb):
    kb.write("content/img/ok.svg", SVG_HEAD + b'<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
             b'<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/><text x="1">A &amp; B</text>'
             b'<a href="https://arxiv.org/abs/1706.03762"><circle r="2"/></a></svg>')
    assert problems(kb.root, "content/img/ok.svg") == []


@pytest.mark.parametrize("body, line", [('<img alt=">" src=x onerror=alert(1)>', 6), ("Text\n{: onclick=\"alert(1)\" }", 7),
                                        ('<a href="&#106;avascript:alert(1)">x</a>', 6),
                                        ("[a](java&Tab;script:alert(1))", 6)])
def test_the_validator_sees_the_bypasses_of_the_issue(kb, body, line):
    kb.write("content/summaries/s.md", f"---\ntitle: S\npaper: alpha\n---\n\n{body}\n")
    assert ("KB020", line) in problems(kb.root, "content/summaries/s.md")
