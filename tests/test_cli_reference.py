"""docs/cli.md is generated from the parser (``python -m kbgen.cli.reference``) and must not go stale."""

from __future__ import annotations

import argparse
import subprocess
import sys

from kbgen.cli.main import build_parser
from kbgen.cli.reference import REFERENCE_FILE, render_reference


def test_docs_cli_md_is_up_to_date(repo_root):
    page = (repo_root / REFERENCE_FILE).read_text(encoding="utf-8")
    assert page == render_reference(), "docs/cli.md is stale: run 'python -m kbgen.cli.reference'"


def test_it_lists_every_command_and_every_option_spelling(repo_root):
    page = render_reference()
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name, sub in commands.items():
        assert f"## `kbgen {name}`" in page
        section = page.split(f"## `kbgen {name}`", 1)[1].split("\n## ", 1)[0]
        for action in sub._actions:
            for spelling in action.option_strings:
                if spelling not in ("-h", "--help"):
                    assert f"`{spelling}" in section, (name, spelling)


def test_a_changed_option_makes_the_page_stale():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    commands["validate"].add_argument("--brand-new", help="an option the page does not know")
    assert render_reference(parser) != render_reference()


def test_the_check_mode_exits_1_when_stale(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "cli.md").write_text("old\n", encoding="utf-8")
    check = [sys.executable, "-m", "kbgen.cli.reference", "--root", str(tmp_path), "--check"]
    assert subprocess.run(check, capture_output=True, timeout=60).returncode == 1
    assert subprocess.run(check[:-1], capture_output=True, timeout=60).returncode == 0
    assert subprocess.run(check, capture_output=True, timeout=60).returncode == 0
