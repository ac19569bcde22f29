"""The CLI: formats, exit codes, help, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kbgen import __version__
from kbgen.cli.main import main

from .conftest import GOLDEN

VALID = GOLDEN / "diagnostics" / "valid"
BROKEN = GOLDEN / "diagnostics" / "unknown-cite"
WARNED = GOLDEN / "diagnostics" / "same-title-year"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits for --help/--version/usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean(capsys) -> None:
    code, out, _ = run(capsys, "validate", "--root", str(VALID))
    assert code == 0 and out == "0 errors, 0 warnings in 4 files\n"  # the files checked


def test_validate_errors_text(capsys) -> None:
    code, out, _ = run(capsys, "validate", "--root", str(BROKEN))
    assert code == 1
    assert out.splitlines() == [
        "papers.yaml:13:13: error KB004: unknown paper id 'atention'; did you mean 'attention'?",
        "1 error, 0 warnings in 2 files",
    ]


def test_validate_github_and_json(capsys) -> None:
    code, out, _ = run(capsys, "validate", "--root", str(BROKEN), "--format", "github")
    assert code == 1 and out.startswith("::error file=papers.yaml,line=13,col=13,title=KB004::")
    code, out, _ = run(capsys, "validate", "--root", str(BROKEN), "--format", "json")
    assert code == 1 and json.loads(out)[0]["code"] == "KB004"


def test_warnings_and_strict(capsys) -> None:
    assert run(capsys, "validate", "--root", str(WARNED))[0] == 0
    assert run(capsys, "validate", "--root", str(WARNED), "--strict")[0] == 1


def test_usage_errors_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", "--root", str(tmp_path / "nowhere"))
    assert code == 2 and "not a directory" in err and "Traceback" not in err
    assert run(capsys, "validate", "--format", "xml")[0] == 2
    assert run(capsys, "no-such-command")[0] == 2
    assert run(capsys)[0] == 2


def test_version_and_help(capsys) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"kbgen {__version__}"
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out


def test_every_command_has_help(capsys) -> None:
    from kbgen.cli.main import build_parser

    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here
    assert "validate" in names
    for name in names:
        code, out, _ = run(capsys, name, "--help")
        assert code == 0 and "--root" in out, name


@pytest.mark.parametrize("case", sorted(p.name for p in (GOLDEN / "diagnostics").iterdir()))
def test_entry_point_never_shows_a_traceback(case: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "kbgen", "validate", "--root", str(GOLDEN / "diagnostics" / case)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_root_before_or_after_the_command(capsys) -> None:
    assert run(capsys, "--root", str(VALID), "validate")[0] == 0
    assert run(capsys, "validate", "--root", str(VALID))[0] == 0
    assert run(capsys, "--root", str(BROKEN), "validate", "--root", str(VALID))[0] == 0  # the later one wins


def test_build_strict_stops_on_a_graph_warning_before_mkdocs_starts(capsys, tmp_path, monkeypatch) -> None:
    import shutil

    import mkdocs.commands.build

    root = tmp_path / "kb"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site-kb", root)
    with (root / "papers.yaml").open("a", encoding="utf-8") as handle:  # a citation cycle: KB024
        handle.write("  - {id: cyc-a, title: Cycle A, year: 2020, cites: [cyc-b]}\n"
                     "  - {id: cyc-b, title: Cycle B, year: 2021, cites: [cyc-a]}\n")
    started = []
    monkeypatch.setattr(mkdocs.commands.build, "build", lambda *a, **k: started.append(1))
    code, _, err = run(capsys, "build", "--root", str(root), "--strict")
    assert code == 1 and "KB024" in err and "--strict" in err
    assert started == [] and not (root / "site").exists()
    assert run(capsys, "validate", "--root", str(root))[0] == 0  # a warning, not an error


# -- a file that cannot be read (issue 15) -----------------------------------

SLIP = GOLDEN / "diagnostics" / "papers-indent-slip"


def test_one_indentation_slip_is_one_error_with_a_summary_that_says_what_was_skipped(capsys) -> None:
    code, out, _ = run(capsys, "validate", "--root", str(SLIP))
    assert code == 1
    assert out.splitlines() == [
        "papers.yaml:8:10: error KB001: YAML syntax error: mapping values are not allowed in this context; "
        "quote a value that contains ': '",
        "1 error, 0 warnings in 5 files; 1 file could not be read (papers.yaml); checks that depend on it "
        "were skipped",
    ]


def test_the_examples_papers_with_one_slip_give_one_error(capsys, tmp_path, repo_root) -> None:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(repo_root / "content", root / "content")
    text = (repo_root / "papers.yaml").read_text(encoding="utf-8")
    slipped = text.replace("\n    prerequisites: [", "\n   prerequisites: [", 1)
    assert slipped != text
    (root / "papers.yaml").write_text(slipped, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--root", str(root))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2, out
    assert lines[0].startswith("papers.yaml:") and " error KB001: " in lines[0]
    assert lines[1].endswith("1 file could not be read (papers.yaml); checks that depend on it were skipped")


def test_the_parse_error_comes_first_in_every_format(capsys, tmp_path) -> None:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(SLIP, root)
    summary = root / "content" / "summaries" / "vit.md"
    summary.write_text(summary.read_text(encoding="utf-8").replace("contributors:", "yaer: 2020\ncontributors:"),
                       encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--root", str(root))
    assert code == 1
    assert [line.split(" ")[2] for line in out.splitlines()[:2]] == ["KB001:", "KB006:"]
    assert out.splitlines()[1].startswith("content/summaries/vit.md:4:1: error KB006: unknown key 'yaer'")
    code, out, _ = run(capsys, "validate", "--root", str(root), "--format", "json")
    assert [d["code"] for d in json.loads(out)] == ["KB001", "KB006"]
    code, out, _ = run(capsys, "validate", "--root", str(root), "--format", "github")
    assert out.startswith("::error file=papers.yaml,line=8,col=10,title=KB001::")
    code, _, err = run(capsys, "graph", "--root", str(root))  # a command that needs a valid knowledge base
    assert code == 1 and err.splitlines()[0].startswith("papers.yaml:8:10: error KB001")
    assert "1 file could not be read (papers.yaml)" in err


@pytest.mark.parametrize("argv", [
    ["validate"], ["graph", "--format", "dot"], ["schema", "--check"], ["new", "concept", "x-new", "--contributor", "A"],
    ["import-bib", str(Path(__file__).parent / "fixtures" / "import" / "mixed.bib"), "--dry-run"],
])
def test_root_before_or_after_every_contributor_command(capsys, tmp_path, argv) -> None:
    import shutil

    results = []
    for where in ("before", "after"):
        root = tmp_path / where
        shutil.copytree(VALID, root)
        full = ["--root", str(root), *argv] if where == "before" else [*argv, "--root", str(root)]
        code, out, err = run(capsys, *full)
        results.append((code, out.replace(str(root), "ROOT"), err.replace(str(root), "ROOT")))
    assert results[0] == results[1]
    assert results[0][0] in (0, 1) and "not a kbgen knowledge base" not in results[0][2]


def test_init_takes_its_folder_as_dir_or_root(capsys, tmp_path) -> None:
    assert run(capsys, "--root", str(tmp_path / "a"), "init")[0] == 0
    assert run(capsys, "init", "--root", str(tmp_path / "b"))[0] == 0
    assert run(capsys, "init", str(tmp_path / "c"))[0] == 0
    assert {p.name for p in tmp_path.iterdir()} == {"a", "b", "c"}
    assert all((tmp_path / d / "mkdocs.yml").is_file() for d in "abc")


def test_one_spelling_per_idea_across_the_commands() -> None:
    from kbgen.cli.main import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    spellings: dict[str, set[tuple[str, ...]]] = {}
    for sub in commands.values():
        for action in sub._actions:  # noqa: SLF001
            if action.option_strings and action.dest != "help":
                spellings.setdefault(action.dest, set()).add(tuple(action.option_strings))
    for dest in ("root", "format", "dry_run", "with_abstract", "strict", "title"):
        assert len(spellings[dest]) == 1, (dest, spellings[dest])  # the same flag, however many commands use it


def test_a_terminal_sees_control_characters_escaped() -> None:
    """ESC and BEL in a title must not reach a terminal raw (window-title and screen-clearing injection)."""
    import io

    from kbgen.cli.common import TerminalStream

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    stream = TerminalStream(tty)
    stream.write("1. evil \x1b]0;pwned\x07 title\n\tnext line\r\n")
    assert tty.getvalue() == "1. evil \\x1b]0;pwned\\x07 title\n    next line\\r\n"
    assert stream.isatty()


def test_the_terminal_guard_wraps_terminals_only(monkeypatch) -> None:
    import io

    from kbgen.cli.common import TerminalStream, guard_terminal

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    guard_terminal()
    assert isinstance(sys.stdout, TerminalStream) and not isinstance(sys.stderr, TerminalStream)
