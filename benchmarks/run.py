"""Measure kbgen side by side with its baselines (issue 8), and print a table with the targets.

    python benchmarks/run.py                       # size 1000 (make bench)
    python benchmarks/run.py --sizes 1000,10000,100000 --json out.json   # make bench-full

For each size N it generates a knowledge base with benchmarks/generate.py
(seed 1) and measures, each command as a whole process, the median of
``--repeat`` runs (``--build-repeat`` for site builds, ``--build-repeat-large``
from 10,000 papers up):

(a) ``kbgen validate`` with no cache vs. the raw libyaml parse of the same
    YAML (benchmarks/baselines.py yaml);
(b) ``kbgen validate`` with a warm content cache;
(c) ``kbgen build`` vs. plain ``mkdocs build`` of the tree ``kbgen export``
    writes for the same knowledge base, and ms per page;
(d) ``kbgen import-bib`` of an N-entry .bib (into a 200-paper knowledge base,
    so the figure is the import, not the knowledge base) vs. bibtexparser's
    parse of the same file without LaTeX decoding (baselines.py bib);
(e) path-query latency on 100,000 papers in memory (benchmarks/path_latency.py,
    only when a size >= 100000 is asked for; no site is generated or built
    at that size: a 100k-page site is out of scope);
(f) peak memory (max RSS of the process, from wait4) of every command;
(g) site bytes and search-index bytes per paper page.

Processes are timed with time.perf_counter around fork/exec and os.wait4,
which also gives each run's peak RSS and CPU time (hyperfine 1.15 reports no
memory). A measure whose command does not exist yet, or fails, prints
"not available: <why>" and the run goes on.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
SEED = 1
IMPORT_KB_PAPERS = 200
PATH_LATENCY_MIN_SIZE = 100_000
SITE_MAX_SIZE = 10_000  # larger sizes only run (e)

TARGETS = {
    "a": "<= 1.2 at 10k",
    "b": "<= 0.5 s at 10k",
    "c": "<= 1.25; <= 8 ms/page",
    "d": "<= 2.5 at 10k entries",
    "e": "<= 50 ms (~200 anc.); <= 1 s (~16k anc.)",
    "f": "build of 10k <= 600 MB",
    "g": "grows < 10% 1k->10k; index <= 2 KB/paper",
}


@dataclass
class Timing:
    """Runs of one command: wall seconds, CPU seconds and peak RSS (MB) of each."""

    label: str
    cmd: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    returncodes: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb)

    @property
    def ok(self) -> bool:
        return not self.error


#: Set by --src: measure the kbgen package in that directory (e.g. an older commit).
SRC: Path | None = None


def kbgen_cmd() -> list[str]:
    script = Path(PY).parent / "kbgen"
    return [str(script)] if script.exists() and SRC is None else [PY, "-m", "kbgen"]


def run_once(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, float, int, str]:
    """(wall s, cpu s, peak RSS MB, exit code, stderr tail) of one process."""
    if SRC is not None and cwd is None:
        cwd = SRC  # `python -m` puts the working directory first on sys.path
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, " | ".join(tail)


def measure(label: str, cmd: list[str], env: dict, repeat: int, prepare=None, ok_codes=(0,),
            cwd: Path | None = None) -> Timing:
    timing = Timing(label, cmd)
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        wall, cpu, rss, code, tail = run_once(cmd, env, cwd)
        timing.wall.append(wall)
        timing.cpu.append(cpu)
        timing.rss_mb.append(rss)
        timing.returncodes.append(code)
        if code not in ok_codes:
            timing.error = f"exit code {code}: {tail[-300:]}"
            break
    print(f"  {label:<34} {fmt_s(timing.median):>9}  peak {timing.peak_mb:7.0f} MB"
          + (f"  FAILED {timing.error}" if timing.error else ""), flush=True)
    return timing


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def has_command(name: str, env: dict) -> bool:
    try:
        done = subprocess.run(kbgen_cmd() + [name, "--help"], env=env, capture_output=True, timeout=60, cwd=SRC)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- the measures ------------------------------------------------------------------------

def bench_size(n: int, work: Path, env: dict, args, missing: dict[str, str]) -> dict:
    """Every measure at one size; returns plain data for the table and the JSON."""
    print(f"\n== {n} papers ==", flush=True)
    kb = work / f"kb-{n}"
    remove(kb)
    t0 = time.perf_counter()
    subprocess.run([PY, str(HERE / "generate.py"), "--papers", str(n), "--seed", str(SEED), "--out", str(kb)],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    res: dict = {"papers": n, "generate_s": time.perf_counter() - t0,
                 "input_bytes": dir_bytes(kb) - (kb / "refs.bib").stat().st_size}
    kbgen = kbgen_cmd()
    only = args.only
    build_repeat = args.build_repeat if n < 10_000 else args.build_repeat_large
    validate = kbgen + ["validate", "--root", str(kb)]
    cache_dir = kb / ".kbgen-cache"

    if "a" in only:
        res["a_kbgen"] = measure("(a) kbgen validate, no cache", validate, env, args.repeat,
                                 prepare=lambda: remove(cache_dir))
        res["a_base"] = measure("(a) raw CSafeLoader parse", [PY, str(HERE / "baselines.py"), "yaml", str(kb)],
                                env, args.repeat)
    if "b" in only:
        run_once(validate, env)  # fill the cache
        res["b_kbgen"] = measure("(b) kbgen validate, warm cache", validate, env, args.repeat)

    if "c" in only or "g" in only:
        if "build" in missing or "export" in missing:
            res["c_skip"] = missing.get("build") or missing.get("export")
            print(f"  (c) {res['c_skip']}", flush=True)
        else:
            run_once(validate, env)  # builds run after a validate, as in CI: the cache is warm
            site = work / f"site-kbgen-{n}"
            res["c_kbgen"] = measure("(c) kbgen build", kbgen + ["build", "--root", str(kb), "--site-dir", str(site)],
                                     env, build_repeat)
            export = work / f"export-{n}"
            remove(export)
            res["c_export"] = measure("(c) kbgen export (once)", kbgen + ["export", "--root", str(kb), str(export)],
                                      env, 1)
            plain = work / f"site-plain-{n}"
            res["c_base"] = measure("(c) plain mkdocs build of export",
                                    [PY, "-m", "mkdocs", "build", "-q", "-f", str(export / "mkdocs.yml"),
                                     "-d", str(plain)], env, build_repeat, cwd=export)
            if res["c_kbgen"].ok:
                res["pages"] = sum(1 for _ in site.rglob("index.html"))
                res["g"] = site_sizes(site, kb, n)
                res["plain_pages"] = sum(1 for _ in plain.rglob("index.html")) if plain.is_dir() else 0

    if "d" in only:
        if "import-bib" in missing:
            res["d_skip"] = missing["import-bib"]
            print(f"  (d) {res['d_skip']}", flush=True)
        else:
            kbi = work / f"import-{n}"
            remove(kbi)
            subprocess.run([PY, str(HERE / "generate.py"), "--papers", str(IMPORT_KB_PAPERS), "--seed", str(SEED),
                            "--bib-entries", str(n), "--out", str(kbi)], check=True, env=env,
                           stderr=subprocess.DEVNULL)
            pristine = (kbi / "papers.yaml").read_bytes()
            res["d_entries"] = n
            res["d_kbgen"] = measure("(d) kbgen import-bib", kbgen + ["import-bib", "--root", str(kbi),
                                                                     str(kbi / "refs.bib")],
                                     env, args.repeat, prepare=lambda: (kbi / "papers.yaml").write_bytes(pristine))
            res["d_base"] = measure("(d) bibtexparser parse, undecoded",
                                    [PY, str(HERE / "baselines.py"), "bib", str(kbi / "refs.bib")], env, args.repeat)
    return res


def site_sizes(site: Path, kb: Path, n: int) -> dict:
    """(g): bytes of paper pages, the whole site and the search index, per paper."""
    paper_pages = [p for p in (site / "papers").glob("*/index.html")]
    index = site / "search" / "search_index.json"
    paper_index = 0  # the index entries of paper pages (and their sections), as JSON bytes
    if index.exists():
        for doc in json.loads(index.read_text(encoding="utf-8")).get("docs", []):
            if doc.get("location", "").startswith("papers/") and doc["location"] != "papers/":
                paper_index += len(json.dumps(doc, ensure_ascii=False).encode())
    assets = sum(dir_bytes(site / d) for d in ("assets", "kbgen") if (site / d).is_dir())
    return {
        "paper_pages": len(paper_pages),
        "paper_page_bytes_mean": statistics.mean(p.stat().st_size for p in paper_pages) if paper_pages else 0,
        "site_bytes": dir_bytes(site),
        "site_bytes_without_assets": dir_bytes(site) - assets,
        "search_index_bytes": index.stat().st_size if index.exists() else 0,
        "search_index_bytes_per_paper": (index.stat().st_size / n) if index.exists() else 0,
        "paper_page_index_bytes_per_paper_page": paper_index / len(paper_pages) if paper_pages else 0,
    }


def bench_path_latency(n: int, env: dict) -> dict:
    """(e): benchmarks/path_latency.py, written with the graph and paths."""
    script = HERE / "path_latency.py"
    if not script.exists():
        return {"skip": "not available: benchmarks/path_latency.py does not exist yet"}
    print(f"\n== path latency, {n} papers in memory ==", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "latency.json"
        cmd = [PY, str(script), "--papers", str(n), "--json", str(out)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        print(done.stdout, end="", flush=True)
        if done.returncode != 0:
            return {"skip": f"not available: path_latency.py failed ({done.stderr.strip().splitlines()[-1:]})",
                    "cmd": cmd}
        data = json.loads(out.read_text()) if out.exists() else {}
    return {"cmd": cmd, "stdout": done.stdout, "data": data, "papers": n}


def unavailable(env: dict) -> dict[str, str]:
    """Commands of other issues that are not there yet: name -> why a measure is skipped."""
    missing = {}
    for name in ("build", "export", "import-bib"):
        if not has_command(name, env):
            missing[name] = f"not available: 'kbgen {name}' does not exist yet"
    return missing


# -- the report ------------------------------------------------------------------------------

def ratio(res: dict, a: str, b: str) -> float | None:
    if a in res and b in res and res[a].ok and res[b].ok:
        return res[a].median / res[b].median
    return None


def cpu_ratio(res: dict, a: str, b: str) -> str:
    """The same ratio in CPU seconds (user + sys), steadier than wall time on a shared machine."""
    if a in res and b in res and res[a].ok and res[b].ok:
        return f" (CPU {statistics.median(res[a].cpu) / statistics.median(res[b].cpu):.2f}x)"
    return ""


def rows(results: list[dict], latency: dict | None) -> list[tuple[str, str, str, str, str, str]]:
    """(measure, size, kbgen, baseline, figure, target) for every figure."""
    table = []
    for res in results:
        n = f"{res['papers']:,}"
        r = ratio(res, "a_kbgen", "a_base")
        if "a_kbgen" in res:
            table.append(("(a) cold validate / raw parse", n, fmt_t(res["a_kbgen"]), fmt_t(res["a_base"]),
                          (f"{r:.2f}x" if r else "-") + cpu_ratio(res, "a_kbgen", "a_base"), TARGETS["a"]))
        if "b_kbgen" in res:
            b = res["b_kbgen"]
            table.append(("(b) warm validate", n, fmt_t(b), "cold " + fmt_t(res.get("a_kbgen")),
                          fmt_t(b) + (f" (CPU {fmt_s(statistics.median(b.cpu))})" if b.ok else ""), TARGETS["b"]))
        if "c_skip" in res:
            table.append(("(c) build / plain mkdocs", n, "-", "-", res["c_skip"], TARGETS["c"]))
        elif "c_kbgen" in res:
            r = ratio(res, "c_kbgen", "c_base")
            per_page = res["c_kbgen"].median / res["pages"] * 1000 if res.get("pages") else None
            base_pp = (res["c_base"].median / res["plain_pages"] * 1000
                       if res.get("plain_pages") and res["c_base"].ok else None)
            table.append(("(c) build / plain mkdocs", n, fmt_t(res["c_kbgen"]), fmt_t(res["c_base"]),
                          (f"{r:.2f}x" if r else "-") + cpu_ratio(res, "c_kbgen", "c_base")
                          + (f"; {per_page:.1f} ms/page" if per_page else "")
                          + (f" (plain {base_pp:.1f})" if base_pp else ""), TARGETS["c"]))
        if "d_skip" in res:
            table.append(("(d) import-bib / undecoded parse", n, "-", "-", res["d_skip"], TARGETS["d"]))
        elif "d_kbgen" in res:
            r = ratio(res, "d_kbgen", "d_base")
            table.append(("(d) import-bib / undecoded parse", f"{res['d_entries']:,} entries",
                          fmt_t(res["d_kbgen"]), fmt_t(res["d_base"]),
                          (f"{r:.2f}x" if r else "-") + cpu_ratio(res, "d_kbgen", "d_base"), TARGETS["d"]))
        peaks = [f"{k[0]}:{res[k].peak_mb:.0f}" for k in ("a_kbgen", "b_kbgen", "c_kbgen", "d_kbgen")
                 if k in res and res[k].rss_mb]
        base_peaks = [f"{k[0]}:{res[k].peak_mb:.0f}" for k in ("a_base", "c_base", "d_base")
                      if k in res and res[k].rss_mb]
        if peaks:
            table.append(("(f) peak RSS, MB", n, " ".join(peaks), " ".join(base_peaks),
                          f"build {res['c_kbgen'].peak_mb:.0f} MB" if "c_kbgen" in res and res["c_kbgen"].rss_mb
                          else "-", TARGETS["f"]))
        if "g" in res:
            g = res["g"]
            table.append(("(g) bytes per paper page", n, f"{g['paper_page_bytes_mean'] / 1024:.1f} KB",
                          f"site {g['site_bytes'] / 1e6:.0f} MB",
                          f"index: {g['paper_page_index_bytes_per_paper_page'] / 1024:.2f} KB per paper page; "
                          f"whole index / papers {g['search_index_bytes_per_paper'] / 1024:.2f} KB", TARGETS["g"]))
    gs = [r["g"] for r in results if "g" in r]
    if len(gs) >= 2 and gs[0]["paper_page_bytes_mean"]:
        growth = gs[-1]["paper_page_bytes_mean"] / gs[0]["paper_page_bytes_mean"] - 1
        table.append(("(g) paper-page growth", f"{results[0]['papers']:,}->{results[-1]['papers']:,}", "-", "-",
                      f"{growth * 100:+.1f}%", TARGETS["g"]))
    if latency is not None:
        if "skip" in latency:
            table.append(("(e) path latency", "-", "-", "-", latency["skip"], TARGETS["e"]))
        else:
            for line in _latency_lines(latency):
                table.append(("(e) path latency", f"{latency['papers']:,}", line, "-", "", TARGETS["e"]))
    return table


def _latency_lines(latency: dict) -> list[str]:
    data = latency.get("data") or {}
    if isinstance(data, dict) and data.get("queries"):
        return [f"{q.get('label', q.get('target', '?'))} ({q.get('ancestors', '?'):,} anc.): "
                f"median {q.get('median_ms', '?')} ms, first {q.get('first_ms', '?')} ms, "
                f"goal {q.get('goal_ms', '?')} ms" for q in data["queries"]]
    return [line.strip() for line in latency.get("stdout", "").splitlines() if line.strip()][-4:]


def fmt_t(timing: Timing | None) -> str:
    if timing is None:
        return "-"
    return "failed" if not timing.ok else fmt_s(timing.median)


def print_table(table) -> None:
    head = ("measure", "size", "kbgen", "baseline", "figure", "target")
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(len(head))]
    line = " | ".join(h.ljust(w) for h, w in zip(head, widths))
    print("\n" + line + "\n" + "-+-".join("-" * w for w in widths))
    for row in table:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))


def markdown_table(table) -> str:
    head = ("measure", "size", "kbgen", "baseline", "figure", "target")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in table]
    return "\n".join(lines) + "\n"


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    for name, cmd in (("lscpu", ["lscpu"]), ("free", ["free", "-h"]),
                      ("commit", ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])):
        try:
            info[name] = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            info[name] = "unknown"
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated paper counts (default: 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per command, median reported (default 5)")
    parser.add_argument("--build-repeat", type=int, default=3, help="runs per site build (default 3)")
    parser.add_argument("--build-repeat-large", type=int, default=2,
                        help="runs per site build from 10,000 papers up (default 2: a 10k build takes minutes)")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--work", type=Path, default=HERE / "out", help="scratch directory (default benchmarks/out)")
    parser.add_argument("--only", default="abcdefg", help="measures to run, e.g. 'ab' (default: all)")
    parser.add_argument("--src", type=Path, help="measure the kbgen package found in this directory instead "
                        "of the installed one (e.g. 'git archive COMMIT | tar -x -C DIR' for a before/after)")
    args = parser.parse_args(argv)
    global SRC
    SRC = args.src.resolve() if args.src else None
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(args.work / "xdg-cache"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("KBGEN_CACHE", None)
    if SRC is not None:
        env["PYTHONPATH"] = str(SRC)
    info = machine()
    if SRC is not None:
        info["src"] = str(SRC)
        info["commit"] += f" (measuring kbgen from {SRC})"
    print(f"kbgen benchmarks, {info['date']}, Python {info['python']}, {info['cpus']} CPUs, "
          f"load {info['loadavg_start'][0]:.2f}, commit {info['commit']}", flush=True)
    missing = unavailable(env)
    results = [bench_size(n, args.work, env, args, missing) for n in sizes if n <= SITE_MAX_SIZE]
    big = [n for n in sizes if n >= PATH_LATENCY_MIN_SIZE]
    latency = None
    if "e" in args.only:
        latency = (bench_path_latency(max(big), env) if big else
                   {"skip": f"not run: needs --sizes with {PATH_LATENCY_MIN_SIZE} (make bench-full)"})
    info["loadavg_end"] = os.getloadavg()
    table = rows(results, latency)
    print_table(table)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown_table(table), encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        plain = [{k: (asdict(v) | {"median": v.median, "peak_mb": v.peak_mb} if isinstance(v, Timing) else v)
                  for k, v in res.items()} for res in results]
        args.json.write_text(json.dumps({"machine": info, "sizes": sizes, "repeat": args.repeat,
                                         "build_repeat": args.build_repeat,
                                         "build_repeat_large": args.build_repeat_large, "results": plain,
                                         "path_latency": latency, "table": table}, indent=2, default=str))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
