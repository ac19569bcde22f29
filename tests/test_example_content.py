"""Invariants of the example knowledge base at the repository root (issues 3 and 16).

Most checks read the files directly with PyYAML, so they say what the example
content promises independently of kbgen's own loader; one test also runs
`kbgen validate --strict` on it, and one cross-checks with the loader.

The thresholds are issue 16's: at least 80 papers, 16 summaries of 250 words
or more, 12 concepts and 8 curated paths; every paper has a link out; short
names and aliases are unique; every curated path is self-contained.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ARXIV_RE = re.compile(r"^\d{4}\.\d{4,5}$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
BIB_KEY_RE = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
# One `field = {value}` of a BibTeX entry (values nest braces one level deep at most here).
BIB_FIELD_RE = re.compile(r"^\s*(\w+)\s*=\s*\{((?:[^{}]|\{[^{}]*\})*)\}", re.MULTILINE)
PAPER_KEYS = {
    "id", "title", "authors", "year", "venue", "arxiv", "doi", "url", "pdf", "code",
    "abstract", "topics", "cites", "prerequisites", "difficulty", "reading_time", "bibtex_key",
    "short", "aliases",
}
LINK_FIELDS = ("arxiv", "doi", "url", "pdf")
MIN_PAPERS, MIN_SUMMARIES, MIN_CONCEPTS, MIN_PATHS = 80, 16, 12, 8
MIN_SUMMARY_WORDS = 250
# A curated path is a teacher's hand-out, not a syllabus.
PATH_STEPS = range(6, 16)
DIFFICULTIES = {"intro", "intermediate", "advanced"}
RESOURCE_KINDS = {"cheat-sheet", "tool", "course", "book", "video", "article"}
UNSAFE_RE = re.compile(r"<\s*(script|iframe)\b|\bon[a-z]+\s*=|javascript:|data:", re.IGNORECASE)


# ---------------------------------------------------------------------------
# Reading the files
# ---------------------------------------------------------------------------

def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    end = text.index("\n---\n", 4)
    meta = yaml.safe_load(text[4:end]) or {}
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return meta, text[end + 5:]


def load_pages(kind: str) -> dict[str, tuple[dict, str]]:
    return {p.stem: split_front_matter(p) for p in sorted((CONTENT / kind).glob("*.md"))}


def bib_entries() -> dict[str, dict[str, str]]:
    """Fields of every BibTeX entry of content/*.bib, by lower-cased key."""
    out: dict[str, dict[str, str]] = {}
    for bib in sorted(CONTENT.rglob("*.bib")):
        text = bib.read_text(encoding="utf-8")
        starts = [m for m in BIB_KEY_RE.finditer(text) if m.group(1).lower() not in {"comment", "string", "preamble"}]
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            body = text[m.end():end]
            out[m.group(2).lower()] = {k.lower(): v for k, v in BIB_FIELD_RE.findall(body)}
    return out


def bib_keys() -> dict[str, str]:
    """BibTeX keys of content/*.bib (excluding @comment/@string/@preamble) -> file name."""
    keys: dict[str, str] = {}
    for bib in sorted(CONTENT.rglob("*.bib")):
        for kind, key in BIB_KEY_RE.findall(bib.read_text(encoding="utf-8")):
            if kind.lower() not in {"comment", "string", "preamble"}:
                keys[key.lower()] = bib.name
    return keys


@pytest.fixture(scope="module")
def papers() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "papers.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) == {"papers"}
    entries = data["papers"]
    ids = [p["id"] for p in entries]
    assert len(ids) == len(set(ids)), "duplicate paper id in papers.yaml"
    merged = {p["id"]: dict(p) for p in entries}
    for key in bib_keys():
        merged.setdefault(key, {"id": key, "_bib_only": True})
    return merged


@pytest.fixture(scope="module")
def summaries():
    return load_pages("summaries")


@pytest.fixture(scope="module")
def concepts():
    return load_pages("concepts")


@pytest.fixture(scope="module")
def stories():
    return load_pages("stories")


@pytest.fixture(scope="module")
def resources():
    return load_pages("resources")


@pytest.fixture(scope="module")
def topics() -> dict[str, dict]:
    data = yaml.safe_load((CONTENT / "topics.yaml").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["topics"]}


@pytest.fixture(scope="module")
def paths() -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((CONTENT / "paths").glob("*.yaml"))
    }


@pytest.fixture(scope="module")
def entities(papers, concepts, stories, resources) -> dict[str, tuple[str, dict]]:
    """The shared id namespace: id -> (kind, metadata)."""
    out: dict[str, tuple[str, dict]] = {}
    for kind, group in (
        ("paper", {k: v for k, v in papers.items()}),
        ("concept", {k: m for k, (m, _) in concepts.items()}),
        ("story", {k: m for k, (m, _) in stories.items()}),
        ("resource", {k: m for k, (m, _) in resources.items()}),
    ):
        for ident, meta in group.items():
            assert ident not in out, f"id {ident!r} is used by a {out[ident][0]} and a {kind}"
            out[ident] = (kind, meta)
    return out


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'-]*", text))


# ---------------------------------------------------------------------------
# Papers
# ---------------------------------------------------------------------------

def test_papers_yaml_starts_with_the_schema_line() -> None:
    first = (ROOT / "papers.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schemas/papers.schema.json"


def test_at_least_80_papers(papers) -> None:
    assert len(papers) >= MIN_PAPERS, f"only {len(papers)} papers"


def test_every_paper_has_topics_difficulty_and_reading_time(papers) -> None:
    for pid, p in papers.items():
        assert not p.get("_bib_only"), f"{pid}: BibTeX entry without a papers.yaml entry for its topics"
        assert p.get("topics"), f"{pid}: no topics"
        assert p.get("difficulty") in DIFFICULTIES, f"{pid}: bad difficulty"
        assert isinstance(p.get("reading_time"), int) and p["reading_time"] > 0, pid


def test_paper_fields_are_well_formed(papers) -> None:
    keys = bib_keys()
    this_year = date.today().year
    for pid, p in papers.items():
        assert ID_RE.match(pid) and len(pid) <= 80, pid
        assert set(p) <= PAPER_KEYS, f"{pid}: unknown keys {set(p) - PAPER_KEYS}"
        if "title" not in p:
            # Bibliographic fields then come from a BibTeX entry with the same key.
            assert pid in keys, f"{pid}: no title and no BibTeX entry to merge with"
            continue
        assert p["authors"] and all(isinstance(a, str) and " " in a for a in p["authors"]), pid
        assert isinstance(p["year"], int) and 1900 <= p["year"] <= this_year, pid
        if "arxiv" in p:
            assert ARXIV_RE.match(str(p["arxiv"])), f"{pid}: arXiv id {p['arxiv']!r}"
        if "doi" in p:
            assert DOI_RE.match(str(p["doi"])), f"{pid}: DOI {p['doi']!r}"
        for field in ("url", "pdf", "code"):
            if field in p:
                assert str(p[field]).startswith(("https://", "http://")), f"{pid}: {field}"


def test_every_paper_has_an_abstract(papers) -> None:
    bib = bib_entries()
    for pid, p in papers.items():
        abstract = p.get("abstract") or bib.get(pid, {}).get("abstract")
        assert abstract and words(abstract) >= 15, f"{pid}: no abstract of our own"


def test_every_paper_has_a_link_out(papers) -> None:
    """arXiv, DOI or a URL, from papers.yaml or from the paper's BibTeX entry."""
    bib = bib_entries()
    for pid, p in papers.items():
        fields = {**bib.get(pid, {}), **p}
        assert any(fields.get(f) for f in LINK_FIELDS), f"{pid}: no arxiv, doi, url or pdf"


def test_short_names_and_aliases_are_unique(papers, concepts, entities) -> None:
    """Case aside, a name (short or alias) leads to one entity, and never to another entity's id."""
    owner: dict[str, str] = {}
    named = [(pid, p) for pid, p in papers.items()] + [(cid, m) for cid, (m, _) in concepts.items()]
    for ident, meta in named:
        names = ([meta["short"]] if meta.get("short") is not None else []) + list(meta.get("aliases") or [])
        for name in names:
            assert isinstance(name, str) and name.strip() and len(name) <= 60, f"{ident}: bad name {name!r}"
            key = name.strip().lower()
            assert owner.get(key, ident) == ident, f"{name!r} names both {owner[key]} and {ident}"
            owner[key] = ident
            assert key not in entities or key == ident, f"{ident}: name {name!r} is the id of another entry"


def test_at_least_30_papers_have_a_short_name(papers) -> None:
    assert sum(1 for p in papers.values() if p.get("short")) >= 30


def test_arxiv_ids_and_dois_are_unique(papers) -> None:
    arxiv = [p["arxiv"] for p in papers.values() if "arxiv" in p]
    dois = [p["doi"].lower() for p in papers.values() if "doi" in p]
    assert len(arxiv) == len(set(arxiv))
    assert len(dois) == len(set(dois))


def test_cites_point_at_papers_and_prerequisites_at_entities(papers, entities) -> None:
    for pid, p in papers.items():
        for cited in p.get("cites", []):
            assert cited in papers, f"{pid} cites unknown paper {cited!r}"
            assert cited != pid
    for ident, (kind, meta) in entities.items():
        for pre in meta.get("prerequisites", []) or []:
            assert pre in entities, f"{kind} {ident}: unknown prerequisite {pre!r}"


def test_prerequisites_are_acyclic(entities) -> None:
    graph = {i: list(m.get("prerequisites", []) or []) for i, (_, m) in entities.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        assert state.get(node) != 1, "prerequisite cycle: " + " -> ".join(trail + [node])
        state[node] = 1
        for nxt in graph.get(node, []):
            visit(nxt, trail + [node])
        state[node] = 2

    for node in graph:
        visit(node, [])


# ---------------------------------------------------------------------------
# Topics, pages, paths
# ---------------------------------------------------------------------------

def test_every_referenced_topic_exists(topics, entities, summaries) -> None:
    for tid, t in topics.items():
        assert ID_RE.match(tid), tid
        assert t.get("name"), tid
        if t.get("parent"):
            assert t["parent"] in topics, f"topic {tid}: unknown parent {t['parent']!r}"
    metas = [(i, m) for i, (_, m) in entities.items()] + [(i, m) for i, (m, _) in summaries.items()]
    for ident, meta in metas:
        for topic in meta.get("topics", []) or []:
            assert topic in topics, f"{ident}: unknown topic {topic!r}"


def test_every_summary_is_of_a_paper_that_exists(summaries, papers) -> None:
    for sid, (meta, _) in summaries.items():
        assert meta.get("paper") in papers, f"summary {sid}: unknown paper {meta.get('paper')!r}"


def test_every_summary_is_substantial_and_credited(summaries) -> None:
    for sid, (meta, body) in summaries.items():
        assert words(body) >= MIN_SUMMARY_WORDS, f"summary {sid} has only {words(body)} words"
        contributors = meta.get("contributors")
        assert isinstance(contributors, list) and contributors, f"summary {sid}: no contributors"
        assert str(meta.get("source", "")).startswith("https://"), f"summary {sid}: no source URL"


def test_at_least_16_substantial_summaries(summaries) -> None:
    substantial = [sid for sid, (_, body) in summaries.items() if words(body) >= MIN_SUMMARY_WORDS]
    assert len(substantial) >= MIN_SUMMARIES, f"only {len(substantial)} summaries of {MIN_SUMMARY_WORDS}+ words"


def test_at_least_12_concepts(concepts) -> None:
    assert len(concepts) >= MIN_CONCEPTS, f"only {len(concepts)} concept pages"


def test_pages_have_valid_metadata(concepts, stories, resources, summaries, papers) -> None:
    for group in (concepts, stories, resources, summaries):
        for ident, (meta, body) in group.items():
            assert ID_RE.match(ident), ident
            assert meta.get("title"), ident
            if "difficulty" in meta:
                assert meta["difficulty"] in DIFFICULTIES, ident
            if "reading_time" in meta:
                assert isinstance(meta["reading_time"], int), ident
            if "date" in meta:
                assert isinstance(meta["date"], date), ident
                assert date(2024, 1, 1) <= meta["date"] <= date(2026, 12, 31), ident
            assert not UNSAFE_RE.search(body), f"{ident}: unsafe content in the body"
    for sid, (meta, _) in stories.items():
        if "paper" in meta:
            assert meta["paper"] in papers, f"story {sid}: unknown paper"
    for rid, (meta, _) in resources.items():
        assert meta.get("kind") in RESOURCE_KINDS, rid
        assert str(meta.get("url", "")).startswith("https://"), rid


def test_at_least_8_paths_whose_steps_exist_in_order(paths, entities) -> None:
    assert len(paths) >= MIN_PATHS, f"only {len(paths)} curated paths"
    for pid, path in paths.items():
        assert ID_RE.match(pid)
        assert path.get("title") and path.get("description"), pid
        steps = path["steps"]
        assert len(steps) in PATH_STEPS, f"path {pid}: {len(steps)} steps, a hand-out has 6 to 15"
        assert len(steps) == len(set(steps)), f"path {pid}: repeated step"
        for known in path.get("assumes", []) or []:
            assert known in entities, f"path {pid}: assumes unknown id {known!r}"
            assert known not in steps, f"path {pid}: {known} is both assumed and a step"
        position = {}
        for i, step in enumerate(steps):
            assert step in entities, f"path {pid}: unknown step {step!r}"
            position[step] = i
        for step in steps:
            for pre in entities[step][1].get("prerequisites", []) or []:
                if pre in position:
                    assert position[pre] < position[step], f"path {pid}: {step} before its prerequisite {pre}"


def unmet_prerequisites(path: dict, entities: dict[str, tuple[str, dict]]) -> list[str]:
    """Prerequisites a reader of `path` meets before the path gives or assumes them.

    Walking prerequisites transitively, a chain stops at an earlier step (its own
    prerequisites are checked as a step) or at an assumed id (a reader who knows
    it knows what it builds on); anything else is a gap.

    >>> ents = {"a": ("paper", {}), "b": ("paper", {"prerequisites": ["a"]}),
    ...         "c": ("paper", {"prerequisites": ["b"]})}
    >>> unmet_prerequisites({"steps": ["c"]}, ents)
    ['c needs b (via b)', 'c needs a (via b > a)']
    >>> unmet_prerequisites({"steps": ["c"], "assumes": ["b"]}, ents)
    []
    >>> unmet_prerequisites({"steps": ["b", "c"]}, ents)
    ['b needs a (via a)']
    """
    covered = set(path.get("assumes", []) or [])
    gaps: list[str] = []
    for step in path["steps"]:
        stack = [(pre, [pre]) for pre in entities[step][1].get("prerequisites", []) or []]
        seen: set[str] = set()
        while stack:
            pre, trail = stack.pop(0)
            if pre in covered or pre in seen:
                continue
            seen.add(pre)
            gaps.append(f"{step} needs {pre} (via {' > '.join(trail)})")
            for deeper in entities.get(pre, ("", {}))[1].get("prerequisites", []) or []:
                stack.append((deeper, trail + [deeper]))
        covered.add(step)
    return gaps


def test_curated_paths_are_self_contained(paths, entities) -> None:
    """Every step's prerequisites, transitively, are earlier steps or in the path's `assumes:`."""
    problems = {pid: unmet_prerequisites(path, entities) for pid, path in paths.items()}
    problems = {pid: gaps for pid, gaps in problems.items() if gaps}
    assert not problems, problems


def test_the_self_containment_check_can_fail(entities) -> None:
    # The example's own ViT prerequisites, without the Transformer and BERT as steps.
    gaps = unmet_prerequisites({"steps": ["resnet", "vit"], "assumes": ["vgg", "batch-norm"]}, entities)
    assert any(g.startswith("vit needs attention-is-all-you-need") for g in gaps), gaps


def test_home_and_contributing_pages() -> None:
    home = (CONTENT / "index.md").read_text(encoding="utf-8").lower()
    for word in ("paper", "topic", "reading path", "graph", "search", "tick"):
        assert word in home, word
    contributing = (CONTENT / "contributing.md").read_text(encoding="utf-8")
    for command in ("papers.yaml", "kbgen import-bib", "kbgen add arxiv:", "kbgen new summary",
                    "kbgen validate", "make serve"):
        assert command in contributing, command


# ---------------------------------------------------------------------------
# The group's six threads
# ---------------------------------------------------------------------------

def test_thread_arxiv_sanity(resources) -> None:
    meta, body = resources["arxiv-sanity"]
    assert meta["kind"] == "tool"
    assert meta["url"] == "https://arxiv-sanity-lite.com"
    for phrase in ("Karpathy", "tf-idf", "support vector machine", "similar"):
        assert phrase in body, phrase


def test_thread_transformer_summary(summaries, papers) -> None:
    assert papers["attention-is-all-you-need"]["arxiv"] == "1706.03762"
    meta, body = summaries["attention-is-all-you-need"]
    assert meta["paper"] == "attention-is-all-you-need"
    for phrase in ("self-attention", "sqrt{d_k}", "Multi-head", "positional encoding", "decoder"):
        assert phrase.lower() in body.lower(), phrase


def test_thread_stories_of_vision_researchers(stories, papers) -> None:
    matches = [(sid, m, b) for sid, (m, b) in stories.items() if "56" in b and "2012" in b]
    assert matches, "no story about the 56 stories of computer vision researchers"
    sid, meta, body = matches[0]
    assert "tough and hopeless time" in body
    if "paper" in meta:
        paper = papers[meta["paper"]]
        assert paper["title"] == "The Affective Growth of Computer Vision"
        assert paper["authors"] == ["Norman Makoto Su", "David J. Crandall"]


def test_thread_vit_summary(summaries, papers) -> None:
    assert papers["vit"]["arxiv"] == "2010.11929"
    meta, body = summaries["vit"]
    assert meta["paper"] == "vit"
    for phrase in ("patch", "class token", "position embedding", "JFT-300M", "ImageNet-21k", "square"):
        assert phrase.lower() in body.lower(), phrase


def test_thread_triplet_loss(concepts, papers) -> None:
    meta, body = concepts["triplet-loss"]
    for phrase in ("anchor", "positive", "negative", "margin", "semi-hard", "Siamese"):
        assert phrase.lower() in body.lower(), phrase
    for pid in ("facenet", "lmnn", "triplet-network", "in-defense-of-the-triplet-loss"):
        assert pid in papers
    assert "triplet-loss" in papers["facenet"]["prerequisites"]
    assert papers["facenet"]["arxiv"] == "1503.03832"


def test_thread_math_cheat_sheets(resources) -> None:
    sheets = {rid: (m, b) for rid, (m, b) in resources.items() if m["kind"] == "cheat-sheet"}
    covered = {t for m, _ in sheets.values() for t in m.get("topics", [])}
    assert {"linear-algebra", "probability", "calculus"} <= covered
    _, linalg = resources["linear-algebra-cheat-sheet"]
    for phrase in ("vector spaces", "matrix-vector", "rank", "norm", "eigenvalues", "matrix calculus"):
        assert phrase.lower() in linalg.lower(), phrase


# ---------------------------------------------------------------------------
# Through kbgen itself
# ---------------------------------------------------------------------------

def test_kbgen_validate_strict_passes() -> None:
    if importlib.util.find_spec("kbgen.cli.main") is None:
        pytest.skip("kbgen.cli.main is not importable")
    result = subprocess.run(
        [sys.executable, "-m", "kbgen.cli.main", "validate", "--strict", "--root", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_loader_agrees_with_the_files(papers, summaries, paths) -> None:
    from tests.kbload import load_kb

    kb, diags = load_kb(ROOT)
    assert [d for d in diags] == []
    assert set(kb.papers) == set(papers)
    assert set(kb.summaries) == set(summaries)
    assert set(kb.paths) == set(paths)
    for pid in papers:
        paper = kb.papers[pid]
        assert paper.title and paper.authors and paper.year, pid
