"""Path-query latency on a large synthetic graph held in memory (issue 4's performance goal).

    python benchmarks/path_latency.py                     # 100,000 papers, ~500,000 edges
    python benchmarks/path_latency.py --papers 20000 --json out.json

The knowledge base is built from pydantic models directly (no files): paper
``i`` (year rising with ``i``) lists ``--edges-per-paper`` distinct earlier
papers, mostly from the 60 papers just before it and one in five from anywhere
earlier; one edge in five is a prerequisite, the rest citations. With that
shape the ancestors of paper ``i`` are nearly all papers before it, so a
target with a given number of ancestors is found by position and then
measured exactly.

It times building the models and the graph (:func:`kbgen.graph.build_graph`),
then ``plan_path`` to a target with ~200 ancestors (goal <= 50 ms) and to one
with ~16,000 (goal <= 1 s), with and without a known set: the first query's
wall time on the fresh graph, then the median wall and CPU time of
``--repeat`` more (later queries reuse the graph's memo of step reasons).
Last, the global rank and PageRank, which ``plan_path`` does not need
(computed lazily, once per graph). Prints a table with the machine's load
average (a loaded machine inflates wall times); ``--json OUT`` writes the
figures (``queries`` with ``label``, ``target``, ``ancestors``, ``steps``,
``first_ms``, ``median_ms``, ``cpu_median_ms``, ``goal_ms``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbgen.core.kb import KnowledgeBase  # noqa: E402
from kbgen.core.models import Paper  # noqa: E402
from kbgen.graph import build_graph  # noqa: E402
from kbgen.reading.paths import plan_path  # noqa: E402

WINDOW = 60


def paper_id(i: int) -> str:
    return f"p{i:06d}"


def make_kb(n: int, per_paper: int, seed: int) -> KnowledgeBase:
    rng = random.Random(seed)
    papers = {}
    for i in range(n):
        earlier: set[int] = set()
        want = min(per_paper, i)
        while len(earlier) < want:
            if rng.random() < 0.2:
                earlier.add(rng.randrange(i))
            else:
                earlier.add(i - 1 - rng.randrange(min(WINDOW, i)))
        prereq, cites = [], []
        for j in sorted(earlier):
            (prereq if rng.random() < 0.2 else cites).append(paper_id(j))
        pid = paper_id(i)
        papers[pid] = Paper(id=pid, title=f"Synthetic paper {i}", year=1950 + (75 * i) // n,
                            prerequisites=prereq, cites=cites, reading_time=30 + i % 60)
    return KnowledgeBase(papers=papers)


def count_ancestors(g, node: str, hard_only: bool = False) -> int:
    pred = g.ordering.pred
    seen, stack = {node}, [node]
    while stack:
        for parent, data in pred[stack.pop()].items():
            if parent not in seen and (not hard_only or data["kind"] == "prerequisite"):
                seen.add(parent)
                stack.append(parent)
    return len(seen) - 1


def find_target(g, n: int, wanted: int) -> tuple[str, int]:
    """The paper whose ancestor count is closest to ``wanted`` (bisection by position)."""
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if count_ancestors(g, paper_id(mid)) < wanted:
            lo = mid + 1
        else:
            hi = mid
    return paper_id(lo), count_ancestors(g, paper_id(lo))


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def timed_query(fn, repeat: int) -> dict:
    """Wall and CPU time: the first (cold) run, and medians of ``repeat`` more."""
    walls, cpus, result = [], [], None
    for _ in range(repeat + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"first_ms": round(walls[0] * 1000, 1), "median_ms": round(statistics.median(walls[1:]) * 1000, 1),
            "cpu_median_ms": round(statistics.median(cpus[1:]) * 1000, 1), "result": result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--edges-per-paper", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="runs per query (median)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    n = args.papers

    t_models, kb = timed(lambda: make_kb(n, args.edges_per_paper, args.seed), 1)
    t_graph, g = timed(lambda: build_graph(kb), 1)
    edges = g.ordering.number_of_edges()

    queries = []
    small, small_anc = find_target(g, n, 200)
    large, large_anc = find_target(g, n, 16_000)
    known_small = [paper_id(i) for i in range(0, 100, 3)]
    known_large = [paper_id(i) for i in range(0, 8000, 7)]
    cases = [
        ("~200 ancestors", small, small_anc, (), False, 50),
        ("~200 ancestors, 34 known", small, small_anc, known_small, False, 50),
        ("~16,000 ancestors", large, large_anc, (), False, 1000),
        ("~16,000 ancestors, 1,143 known", large, large_anc, known_large, False, 1000),
    ]
    for label, target, ancestors, known, hard, goal in cases:
        timing = timed_query(lambda t=target, k=known, h=hard: plan_path(g, [t], k, hard_only=h), args.repeat)
        plan = timing.pop("result")
        queries.append({"label": label, "target": target, "ancestors": ancestors, "known": len(known),
                        "hard_only": hard, "steps": len(plan.steps), **timing,
                        "goal_ms": goal, "ok": timing["median_ms"] <= goal})

    # Not needed by plan_path; other consumers (site, kbgen next) compute them once.
    t_rank, _ = timed(lambda: g.rank, 1)
    t_pagerank, _ = timed(lambda: g.importance, 1)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{n:,} papers, {edges:,} ordering edges (seed {args.seed}); Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"  models {t_models:.2f} s, build_graph {t_graph:.2f} s, global rank {t_rank:.2f} s, "
          f"PageRank {t_pagerank:.2f} s (once per graph)")
    header = (f"  {'query':32} {'target':>7} {'ancestors':>9} {'steps':>6} {'first':>9} {'median':>9} "
              f"{'cpu':>9} {'goal':>7}")
    print(header)
    for q in queries:
        mark = "ok" if q["ok"] else "SLOW"
        print(f"  {q['label']:32} {q['target']:>7} {q['ancestors']:>9,} {q['steps']:>6,} "
              f"{q['first_ms']:>6.1f} ms {q['median_ms']:>6.1f} ms {q['cpu_median_ms']:>6.1f} ms "
              f"{q['goal_ms']:>4} ms {mark}")
    print(f"  (first: the first query's wall time; median: of {args.repeat} more; cpu: their median CPU time)")
    if args.json:
        args.json.write_text(json.dumps({
            "papers": n, "edges": edges, "seed": args.seed, "repeat": args.repeat,
            "python": platform.python_version(), "cpus": os.cpu_count(), "load_average": round(load, 2),
            "build_s": {"models": round(t_models, 2), "graph": round(t_graph, 2), "rank": round(t_rank, 2),
                        "pagerank": round(t_pagerank, 2)},
            "queries": queries,
        }, indent=2) + "\n")
    return 0 if all(q["ok"] for q in queries) else 1


if __name__ == "__main__":
    sys.exit(main())
