"""End to end on the example knowledge base: kbgen path, next, related, graph (and validate's graph warnings)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kbgen.cli.main import main
from kbgen.reading.focus import THRESHOLD

from .conftest import REPO


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A copy of the example knowledge base, so no cache lands in the repository."""
    dest = tmp_path_factory.mktemp("example")
    shutil.copy(REPO / "papers.yaml", dest / "papers.yaml")
    shutil.copytree(REPO / "content", dest / "content")
    return dest


@pytest.fixture(autouse=True)
def no_cache(monkeypatch) -> None:
    monkeypatch.setenv("KBGEN_CACHE", "0")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def path_ids(capsys, root, *argv) -> list[str]:
    code, out, err = run(capsys, "path", *argv, "--format", "json", "--root", root)
    assert code == 0, err
    return [s["id"] for s in json.loads(out)["steps"]]


def test_path_to_vit_reads_attention_before_the_transformer_before_vit(capsys, root) -> None:
    steps = path_ids(capsys, root, "vit")
    assert steps[-1] == "vit"
    assert steps.index("bahdanau-attention") < steps.index("attention-is-all-you-need") < steps.index("vit")
    assert steps.index("resnet") < steps.index("vit")


def test_path_text_shows_reasons_and_total(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--hard-only", "--root", root)
    assert code == 0
    assert out.startswith("Reading path to vit: ")
    assert "(prerequisites only)" in out.splitlines()[0]
    assert "why: prerequisite of" in out and out.rstrip().endswith("why: target")


def test_focused_path_to_vit_is_a_hand_out(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--format", "json", "--root", root)
    data = json.loads(out)
    steps = [s["id"] for s in data["steps"]]
    assert code == 0 and data["mode"] == "focused"
    assert len(steps) <= 20 and data["total_minutes"] <= 14 * 60
    assert {"attention-is-all-you-need", "resnet", "bert"} <= set(steps)
    assert not {"robbins-monro", "probability-cheat-sheet", "word2vec", "zfnet"} & set(steps)
    # Every step not required by a prerequisite has a score that reached the threshold, and a reason.
    for step in data["steps"]:
        kinds = {r["kind"] for r in step["reasons"]}
        if not kinds & {"target", "prerequisite"}:
            assert step["score"] >= THRESHOLD and kinds == {"cites"}
    assert data["optional"] and all(o["id"] not in steps for o in data["optional"])
    code, out, _ = run(capsys, "path", "vit", "--root", root)
    assert "(focused: 14 required" in out.splitlines()[0] and "why: cited by bit and vit (relevance 0.32)" in out


def test_complete_and_hard_only_are_todays_paths(capsys, root) -> None:
    from kbgen.graph import build_graph
    from tests.kbload import load_kb

    g = build_graph(load_kb(root)[0])
    complete = path_ids(capsys, root, "vit", "--complete")
    assert set(complete) == nx.ancestors(g.ordering, "vit") | {"vit"}  # every ancestor, as before
    prerequisites = nx.DiGraph((u, v) for u, v, kind in g.ordering.edges(data="kind") if kind == "prerequisite")
    hard = path_ids(capsys, root, "vit", "--hard-only")
    assert set(hard) == nx.ancestors(prerequisites, "vit") | {"vit"}
    assert set(hard) < set(path_ids(capsys, root, "vit")) < set(complete)
    code, out, _ = run(capsys, "path", "vit", "--complete", "--format", "json", "--root", root)
    data = json.loads(out)
    assert data["mode"] == "complete" and data["optional"] == [] and all(s["score"] is None for s in data["steps"])
    with pytest.raises(SystemExit) as exc:
        main(["path", "vit", "--complete", "--hard-only", "--root", str(root)])
    assert exc.value.code == 2
    capsys.readouterr()


def test_budget(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--budget", "11h", "--format", "json", "--root", root)
    data = json.loads(out)
    assert code == 0 and data["budget_minutes"] == 660 and data["total_minutes"] <= 660
    assert len(data["steps"]) < len(path_ids(capsys, root, "vit"))
    code, out, _ = run(capsys, "path", "vit", "--budget", "90m", "--root", root)
    assert code == 0 and "Budget 1 h 30 min: the required steps alone take" in out
    code, _, err = run(capsys, "path", "vit", "--budget", "1h", "--complete", "--root", root)
    assert code == 2 and "--budget" in err
    for bad in ("10", "soon"):
        with pytest.raises(SystemExit) as exc:
            main(["path", "vit", "--budget", bad, "--root", str(root)])
        assert exc.value.code == 2 and "expected a duration such as 10h" in capsys.readouterr().err


def test_threshold(capsys, root) -> None:
    default = path_ids(capsys, root, "vit")
    deeper = path_ids(capsys, root, "vit", "--threshold", "0.05")
    assert set(default) < set(deeper) and set(path_ids(capsys, root, "vit", "--threshold", "1")) < set(default)
    code, out, _ = run(capsys, "path", "vit", "--threshold", "0.05", "--format", "json", "--root", root)
    assert all(s["score"] >= 0.05 for s in json.loads(out)["steps"] if {r["kind"] for r in s["reasons"]} == {"cites"})
    code, _, err = run(capsys, "path", "vit", "--threshold", "0.5", "--hard-only", "--root", root)
    assert code == 2 and "--threshold" in err
    for bad in ("0", "1.5", "half"):
        with pytest.raises(SystemExit) as exc:
            main(["path", "vit", "--threshold", bad, "--root", str(root)])
        assert exc.value.code == 2 and "--threshold" in capsys.readouterr().err


def test_path_json_shape_and_total(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--known", "resnet", "lstm", "--format", "json", "--root", root)
    data = json.loads(out)
    assert list(data) == ["targets", "known", "mode", "budget_minutes", "total_minutes", "steps", "optional"]
    assert data["known"] == ["resnet", "lstm"]
    assert not {"resnet", "lstm"} & {s["id"] for s in data["steps"]}
    assert data["total_minutes"] >= sum(s["reading_time"] or 0 for s in data["steps"])


def test_hard_only_is_a_subset(capsys, root) -> None:
    assert set(path_ids(capsys, root, "vit", "--hard-only")) < set(path_ids(capsys, root, "vit"))


def test_known_cuts_what_only_it_leads_to(capsys, root) -> None:
    steps = path_ids(capsys, root, "vit", "--hard-only", "--known", "attention-is-all-you-need")
    assert "attention-is-all-you-need" not in steps and "bahdanau-attention" not in steps
    assert "vit" in steps


def test_topic_leads_to_its_key_entries(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "--topic", "metric-learning", "--format", "json", "--root", root)
    data = json.loads(out)
    assert code == 0 and data["mode"] == "focused" and "facenet" in data["targets"]
    # Never starts with something no later step needs.
    assert len(data["targets"]) <= 5 and any(r["needed_by"] for r in data["steps"][0]["reasons"])
    # --complete keeps the old meaning: every entry of the topic and its subtopics.
    code, out, _ = run(capsys, "path", "--topic", "metric-learning", "--complete", "--format", "json", "--root", root)
    data = json.loads(out)
    assert "facenet" in data["targets"] and "triplet-loss" in data["targets"] and "lmnn" in data["targets"]
    code, _, err = run(capsys, "path", "--topic", "metric-learnin", "--root", root)
    assert code == 2 and "did you mean 'metric-learning'" in err


def test_unknown_target_suggests_and_exits_2(capsys, root) -> None:
    code, out, err = run(capsys, "path", "vit-2020", "--root", root)
    assert code == 2 and out == ""
    assert "unknown id 'vit-2020'; did you mean 'vit'?" in err
    assert "Traceback" not in err


def test_known_file(capsys, root, tmp_path) -> None:
    known = tmp_path / "known.txt"
    known.write_text("# what the group has read\nresnet  # in March\n\nattention-is-all-you-need\n")
    steps = path_ids(capsys, root, "vit", "--known-file", known)
    assert "resnet" not in steps and "attention-is-all-you-need" not in steps
    code, _, err = run(capsys, "path", "vit", "--known-file", tmp_path / "missing.txt", "--root", root)
    assert code == 2 and "cannot read" in err


def test_usage_errors_exit_2(capsys, root) -> None:
    assert run(capsys, "path", "--root", root)[0] == 2
    code, _, err = run(capsys, "path", "vit", "--format", "ics", "--root", root)
    assert code == 2 and "--start" in err
    assert run(capsys, "path", "vit", "--downstream", "resnet", "--root", root)[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["path", "vit", "--start", "next monday", "--root", str(root)])
    assert exc.value.code == 2
    capsys.readouterr()


def test_sessions_markdown_syllabus(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--hard-only", "--format", "markdown", "--minutes-per-session", "90",
                       "--start", "2026-01-05", "--every", "14", "--root", root)
    assert code == 0
    assert out.startswith("# Reading path to vit")
    assert "## Session 1 — Monday 2026-01-05" in out and "## Session 2 — Monday 2026-01-19" in out
    assert "- [ ] **[An Image is Worth 16x16 Words" in out


def test_sessions_json_keep_the_order(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--format", "json", "--minutes-per-session", "120",
                       "--start", "2026-01-05", "--root", root)
    data = json.loads(out)
    assert [i for s in data["sessions"] for i in s["steps"]] == [s["id"] for s in data["steps"]]
    assert all(s["minutes"] <= 120 for s in data["sessions"] if len(s["steps"]) > 1)


def test_ics(capsys, root) -> None:
    from icalendar import Calendar

    code, out, _ = run(capsys, "path", "vit", "--hard-only", "--format", "ics", "--start", "2026-01-05",
                       "--minutes-per-session", "60", "--root", root)
    assert code == 0
    events = Calendar.from_ical(out).walk("VEVENT")
    assert len(events) >= 3
    assert str(events[0]["uid"]) == "vit-session-1@kbgen"
    assert "https://arxiv.org/abs/" in str(events[-1]["description"])


def test_mermaid_and_bib(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "vit", "--hard-only", "--format", "mermaid", "--root", root)
    assert code == 0 and out.startswith("flowchart TD\n") and "class n_vit target;" in out
    code, out, _ = run(capsys, "path", "vit", "--hard-only", "--format", "bib", "--root", root)
    keys = [line.split("{", 1)[1].rstrip(",") for line in out.splitlines() if line.startswith("@")]
    assert code == 0 and keys[-1] == "vit" and keys.index("attention-is-all-you-need") < keys.index("vit")


def test_downstream(capsys, root) -> None:
    code, out, _ = run(capsys, "path", "--downstream", "attention-is-all-you-need", "--format", "json", "--root", root)
    found = {d["id"]: d["distance"] for d in json.loads(out)["downstream"]}
    assert code == 0 and found["vit"] == 1 and found["bert"] == 1
    code, out, _ = run(capsys, "path", "--downstream", "resnet", "--root", root)
    assert code == 0 and "build on resnet, nearest first" in out


def test_output_identical_across_processes(root) -> None:
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "KBGEN_CACHE": "0"}
        done = subprocess.run([sys.executable, "-m", "kbgen", "path", "vit", "--format", "json", "--root", str(root)],
                              capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_next(capsys, root, tmp_path) -> None:
    code, out, _ = run(capsys, "next", "--known", "seq2seq", "lstm", "backpropagation", "-n", "3", "--format", "json",
                       "--root", root)
    data = json.loads(out)
    assert code == 0 and len(data["next"]) == 3 and data["measure"] == "closeness"
    ids = [s["id"] for s in data["next"]]
    assert "seq2seq" not in ids and ids[0] == "bahdanau-attention"
    scores = [s["score"] for s in data["next"]]
    assert scores == sorted(scores, reverse=True)
    # --read is the old spelling of --known, --read-file of --known-file.
    read = tmp_path / "read.txt"
    read.write_text("seq2seq\nlstm # done\nbackpropagation\n")
    code, out, _ = run(capsys, "next", "--read-file", read, "-n", "3", "--root", root)
    assert code == 0 and out.startswith("Read next (3 of ") and "closeness to what you have read:" in out
    assert "1. bahdanau-attention — " in out and "[paper, closeness 1.00]" in out
    assert "builds on seq2seq (where you have got to) and on lstm, which you have read" in out
    code, _, err = run(capsys, "next", "--read", "sequ2seq", "--root", root)
    assert code == 2 and "did you mean 'seq2seq'" in err


def test_next_after_the_transformer_and_with_a_goal(capsys, root) -> None:
    read = path_ids(capsys, root, "attention-is-all-you-need", "--hard-only")
    code, out, _ = run(capsys, "next", "--known", *read, "-n", "3", "--format", "json", "--root", root)
    top = [s["id"] for s in json.loads(out)["next"]]
    assert code == 0 and {"gpt", "bert"} & set(top), top
    code, out, _ = run(capsys, "next", "--known", *read, "--goal", "vit", "-n", "50", "--format", "json",
                       "--root", root)
    data = json.loads(out)
    upstream = set(path_ids(capsys, root, "vit", "--complete"))
    assert data["goal"] == "vit" and all(s["id"] in upstream and "leads to vit" in s["reason"] for s in data["next"])
    code, _, err = run(capsys, "next", "--goal", "vitt", "--root", root)
    assert code == 2 and "did you mean 'vit'" in err


def test_next_entries_have_every_prerequisite_read(capsys, root) -> None:
    code, out, _ = run(capsys, "graph", "--kinds", "paper,concept,story,resource", "--root", root)
    edges = [(e["source"], e["target"]) for e in json.loads(out)["edges"] if e["kind"] == "prerequisite"]
    read = {"backpropagation", "lstm", "seq2seq"}
    code, out, _ = run(capsys, "next", "--read", *read, "-n", "50", "--format", "json", "--root", root)
    for suggestion in json.loads(out)["next"]:
        assert all(u in read for u, v in edges if v == suggestion["id"])


def test_related(capsys, root) -> None:
    code, out, _ = run(capsys, "related", "vit", "-n", "6", "--format", "json", "--root", root)
    data = json.loads(out)
    assert code == 0 and len(data["related"]) == 6
    assert len({"deit", "swin", "dino", "mae", "clip"} & {r["id"] for r in data["related"]}) >= 4
    assert all(r["reasons"] for r in data["related"])
    # -k is the old spelling of -n.
    code, out, _ = run(capsys, "related", "vit", "-k", "2", "--root", root)
    assert code == 0 and out.count("\n1. ") + out.count("\n2. ") == 2 and "\n3. " not in out
    assert "shared terms: “" in out and "cites this paper" in out
    code, _, err = run(capsys, "related", "vitt", "--root", root)
    assert code == 2 and "did you mean 'vit'" in err
    code, _, err = run(capsys, "related", "self-attention", "--root", root)
    assert code == 2 and "concept" in err


def test_graph_json_matches_the_schema(capsys, root) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run(capsys, "graph", "--root", root)
    data = json.loads(out)
    schema = json.loads((REPO / "kbgen" / "site" / "assets" / "kb.schema.json").read_text())
    jsonschema.validate(data, schema)
    kinds = {n["kind"] for n in data["nodes"]}
    assert {"paper", "concept", "summary", "topic", "path"} <= kinds


def test_graph_graphml_dot_and_kinds(capsys, root, tmp_path) -> None:
    code, out, _ = run(capsys, "graph", "--format", "graphml", "--kinds", "paper", "--root", root)
    (tmp_path / "g.graphml").write_text(out)
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert code == 0 and graph.nodes["vit"]["year"] == 2020
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"paper"}
    code, out, _ = run(capsys, "graph", "--format", "dot", "--root", root)
    assert code == 0 and out.startswith("digraph kbgen {") and '"topic:transformers"' in out
    with pytest.raises(SystemExit) as exc:
        main(["graph", "--kinds", "papers", "--root", str(root)])
    assert exc.value.code == 2
    capsys.readouterr()


def test_validate_reports_citation_cycles(capsys, tmp_path) -> None:
    (tmp_path / "papers.yaml").write_text(
        "papers:\n"
        "  - id: older\n    title: Older\n    year: 2017\n    cites: [newer]\n"
        "  - id: newer\n    title: Newer\n    year: 2018\n    cites: [older]\n")
    code, out, _ = run(capsys, "validate", "--root", tmp_path)
    assert code == 0
    assert "papers.yaml:2:" in out and "warning KB024: citation cycle: 'older' (2017) cites 'newer' (2018)" in out
    assert run(capsys, "validate", "--strict", "--root", tmp_path)[0] == 1
    steps = path_ids(capsys, tmp_path, "newer")
    assert steps == ["older", "newer"]


def test_sessions_past_year_9999_are_a_usage_error(capsys, root) -> None:
    code, _, err = run(capsys, "path", "vit", "--start", "9999-12-30", "--minutes-per-session", "30", "--root", root)
    assert code == 2 and "9999" in err and "Traceback" not in err


def test_suggest(capsys, root) -> None:
    import yaml

    code, out, _ = run(capsys, "suggest", "--limit", "5", "--root", root)
    assert code == 0 and out.startswith("5 proposed prerequisites")
    assert "1. " in out and " before " in out and "builds on" in out
    code, out, _ = run(capsys, "suggest", "-n", "5", "--format", "yaml", "--root", root)
    proposed = yaml.safe_load(out)
    assert code == 0 and sum(len(v) for v in proposed.values()) == 5
    code, out, _ = run(capsys, "suggest", "-n", "3", "--format", "json", "--root", root)
    data = json.loads(out)["suggestions"]
    assert code == 0 and len(data) == 3 and list(data[0]) == ["entity", "prerequisite", "score", "evidence"]
    # Nothing proposed is a prerequisite already.
    hard = {s["id"] for s in json.loads(run(capsys, "path", data[0]["entity"], "--hard-only", "--format", "json",
                                            "--root", root)[1])["steps"]}
    assert data[0]["prerequisite"] not in hard
    code, _, err = run(capsys, "suggest", "--limit", "0", "--root", root)
    assert code == 2 and "--limit" in err
