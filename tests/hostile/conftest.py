"""The hostile-input suite: attacks on a knowledge base, each kept as a test of the principle that stops it.

Every test writes its attack into a small knowledge base of its own (the
``kb`` fixture) and checks what kbgen does with it: a located diagnostic, a
one-line failure, a bounded result; never a traceback, a hang, a lost file
or a script that runs. ``findings(root)`` is what ``kbgen validate`` reports,
the site checks (:func:`kbgen.check.site.check_site`) included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site-kb"

PAPERS = textwrap.dedent("""\
    papers:
      - id: alpha
        title: Alpha
        year: 2017
        topics: [ml]
      - id: beta
        title: Beta
        year: 2018
        topics: [ml]
        prerequisites: [alpha]
    """)
TOPICS = "topics:\n  - id: ml\n    name: Machine learning\n"
MKDOCS = textwrap.dedent("""\
    site_name: Hostile
    docs_dir: content
    theme:
      name: material
      font: false
    markdown_extensions:
      - attr_list
      - md_in_html
      - toc:
          permalink: true
    plugins:
      - search
      - kbgen:
          session_start: "2026-01-05"
    """)


class KB:
    """A small knowledge base on disk to attack: ``kb.write("content/x.md", text)``."""

    def __init__(self, root: Path):
        self.root = root
        self.write("papers.yaml", PAPERS)
        self.write("content/topics.yaml", TOPICS)
        self.write("content/index.md", "---\ntitle: Home\n---\n\n# Home\n")
        self.write("mkdocs.yml", MKDOCS)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def path(self, rel: str) -> Path:
        return self.root / rel


@pytest.fixture
def kb(tmp_path: Path, monkeypatch) -> KB:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "kb"
    root.mkdir()
    return KB(root)


def findings(root: Path):
    """Every diagnostic ``kbgen validate`` gives ``root``, with the site checks (uncached)."""
    from kbgen.app.load import load, load_sources
    from kbgen.check.site import check_site
    from kbgen.check.validate import Builder
    from kbgen.core.diagnostics import sort_diagnostics

    loaded = load(root, cache=False)
    builder = Builder(load_sources(root))
    builder.read_topics()
    builder.read_papers()
    builder.read_pages()
    builder.read_paths()
    return sort_diagnostics([*loaded.diagnostics, *check_site(builder)])


def codes(root: Path) -> set[str]:
    return {d.code for d in findings(root)}


def run_kbgen(*args: str, timeout: float = 120, env: dict | None = None, cwd: Path | None = None):
    """``python -m kbgen ARGS`` in a subprocess: (exit code, stdout, stderr); a hang fails the test."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "kbgen", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def assert_no_traceback(*outputs: str) -> None:
    for out in outputs:
        assert "Traceback (most recent call last)" not in out, out
