"""How close computed reading paths come to curated ones (issue 12's "Measure"; not timed).

    python benchmarks/path_eval.py                    # the example knowledge base (this repository)
    python benchmarks/path_eval.py --root DIR --json out.json
    python benchmarks/path_eval.py --threshold 0.5 1 1.5    # how the figures move with the threshold

Each curated path (``content/paths/*.yaml``) is treated as an expert's list:
the path to its last step is computed without the path's help (its order and
its steps are not used), and compared with the curated steps, the target left
out of both sides (it is in every path):

- *recall*: curated steps the computed path contains, over the curated steps;
- *reachable recall*: the same over the curated steps that are ancestors of the
  target at all (no path built from the graph can contain the others);
- *precision*: computed steps that the curated path lists, over the computed steps;
- *length*: computed steps, and their reading time.

Figures are means over the paths (macro averages), for ``complete`` (every
ancestor: the mode before issue 12), ``hard-only`` and ``focused`` (the new
default). Two knowledge bases:

- ``curated``: the knowledge base as it is;
- ``citation-only``: its papers only, every ``prerequisites`` removed (no
  concepts, resources, stories or summaries): the setting of a knowledge base
  imported from BibTeX with citations, where the score alone decides. Curated
  steps that are not papers are dropped from the expert lists there.

The example's content changes; rerun this script to refresh the figures in
BENCHMARKS.md. ``--json OUT`` writes every per-path figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbgen.app.load import load  # noqa: E402
from kbgen.core.kb import KnowledgeBase  # noqa: E402
from kbgen.graph import build_graph  # noqa: E402
from kbgen.reading.focus import THRESHOLD, plan_focused  # noqa: E402
from kbgen.reading.paths import plan_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def citation_only(kb: KnowledgeBase) -> KnowledgeBase:
    """Papers only, with every ``prerequisites`` list emptied; paths keep their paper steps."""
    papers = {pid: paper.model_copy(update={"prerequisites": []}) for pid, paper in kb.papers.items()}
    paths = {}
    for path_id, path in kb.paths.items():
        steps = [s for s in path.steps if s in papers]
        if steps:
            paths[path_id] = path.model_copy(update={"steps": steps})
    return KnowledgeBase(papers=papers, topics=kb.topics, paths=paths, origins=kb.origins)


def ancestors(g, node: str) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for parent in g.pred[stack.pop()]:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def evaluate(kb: KnowledgeBase, threshold: float) -> list[dict]:
    """Per curated path and mode: recall, reachable recall, precision and length."""
    g = build_graph(kb)
    rows = []
    for path_id, path in sorted(kb.paths.items()):
        steps = [s for s in path.steps if g.has_entity(s)]
        if len(steps) < 2:
            continue
        target = steps[-1]
        expert = set(steps) - {target}
        reachable = expert & ancestors(g, target)
        plans = {
            "complete": plan_path(g, [target]),
            "hard-only": plan_path(g, [target], hard_only=True),
            "focused": plan_focused(g, [target], threshold=threshold),
        }
        for mode, plan in plans.items():
            chosen = {s.id for s in plan.steps} - {target}
            hits = len(chosen & expert)
            rows.append({
                "path": path_id, "target": target, "mode": mode,
                "expert": len(expert), "reachable": len(reachable), "steps": len(chosen), "hits": hits,
                "recall": hits / len(expert),
                "reachable_recall": hits / len(reachable) if reachable else None,
                "precision": hits / len(chosen) if chosen else None,
                "minutes": plan.total_minutes,
                "missed": sorted(reachable - chosen), "extra": sorted(chosen - expert),
            })
    return rows


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def summary(rows: list[dict]) -> dict[str, dict]:
    out = {}
    for mode in ("complete", "hard-only", "focused"):
        mine = [r for r in rows if r["mode"] == mode]
        out[mode] = {
            "paths": len(mine),
            "recall": mean(r["recall"] for r in mine),
            "reachable_recall": mean(r["reachable_recall"] for r in mine),
            "precision": mean(r["precision"] for r in mine),
            "steps": mean(r["steps"] for r in mine),
            "hours": mean(r["minutes"] / 60 for r in mine),
        }
    return out


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the knowledge base (default: this repository)")
    parser.add_argument("--threshold", type=float, nargs="+", default=[THRESHOLD],
                        help=f"focused-path thresholds to evaluate (default: {THRESHOLD})")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON")
    parser.add_argument("--details", action="store_true", help="print each path's misses and extras")
    args = parser.parse_args(argv)

    os.environ.setdefault("KBGEN_CACHE", "0")
    loaded = load(args.root, cache=False)
    kb, diags = loaded.kb, loaded.diagnostics
    errors = [d for d in diags if d.is_error]
    if errors:
        print(f"{args.root}: {len(errors)} errors; fix them first ('kbgen validate')", file=sys.stderr)
        return 1
    variants = {"curated": kb, "citation-only": citation_only(kb)}
    print(f"kbgen path evaluation on {args.root} ({len(kb.papers)} papers, {len(kb.paths)} curated paths); "
          f"python {platform.python_version()}, {os.cpu_count()} cores")
    print("mode             kb              threshold  paths  recall  reach.recall  precision  steps  hours")
    report = []
    for threshold in args.threshold:
        for name, variant in variants.items():
            rows = evaluate(variant, threshold)
            figures = summary(rows)
            report.append({"kb": name, "threshold": threshold, "summary": figures, "paths": rows})
            for mode, f in figures.items():
                if mode != "focused" and threshold != args.threshold[0]:
                    continue  # the baselines do not depend on the threshold
                shown = f"{threshold:g}" if mode == "focused" else "-"
                print(f"{mode:<16} {name:<15} {shown:>9}  {f['paths']:>5}  {_fmt(f['recall']):>6}  "
                      f"{_fmt(f['reachable_recall']):>12}  {_fmt(f['precision']):>9}  "
                      f"{f['steps']:>5.1f}  {f['hours']:>5.1f}")
            if args.details:
                for r in rows:
                    if r["mode"] == "focused":
                        print(f"    {r['target']:<22} recall {r['recall']:.2f} precision {_fmt(r['precision'])} "
                              f"steps {r['steps']}; missed {', '.join(r['missed']) or '-'}; "
                              f"extra {', '.join(r['extra']) or '-'}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
