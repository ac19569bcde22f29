"""The contributor commands end to end: new, import-bib, add (against a local server), schema."""

from __future__ import annotations

import os
import shutil
import subprocess
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
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # a command that needs a valid knowledge base exits 1 after the errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# -- import-bib ------------------------------------------------------------

def test_import_keeps_every_byte_validates_and_is_idempotent(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", MIXED, "--root", root)
    assert code == 0
    assert out.splitlines()[-1] == "added 6, skipped 3 duplicates, 0 warnings"
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
    assert out.splitlines()[-1] == "dry run: added 6, skipped 3 duplicates, 0 warnings (nothing written)"
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

@pytest.mark.parametrize("argv, sections", [
    (["summary", "luong-attention", "--contributor", "Ada"], 6),
    (["concept", "weight-decay-intuition", "--title", "Layer normalisation"], 5),
    (["story", "schmidhuber-and-lstm", "--paper", "lstm"], 3),
    (["resource", "distill-pub", "--url", "https://distill.pub/", "--resource-kind", "article"], 3),
    (["path", "from-rnns", "--steps", "calculus-cheat-sheet,backpropagation,lstm"], 1),
])
def test_new_scaffolds_fail_validation_until_every_placeholder_is_replaced(tmp_path, capsys, argv, sections):
    root = _copy_example(tmp_path)
    code, out, err = _run(capsys, "new", *argv, "--root", root)
    assert code == 0, err
    rel = out.strip().removeprefix("created ")
    target = root / rel
    code, out, _ = _run(capsys, "validate", "--root", root)
    assert code == 1
    problems = out.splitlines()[:-1]
    assert len(problems) == sections
    assert all(line.startswith(f"{rel}:") and " error KB034: " in line for line in problems)
    lines = target.read_text(encoding="utf-8").splitlines()
    for problem in problems:  # each points at its placeholder
        line, col = map(int, problem.split(":")[1:3])
        assert lines[line - 1][col - 1:].lstrip("'").startswith("TODO(kbgen)")  # a path's value is quoted
    target.write_text(target.read_text(encoding="utf-8").replace("TODO(kbgen): ", "Written: "), encoding="utf-8")
    code, out, _ = _run(capsys, "validate", "--root", root, "--strict")
    assert code == 0, out


def test_an_unfilled_summary_stops_the_strict_build(tmp_path, capsys):
    root = _copy_example(tmp_path)
    assert _run(capsys, "new", "summary", "luong-attention", "--contributor", "Ada", "--root", root)[0] == 0
    code, _, err = _run(capsys, "build", "--strict", "--root", root, "--site-dir", tmp_path / "site")
    assert code == 1 and "KB034" in err and not (tmp_path / "site").exists()


def test_new_resource_without_url_leaves_the_field_for_validate_to_demand(tmp_path, capsys):
    root = _copy_example(tmp_path)
    code, out, _ = _run(capsys, "new", "resource", "foo", "--contributor", "Ada", "--root", root)
    assert code == 0 and "add the resource's 'url:'" in out
    text = (root / "content" / "resources" / "foo.md").read_text(encoding="utf-8")
    assert "example.org" not in text
    code, out, _ = _run(capsys, "validate", "--root", root)
    assert code == 1
    assert "content/resources/foo.md:2:1: error KB007: missing required field 'url' in this resource" in out


def _git(root: Path, *argv: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(root / ".gitconfig-test"), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_contributors_come_from_the_flag_or_from_git_config(tmp_path, capsys):
    root = _copy_example(tmp_path)
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Grace Hopper")
    assert _run(capsys, "new", "summary", "luong-attention", "--root", root)[0] == 0
    text = (root / "content" / "summaries" / "luong-attention.md").read_text(encoding="utf-8")
    assert "contributors: [Grace Hopper]" in text
    assert _run(capsys, "new", "concept", "c-one", "--contributor", "Ada", "--contributor", "Bo", "--root", root)[0] == 0
    assert "contributors: [Ada, Bo]" in (root / "content" / "concepts" / "c-one.md").read_text(encoding="utf-8")


def test_a_summary_must_name_its_contributors(tmp_path, capsys):
    root = _copy_example(tmp_path)
    summary = root / "content" / "summaries" / "vit.md"
    text = summary.read_text(encoding="utf-8")
    start = text.index("contributors:")
    end = text.index("\n", start)
    summary.write_text(text[:start] + "contributors: []" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    code, out, _ = _run(capsys, "validate", "--root", root)
    assert code == 1
    assert out.splitlines()[0].startswith(f"content/summaries/vit.md:{line}:1: error KB007: summary 'vit' names "
                                          "no contributor")


def test_new_refuses_to_overwrite(tmp_path, capsys):
    root = _copy_example(tmp_path)
    assert _run(capsys, "new", "concept", "weight-decay-intuition", "--root", root)[0] == 0
    target = root / "content" / "concepts" / "weight-decay-intuition.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nmy notes\n", encoding="utf-8")
    before = target.read_bytes()
    # the id is taken now, and the file exists: both refusals leave it alone (bad usage: exit 2)
    code, _, err = _run(capsys, "new", "concept", "weight-decay-intuition", "--root", root)
    assert code == 2 and "already used" in err
    assert target.read_bytes() == before
    code, _, err = _run(capsys, "new", "summary", "luong-attention", "--root", root)
    assert code == 0
    code, _, err = _run(capsys, "new", "summary", "luong-attention", "--root", root)
    assert code == 2 and "already has a summary" in err
    code, out, _ = _run(capsys, "new", "summary", "luong-attention", "--file-id", "luong-second-look",
                        "--root", root)
    assert code == 0 and out.startswith("created content/summaries/luong-second-look.md\n")


def test_new_unknown_paper_id_suggests(tmp_path, capsys):
    root = _copy_example(tmp_path)
    code, _, err = _run(capsys, "new", "summary", "lstn", "--root", root)
    assert code == 2 and "unknown paper id 'lstn'" in err and "did you mean 'lstm'" in err
    assert not (root / "content" / "summaries" / "lstn.md").exists()


@pytest.mark.parametrize("argv", [["concept", "Bad_Id"], ["path", "p"], ["resource", "r", "--resource-kind", "x"],
                                  ["summary", "lstm", "--file-id", "../../evil"], ["story", "s", "--paper", "lstn"],
                                  ["path", "p", "--steps", "lstm,nope"], ["concept", "lstm"]])
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


# -- issue 15: versions, readable imports, papers: [] ----------------------------

VERSIONS = FIXTURES / "import" / "dblp-versions.bib"


def test_dblps_venue_year_versions_are_duplicates_of_the_examples_papers(tmp_path, capsys):
    root = _copy_example(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", VERSIONS, "--root", root)
    assert code == 0
    assert ("dblp-versions.bib:1: entry 'DBLP:conf/iclr/DosovitskiyB0WZ21' duplicates 'vit' (papers.yaml:1031): "
            "same title, 2020 vs 2021") in out
    assert out.splitlines()[-1] == "added 0, skipped 3 duplicates, 0 warnings"
    assert (root / "papers.yaml").read_bytes() == before


def test_a_venue_version_entered_by_hand_fails_strict_validation_and_build(tmp_path, capsys):
    root = _copy_example(tmp_path)
    with (root / "papers.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n  - id: vit-iclr\n    title: 'An Image is Worth 16x16 Words: Transformers for Image "
                     "Recognition at Scale'\n    year: 2021\n    venue: ICLR 2021\n")
    code, out, _ = _run(capsys, "validate", "--root", root)
    assert code == 0 and " warning KB035: paper 'vit-iclr' (2021) has the title of 'vit' (2020" in out
    assert _run(capsys, "validate", "--root", root, "--strict")[0] == 1
    code, _, err = _run(capsys, "build", "--strict", "--root", root, "--site-dir", tmp_path / "site")
    assert code == 1 and "KB035" in err and not (tmp_path / "site").exists()


def test_a_year_before_the_arxiv_id_is_a_warning_at_import_and_at_validate(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    bib = tmp_path / "early.bib"
    bib.write_text("@article{early, title={An Early Paper}, author={Ada Lovelace}, year={2016},\n"
                   "  eprint={1803.01234}, archivePrefix={arXiv}}\n", encoding="utf-8")
    code, out, _ = _run(capsys, "import-bib", bib, "--root", root)
    assert code == 0
    assert "warning KB032: year 2016 is before arXiv id 1803.01234 was issued (2018)" in out
    assert out.splitlines()[-1] == "added 1, skipped 0 duplicates, 1 warning"
    code, out, _ = _run(capsys, "validate", "--root", root, "--strict")
    assert code == 1 and "warning KB032" in out


def test_imported_ids_and_venues_are_readable_and_never_wrapped(tmp_path, capsys):
    root = _copy_import_kb(tmp_path)
    before = (root / "papers.yaml").read_bytes()
    code, out, _ = _run(capsys, "import-bib", VERSIONS, "--root", root)
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("added ")][:3] == [
        "added dosovitskiy2021image", "added devlin2019bert", "added hochreiter1997long"]
    text = (root / "papers.yaml").read_text(encoding="utf-8")
    assert text.encode("utf-8").startswith(before)
    added = text[len(before.decode("utf-8")):]
    assert "venue: ICLR 2021\n" in added and "venue: NAACL-HLT 2019\n" in added and "venue: Neural Comput.\n" in added
    assert "bibtex_key: DBLP:journals/neco/HochreiterS97\n" in added
    assert "title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale'\n" in added
    for line in added.splitlines():  # every value on its key's line: nothing continues a wrapped value
        assert not line.strip() or line.lstrip().startswith(("#", "- ")) or ":" in line, line
    assert _errors(root) == []


def test_an_empty_flow_list_is_rewritten_as_a_block_list_keeping_every_other_byte(tmp_path, capsys):
    root = tmp_path / "kb"
    root.mkdir()
    before = "# yaml-language-server: $schema=./schemas/papers.schema.json\n# our papers\npapers: []   # none yet\n"
    (root / "papers.yaml").write_text(before, encoding="utf-8")
    code, out, _ = _run(capsys, "import-bib", VERSIONS, "--root", root, "--dry-run")
    assert code == 0 and "dry run: papers.yaml:3: 'papers: []' rewritten as a block list" in out
    assert (root / "papers.yaml").read_text(encoding="utf-8") == before
    code, out, _ = _run(capsys, "import-bib", VERSIONS, "--root", root)
    assert code == 0 and "papers.yaml:3: 'papers: []' rewritten as a block list\n" in out
    after = (root / "papers.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.replace(" []", "", 1))  # only the brackets (and the space before) went
    assert _errors(root) == []
    code, out, _ = _run(capsys, "import-bib", VERSIONS, "--root", root)
    assert code == 0 and out.splitlines()[-1] == "added 0, skipped 3 duplicates, 0 warnings"
    assert "rewritten" not in out


def test_a_flow_list_with_entries_is_still_refused(tmp_path, capsys):
    root = tmp_path / "kb"
    root.mkdir()
    (root / "papers.yaml").write_text("papers: [{id: a, title: A}]\n", encoding="utf-8")
    code, _, err = _run(capsys, "import-bib", VERSIONS, "--root", root)
    assert code == 1 and "[flow] list" in err and "nothing written" in err


def test_the_rewrite_of_an_empty_flow_list_is_atomic_too(tmp_path, capsys, monkeypatch):
    root = tmp_path / "kb"
    root.mkdir()
    (root / "papers.yaml").write_text("papers: []\n", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, _, err = _run(capsys, "import-bib", VERSIONS, "--root", root)
    monkeypatch.undo()
    assert code == 2 and "No space left on device" in err
    assert (root / "papers.yaml").read_text(encoding="utf-8") == "papers: []\n"
    assert sorted(p.name for p in root.iterdir()) == ["papers.yaml"]


def test_new_first_asks_to_fix_a_file_that_cannot_be_read(tmp_path, capsys):
    root = _copy_example(tmp_path)
    with (root / "papers.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - id: [broken\n")
    code, _, err = _run(capsys, "new", "summary", "luong-attention", "--root", root)
    assert code == 2 and err == "kbgen new: papers.yaml could not be read; fix it first ('kbgen validate' shows where)\n"
    assert not (root / "content" / "summaries" / "luong-attention.md").exists()
