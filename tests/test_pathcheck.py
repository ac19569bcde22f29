"""kbgen.check.paths: a curated path that leaves out a prerequisite of its own steps (KB031), on literal KBs."""

from __future__ import annotations

import doctest

import kbgen.check.paths
from kbgen.check.paths import check_curated_paths
from kbgen.core.diagnostics import CODES

from .graphkit import make_kb

CHAIN = [{"id": "calc"}, {"id": "backprop", "prerequisites": ["calc"]},
         {"id": "lstm", "prerequisites": ["backprop"]}, {"id": "seq2seq", "prerequisites": ["lstm"]}]


def messages(kb) -> list[str]:
    return [d.message for d in check_curated_paths(kb)]


def test_doctests() -> None:
    assert doctest.testmod(kbgen.check.paths).failed == 0


def test_code_is_documented() -> None:
    assert kbgen.check.paths.CODE in CODES


def test_missing_prerequisites_direct_and_through_them() -> None:
    kb = make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["seq2seq"]}])
    [diag] = check_curated_paths(kb)
    assert diag.code == "KB031" and diag.severity == "warning"
    assert diag.message == ("step 'seq2seq' needs 'lstm' and, through it, 'backprop' and 'calc' first, which are "
                            "neither earlier steps nor assumed; add them before 'seq2seq' or list them under the "
                            "path's assumes:")
    # Located at the path (the knowledge base keeps no per-step location) unless told better.
    assert (diag.file, diag.line) == ("content/path/p", kb.origins["path:p"].line)
    [located] = check_curated_paths(kb, locate=lambda path_id, index: (f"{path_id}.yaml", 4 + index, 5))
    assert (located.file, located.line, located.column) == ("p.yaml", 4, 5)


def test_earlier_steps_and_assumes_cover_what_they_need() -> None:
    assert messages(make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["calc", "backprop", "lstm", "seq2seq"]}])) == []
    # Assuming lstm covers backprop and calc, which lstm needs.
    assert messages(make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["seq2seq"], "assumes": ["lstm"]}])) == []
    # An earlier step's own gaps are reported at it, once; later steps are not reported again.
    found = messages(make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["backprop", "lstm", "seq2seq"]}]))
    assert found == ["step 'backprop' needs 'calc' first, which is neither an earlier step nor assumed; add it "
                     "before 'backprop' or list it under the path's assumes:"]


def test_a_later_step_is_kb025_not_kb031() -> None:
    kb = make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["calc", "lstm", "backprop"]}])
    assert messages(kb) == []


def test_each_missing_entry_is_reported_once_at_the_first_step_needing_it() -> None:
    papers = CHAIN + [{"id": "gru", "prerequisites": ["backprop"]}]
    kb = make_kb(papers=papers, paths=[{"id": "p", "steps": ["calc", "lstm", "gru"]}])
    assert messages(kb) == ["step 'lstm' needs 'backprop' first, which is neither an earlier step nor assumed; "
                            "add it before 'lstm' or list it under the path's assumes:"]


def test_summary_prerequisites_count_and_concepts_are_entries() -> None:
    kb = make_kb(papers=[{"id": "vit"}], concepts=[{"id": "patches"}],
                 summaries=[{"id": "vit", "paper": "vit", "prerequisites": ["patches"]}],
                 paths=[{"id": "p", "steps": ["vit"]}, {"id": "q", "steps": ["patches", "vit"]}])
    found = check_curated_paths(kb)
    assert [d.file for d in found] == ["content/path/p"] and "'patches'" in found[0].message


def test_unknown_and_repeated_steps_are_left_to_other_checks() -> None:
    kb = make_kb(papers=CHAIN, paths=[{"id": "p", "steps": ["calc", "nope", "backprop", "backprop"]}])
    assert messages(kb) == []


def test_example_paths() -> None:
    from tests.kbload import load_kb as load_knowledge_base

    from .conftest import REPO

    kb, _ = load_knowledge_base(REPO)
    # (On the content of issue 12's time, four of the six paths warned; paths now say what they assume.)
    for diag in check_curated_paths(kb):
        path_id = diag.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        step = diag.message.split("'")[1]
        assert diag.code == "KB031" and diag.file.startswith("content/paths/")
        assert step in kb.paths[path_id].steps
