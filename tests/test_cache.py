"""The content cache: a warm load equals a cold one, any input change invalidates
it, and a cache file that is not genuinely ours is ignored and rebuilt."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from kbgen.io import cache
from kbgen.io.cache import (
    CACHE_DIR,
    cache_path,
    compute_key,
    decode_entry,
    encode_entry,
    load_cached,
    remember_diagnostics,
    secret_path,
)
from kbgen.cli.main import main
from kbgen.core.kb import KnowledgeBase
from kbgen.parse.sources import hash_inputs, read_or_create_secret
from kbgen.check.validate import load_knowledge_base

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
---
Alpha, briefly.
"""


@pytest.fixture(autouse=True)
def private_secret(tmp_path_factory, monkeypatch):
    """Each test gets its own per-user secret, never the real ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("KBGEN_CACHE", raising=False)


@pytest.fixture
def kb_root(tmp_path) -> Path:
    """A small knowledge base with one error and one warning-free summary."""
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
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns(CACHE_DIR))
    return root


def _secret() -> bytes:
    secret = read_or_create_secret(secret_path())
    assert secret is not None
    return secret


def _plant(root: Path, kb: KnowledgeBase, diags=()) -> None:
    """Write a genuine entry for the current inputs, holding ``kb``: a later hit returns it."""
    key = compute_key(hash_inputs(root))
    cache_path(root).parent.mkdir(exist_ok=True)
    cache_path(root).write_bytes(encode_entry(_secret(), key, cache._to_plain(kb, list(diags))))


# -- a warm load is the cold load --------------------------------------------------

@pytest.mark.parametrize("which", ["kb_root", "example_root"])
def test_warm_load_equals_cold_load(which, request):
    root = request.getfixturevalue(which)
    cold = load_knowledge_base(root)
    first = load_cached(root)
    assert cache_path(root).is_file()
    warm = load_cached(root)
    assert first == cold
    assert warm[0] == cold[0]
    assert warm[1] == cold[1]
    assert dict(warm[0].origins) == dict(cold[0].origins)
    if which == "kb_root":
        assert [d.code for d in warm[1] if d.is_error] == ["KB004", "KB006"]


def test_a_hit_skips_parsing(kb_root):
    load_cached(kb_root)
    marker = KnowledgeBase()  # an entry for the same inputs, holding something else
    _plant(kb_root, marker)
    kb, diags = load_cached(kb_root)
    assert kb == marker and diags == []


# -- any change to any input invalidates it ------------------------------------------

def _edit_same_size(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: only bytes differ


def test_edit_invalidates(kb_root):
    load_cached(kb_root)
    _edit_same_size(kb_root / "papers.yaml", "title: Alpha", "title: Alfa!")
    kb, _ = load_cached(kb_root)
    assert kb.papers["alpha"].title == "Alfa!"
    assert load_cached(kb_root) == load_knowledge_base(kb_root)


def test_edit_of_a_page_invalidates(kb_root):
    load_cached(kb_root)
    _edit_same_size(kb_root / "content" / "summaries" / "alpha.md", "briefly", "shortly")
    assert load_cached(kb_root)[0].summaries["alpha"].body.strip() == "Alpha, shortly."


def test_new_file_invalidates(kb_root):
    load_cached(kb_root)
    (kb_root / "content" / "concepts").mkdir()
    (kb_root / "content" / "concepts" / "gradients.md").write_text("---\ntitle: Gradients\n---\nText\n")
    kb, _ = load_cached(kb_root)
    assert "gradients" in kb.concepts


def test_new_bib_file_invalidates(kb_root):
    load_cached(kb_root)
    (kb_root / "content" / "more.bib").write_text("@article{gamma, title={Gamma}, year={2019}}\n")
    kb, diags = load_cached(kb_root)
    assert "gamma" in kb.papers
    assert "KB004" not in {d.code for d in diags}  # beta's cite of gamma now resolves


def test_deleted_file_invalidates(kb_root):
    load_cached(kb_root)
    (kb_root / "content" / "summaries" / "alpha.md").unlink()
    kb, _ = load_cached(kb_root)
    assert kb.summaries == {}


def test_code_or_version_change_invalidates(kb_root, monkeypatch):
    load_cached(kb_root)
    _plant(kb_root, KnowledgeBase())
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert load_cached(kb_root) == load_knowledge_base(kb_root)


def test_unreadable_input_is_not_cached(kb_root):
    (kb_root / "content" / "summaries" / "broken.md").symlink_to(kb_root / "nowhere.md")
    _, diags = load_cached(kb_root)
    assert "KB026" in {d.code for d in diags}
    assert not cache_path(kb_root).exists()


# -- a cache file that is not genuinely ours is ignored and rebuilt -----------------

def _assert_rebuilt(root: Path) -> None:
    assert load_cached(root) == load_knowledge_base(root)
    key = compute_key(hash_inputs(root))
    assert cache._from_plain(decode_entry(_secret(), key, cache_path(root).read_bytes())) is not None


@pytest.mark.parametrize("damage", [
    "empty", "truncated", "flipped-bit", "garbage", "other-magic", "json",
])
def test_corrupt_cache_is_ignored_and_rebuilt(kb_root, damage):
    load_cached(kb_root)
    path = cache_path(kb_root)
    data = path.read_bytes()
    damaged = {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "flipped-bit": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
        "garbage": os.urandom(len(data)),
        "other-magic": b"kbgen-cache v0\n" + data[len(cache.MAGIC):],
        "json": b'{"papers": []}',
    }[damage]
    path.write_bytes(damaged)
    _assert_rebuilt(kb_root)


def test_cache_from_another_user_is_ignored(kb_root, tmp_path, monkeypatch):
    """A committed or copied .kbgen-cache was signed with someone else's secret."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    _plant(kb_root, KnowledgeBase())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "me"))
    _assert_rebuilt(kb_root)


def test_hostile_pickle_is_never_run(kb_root, tmp_path):
    """Neither an unsigned pickle nor a signed one naming other classes is executed."""
    witness = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {witness}",))

    key = compute_key(hash_inputs(kb_root))
    payload = pickle.dumps(Exploit())
    cache_path(kb_root).parent.mkdir(parents=True, exist_ok=True)
    cache_path(kb_root).write_bytes(cache.MAGIC + key + b"\0" * 32 + payload)
    _assert_rebuilt(kb_root)
    cache_path(kb_root).write_bytes(encode_entry(_secret(), key, Exploit()))
    _assert_rebuilt(kb_root)
    assert not witness.exists()


def test_secret_is_private(kb_root):
    load_cached(kb_root)
    assert secret_path().stat().st_mode & 0o777 == 0o600
    assert cache_path(kb_root).stat().st_mode & 0o777 == 0o600


def test_a_secret_others_can_read_is_not_trusted(kb_root):
    read_or_create_secret(secret_path())
    secret_path().chmod(0o644)
    assert read_or_create_secret(secret_path()) is None
    assert load_cached(kb_root) == load_knowledge_base(kb_root)
    assert not cache_path(kb_root).exists()


def test_cache_can_be_turned_off(kb_root, monkeypatch):
    monkeypatch.setenv("KBGEN_CACHE", "0")
    assert load_cached(kb_root) == load_knowledge_base(kb_root)
    assert not (kb_root / CACHE_DIR).exists()


def test_read_only_root_still_loads(kb_root):
    (kb_root / CACHE_DIR).write_text("not a directory")  # the cache cannot be written
    assert load_cached(kb_root) == load_knowledge_base(kb_root)


# -- derived diagnostics --------------------------------------------------------------

def test_remember_diagnostics_computes_once_per_content(kb_root):
    calls = []

    def compute():
        calls.append(1)
        return [d for d in load_knowledge_base(kb_root)[1] if d.code == "KB006"]

    first = remember_diagnostics(load_cached(kb_root)[0], "extra", compute)
    second = remember_diagnostics(load_cached(kb_root)[0], "extra", compute)
    assert first == second and len(first) == 1 and len(calls) == 1
    (kb_root / "papers.yaml").write_text(PAPERS.replace("colour: blue\n", ""), encoding="utf-8")
    assert remember_diagnostics(load_cached(kb_root)[0], "extra", compute) == []
    assert len(calls) == 2


def test_remember_diagnostics_without_cache_just_computes(kb_root):
    kb, _ = load_knowledge_base(kb_root)
    assert remember_diagnostics(kb, "extra", lambda: []) == []
    assert not (kb_root / CACHE_DIR).exists()


def test_cli_output_is_the_same_warm(kb_root, capsys):
    codes = [main(["validate", "--root", str(kb_root), "--format", "json"]) for _ in range(2)]
    cold, warm = capsys.readouterr().out.split("\n]\n")[:2]
    assert codes == [1, 1]
    assert cold.strip() == warm.strip()
    assert cache_path(kb_root).is_file()


def test_warm_tables_behave_as_dicts(example_root):
    import copy

    cold, _ = load_knowledge_base(example_root)
    load_cached(example_root)
    warm, _ = load_cached(example_root)
    for name in ("papers", "concepts", "stories", "resources", "summaries", "topics", "paths", "origins"):
        table, expected = getattr(warm, name), getattr(cold, name)
        assert table == expected and expected == table
        assert dict(table) == expected and len(table) == len(expected)
        assert list(table) == list(expected) and list(table.items()) == list(expected.items())
        for key in list(expected)[:3]:
            assert key in table and table[key] == expected[key] and table.get(key) == expected[key]
        assert table.get("no-such-id") is None
    assert pickle.loads(pickle.dumps(warm)) == cold
    assert copy.deepcopy(warm) == cold
    assert warm.entity("vit") == cold.entity("vit") and warm.kind_of("vit") == "paper"
