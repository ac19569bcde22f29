"""Everything bounded: expansion budgets, nesting, sizes, diagnostics per code, cycle breaking, path order."""

from __future__ import annotations

import networkx as nx
import pytest

from kbgen.check.order import earliest_dependents
from kbgen.check.pages import MAX_NESTING
from kbgen.check.topics import MAX_TOPIC_DEPTH
from kbgen.core.diagnostics import MAX_PER_CODE, count, format_text, sort_diagnostics, warning
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Paper
from kbgen.graph import build_graph
from kbgen.parse.bibtex import parse_bibtex
from kbgen.parse.located import MAX_SCALAR_CHARS, parse_yaml

from .conftest import assert_no_traceback, codes, findings, run_kbgen


def test_yaml_alias_amplification_of_a_big_scalar_is_stopped():
    # 1 MB of text aliased 1,200 times: 1.2 GB of titles from a 1 MB file under the node-count rule.
    big = "A" * 15_000
    lines = [f'big: &a "{big}"', "papers:"] + [f"  - id: p{i}\n    title: *a" for i in range(1_200)]
    doc = parse_yaml("\n".join(lines) + "\n", "papers.yaml")
    assert doc.value is None
    assert [d.code for d in doc.diagnostics] == ["KB022"] and "characters of text" in doc.diagnostics[0].message


def test_billion_laughs_is_stopped():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        text += f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 10) + "]\n"
    doc = parse_yaml(text, "papers.yaml")
    assert doc.value is None and doc.diagnostics[0].code == "KB022"


def test_a_few_aliases_are_fine():
    doc = parse_yaml("v: &v NeurIPS\npapers:\n" + "".join("  - venue: *v\n" for _ in range(500)), "papers.yaml")
    assert doc.diagnostics == [] and doc.value["papers"][499]["venue"] == "NeurIPS"


def test_a_scalar_over_the_limit_is_located():
    doc = parse_yaml("papers:\n  - id: a\n    abstract: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n", "papers.yaml")
    [diag] = doc.diagnostics
    assert (diag.code, diag.line, diag.column) == ("KB042", 3, 15)


def test_self_referencing_string_concatenation_is_bounded():
    text = '@string{a = "xx"}\n' + "@string{a = a # a}\n" * 40 + "@misc{k, title = a # a, year = 2020}\n"
    assert len(text) < 850
    records, diags = parse_bibtex(text, "refs.bib")
    assert [d.code for d in diags] == ["KB042"] and diags[0].line == 17
    assert records[0].key == "k"


def test_a_bibtex_year_of_thousands_of_digits_is_located(kb):
    kb.write("content/refs.bib", "@misc{k,\n  title = {T},\n  year = " + "9" * 5_000 + "\n}\n")
    found = [d for d in findings(kb.root) if d.file == "content/refs.bib"]
    assert [(d.code, d.line) for d in found] == [("KB010", 3)]


def test_a_bibtex_year_of_thousands_of_digits_via_the_cli(kb):
    kb.write("content/refs.bib", "@misc{k, title = {T}, year = " + "9" * 5_000 + "}\n")
    code, out, err = run_kbgen("validate", "--root", str(kb.root))
    assert code == 1 and "KB010" in out
    assert_no_traceback(out, err)


def _chain_kb(kb, n: int, path_steps: list[int]) -> None:
    lines = ["papers:"]
    for i in range(n):
        lines.append(f"  - id: p{i}\n    title: P{i}\n    year: 2000" + (f"\n    prerequisites: [p{i - 1}]" if i else ""))
    kb.write("papers.yaml", "\n".join(lines) + "\n")
    kb.write("content/paths/long.yaml", "title: Long\nsteps:\n" + "".join(f"  - p{i}\n" for i in path_steps))


def test_a_reversed_1500_step_path_gives_one_warning_per_late_step_capped(kb):
    _chain_kb(kb, 1_500, list(reversed(range(1_500))))
    code, out, err = run_kbgen("validate", "--root", str(kb.root))
    lines = out.splitlines()
    assert code == 0 and len(lines) == MAX_PER_CODE + 2  # the warnings shown, the count, the summary
    assert lines[-2] == "warning KB040: and 1,399 more KB025 warnings (not shown: fix the ones above and run again)"
    assert lines[-1].startswith("0 errors, 1499 warnings in ")
    assert_no_traceback(out, err)


def test_a_20000_step_path_is_checked_without_holding_every_ancestry(kb):
    _chain_kb(kb, 20_000, list(range(20_000)))
    assert "KB025" not in codes(kb.root)


def test_path_order_finds_the_earliest_dependent():
    prereqs = {"c": ["b"], "b": ["a"], "d": ["a"]}
    assert earliest_dependents(["d", "c", "a", "b"], prereqs) == {"a": 0, "b": 1}
    assert earliest_dependents(["a", "b"], {"a": ["b"], "b": ["a"]}) == {}  # a cycle: KB019 elsewhere


def test_diagnostics_are_capped_per_code_with_a_count():
    many = [warning("p.yaml", i, 1, "KB025", "late") for i in range(1, 1_235 + MAX_PER_CODE)]
    capped = sort_diagnostics(many + [warning("q.yaml", 1, 1, "KB018", "dup")])
    assert len(capped) == MAX_PER_CODE + 2
    assert capped[-1].message.startswith("and 1,234 more KB025")
    assert count(capped) == (0, 1_235 + MAX_PER_CODE)
    assert sort_diagnostics(capped) == capped  # capping twice changes nothing
    assert format_text(capped, summary=True).splitlines()[-1].startswith("0 errors, 1335 warnings")


def test_a_dropped_error_keeps_the_count_an_error():
    from kbgen.core.diagnostics import error

    capped = sort_diagnostics([error("a", i, 1, "KB004", "x") for i in range(1, 5)], limit=2)
    assert capped[-1].is_error and count(capped) == (4, 0)


def _clique(n: int) -> KnowledgeBase:
    ids = [f"p{i:03d}" for i in range(n)]
    return KnowledgeBase(papers={i: Paper(id=i, title=i, year=2000 + k % 7, cites=[j for j in ids if j != i])
                                 for k, i in enumerate(ids)})


def test_a_citation_clique_is_broken_into_a_dag():
    g = build_graph(_clique(120))
    assert nx.is_directed_acyclic_graph(g.ordering)
    dropped = 120 * 119 - g.ordering.number_of_edges()
    assert dropped == 120 * 119 // 2  # half of a tournament is the least any order can keep
    assert len(g.diagnostics) == dropped
    assert sum("cites" in d.message and "in a citation cycle among 120 entries" in d.message
               for d in g.diagnostics) == dropped - 20  # the first 20 name a whole cycle


def test_cycle_breaking_keeps_prerequisites_over_citations():
    kb = KnowledgeBase(papers={
        "a": Paper(id="a", title="A", year=2020, prerequisites=["b"]),
        "b": Paper(id="b", title="B", year=2010, cites=["a"]),
    })
    g = build_graph(kb)
    assert list(g.ordering.edges) == [("b", "a")]


def test_a_300_level_topic_tree_is_an_error_not_a_build_traceback(kb):
    topics = "topics:\n  - id: ml\n    name: ML\n" + "".join(
        f"  - id: t{i}\n    name: T{i}\n    parent: {'ml' if i == 0 else f't{i - 1}'}\n" for i in range(300))
    kb.write("content/topics.yaml", topics)
    found = [d for d in findings(kb.root) if d.code == "KB046"]
    assert len(found) == 1 and f"{MAX_TOPIC_DEPTH + 1} levels below its root" in found[0].message
    assert found[0].file == "content/topics.yaml"


def test_topic_parent_cycles_are_errors_naming_the_cycle(kb):
    kb.write("content/topics.yaml", "topics:\n  - id: ml\n    name: ML\n"
             "  - id: b\n    name: B\n    parent: c\n  - id: c\n    name: C\n    parent: d\n"
             "  - id: d\n    name: D\n    parent: b\n")
    [diag] = [d for d in findings(kb.root) if d.code == "KB046"]
    assert diag.message.startswith("topic parent cycle: b -> c -> d -> b") and (diag.line, diag.column) == (6, 13)


def test_a_1500_level_markdown_list_is_an_error(kb):
    kb.write("content/deep.md", "".join("    " * i + "- x\n" for i in range(300)))  # Python-Markdown fails at 300
    [diag] = [d for d in findings(kb.root) if d.code == "KB042"]
    assert diag.file == "content/deep.md" and diag.line == MAX_NESTING + 2


def test_nested_html_and_quotes_are_bounded(kb):
    kb.write("content/divs.md", "<div markdown>\n" * 500 + "x\n" + "</div>\n" * 500)
    kb.write("content/quotes.md", ">" * 500 + " deep\n")
    found = {d.file for d in findings(kb.root) if d.code == "KB042"}
    assert found == {"content/divs.md", "content/quotes.md"}


@pytest.mark.parametrize("attack", ["[" * 20_000, "![" * 5_000, "[^" * 5_000, "<a x\n\n" * 3_000])
def test_markup_python_markdown_would_take_minutes_on_is_refused(kb, attack):
    kb.write("content/slow.md", attack)
    assert "too much markup" in " ".join(d.message for d in findings(kb.root) if d.code == "KB042")


def test_hide_5_is_an_error_not_a_build_traceback(kb):
    kb.write("content/other.md", "---\ntitle: ok\nhide: 5\n---\n# Other\n")
    [diag] = [d for d in findings(kb.root) if d.file == "content/other.md"]
    assert (diag.code, diag.line) == ("KB008", 3) and "'hide' must be a list of navigation" in diag.message


def test_a_bad_byte_in_a_dot_markdown_file_is_an_error(kb):
    kb.write("content/notes.markdown", b"# Notes\n\xff\xfe\n")
    [diag] = [d for d in findings(kb.root) if d.file == "content/notes.markdown"]
    assert diag.code == "KB043" and "rename it to .md" in diag.message


@pytest.mark.slow
def test_what_the_limits_admit_builds(kb, tmp_path):
    """At the limits validation allows, the real build succeeds: the limits sit below where MkDocs breaks."""
    topics = "topics:\n  - id: ml\n    name: ML\n" + "".join(
        f"  - id: t{i}\n    name: T{i}\n    parent: {'ml' if i == 0 else f't{i - 1}'}\n"
        for i in range(MAX_TOPIC_DEPTH - 1))
    kb.write("content/topics.yaml", topics)
    kb.write("content/deep.md", "".join("    " * i + "- x\n" for i in range(MAX_NESTING)))
    kb.write("content/divs.md", "<div markdown>\n" * MAX_NESTING + "x\n" + "</div>\n" * MAX_NESTING)
    assert [d for d in findings(kb.root) if d.is_error] == []
    code, out, err = run_kbgen("build", "--root", str(kb.root), "--site-dir", str(tmp_path / "site"), timeout=600)
    assert code == 0, out + err
    assert (tmp_path / "site" / "topics" / f"t{MAX_TOPIC_DEPTH - 2}" / "index.html").exists()
