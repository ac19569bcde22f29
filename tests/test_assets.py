"""The site's front-end assets: vendored libraries, kbgen.js/kbgen.css, kb.json schema.

No browser here: the browser suite drives these assets on a built site.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

ASSETS = Path(__file__).resolve().parents[1] / "kbgen" / "site" / "assets"
JS = ASSETS / "kbgen.js"
CSS = ASSETS / "kbgen.css"
SCHEMA = ASSETS / "kb.schema.json"

VENDORED = {
    "mermaid": "mermaid.min.js",
    "cytoscape": "cytoscape.min.js",
    "katex": "katex.min.js",
}

# XML namespace names are identifiers that are never fetched.
NAMESPACE_IDENTIFIERS = {"http://www.w3.org/2000/svg"}
URL_RE = re.compile(r"https?://[^\s\"'`)]*")


def sample_kb() -> dict:
    return {
        "version": 1,
        "nodes": [
            {
                "id": "attention-is-all-you-need",
                "kind": "paper",
                "title": "Attention Is All You Need",
                "year": 2017,
                "topics": ["transformers"],
                "url": "papers/attention-is-all-you-need/",
                "difficulty": "intermediate",
                "reading_time": 60,
                "importance": 1.0,
            },
            {
                "id": "vit",
                "kind": "paper",
                "title": "An Image is Worth 16x16 Words",
                "year": 2020,
                "topics": ["vision-transformers"],
                "url": "papers/vit/",
                "difficulty": "intermediate",
                "reading_time": 45,
                "importance": 0.83,
            },
            {"id": "self-attention", "kind": "concept", "title": "Self-attention", "url": "concepts/self-attention/",
             "year": None, "importance": 0.5},
            {"id": "topic:transformers", "kind": "topic", "title": "Transformers", "url": "topics/transformers/"},
            {"id": "topic:vision-transformers", "kind": "topic", "title": "Vision transformers",
             "url": "topics/vision-transformers/"},
            {"id": "summary:vit", "kind": "summary", "title": "ViT in five minutes", "url": "summaries/vit/"},
            {"id": "path:attention-to-vit", "kind": "path", "title": "From attention to ViT",
             "url": "paths/attention-to-vit/", "reading_time": 105},
        ],
        "edges": [
            {"source": "attention-is-all-you-need", "target": "vit", "kind": "prerequisite", "reason": "ViT is a Transformer"},
            {"source": "attention-is-all-you-need", "target": "vit", "kind": "cites", "reason": ""},
            {"source": "self-attention", "target": "attention-is-all-you-need", "kind": "prerequisite"},
            {"source": "vit", "target": "topic:vision-transformers", "kind": "in_topic"},
            {"source": "topic:transformers", "target": "topic:vision-transformers", "kind": "subtopic"},
            {"source": "summary:vit", "target": "vit", "kind": "summarizes"},
            {"source": "path:attention-to-vit", "target": "vit", "kind": "step"},
        ],
    }


# --- vendored libraries -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_library_has_build_licence_and_version(name: str) -> None:
    folder = ASSETS / "vendor" / name
    build = folder / VENDORED[name]
    assert build.is_file() and build.stat().st_size > 100_000, f"{build} missing or truncated"
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "Permission is hereby granted" in licence  # both are MIT
    fields = dict(
        line.split(":", 1) for line in (folder / "VERSION").read_text(encoding="utf-8").splitlines() if ":" in line
    )
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["name"] == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", fields["version"])
    assert re.fullmatch(r"sha512-[A-Za-z0-9+/]+=*", fields["integrity"])


def test_vendored_builds_are_classic_scripts_that_define_globals() -> None:
    # Material only skips its CDN download when `window.mermaid` exists before
    # its diagrams mount, so the build must be a classic script, not an ES module.
    mermaid = (ASSETS / "vendor" / "mermaid" / "mermaid.min.js").read_text(encoding="utf-8")
    assert 'globalThis["mermaid"]' in mermaid
    assert not re.search(r"^\s*(import|export)\s", mermaid[:2000], re.M)
    cytoscape = (ASSETS / "vendor" / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    assert "cytoscape" in cytoscape[:3000]


def test_vendored_builds_need_no_source_maps() -> None:
    # A sourceMappingURL would make devtools request a file we do not ship.
    for name, build in VENDORED.items():
        text = (ASSETS / "vendor" / name / build).read_text(encoding="utf-8")
        assert "sourceMappingURL" not in text


# --- our own JS and CSS -------------------------------------------------------


@pytest.mark.parametrize("path", [JS, CSS], ids=lambda p: p.name)
def test_own_assets_reference_no_remote_url(path: Path) -> None:
    urls = set(URL_RE.findall(path.read_text(encoding="utf-8")))
    assert urls <= NAMESPACE_IDENTIFIERS, f"remote URLs in {path.name}: {sorted(urls - NAMESPACE_IDENTIFIERS)}"


def test_css_loads_nothing() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css


def test_js_never_parses_html() -> None:
    js = JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "createContextualFragment", "DOMParser"):
        assert sink not in js, f"kbgen.js uses {sink}"


def test_js_loads_nothing_remote() -> None:
    js = JS.read_text(encoding="utf-8")
    # The only network call is fetch() of kb.json, and it is checked to be same-origin.
    assert js.count("fetch(") == 1
    assert "url.origin !== window.location.origin" in js
    for loader in ("importScripts", "import(", "XMLHttpRequest", "WebSocket", "EventSource", "sendBeacon"):
        assert loader not in js
    assert not re.search(r"createElement\(\s*[\"'](script|link|iframe|img)[\"']", js)


def test_js_markup_contract() -> None:
    """The names the renderer and the browser tests rely on (see assets/README.md)."""
    js = JS.read_text(encoding="utf-8")
    for name in ('"kbgen:read"', ".kb-step", ".kb-tick", "data-prereqs", "data-minutes", "[data-kb-progress]",
                 "button.kb-known[data-id]", "aria-pressed", '"kb-next"', "next readable step", "#kb-graph-app",
                 "data-kb-json", "data-site-root", "data-kb-count", "window.kbgenGraph", "visibleCount",
                 ".kb-lineage[data-kb-json]", "data-topic", "window.document$", "DOMContentLoaded",
                 "/^[a-z0-9/_-]+\\/$/"):
        assert name in js, name


def test_js_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot syntax-check kbgen.js")
    result = subprocess.run([node, "--check", str(JS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_js_is_es2019() -> None:
    # No syntax newer than ES2019 (the script is shipped as is, no build step).
    js = JS.read_text(encoding="utf-8")
    assert "?." not in js and "??" not in js, "optional chaining / nullish coalescing are ES2020"
    assert not re.search(r"\d_\d", re.sub(r"[\"'][^\"'\n]*[\"']", "", js)), "numeric separators are ES2021"


# --- kb.json schema -----------------------------------------------------------


def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_schema_accepts_the_sample() -> None:
    jsonschema.Draft202012Validator(schema()).validate(sample_kb())


def test_schema_accepts_an_empty_kb() -> None:
    jsonschema.Draft202012Validator(schema()).validate({"version": 1, "nodes": [], "edges": []})


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda kb: kb["nodes"][1].update(url="javascript:alert(1)//"), id="javascript-url"),
        pytest.param(lambda kb: kb["nodes"][1].update(url="//evil.example/"), id="protocol-relative-url"),
        pytest.param(lambda kb: kb["nodes"][1].update(importance=1.5), id="importance-above-1"),
        pytest.param(lambda kb: kb["nodes"][1].update(kind="tweet"), id="unknown-node-kind"),
        pytest.param(lambda kb: kb["nodes"][3].update(id="transformers"), id="topic-without-prefix"),
        pytest.param(lambda kb: kb["nodes"][0].update(id="topic:attention"), id="paper-with-prefix"),
        pytest.param(lambda kb: kb["edges"][0].update(kind="likes"), id="unknown-edge-kind"),
        pytest.param(lambda kb: kb["edges"][3].update(target="vision-transformers"), id="in-topic-target-unprefixed"),
        pytest.param(lambda kb: kb.update(version=2), id="wrong-version"),
        pytest.param(lambda kb: kb.pop("edges"), id="missing-edges"),
    ],
)
def test_schema_rejects(mutate) -> None:
    kb = sample_kb()
    mutate(kb)
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(kb)), "schema accepted an invalid kb.json"
