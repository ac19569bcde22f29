"""Validation: golden diagnostics for one defect per knowledge base, and cross-checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.check.unsafe import find_unsafe, iter_unsafe
from kbgen.check.validate import build_knowledge_base
from kbgen.core.diagnostics import format_text
from kbgen.core.kb import KnowledgeBase
from kbgen.parse.sources import Sources
from tests.kbload import load_kb

from .conftest import GOLDEN, check_golden

CASES = sorted(p for p in (GOLDEN / "diagnostics").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_diagnostics(case: Path) -> None:
    kb, diags = load_kb(case)
    assert isinstance(kb, KnowledgeBase)
    check_golden(case / "expected.txt", format_text(diags))


def test_every_defect_case_reports_something() -> None:
    for case in CASES:
        expected = (case / "expected.txt").read_text()
        assert (expected == "") == (case.name == "valid"), case.name


def test_valid_case_builds_every_namespace() -> None:
    kb, diags = load_kb(GOLDEN / "diagnostics" / "valid")
    assert diags == []
    assert set(kb.papers) == {"attention", "vit"}
    assert kb.summaries["vit"].paper == "vit"
    assert "The image becomes patches." in kb.summaries["vit"].body
    assert kb.paths["start"].steps == ["attention", "vit"]
    assert kb.topics["transformers"].name == "Transformers"
    assert str(kb.origin("paper", "vit")) == "papers.yaml:8"
    assert kb.kind_of("vit") == "paper" and kb.title_of("nope") == "nope"


def test_empty_sources_give_empty_kb() -> None:
    kb, diags = build_knowledge_base(Sources(root=Path(".")))
    assert diags == [] and not kb.papers


def test_errors_in_one_entity_do_not_hide_others(tmp_path: Path) -> None:
    (tmp_path / "papers.yaml").write_text(
        "papers:\n"
        "  - id: a\n    title: A\n    yaer: 2020\n    cites: [missing-one]\n"
        "  - id: b\n    title: B\n    year: 1700\n"
        "  - id: c\n    title: C\n    prerequisites: [a, b, nope]\n"
    )
    _, diags = load_kb(tmp_path)
    codes = [(d.line, d.code) for d in diags]
    # a's schema error, a's unknown cite (checked on raw data), b's year, c's unknown prerequisite;
    # a and b failed their schema but are not reported again as unknown ids.
    assert codes == [(4, "KB006"), (5, "KB004"), (8, "KB010"), (11, "KB004")]


def test_summary_may_share_its_papers_id() -> None:
    kb, diags = load_kb(GOLDEN / "diagnostics" / "valid")
    assert "vit" in kb.papers and "vit" in kb.summaries and not diags


def test_unsafe_patterns_skip_code() -> None:
    text = "Use `<script>` in code.\n\n```html\n<script>ok()</script>\n```\n<iframe src=x></iframe>\n"
    found = list(iter_unsafe(text))
    assert [m for _, m in found] == ["raw <iframe> element"]
    assert text[found[0][0]:].startswith("<iframe")


@pytest.mark.parametrize("text,unsafe", [
    ("A normal title: with a colon", False),
    ("javascript: the good parts", True),
    ("data:text/html,<b>", True),
    ("x <img src=a onerror=alert(1)>", True),
    ("Data: a survey", False),
    ("<svg/onload=alert(1)>", True),
    ('<img src="x"onerror=alert(1)>', True),
    ("Scores on average = 3 <b>bold</b>", False),
])
def test_find_unsafe_metadata(text: str, unsafe: bool) -> None:
    assert (find_unsafe(text) is not None) == unsafe


def test_multi_megabyte_field_is_refused_quickly(tmp_path: Path) -> None:
    # Many '<' without '>' is the worst case for the tag patterns; bounded repetition keeps the scan
    # linear, and the limits (KB042) refuse what MkDocs would choke on.
    big = "<a " * 700_000
    (tmp_path / "papers.yaml").write_text(f"papers:\n  - id: a\n    title: A\n    abstract: '{big}'\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "big.md").write_text("# Big\n\n" + "<b " * 700_000)
    _, diags = load_kb(tmp_path)
    assert {d.file for d in diags if d.code == "KB042"} == {"papers.yaml", "content/big.md"}


def test_bibtex_entry_merges_with_yaml_entry(tmp_path: Path) -> None:
    (tmp_path / "papers.yaml").write_text(
        "papers:\n  - id: resnet\n    bibtex_key: he2016deep\n    title: ResNet (our title)\n    difficulty: intro\n"
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "refs.bib").write_text(
        "@inproceedings{he2016deep,\n  title = {Deep Residual Learning for Image Recognition},\n"
        "  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},\n"
        "  booktitle = {CVPR}, year = {2016}, doi = {10.1109/CVPR.2016.90}\n}\n"
        "@article{Kingma2014Adam, title={{Adam}: A Method for Stochastic Optimization},"
        " author={Kingma, Diederik P. and Ba, Jimmy}, journal={arXiv preprint arXiv:1412.6980}, year={2014}}\n"
    )
    kb, diags = load_kb(tmp_path)
    assert diags == []
    resnet = kb.papers["resnet"]
    assert resnet.title == "ResNet (our title)"  # YAML wins field by field
    assert resnet.doi == "10.1109/CVPR.2016.90" and resnet.year == 2016  # BibTeX fills the rest
    assert resnet.authors[0] == "Kaiming He"
    adam = kb.papers["kingma2014adam"]
    assert adam.bibtex_key == "Kingma2014Adam" and adam.arxiv == "1412.6980"
    assert adam.title == "Adam: A Method for Stochastic Optimization"
    assert str(kb.origin("paper", "kingma2014adam")).startswith("content/refs.bib:")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef")).filter(lambda e: e[0] != e[1]),
                max_size=10))
def test_the_prerequisite_cycle_precheck_agrees_with_networkx(edges):
    import networkx as nx

    from kbgen.check.crosschecks import _acyclic

    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    assert _acyclic(edges) == nx.is_directed_acyclic_graph(graph)
