"""Property tests: whatever bytes a contributor commits, the loader answers with
diagnostics or a knowledge base, never an uncaught exception."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbgen.core.kb import KnowledgeBase
from tests.kbload import load_kb

from .conftest import GOLDEN

VALID = GOLDEN / "diagnostics" / "valid"
FILES = ["papers.yaml", "content/topics.yaml", "content/summaries/vit.md", "content/paths/start.yaml",
         "content/refs.bib"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(root: Path) -> None:
    kb, diags = load_kb(root)
    assert isinstance(kb, KnowledgeBase)
    for d in diags:
        assert d.file and d.line >= 0 and d.column >= 0 and d.code.startswith("KB")


def fresh(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(VALID, root, dirs_exist_ok=True)
    (root / "expected.txt").unlink(missing_ok=True)
    return root


@SETTINGS
@given(target=st.sampled_from(FILES), data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path_factory, target: str, data: bytes) -> None:
    root = fresh(tmp_path_factory)
    (root / target).write_bytes(data)
    check(root)


# Fragments that tend to break naive loaders: YAML syntax, tags, anchors, tabs, odd unicode.
FRAGMENTS = ["\n", ": ", "- ", "  ", "\t", "[", "]", "{", "}", "'", '"', "&a ", "*a", "!!python/object ",
             "!x ", "---\n", "...\n", "#", "|\n", ">\n", "null", "~", "2020", "1e400", "\x00", "\ufeff", "é",
             "<script>", "javascript:", "id", "title", "papers", "steps", "topics", "prerequisites", "<<: "]


@SETTINGS
@given(target=st.sampled_from(FILES[:-1]), edits=st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 5), st.sampled_from(FRAGMENTS)), min_size=1, max_size=6))
def test_mutations_of_valid_files(tmp_path_factory, target: str, edits) -> None:
    root = fresh(tmp_path_factory)
    text = (root / target).read_text()
    for pos, delete, fragment in edits:
        pos %= len(text) + 1
        text = text[:pos] + fragment + text[pos + delete:]
    (root / target).write_text(text, encoding="utf-8", errors="surrogatepass")
    check(root)
