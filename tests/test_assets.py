"""The site's front-end assets: vendored libraries, kbgen.js and js/*.js, kbgen.css, kb.json schema.

No browser here (Node.js checks syntax and runs the name normaliser); the
browser suite drives these assets on a built site.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.site.data import name_shard, normalise_name

jsonschema = pytest.importorskip("jsonschema")

ASSETS = Path(__file__).resolve().parents[1] / "kbgen" / "site" / "assets"
LOADER = ASSETS / "kbgen.js"
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

JS_FILES = [LOADER, *sorted((ASSETS / "js").glob("*.js"))]
LOADER_TEXT = LOADER.read_text(encoding="utf-8")


def js_id(path: Path) -> str:
    return path.name if path == LOADER else f"js/{path.name}"


def all_js() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in JS_FILES)


def code_of(path: Path) -> str:
    """A script without its comments (block comments and whole-line // comments)."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


@pytest.mark.parametrize("path", [*JS_FILES, CSS], ids=lambda p: p.name)
def test_own_assets_reference_no_remote_url(path: Path) -> None:
    urls = set(URL_RE.findall(path.read_text(encoding="utf-8")))
    assert urls <= NAMESPACE_IDENTIFIERS, f"remote URLs in {path.name}: {sorted(urls - NAMESPACE_IDENTIFIERS)}"


def test_css_loads_nothing() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css


@pytest.mark.parametrize("path", JS_FILES, ids=js_id)
def test_js_never_parses_html(path: Path) -> None:
    js = code_of(path)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "createContextualFragment", "DOMParser", "setTimeout(\"", "setTimeout('"):
        assert sink not in js, f"{path.name} uses {sink}"


@pytest.mark.parametrize("path", JS_FILES, ids=js_id)
def test_js_loads_nothing_remote(path: Path) -> None:
    js = code_of(path)
    # Files are loaded as <script>/<link> elements from next to kbgen.js (the loader) or from the
    # site root after an origin check (data.js); nothing fetches, nothing opens a connection.
    for loader in ("fetch(", "importScripts", "import(", "XMLHttpRequest", "WebSocket", "EventSource",
                   "sendBeacon", "type=\"module\"", "type = \"module\""):
        assert loader not in js, f"{path.name} uses {loader}"
    makes_elements = re.findall(r"createElement\(\s*(?:isStyle \? )?[\"'](script|link|iframe|img)[\"']", js)
    if path.name == "kbgen.js":
        assert set(makes_elements) <= {"script", "link"} and "ASSET_BASE + file" in js
    elif path.name == "data.js":
        assert makes_elements == ["script"] and "sameOrigin(url)" in js
    else:
        assert not makes_elements, f"{path.name} creates {makes_elements}"


@pytest.mark.parametrize("path", JS_FILES, ids=js_id)
def test_js_files_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{path.name} has {lines} lines (the limit is 400: split it by feature)"


@pytest.mark.parametrize("path", JS_FILES, ids=js_id)
def test_js_parses(path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot syntax-check the scripts")
    result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", JS_FILES, ids=js_id)
def test_js_is_es2019_classic_script(path: Path) -> None:
    # Shipped as is (no build step), as classic scripts: module scripts do not load over file://.
    js = path.read_text(encoding="utf-8")
    code = re.sub(r"[\"'][^\"'\n]*[\"']", "", js)
    assert "?." not in code and "??" not in code, "optional chaining / nullish coalescing are ES2020"
    assert not re.search(r"\d_\d", code), "numeric separators are ES2021"
    assert not re.search(r"^\s*(import|export)\s", js, re.M), "import/export make a module script"


def defined_modules() -> dict[str, tuple[str, list[str]]]:
    """name -> (file, dependencies) of every kbgen.define() call."""
    found = {}
    for path in JS_FILES[1:]:
        m = re.search(r'kbgen\.define\("([\w]+)", \[([^\]]*)\]', path.read_text(encoding="utf-8"))
        assert m, f"{path.name} does not register with kbgen.define"
        found[m.group(1)] = (f"js/{path.name}", re.findall(r'"(\w+)"', m.group(2)))
    return found


def loader_file_lists() -> dict[str, list[str]]:
    """Every feature's file list as kbgen.js loads it (DOM and DATA expanded), by feature name."""
    lists = {"DOM": ["js/dom.js"], "DATA": ["js/dom.js", "js/data.js"]}
    exprs = dict(re.findall(r'name: "(\w+)".*?files: (.*?)\s*\}(?:,|\n)', LOADER_TEXT, re.S))
    exprs["diagrams"] = re.search(r"DIAGRAMS = (.*?);", LOADER_TEXT).group(1)
    out = {}
    for name, expr in exprs.items():
        files: list[str] = []
        for token in re.findall(r'"([\w/.-]+\.(?:js|css))"|\b(DOM|DATA)\b', expr):
            files += [token[0]] if token[0] else lists[token[1]]
        out[name] = files
    return out


def test_every_feature_loads_its_dependencies_first() -> None:
    modules = defined_modules()
    by_file = {file: name for name, (file, _) in modules.items()}
    lists = loader_file_lists()
    assert set(lists) == {"reading", "page", "lineage", "math", "graph", "diagrams"}
    for feature, files in lists.items():
        assert feature == "math" or modules[feature][0] == files[-1], f"{feature} is not the last file it loads"
        for f in files:
            assert (ASSETS / f).is_file(), f"kbgen.js loads {f}, which is not in the assets"
        loaded: set[str] = set()
        for f in files:
            if f in by_file:
                missing = set(modules[by_file[f]][1]) - loaded
                assert not missing, f"{f} needs {missing} loaded before it"
                loaded.add(by_file[f])
    for name, (file, _) in modules.items():
        assert any(file in files for files in lists.values()), f"{file} ({name}) is never loaded"


def test_the_loader_defines_the_mermaid_stand_in_and_no_mermaid_on_every_page() -> None:
    assert "typeof window.mermaid === \"undefined\"" in LOADER_TEXT
    assert "vendor/mermaid/mermaid.min.js" not in LOADER_TEXT  # js/diagrams.js loads it, on demand
    assert "vendor/mermaid/mermaid.min.js" in (ASSETS / "js" / "diagrams.js").read_text(encoding="utf-8")


def test_js_markup_contract() -> None:
    """The names the renderer and the browser tests rely on (see assets/README.md)."""
    js = all_js()
    for name in ('"kbgen:read"', ".kb-step", ".kb-tick", "data-prereqs", "data-minutes", "[data-kb-progress]",
                 "button.kb-known[data-id]", "aria-pressed", '"kb-next"', "next readable step", "#kb-graph-app",
                 "data-kb-count", "data-kb-kind", "data-kb-edge", "data-kb-topic", "data-kb-focus", "data-kb-depth",
                 "data-kb-cap", "window.kbgenGraph", "visibleCount", "labelBoxes", ".kb-lineage[data-topic]",
                 "data-topic", "[data-kb-copy]", "window.document$", "DOMContentLoaded", "/^[a-z0-9/_-]+\\/$/",
                 "graph/overview", "graph/nodes/", "graph/names/", "/lineage"):
        assert name in js, name


def run_node(script: str, payload) -> object:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run([node, "-e", script], input=json.dumps(payload), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


NAMES_IN_NODE = """
const fs = require("fs");
const modules = {};
global.window = { kbgen: { define: (name, deps, f) => { modules[name] = f({}); } } };
eval(fs.readFileSync(%r, "utf8"));
const names = modules.names;
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = input.map(t => { const k = names.normalise(t); return [k, names.shard(k, 2), names.shard(k, 3)]; });
process.stdout.write(JSON.stringify(out));
""" % str(ASSETS / "js" / "names.js")


@settings(max_examples=5, deadline=None)
# Characters Python's Unicode database knows (Node's ICU may know newer ones, which Python drops).
@given(st.lists(st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=30), min_size=40, max_size=80))
def test_names_are_normalised_alike_in_python_and_in_the_browser(texts: list[str]) -> None:
    # The entry box finds names in files made by kbgen.site.data: both sides must agree.
    texts += ["Vision Transformer", "GPT-3", "Schölkopf's SVM", "ＶｉＴ", "naïve Bayes", "Ⅻ", "ﬁne-tuning", "ß"]
    got = run_node(NAMES_IN_NODE, texts)
    want = [[normalise_name(t), name_shard(normalise_name(t), 2), name_shard(normalise_name(t), 3)] for t in texts]
    assert got == want


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
