"""A fuzz target per parser: whatever the bytes, a value and located diagnostics, never an exception.

Each property can fail: an exception escaping, a diagnostic pointing past
the end of the file, or a result of the wrong shape fails it. Inputs are
built from fragments of the formats' own syntax (so the parsers get past
their first character) mixed with arbitrary text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbgen.check.pages import check_body
from kbgen.check.svg import check_svg
from kbgen.parse.bibtex import parse_bibtex
from kbgen.parse.latex import decode_latex
from kbgen.parse.located import parse_yaml
from kbgen.parse.metadata import MalformedResponse, parse_arxiv_atom, parse_crossref_work
from kbgen.parse.sources import parse_sources

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(max_size=40)


def _assemble(fragments: list[str]):
    return st.lists(st.one_of(st.sampled_from(fragments), TEXT), max_size=40).map("".join)


YAML = _assemble(["papers:\n", "  - id: a\n", "    title: ", "&x ", "*x", "!!python/object:os.system ", "{", "}", "[",
                  "]", ": ", "- ", "\n", "\t", "'", '"', "? ", "<<: *x\n", "---\n", "...\n", "|\n  ", ">\n  ", "#",
                  "%YAML 1.1\n", "!!binary ", "2017-01-01", "0x1F", "1e400", "\\ud800", "    " * 10])
BIB = _assemble(["@article{", "@string{a = ", "@comment{", "@preamble{", "}", "{", ",", " = ", '"', " # ", "a",
                 "title", "year = 2017", "crossref = ", "\\", "\\emph{", "$", "%", "@", "\n", "9" * 50, "{\\\"u}"])
LATEX = _assemble(["\\", "{", "}", "$", "\\emph{", "\\href{", "\\c{c}", "\\\"", "~", "--", "\\\\", "%", "\\begin{",
                   "\\end{", "\ue001", "^", "_", "&", "\\L", "{" * 60, "}" * 60])
PAGE = _assemble(["---\n", "...\n", "title: ", "hide: ", "Title: x\n", "\n", "<div markdown>\n", "    - ", "> ",
                  "[", "](", "`", "```\n", "<a x", "\r\n", "\ufeff", "description: |\n  x\n"])
XML = _assemble(["<?xml version='1.0'?>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "</feed>", "<entry>",
                 "</entry>", "<id>http://arxiv.org/abs/1706.03762v1</id>", "<title>", "</title>",
                 "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "<published>2017-06-12</published>", "<author><name>",
                 "</name></author>", "http://arxiv.org/api/errors"])
JSON = _assemble(['{"message": ', '{"title": ["', '"]', "}", "[", "]", '"author": [{"given": "A"}]', ", ",
                  '"issued": {"date-parts": [[', "2017", "]]}", '"DOI": "10.1/x"', "\\u0000", "\\ud800", "9" * 30,
                  "[" * 80])
SVG = _assemble(['<svg xmlns="http://www.w3.org/2000/svg">', "</svg>", "<rect ", "/>", ">", ' onload="x"',
                 ' href="#a"', ' href="javascript:x"', "<script>", "</script>", "<style>", "</style>", "url(", "<!--",
                 "<?pi x?>", "<!DOCTYPE svg>", "<g>", "</g>", "&amp;", "&x;"])


def _lines(text: str) -> int:
    return text.count("\n") + 2


@FUZZ
@given(text=YAML, offset=st.integers(0, 5))
def test_fuzz_located_yaml(text, offset):
    doc = parse_yaml(text, "papers.yaml", line_offset=offset)
    for diag in doc.diagnostics:
        assert 1 <= diag.line <= _lines(text) + offset and diag.file == "papers.yaml"
    for line, col in doc.marks.values():
        assert 1 <= line <= _lines(text) + offset and col >= 1


@FUZZ
@given(text=PAGE, name=st.sampled_from(["content/summaries/x.md", "content/index.md", "content/p/q.md"]))
def test_fuzz_front_matter_and_pages(text, name):
    data = text.encode("utf-8", "replace")
    sources = parse_sources(".", [(name, data)])
    for diag in sources.diagnostics:
        assert 1 <= diag.line <= _lines(text)
    for page in sources.pages:
        check_body(page)


@FUZZ
@given(text=BIB)
def test_fuzz_bibtex(text):
    records, diags = parse_bibtex(text, "refs.bib")
    for record in records:
        assert record.key and all(isinstance(v, str) for v in record.fields.values())
    for diag in diags:
        assert 1 <= diag.line <= _lines(text)


@FUZZ
@given(text=LATEX)
def test_fuzz_latex(text):
    decoded = decode_latex(text)
    assert isinstance(decoded, str) and not any("\ue001" <= ch <= "\ue00d" for ch in decoded if ch not in text)


@FUZZ
@given(data=XML)
def test_fuzz_arxiv_atom(data):
    try:
        papers = parse_arxiv_atom(data.encode("utf-8", "replace"), "u")
    except MalformedResponse as exc:
        assert "\n" not in str(exc)
    else:
        assert all(isinstance(p["title"], str) and p["title"] for p in papers.values())


@FUZZ
@given(data=JSON)
def test_fuzz_crossref(data):
    try:
        paper = parse_crossref_work(data.encode("utf-8", "replace"), "10.1/x", "u")
    except MalformedResponse as exc:
        assert "\n" not in str(exc)
    else:
        assert paper["title"] and all(isinstance(a, str) for a in paper["authors"])


@FUZZ
@given(data=SVG)
def test_fuzz_svg_check(data):
    for diag in check_svg("content/x.svg", data.encode("utf-8", "replace")):
        assert diag.code == "KB043" and diag.line >= 1
