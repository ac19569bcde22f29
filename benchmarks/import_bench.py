"""``kbgen import-bib`` against bibtexparser's undecoded parse of the same file (issue 14, item 5).

    python benchmarks/import_bench.py                     # 10,000 entries, 3 runs each
    python benchmarks/import_bench.py --entries 1000 --repeat 5 --json out.json

It generates, with benchmarks/generate.py (seed 1), a 200-paper knowledge base
whose ``refs.bib`` has ``--entries`` entries, then times, each as a whole
process and alternating so that both see the same machine load:

- ``kbgen import-bib --quiet refs.bib`` (papers.yaml restored before every run);
- ``python benchmarks/baselines.py bib refs.bib``: bibtexparser's ``parse_file``
  with its default middleware, no LaTeX decoding.

Wall and CPU (user + system, from os.wait4) are the medians of ``--repeat``
runs; the ratio import / parse is the figure of the target (<= 2.5 at 10,000).
The machine is shared and noisy: compare ratios of one run, not seconds of two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
TARGET = 2.5


def run_once(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one process; a failure stops the benchmark with its stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "out", help="scratch directory (default: benchmarks/out)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    kb = args.work / f"import-bench-{args.entries}"
    env = dict(os.environ, XDG_CACHE_HOME=str(args.work / "xdg-cache"), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([PY, str(HERE / "generate.py"), "--papers", "200", "--seed", "1", "--bib-entries",
                    str(args.entries), "--out", str(kb)], check=True, env=env, stdout=subprocess.DEVNULL)
    pristine = (kb / "papers.yaml").read_bytes()
    bib = str(kb / "refs.bib")
    commands = {"import": [PY, "-m", "kbgen", "import-bib", "--quiet", "--root", str(kb), bib],
                "parse": [PY, str(HERE / "baselines.py"), "bib", bib]}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            (kb / "papers.yaml").write_bytes(pristine)
            runs[name].append(run_once(cmd, env))
    (kb / "papers.yaml").write_bytes(pristine)

    result = {"entries": args.entries, "repeat": args.repeat, "target": TARGET}
    for name, timings in runs.items():
        result[name] = {"wall_s": statistics.median(w for w, _ in timings),
                        "cpu_s": statistics.median(c for _, c in timings),
                        "runs": [{"wall_s": w, "cpu_s": c} for w, c in timings]}
    for kind in ("wall_s", "cpu_s"):
        result[f"ratio_{kind[:-2]}"] = result["import"][kind] / result["parse"][kind]
    print(f"{args.entries:,} entries, median of {args.repeat} (wall / CPU):")
    for name, label in (("import", "kbgen import-bib"), ("parse", "bibtexparser parse, undecoded")):
        print(f"  {label:<32} {result[name]['wall_s']:7.2f} s / {result[name]['cpu_s']:7.2f} s")
    print(f"  ratio import / parse            {result['ratio_wall']:7.2f}   / {result['ratio_cpu']:7.2f}"
          f"   (target <= {TARGET})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
