"""The contributor commands end to end: new, import-bib, add (against a local server), schema."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kbgen.cli.main import main
from tests.kbload import load_kb

from .recorded_http import start_server, stop_server

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
IMPORT_KB = FIXTURES / "import" / "kb"
MIXED = FIXTURES / "import" / "mixed.bib"
EXPORTER_FILES = sorted(p for p in (FIXTURES / "bib").glob("*.bib") if p.name != "broken.bib")


def _copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copy2(REPO / "papers.yaml", root / "papers.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _copy_import_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(IMPORT_KB, root)
    return root


def _errors(root: Path) -> list:
    _, diags = load_kb(root)
    return [d for d in diags if d.is_error]


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- import-bib ------------------------------------------------------------

def test_import_keeps_every_byte_validates_and_is_idempotent(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", MIXED, "--root", root)
    assert code == 0
    assert out.splitlines()[-1] == "added 6, skipped 3 duplicates, 1 warning"
    assert "entry 'lecun1998gradient' duplicates 'lecun-lenet' (papers.yaml:6): same title and year" in out
    after = (root / "papers.yaml").read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert _errors(root) == []
    code, out, _ = _run(capsys, "import-bib", MIXED, "--root", root)
    assert code == 0 and out.splitlines()[-1] == "added 0, skipped 9 duplicates, 0 warnings"
    assert (root / "papers.yaml").read_bytes() == after


def test_dry_run_writes_nothing(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", MIXED, "--root", root, "--dry-run")
    assert code == 0
    assert "- id: vaswani2017attention" in out
    assert out.splitlines()[-1] == "dry run: added 6, skipped 3 duplicates, 1 warning (nothing written)"
    assert (root / "papers.yaml").read_bytes() == before


def test_the_examples_own_bibtex_is_all_duplicates(tmp_path, capsys):
    root = _copy_example(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    for bib in sorted((root / "content").glob("*.bib")):
        code, out, _ = _run(capsys, "import-bib", bib, "--root", root)
        assert code == 0 and out.splitlines()[-1].startswith("added 0, skipped ")
    assert (root / "papers.yaml").read_bytes() == before


@pytest.mark.parametrize("bib", EXPORTER_FILES, ids=lambda p: p.stem)
def test_each_exporter_style_imports_into_the_example_cleanly_and_once(tmp_path, capsys, bib):
    root = _copy_example(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, err = _run(capsys, "import-bib", bib, "--root", root)
    assert code == 0, err
    assert (root / "papers.yaml").read_bytes().startswith(before)
    assert _errors(root) == []
    middle = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", bib, "--root", root)
    assert code == 0 and out.splitlines()[-1].startswith("added 0, ")
    assert (root / "papers.yaml").read_bytes() == middle


def test_a_syntax_error_anywhere_aborts_with_located_diagnostics(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, _, err = _run(capsys, "import-bib", FIXTURES / "bib" / "broken.bib", "--root", root)
    assert code == 1
    assert "broken.bib:" in err and "error KB001" in err and "nothing written" in err
    assert (root / "papers.yaml").read_bytes() == before


def test_an_import_that_would_break_the_knowledge_base_writes_nothing(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{x, title={T}, year={20017}}\n", encoding="utf-8")
    code, _, err = _run(capsys, "import-bib", bib, "--root", root)
    assert code == 1
    assert "bad.bib:1:1: error KB010: entry 'x': year: year 20017 is outside" in err
    assert (root / "papers.yaml").read_bytes() == before


def test_missing_file_is_usage_error(tmp_path, capsys):
    code, _, err = _run(capsys, "import-bib", tmp_path / "nope.bib", "--root", tmp_path)
    assert code == 2 and err.startswith("kbgen import-bib: cannot read")


def test_import_into_an_empty_folder_creates_papers_yaml(tmp_path, capsys):
    code, _, _ = _run(capsys, "import-bib", MIXED, "--root", tmp_path)
    assert code == 0
    text = (tmp_path / "papers.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=./schemas/papers.schema.json\npapers:\n")
    assert _errors(tmp_path) == []


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_atomic_under_a_failure_mid_write(tmp_path, capsys, monkeypatch, where):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, where, fail)
    code, _, err = _run(capsys, "import-bib", MIXED, "--root", root)
    monkeypatch.undo()
    assert code == 2 and "cannot write papers.yaml: No space left on device; nothing written" in err
    assert (root / "papers.yaml").read_bytes() == before
    assert sorted(p.name for p in root.iterdir()) == ["papers.yaml"]  # no temporary file left


# -- add -------------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    srv, thread = start_server()
    yield srv
    stop_server(srv, thread)


def test_add_arxiv_through_the_environment_variable(tmp_path, capsys, monkeypatch, server):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    monkeypatch.setenv("KBGEN_ARXIV_API", f"{server.url}/arxiv")
    code, out, err = _run(capsys, "add", "arxiv:1706.03762", "--root", root)
    assert code == 0, err
    assert "added vaswani2017attention: Attention Is All You Need" in out
    text = (root / "papers.yaml").read_text(encoding="utf-8")
    assert text.encode("utf-8").startswith(before)
    assert "arxiv: '1706.03762'" in text and "abstract" not in text
    assert _errors(root) == []
    code, out, _ = _run(capsys, "add", "arxiv:1706.03762v7", "--root", root)
    assert code == 0
    assert "arxiv:1706.03762 duplicates 'vaswani2017attention'" in out
    assert out.splitlines()[-1] == "added 0, skipped 1 duplicate, 0 warnings"


def test_add_doi_is_a_duplicate_in_the_example(tmp_path, capsys, server):
    root = _copy_example(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "add", "doi:10.18653/v1/N19-1423", "--crossref-api", f"{server.url}/crossref",
                        "--root", root)
    assert code == 0 and "duplicates 'bert'" in out and "same DOI" in out
    assert (root / "papers.yaml").read_bytes() == before


def test_add_several_with_abstract(tmp_path, capsys, server):
    root = _copy_import_kb(tmp_path)
    code, out, err = _run(capsys, "add", "arxiv:2401.00001", "doi:10.5555/kbgen.test.2", "--with-abstract",
                          "--arxiv-api", f"{server.url}/arxiv", "--crossref-api", f"{server.url}/crossref",
                          "--root", root)
    assert code == 0, err
    assert "added muller2024muller:" in out and "added lovelace2021recorded:" in out
    assert "abstract: An abstract with markup ." in (root / "papers.yaml").read_text(encoding="utf-8")
    assert _errors(root) == []


@pytest.mark.parametrize("argv, message", [
    (["doi:10.9999/missing", "--crossref-api", "{url}/crossref"], "Crossref: HTTP 404 (not found)"),
    (["arxiv:1706.03762", "--arxiv-api", "{url}/slow", "--timeout", "0.5"], "arXiv API: no answer within 0.5 s"),
    (["arxiv:1706.03762", "--arxiv-api", "{url}/bad-xml"], "arXiv API: malformed XML"),
    (["doi:10.18653/v1/N19-1423", "--crossref-api", "{url}/bad-json"], "Crossref: malformed JSON"),
    (["arxiv:1706.03762", "doi:10.9999/missing", "--arxiv-api", "{url}/arxiv", "--crossref-api",
      "{url}/crossref"], "Crossref: HTTP 404"),
])
def test_add_failures_are_one_line_exit_1_and_change_nothing(tmp_path, capsys, server, argv, message):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, err = _run(capsys, "add", *[a.format(url=server.url) for a in argv], "--root", root)
    assert code == 1
    assert err.startswith(f"kbgen add: {message}") and err.count("\n") == 1 and err.endswith("; nothing written\n")
    assert (root / "papers.yaml").read_bytes() == before


@pytest.mark.parametrize("ref", ["1706.03762", "isbn:123", "arxiv:nope", "doi:nope"])
def test_add_bad_references_are_usage_errors(tmp_path, capsys, ref):
    code, _, err = _run(capsys, "add", ref, "--root", tmp_path)
    assert code == 2 and err.startswith("kbgen add: ")


# -- new -------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["summary", "luong-attention", "--contributor", "Ada"],
    ["concept", "weight-decay-intuition", "--title", "Layer normalisation"],
    ["story", "schmidhuber-and-lstm", "--paper", "lstm"],
    ["resource", "distill-pub", "--url", "https://distill.pub/", "--resource-kind", "article"],
    ["path", "from-rnns", "--steps", "backpropagation,lstm"],
])
def test_new_for_every_kind_validates_at_once(tmp_path, capsys, argv):
    root = _copy_example(tmp_path)
    code, out, err = _run(capsys, "new", *argv, "--root", root)
    assert code == 0, err
    rel = out.strip().removeprefix("created ")
    assert (root / rel).is_file()
    assert _errors(root) == []
    code, _, err = _run(capsys, "validate", "--root", root)
    assert code == 0


def test_new_refuses_to_overwrite(tmp_path, capsys):
    root = _copy_example(tmp_path)
    assert _run(capsys, "new", "concept", "weight-decay-intuition", "--root", root)[0] == 0
    target = root / "content" / "concepts" / "weight-decay-intuition.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nmy notes\n", encoding="utf-8")
    before = target.read_bytes()
    # the id is taken now, and the file exists: both refusals leave it alone
    code, _, err = _run(capsys, "new", "concept", "weight-decay-intuition", "--root", root)
    assert code == 1 and "already used" in err
    assert target.read_bytes() == before
    code, _, err = _run(capsys, "new", "summary", "luong-attention", "--root", root)
    assert code == 0
    code, _, err = _run(capsys, "new", "summary", "luong-attention", "--root", root)
    assert code == 1 and "already has a summary" in err
    code, out, _ = _run(capsys, "new", "summary", "luong-attention", "--file-id", "luong-second-look",
                        "--root", root)
    assert code == 0 and out == "created content/summaries/luong-second-look.md\n"
    assert _errors(root) == []


def test_new_unknown_paper_id_suggests(tmp_path, capsys):
    root = _copy_example(tmp_path)
    code, _, err = _run(capsys, "new", "summary", "lstn", "--root", root)
    assert code == 1 and "unknown paper id 'lstn'" in err and "did you mean 'lstm'" in err
    assert not (root / "content" / "summaries" / "lstn.md").exists()


@pytest.mark.parametrize("argv", [["concept", "Bad_Id"], ["path", "p"], ["resource", "r", "--resource-kind", "x"],
                                  ["summary", "lstm", "--file-id", "../../evil"]])
def test_new_usage_errors(tmp_path, capsys, argv):
    root = _copy_example(tmp_path)
    code, _, err = _run(capsys, "new", *argv, "--root", root)
    assert code == 2 and err.startswith("kbgen new: ")


def test_import_leaves_abstracts_out_unless_asked(tmp_path, capsys):
    zotero = FIXTURES / "bib" / "zotero.bib"
    root = _copy_import_kb(tmp_path / "a")
    assert _run(capsys, "import-bib", zotero, "--root", root)[0] == 0
    assert "abstract:" not in (root / "papers.yaml").read_text(encoding="utf-8")
    root = _copy_import_kb(tmp_path / "b")
    assert _run(capsys, "import-bib", zotero, "--root", root, "--with-abstract")[0] == 0
    assert "abstract: Deep learning yields great results" in (root / "papers.yaml").read_text(encoding="utf-8")
