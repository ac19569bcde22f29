"""Sources: discovering inputs, decoding, front matter, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbgen.app.load import load_sources
from kbgen.io.atomic import write_atomic
from kbgen.io.files import UnreadableRoot, iter_input_files
from kbgen.parse.sources import decode_text, split_front_matter


def make_kb(root: Path) -> None:
    (root / "content" / "summaries").mkdir(parents=True)
    (root / "content" / "paths").mkdir()
    (root / "content" / ".obsidian").mkdir()
    (root / "papers.yaml").write_text("papers: []\n")
    (root / "content" / "topics.yaml").write_text("topics: []\n")
    (root / "content" / "paths" / "p.yaml").write_text("title: P\nsteps: [a]\n")
    (root / "content" / "summaries" / "a.md").write_text("---\ntitle: A\npaper: a\n---\nBody\n")
    (root / "content" / "index.md").write_text("# Home\n")
    (root / "content" / "refs.bib").write_text("@misc{a, title={A}}\n")
    (root / "content" / "notes.txt").write_text("not an input")
    (root / "content" / ".obsidian" / "x.md").write_text("hidden")
    (root / "content" / "other.yaml").write_text("not an input: true\n")


def test_iter_input_files(tmp_path: Path) -> None:
    make_kb(tmp_path)
    assert list(iter_input_files(tmp_path)) == [
        "papers.yaml", "content/index.md", "content/paths/p.yaml", "content/refs.bib",
        "content/summaries/a.md", "content/topics.yaml",
    ]


def test_load_sources_reads_everything(tmp_path: Path) -> None:
    make_kb(tmp_path)
    sources = load_sources(tmp_path)
    assert sources.diagnostics == []
    assert sources.papers.value == {"papers": []}
    [page] = [p for p in sources.pages if p.kind == "summary"]
    assert (page.id, page.body, page.body_line) == ("a", "Body\n", 5)
    assert page.front.mark(("paper",)) == (3, 8)
    assert len(sources.bibs[0].records) == 1
    # Every input, and the other files under content/ by name (the static-file check reads them).
    assert set(sources.hashes) == set(iter_input_files(tmp_path)) | {"content/notes.txt", "content/other.yaml"}
    assert sources.static == {"content/notes.txt": b"", "content/other.yaml": b""}
    assert sources.input_files()[0].is_absolute()


def test_unreadable_root(tmp_path: Path) -> None:
    with pytest.raises(UnreadableRoot):
        load_sources(tmp_path / "missing")
    with pytest.raises(UnreadableRoot):
        load_sources(tmp_path)  # neither papers.yaml nor content/


def test_decode_text_reports_the_bad_byte() -> None:
    text, diags = decode_text("\ufeffok".encode("utf-8"), "a.md")
    assert text == "ok" and not diags
    text, diags = decode_text(b"title: x\nname: Jos\xe9\n", "a.md")
    assert text is None
    assert (diags[0].line, diags[0].column, diags[0].code) == (2, 10, "KB002")


@pytest.mark.parametrize("text,expected", [
    ("---\na: 1\n---\nbody\n", ("a: 1\n", 2, "body\n", 4)),
    ("---\na: 1\n...\n", ("a: 1\n", 2, "", 4)),
    ("no front matter\n", (None, 0, "no front matter\n", 1)),
    ("---\na: 1\n", ("a: 1\n", 2, "", -1)),
    ("---\r\na: 1\r\n---\r\nbody", ("a: 1\r\n", 2, "body", 4)),
])
def test_split_front_matter(text, expected) -> None:
    assert split_front_matter(text) == expected


def test_write_atomic_keeps_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "papers.yaml"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and (target.stat().st_mode & 0o777) == 0o640

    def boom(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "newer\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["papers.yaml"]  # no temporary file left behind
