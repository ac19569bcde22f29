"""What a reader's browser downloads to show a page of a built site, by kind of file.

    python benchmarks/page_weight.py SITE_DIR [--json out.json]

Serves SITE_DIR on 127.0.0.1, opens the home page, a paper, a curated path,
a topic and the graph explorer in headless Chromium (cache off, one fresh
context per page), waits until the network is idle and the page's diagrams,
timeline or graph are drawn, and sums the bytes of every response body:

- html: the page itself;
- data: kbgen's data files (graph/*.js, topics/*/lineage.js), kb.json;
- search: Material's search index and worker;
- mermaid, cytoscape, katex: the vendored libraries;
- scripts, css, fonts and other: everything else.

"data besides its HTML" (issue 14's bound of 1 MB at 10,000 papers for a
topic, path or graph page) is the ``data`` column; the search index belongs to
the search work and is reported apart.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def category(path: str) -> str:
    if path.endswith((".html", "/")):
        return "html"
    if re.search(r"(^|/)(graph/.*\.js|topics/[^/]+/lineage\.js|kb\.json)$", path):
        return "data"
    if "search" in path:
        return "search"
    for library in ("mermaid", "cytoscape", "katex"):
        if f"vendor/{library}/" in path:
            return library
    if path.endswith(".js"):
        return "scripts"
    if path.endswith(".css"):
        return "css"
    if path.endswith((".woff", ".woff2", ".ttf")):
        return "fonts"
    return "other"


def pages_of(site: Path) -> dict[str, str]:
    """The pages to open: home, the first paper, path and topic (by name), and the graph."""
    def first(section: str) -> str:
        ids = sorted(p.name for p in (site / section).iterdir() if (p / "index.html").is_file())
        return f"{section}/{ids[0]}/" if ids else ""
    return {"home": "", "paper": first("papers"), "path": first("paths"), "topic": first("topics"), "graph": "graph/"}


def measure(site: Path, pages: dict[str, str], chromium: str = CHROMIUM) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, path in pages.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            page = context.new_page()
            sizes: dict[str, int] = {}
            files: dict[str, int] = {}

            def on_response(response, sizes=sizes, files=files) -> None:
                try:
                    body = len(response.body())
                except Exception:  # a redirect or an aborted request has no body
                    return
                rel = response.url.replace(base, "/")
                kind = category(rel.split("?")[0])
                sizes[kind] = sizes.get(kind, 0) + body
                files[rel] = body

            page.on("response", on_response)
            page.goto(base + path, timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            if name == "graph":
                page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0", timeout=120_000)
            # The search worker fetches its index outside the page's network idle: wait for quiet.
            seen = -1
            while seen != len(files):
                seen = len(files)
                page.wait_for_timeout(2000)
            context.close()
            results[name] = {"page": path, "bytes": dict(sizes), "total": sum(sizes.values()),
                             "largest": sorted(files.items(), key=lambda kv: -kv[1])[:5]}
        browser.close()
    server.shutdown()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--page", action="append", default=[], metavar="NAME=PATH",
                        help="open PATH (relative to the site) as NAME instead of the default choice")
    args = parser.parse_args(argv)
    pages = pages_of(args.site)
    pages.update(dict(item.split("=", 1) for item in args.page))
    results = measure(args.site, pages)
    columns = ["html", "data", "search", "mermaid", "cytoscape", "katex", "scripts", "css", "fonts", "other"]
    print(f"{'page':<8}" + "".join(f"{c:>11}" for c in columns) + f"{'total':>12}")
    for name, r in results.items():
        print(f"{name:<8}" + "".join(f"{r['bytes'].get(c, 0):>11,}" for c in columns) + f"{r['total']:>12,}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
