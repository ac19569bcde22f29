"""How close computed reading paths come to expert lists (issue 12's "Measure"; not timed).

    python benchmarks/path_eval.py                    # the example knowledge base (this repository)
    python benchmarks/path_eval.py --threshold 0.1 0.2 0.3 --details
    python benchmarks/path_eval.py --root DIR --lists FILE --json out.json

Two sets of expert lists, each list a target and the readings an expert puts before it:

- ``curated``: the example's curated paths (``content/paths/*.yaml``). A path's
  last step is the target, its other steps the list; what the path
  ``assumes:`` is passed as known, as a reader of that path knows it. A path is a
  story more than a hand-out for its last step (``attention-to-vit`` ends with MAE
  and lists DeiT and Swin, which MAE does not build on), so *reachable recall*
  matters more than plain recall there.
- ``dev``: ``benchmarks/expert_lists.yaml`` (``--lists``), short teacher's lists
  for 12 targets written before the relevance score was designed (see the file).

Each list is compared with the path computed to its target without the list's
help, the target left out of both sides:

- *recall*: listed readings the path contains, over the list;
- *reachable recall*: the same over the listed readings that are ancestors of
  the target at all (no path built from the graph can contain the others);
- *precision*: path steps on the list, over the path's steps (for the ``dev``
  lists, which name papers only, over the path's papers);
- *length*: steps, and hours of reading.

Figures are means over the lists (macro averages), for ``complete`` (every
ancestor: the mode before issue 12), ``hard-only`` and ``focused`` (the
default, at each ``--threshold``). Two knowledge bases:

- ``curated``: the knowledge base as it is;
- ``citation-only``: its papers with what a BibTeX import gives (title,
  authors, year, venue, citations; no prerequisites, abstract, topics, short
  names or reading times), the setting where the relevance score alone decides.
  Listed readings that are not papers are dropped from the lists there.

The example's content changes; rerun this script to refresh BENCHMARKS.md.
``--json OUT`` writes every per-list figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from kbgen.app.load import load  # noqa: E402
from kbgen.core.kb import KnowledgeBase  # noqa: E402
from kbgen.graph import build_graph  # noqa: E402
from kbgen.reading import focus  # noqa: E402
from kbgen.reading.paths import plan_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LISTS = Path(__file__).resolve().parent / "expert_lists.yaml"
_BIBTEX_ONLY = {"prerequisites": [], "abstract": None, "topics": [], "short": None, "aliases": [],
                "reading_time": None, "difficulty": None}


def citation_only(kb: KnowledgeBase) -> KnowledgeBase:
    """Papers only, with what a BibTeX import gives; paths keep their paper steps and assumptions."""
    papers = {pid: paper.model_copy(update=_BIBTEX_ONLY) for pid, paper in kb.papers.items()}
    paths = {}
    for path_id, path in kb.paths.items():
        steps = [s for s in path.steps if s in papers]
        if steps:
            paths[path_id] = path.model_copy(update={
                "steps": steps, "assumes": [a for a in path.assumes if a in papers]})
    return KnowledgeBase(papers=papers, paths=paths, origins=kb.origins)


def ancestors(g, node: str, known: set[str] = frozenset()) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for parent in g.pred[stack.pop()]:
            if parent not in seen and parent not in known:
                seen.add(parent)
                stack.append(parent)
    return seen


def expert_lists(kb: KnowledgeBase, g, dev: dict[str, list[str]]) -> list[dict]:
    """Every list as ``{"set", "name", "target", "expert", "known", "papers_only"}``."""
    out = []
    for path_id, path in sorted(kb.paths.items()):
        steps = [s for s in path.steps if g.has_entity(s)]
        if len(steps) < 2:
            continue
        out.append({"set": "curated", "name": path_id, "target": steps[-1], "expert": set(steps[:-1]),
                    "known": [a for a in path.assumes if g.has_entity(a)], "papers_only": False})
    for target, listed in sorted(dev.items()):
        if g.has_entity(target):
            out.append({"set": "dev", "name": target, "target": target,
                        "expert": {p for p in listed if g.has_entity(p)}, "known": [], "papers_only": True})
    return out


def evaluate(kb: KnowledgeBase, dev: dict[str, list[str]], thresholds: list[float]) -> list[dict]:
    """Per list and mode (and threshold): recall, reachable recall, precision and length."""
    g = build_graph(kb)
    rows = []
    for item in expert_lists(kb, g, dev):
        target, expert, known = item["target"], item["expert"] - {item["target"]}, item["known"]
        expert -= set(known)
        if not expert:
            continue
        reachable = expert & ancestors(g, target, set(known))
        plans = [("complete", None, plan_path(g, [target], known)),
                 ("hard-only", None, plan_path(g, [target], known, hard_only=True))]
        plans += [("focused", t, focus.plan_focused(g, [target], known, threshold=t)) for t in thresholds]
        for mode, threshold, plan in plans:
            chosen = {s.id for s in plan.steps} - {target}
            counted = {s.id for s in plan.steps if s.kind == "paper"} - {target} if item["papers_only"] else chosen
            hits = len(chosen & expert)
            rows.append({
                "set": item["set"], "list": item["name"], "target": target, "mode": mode, "threshold": threshold,
                "expert": len(expert), "reachable": len(reachable), "steps": len(chosen), "hits": hits,
                "recall": hits / len(expert),
                "reachable_recall": hits / len(reachable) if reachable else None,
                "precision": len(counted & expert) / len(counted) if counted else None,
                "minutes": plan.total_minutes,
                "missed": sorted(reachable - chosen), "extra": sorted(counted - expert),
            })
    return rows


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def summary(rows: list[dict]) -> dict:
    """Macro averages of ``rows`` (one set, one mode, one threshold)."""
    return {"lists": len(rows), "recall": mean(r["recall"] for r in rows),
            "reachable_recall": mean(r["reachable_recall"] for r in rows),
            "precision": mean(r["precision"] for r in rows), "steps": mean(r["steps"] for r in rows),
            "hours": mean(r["minutes"] / 60 for r in rows)}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the knowledge base (default: this repository)")
    parser.add_argument("--lists", type=Path, default=LISTS, help="the dev expert lists (YAML: target: [ids])")
    parser.add_argument("--threshold", type=float, nargs="+", default=[focus.THRESHOLD],
                        help=f"focused-path thresholds to evaluate (default: {focus.THRESHOLD})")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON")
    parser.add_argument("--details", action="store_true", help="print each list's misses and extras")
    args = parser.parse_args(argv)

    os.environ.setdefault("KBGEN_CACHE", "0")
    loaded = load(args.root, cache=False)
    kb, diags = loaded.kb, loaded.diagnostics
    if any(d.is_error for d in diags):
        print(f"{args.root}: the knowledge base has errors; fix them first ('kbgen validate')", file=sys.stderr)
        return 1
    dev = yaml.safe_load(args.lists.read_text()) if args.lists.exists() else {}
    variants = {"curated": kb, "citation-only": citation_only(kb)}
    print(f"kbgen path evaluation on {args.root} ({len(kb.papers)} papers, {len(kb.paths)} curated paths, "
          f"{len(dev)} dev lists); python {platform.python_version()}")
    print("lists    kb             mode       threshold  n   recall  reach.recall  precision  steps  hours")
    report = []
    for name, variant in variants.items():
        rows = evaluate(variant, dev, args.threshold)
        report.append({"kb": name, "rows": rows})
        for which in ("curated", "dev"):
            mine = [r for r in rows if r["set"] == which]
            keys = [("complete", None), ("hard-only", None)] + [("focused", t) for t in args.threshold]
            for mode, threshold in keys:
                if name == "citation-only" and mode == "hard-only":
                    continue  # no prerequisites: the targets alone
                part = [r for r in mine if r["mode"] == mode and r["threshold"] == threshold]
                f = summary(part)
                shown = "-" if threshold is None else f"{threshold:g}"
                print(f"{which:<8} {name:<14} {mode:<10} {shown:>9}  {f['lists']:>2}  {_fmt(f['recall']):>6}  "
                      f"{_fmt(f['reachable_recall']):>12}  {_fmt(f['precision']):>9}  {f['steps']:>5.1f}  "
                      f"{f['hours']:>5.1f}")
                if args.details and mode == "focused":
                    for r in part:
                        print(f"      {r['list']:<30} R {r['recall']:.2f} P {_fmt(r['precision'])} n {r['steps']:>2}; "
                              f"missed {', '.join(r['missed']) or '-'}; extra {', '.join(r['extra']) or '-'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
