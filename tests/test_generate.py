"""The benchmark generator: deterministic, realistic in shape, and valid."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path

import pytest
import yaml

from kbgen.parse.bibfields import record_to_paper
from kbgen.parse.bibtex import parse_bibtex
from tests.kbload import load_kb

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("kbgen_bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate_module = _load_generator()
N = 120


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "kb"
    assert generate_module.main(["--papers", str(N), "--seed", "7", "--out", str(out)]) == 0
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_validates_without_errors_or_warnings(generated):
    kb, diags = load_kb(generated)
    assert diags == []
    assert len(kb.papers) == N
    assert kb.concepts and kb.stories and kb.resources and kb.paths and kb.topics


def test_same_seed_same_bytes_other_seed_other_bytes(generated, tmp_path):
    generate_module.generate(N, 7, tmp_path / "again")
    generate_module.generate(N, 8, tmp_path / "other")
    assert _tree(tmp_path / "again") == _tree(generated)
    assert _tree(tmp_path / "other") != _tree(generated)


def test_field_sizes_and_graph_shape(generated):
    papers = yaml.load((generated / "papers.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["papers"]
    index = {p["id"]: i for i, p in enumerate(papers)}
    assert all(3 <= len(p["authors"]) <= 8 for p in papers)
    assert all(len(p["abstract"].split()) == 150 for p in papers)
    # Edges only point to older, lower-index papers: the ordering graph is acyclic.
    for i, paper in enumerate(papers):
        for ref in paper.get("cites", []) + paper.get("prerequisites", []):
            assert index[ref] < i and papers[index[ref]]["year"] <= paper["year"]
    later = papers[N // 4:]  # the first papers have few older ones to cite
    assert 4 <= statistics.mean(len(p.get("cites", [])) for p in later) <= 6
    assert 1 <= statistics.mean(len(p.get("prerequisites", [])) for p in later) <= 2
    summaries = list((generated / "content" / "summaries").glob("*.md"))
    assert 0.2 * N <= len(summaries) <= 0.4 * N
    body = summaries[0].read_text(encoding="utf-8").split("---", 2)[2]
    assert 280 <= len(body.split()) <= 360


def test_bib_has_half_as_many_entries_in_mixed_styles(generated):
    text = (generated / "refs.bib").read_text(encoding="utf-8")
    records, diags = parse_bibtex(text, "refs.bib")
    assert not [d for d in diags if d.is_error]
    assert len(records) == N // 2
    for marker in ("archivePrefix", "biburl", "journal={arXiv preprint", "urldate", "aclanthology", "@string"):
        assert marker in text
    assert "\\\"u" in text or "{\\'" in text  # LaTeX accents
    authors = [a for rec in records for a in record_to_paper(rec).get("authors", [])]
    assert not [a for a in authors if "\\" in a or "{" in a]  # they decode to plain Unicode
