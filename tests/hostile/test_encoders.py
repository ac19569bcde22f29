"""Encoders that cannot be broken: BibTeX, GraphML, DOT, the feed, the terminal; identifiers matched after NFKC."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kbgen.core.diagnostics import error, format_github, format_text
from kbgen.core.identifiers import normalise_arxiv, normalise_doi
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Paper, Summary
from kbgen.graph import build_graph
from kbgen.graph.export import graph_for_export, render_dot
from kbgen.output.bibtex import format_bibtex
from kbgen.output.feed import render_feed
from kbgen.output.terminal import for_terminal, one_line
from kbgen.parse.bibfields import record_to_paper
from kbgen.parse.bibtex import parse_bibtex

from .conftest import findings, run_kbgen

HOSTILE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
HOSTILE_TITLES = ["A lone } brace", "an open { brace", "}{", "\\", "\\}", "ends with \\", "@string{x = y}",
                  '"quoted" title', "100% -- C# & $x$ ~ ^_", "\\emph{not markup}", "{", "a,b and c and d"]


def _norm(text: str) -> str:
    """Equal up to what BibTeX reading means to normalise: whitespace runs, and NFC (accents compose)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _bibtex_balanced(entry_text: str) -> bool:
    """BibTeX's own rule: every brace counts, backslash or not."""
    depth = 0
    for ch in entry_text:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


def _round_trip(paper: dict) -> dict:
    text = format_bibtex([paper])
    assert _bibtex_balanced(text), text
    records, diags = parse_bibtex(text, "references.bib")
    assert [d for d in diags if d.is_error] == [] and len(records) == 1, (text, diags)
    return record_to_paper(records[0])


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_round_trip_through_bibtex(title):
    back = _round_trip({"id": "a", "title": title, "authors": ["Ada } Lovelace", "B { C"], "year": 2020,
                        "venue": "Proc. } of {"})
    assert _norm(back["title"]) == _norm(title)
    assert [_norm(a) for a in back["authors"]] == ["Ada } Lovelace", "B { C"]
    assert _norm(back["venue"]) == "Proc. } of {"


@pytest.mark.parametrize("doi", ["10.1000/x\\", "10.1000/a}b", "10.1000/{x}", "10.1000/a%b"])
def test_a_doi_ending_in_a_backslash_cannot_break_references_bib(doi):
    back = _round_trip({"id": "a", "title": "T", "doi": doi, "url": "https://example.org/a\\}{"})
    assert back["doi"] == doi


@settings(max_examples=300, deadline=None)
@given(title=HOSTILE_TEXT.filter(lambda t: t.strip()), venue=HOSTILE_TEXT, author=HOSTILE_TEXT)
@example(title="}", venue="\\", author="{")
def test_fuzz_bibtex_round_trip(title, venue, author):
    paper = {"id": "fuzz", "title": title, "year": 2021, "venue": venue}
    if author.strip():
        paper["authors"] = [author]
    back = _round_trip(paper)
    assert _norm(back["title"]) == _norm(title)


def _control_kb() -> KnowledgeBase:
    title = "Evil\x1b]0;pwned\x07 title\x1b[2J\x0c\x00"
    return KnowledgeBase(
        papers={"evil": Paper(id="evil", title=title, year=2020, authors=["A\x1b"]),
                "good": Paper(id="good", title="Good", year=2019, cites=["evil"])},
        summaries={"evil": Summary(id="evil", title=title, paper="evil", date="2026-01-05", body="x\x07y\n")})


def test_graphml_with_control_characters_is_valid_xml():
    import networkx as nx

    text = "\n".join(nx.generate_graphml(graph_for_export(build_graph(_control_kb()))))
    root = ET.fromstring(text)  # raises on invalid XML
    assert "Evil]0;pwned title[2J" in ET.tostring(root, encoding="unicode")


def test_dot_and_feed_with_control_characters():
    assert "\x1b" not in render_dot(build_graph(_control_kb()))
    feed = render_feed(_control_kb(), None, lambda kind, ident: f"{kind}/{ident}/")
    ET.fromstring(feed.encode())


def test_graphml_via_the_cli_is_valid_xml(kb):
    kb.write("papers.yaml", 'papers:\n  - id: evil\n    title: "Evil\\e]0;pwned\\a\\e[2J"\n    year: 2020\n')
    kb.write("content/topics.yaml", "topics: []\n")
    code, out, err = run_kbgen("graph", "--format", "graphml", "--root", str(kb.root))
    assert code == 0, err
    ET.fromstring(out.encode())


def test_terminal_output_shows_control_characters_escaped():
    diag = error("papers.yaml\x1b[31m", 1, 1, "KB008", "title 'Evil\x1b]0;pwned\x07\x1b[2J' \u202eeman")
    text = format_text([diag])
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]0;pwned\\x07" in text and "\\u202e" in text
    assert "\x1b" not in format_github([diag])
    assert for_terminal("a\nb\x1b") == "a\nb\\x1b" and one_line("a\nb") == "a\\nb"


def test_validate_never_prints_a_raw_escape(kb):
    kb.write("papers.yaml", 'papers:\n  - id: evil\n    title: "Evil\\e]0;pwned\\a"\n    year: 20200\n')
    code, out, err = run_kbgen("validate", "--root", str(kb.root))
    assert code == 1 and "\x1b" not in out + err and "\x07" not in out + err


def test_full_width_digits_are_neither_valid_nor_duplicates_in_disguise(kb):
    assert normalise_arxiv("１７０６.０３７６２") == "1706.03762"  # NFKC before matching
    assert normalise_doi("１０.１０００/ABC") == normalise_doi("10.1000/abc")
    kb.write("papers.yaml", "papers:\n  - id: a\n    title: A\n    arxiv: '1706.03762'\n"
             "  - id: b\n    title: B\n    arxiv: '１７０６.０３７６２'\n")
    found = {d.code for d in findings(kb.root)}
    assert found & {"KB011", "KB017"}, found


def test_surrogates_and_controls_from_an_api_never_reach_papers_yaml():
    from kbgen.parse.metadata import parse_crossref_work

    paper = parse_crossref_work(b'{"message": {"title": ["A \\ud800 B\\u001b[2J"], "author": [{"family": "X\\u0007"}]}}',
                                "10.1/x")
    assert paper["title"] == "A B[2J" and paper["authors"] == ["X"]
    assert not re.search("[\ud800-\udfff\x00-\x1f]", repr(paper).encode("utf-8", "backslashreplace").decode())
