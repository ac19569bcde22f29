"""The two site engines side by side: ``kbgen build`` (MkDocs) vs ``kbgen build --engine zensical`` vs plain Zensical.

    python benchmarks/engines.py                      # 1,000 papers
    python benchmarks/engines.py --sizes 1000,10000 --json benchmarks/out/engines.json

For each size it generates a knowledge base (benchmarks/generate.py, seed 1),
exports it once (``kbgen export``), and times as whole processes, cold then warm:

- ``kbgen build`` (MkDocs + Material, the kbgen plugin);
- ``kbgen build --engine zensical`` (export into a temporary folder, then Zensical);
- plain ``zensical build`` of the exported tree (Zensical's own cache in
  ``.cache/`` of the export; the baseline of the line above);
- plain ``mkdocs build`` of the same exported tree (the baseline of the first line).

*Cold*: kbgen's content cache (a private ``XDG_CACHE_HOME``) and Zensical's
``.cache`` are empty and there is no earlier site. *Warm*: the same command
run again at once. A ``kbgen build --engine zensical`` is cold for Zensical
every time: its project is a new temporary folder, and Zensical's cache is
keyed by the project's path (docs/engines.md).

Each process is timed with time.perf_counter around fork/exec and os.wait4,
which also gives its CPU time and peak RSS (``ru_maxrss``). The machine is
noisy: compare the ratios of one run, not figures of different runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
SEED = 1


def run_once(cmd: list[str], env: dict, cwd: Path | None = None) -> dict:
    """Wall and CPU seconds, peak RSS (MB) and exit code of one process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_mb": round(usage.ru_maxrss / 1024, 1), "code": code, "tail": " | ".join(tail)[-300:]}


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def bench(n: int, work: Path, repeat: int) -> dict:
    """Every measure at ``n`` papers."""
    print(f"\n== {n} papers ==", flush=True)
    kb, export, cache = work / f"kb-{n}", work / f"export-{n}", work / f"xdg-{n}"
    remove(kb, export, cache)
    subprocess.run([PY, str(HERE / "generate.py"), "--papers", str(n), "--seed", str(SEED), "--out", str(kb)],
                   check=True, stderr=subprocess.DEVNULL)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    kbgen = [str(Path(PY).parent / "kbgen")]
    subprocess.run(kbgen + ["export", "--root", str(kb), str(export)], check=True, env=env,
                   stderr=subprocess.DEVNULL)
    sites = {name: work / f"site-{name}-{n}" for name in ("mkdocs", "zensical", "plain-zensical", "plain-mkdocs")}
    commands = {
        "kbgen build (mkdocs)": (kbgen + ["build", "--root", str(kb), "--site-dir", str(sites["mkdocs"])], None,
                                 [sites["mkdocs"]]),
        "kbgen build --engine zensical": (kbgen + ["build", "--root", str(kb), "--engine", "zensical",
                                                   "--site-dir", str(sites["zensical"])], None, [sites["zensical"]]),
        "plain zensical build of export": ([PY, "-m", "zensical", "build", "-f", str(export / "mkdocs.yml")], export,
                                           [export / "site", export / ".cache"]),
        "plain mkdocs build of export": ([PY, "-m", "mkdocs", "build", "-q", "-f", str(export / "mkdocs.yml"),
                                          "-d", str(sites["plain-mkdocs"])], export, [sites["plain-mkdocs"]]),
    }
    results: dict = {"papers": n}
    for label, (cmd, cwd, outputs) in commands.items():
        runs: dict[str, list[dict]] = {"cold": [], "warm": []}
        for _ in range(repeat):
            remove(cache, *outputs)
            runs["cold"].append(run_once(cmd, env, cwd))
            runs["warm"].append(run_once(cmd, env, cwd))
        summary = {}
        for kind, done in runs.items():
            failed = [r for r in done if r["code"] != 0]
            summary[kind] = {"wall_s": statistics.median(r["wall_s"] for r in done),
                             "cpu_s": statistics.median(r["cpu_s"] for r in done),
                             "peak_mb": max(r["peak_mb"] for r in done), "runs": done,
                             "error": failed[0]["tail"] if failed else ""}
            print(f"  {label:<32} {kind}: {summary[kind]['wall_s']:7.2f} s wall, {summary[kind]['cpu_s']:7.2f} s CPU,"
                  f" peak {summary[kind]['peak_mb']:6.0f} MB" + (f"  FAILED {summary[kind]['error']}" if failed else ""),
                  flush=True)
        results[label] = summary
    results["pages"] = sum(1 for _ in sites["zensical"].rglob("index.html")) if sites["zensical"].is_dir() else 0
    return results


def ratios(res: dict) -> list[str]:
    """The ratios that matter, from one run's figures: wall time, and CPU time (steadier on a loaded machine)."""
    zk, zp, mk, mp = ("kbgen build --engine zensical", "plain zensical build of export", "kbgen build (mkdocs)",
                      "plain mkdocs build of export")
    pairs = [("kbgen zensical / plain zensical", zk, zp), ("kbgen zensical / kbgen mkdocs", zk, mk),
             ("kbgen mkdocs / plain mkdocs", mk, mp), ("plain zensical / plain mkdocs", zp, mp)]
    lines = []
    for kind in ("cold", "warm"):
        for measure in ("wall_s", "cpu_s"):
            parts = []
            for name, a, b in pairs:
                x, y = res[a][kind][measure], res[b][kind][measure]
                parts.append(f"{name} = {x / y:.2f}" if y else f"{name} = n/a")
            lines.append(f"  {kind} {measure[:-2]}: " + ", ".join(parts))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated paper counts (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="cold/warm pairs per command (median)")
    parser.add_argument("--work", type=Path, default=HERE / "out" / "engines", help="scratch folder")
    parser.add_argument("--json", type=Path, default=None, help="write every run here")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    all_results = []
    for n in (int(s) for s in args.sizes.split(",")):
        res = bench(n, args.work, args.repeat)
        all_results.append(res)
        print(f"  ratios at {n} papers ({res['pages']} pages):")
        print("\n".join(ratios(res)), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": {"cpus": os.cpu_count()}, "results": all_results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
