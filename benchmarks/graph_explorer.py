"""The graph explorer at 1,000 drawn nodes: load, filter, zoom, pan and look-up times in Chromium.

    python benchmarks/graph_explorer.py SITE_DIR [--papers 1000] [--repeat 5] [--json out.json]

SITE_DIR is a built site (e.g. `kbgen build --site-dir /tmp/site` of the
example); its graph data files are replaced, in a copy, by those of a synthetic
knowledge base of --papers papers (benchmarks/generate.py, seed 1), so the
explorer's overview holds 1,000 entities. Each figure is the median of
--repeat runs, measured inside the page with performance.now():

- load: navigation to the first drawing (150 nodes) ready;
- all: drawing every node of the overview (1,000) with its edges and labels;
- filter: unticking then reticking "cites" with 1,000 nodes shown;
- relabel: one label placement and node rescale (what follows each zoom or pan);
- zoom/pan fps: frames per second while cytoscape animates a zoom or a pan for 1 s;
- look-up: typing an entry's title to its neighbourhood drawn (names and
  neighbourhood files read on demand).
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kbgen.app.load import load  # noqa: E402
from kbgen.site.data import render_data_files  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
READY = "window.kbgenGraph && window.kbgenGraph.visibleCount() > 0"
FPS = """(what) => new Promise(resolve => {
  const cy = window.kbgenGraph.cy, frames = [];
  let last = performance.now();
  function tick(t) { frames.push(t - last); last = t; if (frames.length < 400 && running) requestAnimationFrame(tick); }
  let running = true;
  requestAnimationFrame(tick);
  const target = what === 'zoom' ? {zoom: cy.zoom() * 3, duration: 1000} :
      {panBy: {x: 400, y: 250}, duration: 1000};
  cy.animate(target, {complete: () => { running = false;
    const ms = frames.slice(1); resolve({fps: 1000 * ms.length / ms.reduce((a, b) => a + b, 0),
      worst_frame_ms: Math.max(...ms)}); }});
})"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def prepare(site: Path, papers: int, work: Path) -> tuple[Path, str]:
    """A copy of ``site`` with the graph files of a synthetic knowledge base; returns it and a title to look up."""
    kb_dir = work / "kb"
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--papers", str(papers), "--seed", "1",
                    "--out", str(kb_dir)], check=True, capture_output=True)
    loaded = load(kb_dir, cache=False)
    copy = work / "site"
    shutil.copytree(site, copy)
    shutil.rmtree(copy / "graph", ignore_errors=True)
    (copy / "graph").mkdir()
    shutil.copy2(site / "graph" / "index.html", copy / "graph" / "index.html")
    for uri, text in render_data_files(loaded.kb, loaded.graph).items():
        if uri.startswith("graph/"):
            (copy / uri).parent.mkdir(parents=True, exist_ok=True)
            (copy / uri).write_text(text, encoding="utf-8")
    title = loaded.kb.papers[sorted(loaded.kb.papers)[-1]].title
    return copy, title


def run_once(browser, base: str, title: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    out: dict[str, float] = {}
    page.goto(base + "graph/")
    page.wait_for_function(READY, timeout=120_000)
    out["load_ms"] = page.evaluate("performance.now()")
    page.select_option("select[data-kb-cap]", "all")
    page.wait_for_function("window.kbgenGraph.visibleCount() >= 1000", timeout=120_000)
    out["all_ms"] = page.evaluate("""async () => { const t = performance.now();
        await window.kbgenGraph.refresh(); return performance.now() - t; }""")
    out["nodes"] = page.evaluate("window.kbgenGraph.visibleCount()")
    out["edges"] = page.evaluate("window.kbgenGraph.cy.edges().length")
    out["filter_ms"] = page.evaluate("""async () => { const box = document.querySelector('input[data-kb-edge=cites]');
        const t = performance.now();
        box.checked = false; await window.kbgenGraph.refresh();
        box.checked = true; await window.kbgenGraph.refresh();
        return (performance.now() - t) / 2; }""")
    out["relabel_ms"] = page.evaluate("""() => { const t = performance.now();
        window.kbgenGraph.view.relabel(); return performance.now() - t; }""")
    for what in ("zoom", "pan"):
        result = page.evaluate(FPS, what)
        out[f"{what}_fps"] = result["fps"]
        out[f"{what}_worst_frame_ms"] = result["worst_frame_ms"]
    out["lookup_ms"] = page.evaluate("""async (title) => { const t = performance.now();
        await window.kbgenGraph.focus(title); return performance.now() - t; }""", title)
    out["lookup_center"] = page.evaluate("window.kbgenGraph.cy.nodes('.kb-center').length")
    context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        copy, title = prepare(args.site, args.papers, Path(tmp))
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(copy)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            runs = [run_once(browser, base, title) for _ in range(args.repeat)]
            browser.close()
        server.shutdown()
    summary = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    for key, value in summary.items():
        print(f"{key:<22}{value:>10.1f}")
    if args.json:
        args.json.write_text(json.dumps({"median": summary, "runs": runs}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
