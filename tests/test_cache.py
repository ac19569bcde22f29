"""The content cache: a warm load equals a cold one, any input change invalidates it,
a damaged or foreign cache file is ignored and rebuilt, and nothing is written
into the knowledge base."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kbgen.app import load as load_module
from kbgen.app.load import load
from kbgen.cli.main import main
from kbgen.core.kb import kb_to_data
from kbgen.io import cache

REPO = Path(__file__).resolve().parent.parent

PAPERS = """\
papers:
  - id: alpha
    title: Alpha
    year: 2020
  - id: beta
    title: Beta
    year: 2021
    cites: [alpha, gamma]
    colour: blue
"""
SUMMARY = """\
---
title: Summary of alpha
paper: alpha
contributors: [Ada]
date: 2025-01-02
---
Alpha, briefly.
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own cache directory, never the real ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("KBGEN_CACHE", raising=False)


@pytest.fixture
def kb_root(tmp_path) -> Path:
    """A small knowledge base with two errors."""
    root = tmp_path / "kb"
    (root / "content" / "summaries").mkdir(parents=True)
    (root / "papers.yaml").write_text(PAPERS, encoding="utf-8")
    (root / "content" / "summaries" / "alpha.md").write_text(SUMMARY, encoding="utf-8")
    return root


@pytest.fixture
def example_root(tmp_path) -> Path:
    """A copy of the example knowledge base of this repository."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "papers.yaml", root / "papers.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _same(a, b) -> bool:
    return a.diagnostics == b.diagnostics and kb_to_data(a.kb) == kb_to_data(b.kb)


def _count_parses(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = load_module._compute

    def counting(inputs, *args, **kwargs):  # load passes its progress reporter on
        calls.append(1)
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(load_module, "_compute", counting)
    return calls


# -- a warm load is the cold load --------------------------------------------------

@pytest.mark.parametrize("which", ["kb_root", "example_root"])
def test_warm_load_equals_cold_load(which, request):
    root = request.getfixturevalue(which)
    cold = load(root, cache=False)
    load(root)
    assert cache.entry_path(root).is_file()
    warm = load(root)
    assert _same(warm, cold)
    assert warm.kb.papers == cold.kb.papers and warm.kb.summaries == cold.kb.summaries
    assert dict(warm.kb.origins) == dict(cold.kb.origins)
    assert warm.inputs == cold.inputs
    if which == "kb_root":
        assert [d.code for d in warm.errors] == ["KB004", "KB006"]


def test_a_hit_skips_parsing(kb_root, monkeypatch):
    load(kb_root)
    calls = _count_parses(monkeypatch)
    warm = load(kb_root)
    assert [d.code for d in warm.errors] == ["KB004", "KB006"]
    assert warm.kb.summaries["alpha"].date.isoformat() == "2025-01-02"
    assert calls == []


def test_the_graph_warnings_are_cached_too(tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    (root / "papers.yaml").write_text("papers:\n  - {id: a, title: A, year: 2020, cites: [b]}\n"
                                      "  - {id: b, title: B, year: 2021, cites: [a]}\n")
    assert [d.code for d in load(root).diagnostics] == ["KB024"]
    assert [d.code for d in load(root).diagnostics] == ["KB024"]


# -- any change to any input invalidates it ------------------------------------------

def _edit_same_size(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: only bytes differ


def test_edit_invalidates(kb_root):
    load(kb_root)
    _edit_same_size(kb_root / "papers.yaml", "title: Alpha", "title: Alfa!")
    assert load(kb_root).kb.papers["alpha"].title == "Alfa!"
    assert _same(load(kb_root), load(kb_root, cache=False))


def test_edit_of_a_page_invalidates(kb_root):
    load(kb_root)
    _edit_same_size(kb_root / "content" / "summaries" / "alpha.md", "briefly", "shortly")
    assert load(kb_root).kb.summaries["alpha"].body.strip() == "Alpha, shortly."


def test_new_file_invalidates(kb_root):
    load(kb_root)
    (kb_root / "content" / "concepts").mkdir()
    (kb_root / "content" / "concepts" / "gradients.md").write_text("---\ntitle: Gradients\n---\nText\n")
    assert "gradients" in load(kb_root).kb.concepts


def test_new_bib_file_invalidates(kb_root):
    load(kb_root)
    (kb_root / "content" / "more.bib").write_text("@article{gamma, title={Gamma}, year={2019}}\n")
    loaded = load(kb_root)
    assert "gamma" in loaded.kb.papers
    assert "KB004" not in {d.code for d in loaded.diagnostics}  # beta's cite of gamma now resolves


def test_deleted_file_invalidates(kb_root):
    load(kb_root)
    (kb_root / "content" / "summaries" / "alpha.md").unlink()
    assert load(kb_root).kb.summaries == {}


@pytest.mark.parametrize("library", ["kbgen", "pydantic", "pyyaml", "bibtexparser", "pylatexenc", "networkx"])
def test_a_version_change_invalidates(kb_root, monkeypatch, library):
    load(kb_root)
    real = cache.versions()
    monkeypatch.setattr(cache, "versions", lambda: {**real, library: "999.0"})
    calls = _count_parses(monkeypatch)
    load(kb_root)
    assert calls == [1]


def test_a_code_change_invalidates(kb_root, monkeypatch):
    load(kb_root)
    monkeypatch.setattr(cache, "code_digest", lambda: "edited")
    calls = _count_parses(monkeypatch)
    load(kb_root)
    assert calls == [1]


def test_unreadable_input_is_not_cached(kb_root):
    (kb_root / "content" / "summaries" / "broken.md").symlink_to(kb_root / "nowhere.md")
    assert "KB041" in {d.code for d in load(kb_root).diagnostics}  # a dangling link is refused
    assert not cache.entry_path(kb_root).exists()


# -- a cache file that is not genuinely ours is ignored and rebuilt -----------------

@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage", "other-key", "bad-json", "bad-kb"])
def test_damaged_cache_is_ignored_and_rebuilt(kb_root, damage, monkeypatch):
    load(kb_root)
    path = cache.entry_path(kb_root)
    data = path.read_bytes()
    header, diags, kb, _ = data.split(b"\n")
    damaged = {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "garbage": os.urandom(len(data)),
        "other-key": b"kbgen-cache 2 " + b"0" * 64 + b"\n" + diags + b"\n" + kb + b"\n",
        "bad-json": header + b"\n[[1, 2\n" + kb + b"\n",
        "bad-kb": header + b"\n" + diags + b"\n{\"tables\": 3}\n",
    }[damage]
    path.write_bytes(damaged)
    cold = load(kb_root, cache=False)
    assert _same(load(kb_root), cold)
    assert _same(load(kb_root), cold)


def test_the_cache_is_private_and_outside_the_root(kb_root):
    before = sorted(p.relative_to(kb_root) for p in kb_root.rglob("*"))
    load(kb_root)
    assert sorted(p.relative_to(kb_root) for p in kb_root.rglob("*")) == before
    path = cache.entry_path(kb_root)
    assert path.parent == cache.cache_home()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_linked_cache_directory_is_refused(kb_root, tmp_path, monkeypatch):
    """The cache location cannot be redirected by a symbolic link."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    xdg = tmp_path / "xdg-linked"
    xdg.mkdir()
    (xdg / "kbgen").symlink_to(elsewhere)
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    assert _same(load(kb_root), load(kb_root, cache=False))
    assert list(elsewhere.iterdir()) == []


def test_a_linked_cache_file_is_refused(kb_root, tmp_path):
    target = tmp_path / "target"
    target.write_bytes(b"keep")
    path = cache.entry_path(kb_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    load(kb_root)
    assert target.read_bytes() == b"keep"


def test_cache_can_be_turned_off(kb_root, monkeypatch):
    monkeypatch.setenv("KBGEN_CACHE", "0")
    load(kb_root)
    assert not cache.entry_path(kb_root).exists()


def test_an_unwritable_cache_still_loads(kb_root, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _same(load(kb_root), load(kb_root, cache=False))


def test_cli_output_is_the_same_warm(kb_root, capsys):
    codes = [main(["validate", "--root", str(kb_root), "--format", "json"]) for _ in range(2)]
    cold, warm = capsys.readouterr().out.split("\n]\n")[:2]
    assert codes == [1, 1]
    assert cold.strip() == warm.strip()
    assert cache.entry_path(kb_root).is_file()


def test_validate_and_path_write_nothing_into_the_root(example_root, capsys):
    before = {p: p.stat().st_mtime_ns for p in example_root.rglob("*")}
    assert main(["validate", "--root", str(example_root)]) == 0
    assert main(["path", "vit", "--root", str(example_root)]) == 0
    assert main(["validate", "--root", str(example_root)]) == 0
    assert {p: p.stat().st_mtime_ns for p in example_root.rglob("*")} == before
