"""Seconds from saving one summary to the browser getting the updated page, ``kbgen serve`` (issue 14, item 4).

    python benchmarks/serve_bench.py --papers 1000

Generates a knowledge base (benchmarks/generate.py, seed 1) unless ``--kb``
names one, starts the server as a whole process, waits for its first build
(the summary's page answers over HTTP), then appends a sentence to one
summary's file and polls the page every 50 ms until the sentence is in it.
It does that ``--repeat`` times with ``kbgen serve`` (dirty rebuilds: only
what changed is written again) and, as the same-run baseline, with plain
``mkdocs serve`` of the same mkdocs.yml (the kbgen plugin, full rebuilds: what
``kbgen serve`` did before). Prints the medians (target: <= 3 s at 1,000
papers). The summary file is restored afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, needle: str, timeout: float) -> float:
    """Seconds until ``url`` answers with ``needle`` in it."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        text = fetch(url)
        if text is not None and needle in text:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {needle!r} within {timeout:.0f} s")


def measure(cmd: list[str], kb: Path, summary: Path, url: str, repeat: int, env: dict) -> dict:
    original = summary.read_text(encoding="utf-8")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=kb)
    try:
        first = wait_for(url, "</html>", 900)
        times = []
        for i in range(repeat):
            marker = f"Edited for the serve benchmark, run {i} at {time.time_ns()}."
            summary.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            times.append(wait_for(url, marker, 900))
            time.sleep(1.0)  # let the server settle before the next edit
        return {"first_build_s": first, "edit_to_page_s": times, "median_s": statistics.median(times)}
    finally:
        summary.write_text(original, encoding="utf-8")
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "serve-bench")
    parser.add_argument("--kb", type=Path)
    parser.add_argument("--no-baseline", action="store_true", help="skip plain mkdocs serve")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "xdg-cache"), PYTHONDONTWRITEBYTECODE="1",
               NO_MKDOCS_2_WARNING="1")
    kb = args.kb.resolve() if args.kb else work / f"kb-{args.papers}"
    if args.kb is None and not (kb / "papers.yaml").exists():
        subprocess.run([PY, str(HERE / "generate.py"), "--papers", str(args.papers), "--seed", "1",
                        "--out", str(kb)], check=True, env=env, stderr=subprocess.DEVNULL)
    summary = sorted((kb / "content" / "summaries").glob("*.md"))[0]
    page = f"summaries/{summary.stem}/"
    out: dict = {"papers": args.papers, "summary": summary.name}
    port = free_port()
    out["kbgen_serve"] = measure([str(Path(PY).parent / "kbgen"), "serve", "--root", str(kb),
                                  "--dev-addr", f"127.0.0.1:{port}"], kb, summary,
                                 f"http://127.0.0.1:{port}/{page}", args.repeat, env)
    print(f"kbgen serve: first build {out['kbgen_serve']['first_build_s']:.1f} s; edit -> page "
          f"{out['kbgen_serve']['median_s']:.2f} s (median of {args.repeat}; target <= 3 s)", flush=True)
    if not args.no_baseline:
        port = free_port()
        out["mkdocs_serve"] = measure([PY, "-m", "mkdocs", "serve", "-f", str(kb / "mkdocs.yml"),
                                       "-a", f"127.0.0.1:{port}"], kb, summary,
                                      f"http://127.0.0.1:{port}/{page}", args.repeat, env)
        print(f"mkdocs serve (full rebuilds, baseline): edit -> page {out['mkdocs_serve']['median_s']:.2f} s",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
