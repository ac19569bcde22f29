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
from kbgen.app.importing import bib_candidates
from kbgen.core.kb import KnowledgeBase
from kbgen.parse.bibtex import parse_bibtex
from tests.kbload import load_kb

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MIXED = FIXTURES / "mixed.bib"


def _candidates(path: Path) -> list[Candidate]:
    records, diags = parse_bibtex(path.read_text(encoding="utf-8"), path.name)
    assert not [d for d in diags if d.is_error], diags
    return bib_candidates(records, path.name)  # what `kbgen import-bib` plans with


@pytest.fixture(scope="module")
def mixed_plan():
    kb, diags = load_kb(FIXTURES / "kb")
    assert diags == []
    text = (FIXTURES / "kb" / "papers.yaml").read_text(encoding="utf-8")
    return text, plan_import(kb, text, _candidates(MIXED), header="imported from mixed.bib")


def test_ids_are_author_year_word_and_keys_are_kept(mixed_plan):
    _, plan = mixed_plan
    assert [p["id"] for p in plan.added] == [
        "vaswani2017attention", "ioffe2015batch", "schmidhuber2015deep",
        "jegou2011product", "sennrich2016neural", "eve2020naming"]
    assert [p["bibtex_key"] for p in plan.added][1:] == [
        "DBLP:conf/icml/IoffeS15", "schmidhuberDeepLearningNeural2015", "Jégou2011", "sennrich-etal-2016-neural",
        "adam"]


def test_latex_decoded_names_macros_and_crossref(mixed_plan):
    _, plan = mixed_plan
    by_id = {p["id"]: p for p in plan.added}
    assert "Łukasz Kaiser" in by_id["vaswani2017attention"]["authors"]
    assert by_id["schmidhuber2015deep"]["authors"] == ["Jürgen Schmidhuber"]
    assert by_id["schmidhuber2015deep"]["title"] == "Deep Learning in Neural Networks: An Overview"
    assert by_id["jegou2011product"]["authors"][0] == "Hervé Jégou"
    # "Proceedings of the 54th Annual Meeting of the Association for Computational Linguistics", shortened
    assert by_id["sennrich2016neural"]["venue"] == "ACL 2016"
    ioffe = by_id["ioffe2015batch"]  # year and venue inherited through crossref
    assert ioffe["year"] == 2015 and ioffe["venue"] == "ICML 2015"
    assert by_id["vaswani2017attention"]["arxiv"] == "1706.03762"


def test_duplicates_reported_with_the_entry_they_duplicate(mixed_plan):
    _, plan = mixed_plan
    found = {(d.candidate.label, d.of, d.reason) for d in plan.duplicates}
    assert found == {
        ("entry 'NIPS2017_3f5ee243'", "vaswani2017attention", "same title and year (2017)"),
        ("entry 'lecun1998gradient'", "lecun-lenet", "same title and year (1998)"),
        ("entry 'sennrich2016bpe'", "sennrich2016neural", "same DOI 10.18653/v1/p16-1162"),
    }
    lenet = [d for d in plan.duplicates if d.of == "lecun-lenet"][0]
    assert lenet.where == "papers.yaml:6"
    assert lenet.describe().startswith("mixed.bib:50: entry 'lecun1998gradient' duplicates 'lecun-lenet'")


def test_the_key_that_was_an_id_clash_gets_a_readable_id_instead(mixed_plan):
    _, plan = mixed_plan
    assert plan.warnings == [] and plan.summary() == "added 6, skipped 3 duplicates, 0 warnings"


def test_a_given_id_that_clashes_is_renamed_with_a_warning():
    kb, _ = load_kb(FIXTURES / "kb")
    cand = Candidate({"id": "adam", "title": "On the Naming of Optimisers", "year": 2020}, "x.bib", 105, "entry 'adam'")
    plan = plan_import(kb, "papers:\n", [cand])
    [warn] = plan.warnings
    assert warn.code == "KB014" and "imported as 'adam-2'" in warn.message and warn.line == 105


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


# -- issue 15 ---------------------------------------------------------------------

def test_the_same_title_a_year_apart_is_a_duplicate_two_years_apart_a_warning():
    kb, _ = load_kb(FIXTURES / "kb")
    one = Candidate({"id": "x", "title": "Adam: a method for stochastic optimization!", "year": 2015}, "x.bib", 3,
                    "entry 'x'")
    two = Candidate({"id": "y", "title": "Adam: A Method for Stochastic Optimization", "year": 2017}, "x.bib", 9,
                    "entry 'y'")
    plan = plan_import(kb, "papers:\n", [one, two])
    [dup] = plan.duplicates
    assert (dup.of, dup.where) == ("adam", "papers.yaml:13") and dup.reason.startswith("same title, 2014 vs 2015")
    assert [p["id"] for p in plan.added] == ["y"] and [d.code for d in plan.warnings] == ["KB018"]


def test_a_version_within_the_same_import_is_a_duplicate_too():
    first = Candidate({"id": "a", "title": "T", "year": 2020, "arxiv": "2010.11929"}, "x.bib", 1, "entry 'a'")
    second = Candidate({"id": "b", "title": "T", "year": 2021, "venue": "ICLR 2021"}, "x.bib", 8, "entry 'b'")
    plan = plan_import(KnowledgeBase(), "papers:\n", [first, second])
    assert [d.of for d in plan.duplicates] == ["a"] and plan.duplicates[0].where == "x.bib:1"


@pytest.mark.parametrize("text, prefix", [
    ("papers: []\n", "papers:\n"),
    ("# c\npapers: [ ]  # none\n# end\n", "# c\npapers:  # none\n# end\n"),
    ("papers: [\n]\n", "papers:\n"),
    ("papers:\n  - id: a\n", None), ("papers: [{id: a}]\n", None), ("nope: []\n", None), ("papers: [\n", None),
])
def test_only_an_empty_flow_list_is_rewritten(text, prefix):
    from kbgen.app.import_plan import unflow_empty_list

    assert unflow_empty_list(text)[0] == prefix


def test_a_plan_on_an_empty_flow_list_says_so_and_reads_back():
    plan = plan_import(KnowledgeBase(), "papers: []\n", [Candidate({"id": "a", "title": "A"}, "x.bib", 1, "a")])
    assert plan.prefix == "papers:\n" and plan.notes == ["papers.yaml:1: 'papers: []' rewritten as a block list"]
    assert yaml.safe_load(plan.prefix + plan.text) == {"papers": [{"id": "a", "title": "A"}]}


def test_long_values_are_never_wrapped():
    long = "A " * 80 + "title"
    text = render_entry({"id": "x", "title": long, "venue": "V " * 60 + "end"}, 2)
    assert len(text.splitlines()) == 3 and yaml.safe_load(text)[0]["title"] == long


def test_imported_venues_are_shortened():
    plan = plan_import(KnowledgeBase(), "papers:\n", [Candidate(
        {"id": "a", "title": "A", "year": 2016,
         "venue": "2016 IEEE Conference on Computer Vision and Pattern Recognition, {CVPR} 2016, Las Vegas, NV, USA"},
        "x.bib", 1, "a")])
    assert plan.added[0]["venue"] == "CVPR 2016"


@pytest.mark.parametrize("venue, year, short", [
    ("9th International Conference on Learning Representations, ICLR 2021, Virtual Event, Austria, May 3-7, 2021",
     2021, "ICLR 2021"),
    ("Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational "
     "Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)", 2019, "NAACL 2019"),
    ("Advances in Neural Information Processing Systems 33: Annual Conference on Neural Information Processing "
     "Systems 2020, NeurIPS 2020, December 6-12, 2020, virtual", 2020, "NeurIPS 2020"),
    ("Advances in Neural Information Processing Systems", 2014, "NIPS 2014"),
    ("Proceedings of the IEEE conference on computer vision and pattern recognition", 2016, "CVPR 2016"),
    ("Computer Vision – ECCV 2014", 2014, "ECCV 2014"),
    ("NIPS 2014 Deep Learning Workshop", 2014, "NIPS 2014 (workshop)"),
    ("Proceedings of the 2014 Conference on Empirical Methods in Natural Language Processing (EMNLP)", 2014,
     "EMNLP 2014"),
    ("Proceedings of the 5th Symposium on Made-Up Things (SMUT)", 2001, "SMUT 2001"),
    ("Proceedings of the IEEE", 1998, "Proceedings of the IEEE"),
    ("Journal of Machine Learning Research (JMLR)", 2014, "Journal of Machine Learning Research (JMLR)"),
    ("Neural Comput.", 1997, "Neural Comput."), ("arXiv", 2020, "arXiv"),
    ("Proceedings of the 21st Made-Up Meeting on Things", 2001, "Made-Up Meeting on Things"),
])
def test_short_venue(venue, year, short):
    from kbgen.parse.bibfields import short_venue

    assert short_venue(venue, year) == short
    assert "\n" not in short_venue(venue.replace(" ", "\n  ", 3), year)


# -- issue 14: the import's check reads the new entries without parsing them again ----------

def _plan_for(old: str, papers: list[dict], header: str | None):
    from kbgen.app.import_plan import ImportPlan, unflow_empty_list

    plan = ImportPlan(added=[{k: clean_value(v) for k, v in p.items()} for p in papers])
    plan.prefix, _ = unflow_empty_list(old)
    plan.text = render_append(plan.prefix if plan.prefix is not None else old, plan.added, header, cleaned=True,
                              located=plan.located)
    return plan


def _same_as_a_parse(old: str, plan) -> None:
    from kbgen.app.importing import new_papers_doc, new_papers_text
    from kbgen.parse.located import parse_yaml

    made = new_papers_doc(parse_yaml(old, "papers.yaml"), old, plan)
    parsed = parse_yaml(new_papers_text(old, plan), "papers.yaml")
    assert (made.value, made.diagnostics) == (parsed.value, parsed.diagnostics)
    assert made.marks == parsed.marks


_ENTRY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(old=st.sampled_from(_OLD_FILES + ["papers:\n  - id: a\n    nested: {x: [1, 2]}\n# trailing\n",
                                         "papers:\n- id: a\n  title: A\n  authors:\n  - X\n"]),
       papers=st.lists(st.fixed_dictionaries(
           {"id": st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), "title": _ENTRY_TEXT},
           optional={"authors": st.lists(_ENTRY_TEXT, max_size=3), "year": st.integers(1800, 2030),
                     "topics": st.lists(_ENTRY_TEXT, max_size=2), "bibtex_key": _ENTRY_TEXT}),
           min_size=1, max_size=4),
       header=st.one_of(st.none(), st.text(max_size=20)))
def test_the_new_file_as_the_check_reads_it_is_what_a_parse_gives(old, papers, header):
    _same_as_a_parse(old, _plan_for(old, papers, header))


@pytest.mark.parametrize("old", ["papers:\r\n  - id: a\r\n", "papers: []\n", "# x\u2028\npapers:\n  - id: a\n", ""])
def test_shapes_the_check_parses_again_read_the_same(old):
    _same_as_a_parse(old, _plan_for(old, [{"id": "b", "title": "B", "abstract": "x" * 25_000}], "h"))
    _same_as_a_parse(old, _plan_for(old, [{"id": "b", "title": "B"}], None))


def test_the_check_of_a_block_list_does_not_parse_the_new_text():
    from kbgen.app.importing import new_papers_doc
    from kbgen.parse.located import parse_yaml

    old = "papers:\n  - id: a\n"
    plan = _plan_for(old, [{"id": "b", "title": "B"}], None)
    # The old file as loaded (here: with a marker the text lacks) is kept as it is, not read again.
    made = new_papers_doc(parse_yaml("papers:\n  - id: a\n    marker: 1\n", "papers.yaml"), old, plan)
    assert made.value == {"papers": [{"id": "a", "marker": 1}, {"id": "b", "title": "B"}]}
    assert made.mark(("papers", 1, "title")) == (5, 12)  # line 3 is the blank line before the entry


SHORT_NAMES_BIB = r"""
@inproceedings{devlin2019bert, title = {{BERT}: Pre-training of Deep Bidirectional Transformers for Language
  Understanding}, author = {Devlin, Jacob and Chang, Ming-Wei}, booktitle = {NAACL-HLT}, year = {2019}}
@article{kolesnikov2019bit, title = {Big Transfer ({BiT}): General Visual Representation Learning},
  author = {Kolesnikov, Alexander}, journal = {arXiv preprint arXiv:1912.11370}, year = {2019}}
@inproceedings{he2016deep, title = {Deep Residual Learning for Image Recognition}, author = {He, Kaiming},
  booktitle = {CVPR}, year = {2016}}
@article{lecun2015deep, title = {Deep Learning: A Review of the Field}, author = {LeCun, Yann}, year = {2015}}
@article{kingma2014adam, title = {Adam: A Method for Stochastic Optimization}, author = {Kingma, Diederik P.},
  year = {2014}}
@article{other2020adam, title = {Adam: Another Paper of that Name}, author = {Other, A.}, year = {2020}}
"""


def test_import_proposes_the_short_name_a_title_carries_and_never_a_taken_one(tmp_path):
    bib = tmp_path / "names.bib"
    bib.write_text(SHORT_NAMES_BIB, encoding="utf-8")
    plan = plan_import(KnowledgeBase(), "papers:\n", _candidates(bib))
    # The second "Adam: ..." gets none: the first one of this import took the name.
    assert [p.get("short") for p in plan.added] == ["BERT", "BiT", None, None, "Adam", None]
    # Written in the model's order of fields, and read back by YAML.
    entries = yaml.safe_load("papers:\n" + plan.text)["papers"]
    assert [e.get("short") for e in entries] == ["BERT", "BiT", None, None, "Adam", None]
    # A name the knowledge base already uses (as a short name or an alias) is not proposed again.
    kb, _ = load_kb(FIXTURES / "kb")
    used = {n.casefold() for p in kb.papers.values() for n in [p.short, *p.aliases] if n}
    again = plan_import(kb, "papers:\n", _candidates(bib))
    assert not [p for p in again.added if p.get("short") and p["short"].casefold() in used]
