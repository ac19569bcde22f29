"""Import planning (pure): dedup decisions and the exact text appended to papers.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.app.import_plan import (
    SCHEMA_LINE,
    AppendError,
    Candidate,
    clean_value,
    list_indent,
    plan_import,
    render_append,
    render_entry,
)
from kbgen.core.kb import KnowledgeBase
from kbgen.parse.bibfields import record_to_paper
from kbgen.parse.bibtex import parse_bibtex
from tests.kbload import load_kb

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MIXED = FIXTURES / "mixed.bib"


def _candidates(path: Path) -> list[Candidate]:
    records, diags = parse_bibtex(path.read_text(encoding="utf-8"), path.name)
    assert not [d for d in diags if d.is_error], diags
    return [Candidate(record_to_paper(r), path.name, r.line, f"entry '{r.key}'") for r in records]


@pytest.fixture(scope="module")
def mixed_plan():
    kb, diags = load_kb(FIXTURES / "kb")
    assert diags == []
    text = (FIXTURES / "kb" / "papers.yaml").read_text(encoding="utf-8")
    return text, plan_import(kb, text, _candidates(MIXED), header="imported from mixed.bib")


def test_expected_ids_in_file_order(mixed_plan):
    _, plan = mixed_plan
    assert [p["id"] for p in plan.added] == [
        "vaswani2017attention", "dblp-conf-icml-ioffes15", "schmidhuberdeeplearningneural2015",
        "jegou2011", "sennrich-etal-2016-neural", "adam-2"]
    assert [p["bibtex_key"] for p in plan.added][3:] == ["Jégou2011", "sennrich-etal-2016-neural", "adam"]


def test_latex_decoded_names_macros_and_crossref(mixed_plan):
    _, plan = mixed_plan
    by_id = {p["id"]: p for p in plan.added}
    assert "Łukasz Kaiser" in by_id["vaswani2017attention"]["authors"]
    assert by_id["schmidhuberdeeplearningneural2015"]["authors"] == ["Jürgen Schmidhuber"]
    assert by_id["schmidhuberdeeplearningneural2015"]["title"] == "Deep Learning in Neural Networks: An Overview"
    assert by_id["jegou2011"]["authors"][0] == "Hervé Jégou"
    assert by_id["sennrich-etal-2016-neural"]["venue"] == (
        "Proceedings of the 54th Annual Meeting of the Association for Computational Linguistics")
    ioffe = by_id["dblp-conf-icml-ioffes15"]  # year and venue inherited through crossref
    assert ioffe["year"] == 2015 and "ICML 2015" in ioffe["venue"]
    assert by_id["vaswani2017attention"]["arxiv"] == "1706.03762"


def test_duplicates_reported_with_the_entry_they_duplicate(mixed_plan):
    _, plan = mixed_plan
    found = {(d.candidate.label, d.of, d.reason) for d in plan.duplicates}
    assert found == {
        ("entry 'NIPS2017_3f5ee243'", "vaswani2017attention", "same title and year (2017)"),
        ("entry 'lecun1998gradient'", "lecun-lenet", "same title and year (1998)"),
        ("entry 'sennrich2016bpe'", "sennrich-etal-2016-neural", "same DOI 10.18653/v1/p16-1162"),
    }
    lenet = [d for d in plan.duplicates if d.of == "lecun-lenet"][0]
    assert lenet.where == "papers.yaml:6"
    assert lenet.describe().startswith("mixed.bib:50: entry 'lecun1998gradient' duplicates 'lecun-lenet'")


def test_id_clash_with_another_paper_is_renamed_with_a_warning(mixed_plan):
    _, plan = mixed_plan
    [warn] = plan.warnings
    assert warn.code == "KB014" and "imported as 'adam-2'" in warn.message and warn.line == 105
    assert plan.summary() == "added 6, skipped 3 duplicates, 1 warning"


def test_appended_text_lines_up_with_the_list_and_parses_back(mixed_plan):
    old, plan = mixed_plan
    assert not old.endswith("\n")
    assert plan.text.startswith("\n\n    # imported from mixed.bib\n    - id: vaswani2017attention\n")
    data = yaml.safe_load(old + plan.text)
    assert [p["id"] for p in data["papers"]] == ["lecun-lenet", "adam"] + [p["id"] for p in plan.added]
    assert data["papers"][2:] == plan.added


def test_reimport_after_append_adds_nothing(mixed_plan, tmp_path):
    old, plan = mixed_plan
    (tmp_path / "papers.yaml").write_text(old + plan.text, encoding="utf-8")
    kb, diags = load_kb(tmp_path)
    assert [d for d in diags if d.is_error] == []
    again = plan_import(kb, old + plan.text, _candidates(MIXED))
    assert again.added == [] and again.text == ""
    assert len(again.duplicates) == 9


def test_invalid_candidate_is_an_error_at_its_source():
    bad = Candidate({"id": "x", "title": "T", "year": 2017, "arxiv": "not-an-id"}, "refs.bib", 7, "entry 'x'")
    plan = plan_import(KnowledgeBase(), "papers:\n", [bad])
    [err] = plan.errors
    assert (err.file, err.line, err.code) == ("refs.bib", 7, "KB011")
    assert err.message.startswith("entry 'x': arxiv: malformed arXiv id")
    assert plan.text == ""


@pytest.mark.parametrize("text, expected", [
    (None, (2, True)), ("", (2, True)), ("# only a comment\n", (2, True)),
    ("papers:\n", (2, False)), ("papers:\n- id: a\n  title: A\n", (0, False)),
    ("papers:\n  - id: a\n    title: A\n", (2, False)),
])
def test_list_indent(text, expected):
    assert list_indent(text) == expected


@pytest.mark.parametrize("text", ["papers: []\n", "papers: [{id: a, title: A}]\n", "- a\n", "papers: [\n"])
def test_shapes_that_cannot_be_appended_to_are_refused(text):
    with pytest.raises(AppendError):
        render_append(text, [{"id": "b", "title": "B"}])


def test_a_new_file_starts_with_the_schema_line_and_the_key():
    text = render_append(None, [{"id": "b", "title": "B"}])
    assert text == f"{SCHEMA_LINE}\npapers:\n\n  - id: b\n    title: B\n"


def test_crlf_files_are_appended_to_without_touching_them():
    old = "papers:\r\n  - id: a\r\n    title: A\r\n"
    text = render_append(old, [{"id": "b", "title": "B"}])
    assert [p["id"] for p in yaml.safe_load(old + text)["papers"]] == ["a", "b"]


def test_render_entry_quotes_what_yaml_would_misread():
    text = render_entry({"id": "x", "title": "No: really # not a comment", "arxiv": "1706.03762",
                         "venue": "yes", "authors": ["- dash"]}, 2)
    assert yaml.safe_load(text) == [{"id": "x", "title": "No: really # not a comment", "arxiv": "1706.03762",
                                     "venue": "yes", "authors": ["- dash"]}]


def test_generated_ids_are_made_unique_without_a_warning():
    kb, _ = load_kb(FIXTURES / "kb")
    cand = Candidate({"id": "adam", "title": "Another Adam", "year": 2021}, "Crossref", 0, "doi:10.1/x",
                     generated_id=True)
    plan = plan_import(kb, "papers:\n", [cand])
    assert [p["id"] for p in plan.added] == ["adam-2"] and plan.diagnostics == []


_OLD_FILES = [
    "papers:\n  - id: a\n    title: A\n",
    "# c\npapers:\n    # c\n    - id: a   # c\n      title: 'A'\n# end",
    "papers:\n- id: a\n  title: A\n\n\n",
    "papers:\r\n  - id: a\r\n    title: A",
    "\ufeffpapers:\n  - {id: a, title: A}\n",
    "papers:\n",
    "# nothing yet\n",
]


@settings(max_examples=150, deadline=None)
@given(old=st.sampled_from(_OLD_FILES),
       papers=st.lists(st.fixed_dictionaries(
           {"id": st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True),
            "title": st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)},
           optional={"authors": st.lists(st.text(min_size=1, max_size=20), max_size=3),
                     "year": st.integers(1800, 2030),
                     "abstract": st.text(max_size=300)}), min_size=1, max_size=4),
       header=st.one_of(st.none(), st.text(max_size=40)))
def test_appending_keeps_old_entries_and_reads_back_exactly(old, papers, header):
    text = render_append(old, papers, header)
    data = yaml.safe_load(old + text)
    before = (yaml.safe_load(old) or {}).get("papers") or []
    assert data["papers"] == before + [{k: clean_value(v) for k, v in p.items()} for p in papers]


def test_docstring_examples_of_the_module():
    import doctest

    import kbgen.app.import_plan

    result = doctest.testmod(kbgen.app.import_plan)
    assert result.failed == 0 and result.attempted > 0
