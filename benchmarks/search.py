"""Search at scale: bytes a reader downloads and how soon the first result shows, Pagefind against lunr.

    python benchmarks/search.py --sizes 1000 10000 [--json out.json] [--keep]

For each size: writes a synthetic knowledge base (benchmarks/generate.py),
builds it twice with ``kbgen build`` in separate processes, and serves each
site on 127.0.0.1 to headless Chromium (cache off, a fresh context per query):

- **pagefind**: the normal build (Material's search, answered by Pagefind);
- **lunr** (the same-run baseline, what every build shipped before): the
  ``--offline`` build, which keeps Material's lunr index and worker. Served
  over http, Material fetches ``search/search_index.json`` and runs lunr in
  its worker, exactly as an online site did.

Per site: the build's wall time; the bytes of a paper page's view before
anyone searches (until the network is quiet); then, for a few queries (a
paper's id, a word of its title, a two-word title prefix), typed key by key
right after the page has loaded, the bytes downloaded since the first
keystroke and the milliseconds from the last keystroke to the first result
drawn (a MutationObserver on Material's result list).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
CHROMIUM = "/usr/bin/chromium"

# Installed before any page script: records the last keystroke and the first result drawn after it.
PROBE = """
(() => {
  window.__kbLastKey = 0; window.__kbFirstResult = 0;
  document.addEventListener("keydown", () => { window.__kbLastKey = performance.now(); window.__kbFirstResult = 0; }, true);
  const watch = () => {
    const list = document.querySelector(".md-search-result__list");
    if (!list) return setTimeout(watch, 20);
    new MutationObserver(() => {
      if (window.__kbLastKey && !window.__kbFirstResult && list.querySelector(".md-search-result__item"))
        window.__kbFirstResult = performance.now();
    }).observe(list, { childList: true, subtree: true });
  };
  document.addEventListener("DOMContentLoaded", watch);
})();
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def is_search(key: str) -> bool:
    """Whether a response belongs to search (Material's index and worker, lunr, Pagefind, kbgen's worker)."""
    return any(part in key for part in ("/search/", "/workers/", "/lunr/", "/pagefind/", "search-worker.js"))


def build(root: Path, offline: bool) -> float:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "kbgen", "build", "--root", str(root)] + (["--offline"] if offline else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed: {proc.stdout}{proc.stderr}")
    return time.perf_counter() - started


def queries_of(root: Path) -> list[str]:
    import yaml

    papers = yaml.safe_load((root / "papers.yaml").read_text())["papers"]
    paper = papers[len(papers) // 2]
    words = paper["title"].split()
    return [paper["id"], words[0], " ".join(words[:2])]


def measure_site(site: Path, paper_url: str, queries: list[str], chromium: str = CHROMIUM) -> dict:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict = {"queries": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for query in [None, *queries]:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            context.add_init_script(PROBE)
            page = context.new_page()
            sizes: dict[str, int] = {}
            phase = {"name": "view"}

            def on_response(response, sizes=sizes, phase=phase) -> None:
                try:
                    body = len(response.body())
                except Exception:  # a redirect or an aborted request has no body
                    return
                key = f"{phase['name']} {response.url.replace(base, '/')}"
                sizes[key] = sizes.get(key, 0) + body

            page.on("response", on_response)
            page.goto(base + paper_url, wait_until="load", timeout=300_000)
            if query is None:  # a page view, nobody searches: wait until the network is quiet
                page.wait_for_load_state("networkidle", timeout=300_000)
                seen = -1
                while seen != len(sizes):
                    seen = len(sizes)
                    page.wait_for_timeout(2000)
                out["view_bytes"] = sum(sizes.values())
                out["view_search_bytes"] = sum(v for k, v in sizes.items() if is_search(k))
                out["view_largest"] = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
                context.close()
                continue
            page.locator("label.md-search__icon, .md-search__input").first.click()
            phase["name"] = "query"
            started = time.perf_counter()
            page.locator("input.md-search__input").press_sequentially(query, delay=60)
            page.wait_for_function("window.__kbFirstResult > 0", timeout=300_000, polling=10)
            first_ms = page.evaluate("window.__kbFirstResult - window.__kbLastKey")
            typed_s = time.perf_counter() - started
            page.wait_for_timeout(1500)  # the rest of the result list (fragments) arrives
            query_bytes = sum(v for k, v in sizes.items() if k.startswith("query ") and is_search(k))
            out["queries"].append({"query": query, "ms_after_last_key": round(first_ms),
                                   "s_from_first_key": round(typed_s, 2), "bytes": query_bytes})
            context.close()
        browser.close()
    server.shutdown()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--engines", nargs="+", default=["pagefind", "lunr"], choices=["pagefind", "lunr"])
    parser.add_argument("--reuse", action="store_true",
                        help="measure the sites a previous run left in benchmarks/out (no generating, no building)")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        work = OUT / f"search-{size}"
        root = work / "kb"
        if not args.reuse:
            subprocess.run(["rm", "-rf", str(work)], check=True)
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--papers", str(size), "--out", str(root)],
                           check=True, capture_output=True)
        queries = queries_of(root)
        row: dict = {"papers": size}
        for engine, offline in (("pagefind", False), ("lunr", True)):
            if engine not in args.engines:
                continue
            site = root / "site"
            if args.reuse:
                subprocess.run(["mv", str(work / f"site-{engine}"), str(site)], check=True)
                seconds = float("nan")
            else:
                seconds = build(root, offline)
            papers = sorted((site / "papers").iterdir())
            paper = next(p for p in papers if p.is_dir() or p.suffix == ".html" and p.name != "index.html")
            url = f"papers/{paper.name}/" if paper.is_dir() else f"papers/{paper.name}"
            index = site / "search" / "search_index.json"
            bundle = site / "pagefind"
            stats = measure_site(site, url, queries)
            row[engine] = {"build_s": round(seconds, 1), "lunr_index_bytes": index.stat().st_size,
                           "pagefind_bundle_bytes": sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
                           if bundle.exists() else 0, **stats}
            subprocess.run(["mv", str(site), str(work / f"site-{engine}")], check=True)
        results.append(row)
        for engine in args.engines:
            r = row[engine]
            qs = r["queries"]
            print(f"{size:>6} {engine:<9} build {r['build_s']:>6.1f} s  lunr index {r['lunr_index_bytes']:>11,} B  "
                  f"view {r['view_bytes']:>11,} B (search {r['view_search_bytes']:>10,} B)  "
                  f"query bytes max {max(q['bytes'] for q in qs):>11,} B  "
                  f"first result after last key: median {statistics.median(q['ms_after_last_key'] for q in qs):>6.0f} "
                  f"ms, max {max(q['ms_after_last_key'] for q in qs):>6} ms", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
