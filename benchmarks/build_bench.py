"""``kbgen build`` against plain ``mkdocs build`` of ``kbgen export``'s tree of the same knowledge base (issue 14, item 3).

    python benchmarks/build_bench.py --papers 1000 --repeat 3
    python benchmarks/build_bench.py --papers 10000 --repeat 1

Generates the knowledge base with benchmarks/generate.py (seed 1) unless
``--kb`` names one, validates it once (so the content cache is warm, as in
CI), exports it once, then runs the two builds alternately ``--repeat`` times,
each a whole process: wall time with ``time.perf_counter`` around the
process, CPU time (user + sys) and peak RSS from ``os.wait4``. Prints the
medians and the ratios kbgen / plain (targets: time <= 0.6, peak RSS <= 600
MB at 10,000 papers), and ``--json`` writes them. Both builds use the
search plugin the knowledge base's mkdocs.yml lists (Material's, here).
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


def run(cmd: list[str], env: dict, cwd: Path | None = None) -> dict:
    """Wall s, CPU s and peak RSS MB of one process (its exit code must be 0)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "build-bench")
    parser.add_argument("--kb", type=Path, help="an existing knowledge base (default: generate one)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--old-src", type=Path,
                        help="also build with the kbgen of this source tree (e.g. `git archive main`), same run")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "xdg-cache"), PYTHONDONTWRITEBYTECODE="1",
               NO_MKDOCS_2_WARNING="1")
    env.pop("KBGEN_CACHE", None)
    kb = args.kb.resolve() if args.kb else work / f"kb-{args.papers}"
    if args.kb is None and not (kb / "papers.yaml").exists():
        subprocess.run([PY, str(HERE / "generate.py"), "--papers", str(args.papers), "--seed", "1",
                        "--out", str(kb)], check=True, env=env, stderr=subprocess.DEVNULL)
    kbgen = [str(Path(PY).parent / "kbgen")]
    run(kbgen + ["validate", "--root", str(kb)], env)
    export = work / f"export-{args.papers}"
    shutil.rmtree(export, ignore_errors=True)
    run(kbgen + ["export", "--root", str(kb), str(export)], env)
    site, plain = work / f"site-kbgen-{args.papers}", work / f"site-plain-{args.papers}"
    builds: dict[str, list[dict]] = {"kbgen": [], "plain": []}
    if args.old_src:
        builds["old"] = []
        old_env = dict(env, PYTHONPATH=str(args.old_src.resolve()))
    for i in range(args.repeat):
        if args.old_src:
            builds["old"].append(run([PY, "-m", "kbgen", "build", "--root", str(kb), "--site-dir",
                                      str(work / f"site-old-{args.papers}")], old_env, cwd=args.old_src.resolve()))
            print(f"  run {i + 1}: old kbgen {builds['old'][-1]['wall']:.1f} s", flush=True)
        builds["kbgen"].append(run(kbgen + ["build", "--root", str(kb), "--site-dir", str(site)], env))
        builds["plain"].append(run([PY, "-m", "mkdocs", "build", "-q", "-f", str(export / "mkdocs.yml"),
                                    "-d", str(plain)], env, cwd=export))
        print(f"  run {i + 1}: kbgen {builds['kbgen'][-1]['wall']:.1f} s, plain {builds['plain'][-1]['wall']:.1f} s",
              flush=True)
    pages = sum(1 for _ in site.rglob("*.html"))
    out = {"papers": args.papers, "pages": pages, "repeat": args.repeat,
           **{f"{name}_{key}": median(runs, key) for name, runs in builds.items() for key in ("wall", "cpu")},
           **{f"{name}_rss_mb": max(r["rss_mb"] for r in runs) for name, runs in builds.items()},
           "runs": builds}
    out["ratio_wall"] = out["kbgen_wall"] / out["plain_wall"]
    out["ratio_cpu"] = out["kbgen_cpu"] / out["plain_cpu"]
    print(f"{args.papers} papers, {pages} pages, median of {args.repeat}:")
    print(f"  kbgen build        {out['kbgen_wall']:8.1f} s  cpu {out['kbgen_cpu']:8.1f} s  peak {out['kbgen_rss_mb']:6.0f} MB")
    print(f"  plain mkdocs build {out['plain_wall']:8.1f} s  cpu {out['plain_cpu']:8.1f} s  peak {out['plain_rss_mb']:6.0f} MB")
    print(f"  ratio kbgen/plain  wall {out['ratio_wall']:.2f}  cpu {out['ratio_cpu']:.2f}  (target <= 0.6);"
          f" {out['kbgen_wall'] * 1000 / max(pages, 1):.1f} ms/page")
    if args.old_src:
        print(f"  old kbgen build    {out['old_wall']:8.1f} s  cpu {out['old_cpu']:8.1f} s  peak {out['old_rss_mb']:6.0f} MB"
              f"  (ratio to plain: wall {out['old_wall'] / out['plain_wall']:.2f}, cpu {out['old_cpu'] / out['plain_cpu']:.2f})")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
