"""Links between pages (issue 15): ``kbgen validate`` reports a relative link to a page the site
will not have, at its file:line:col, with a suggestion; MkDocs would only say so at build time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kbgen.check.links import hide_code, iter_links, page_target
from kbgen.cli.main import main

REPO = Path(__file__).resolve().parent.parent


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


@pytest.fixture
def example(tmp_path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copy2(REPO / "papers.yaml", root / "papers.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _append(path: Path, text: str) -> int:
    """Append ``text`` to ``path``; the 1-based line it starts on."""
    old = path.read_text(encoding="utf-8")
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def test_a_summary_linking_to_a_paper_that_does_not_exist_fails_validate(example, capsys):
    line = _append(example / "content" / "summaries" / "resnet.md", "See also [BN](../papers/batchnorm.md).\n")
    code, out = _run(capsys, "validate", "--root", example)
    assert code == 1
    assert out.splitlines()[0] == (
        f"content/summaries/resnet.md:{line}:15: error KB033: link '../papers/batchnorm.md' leads to no page: "
        "there is no paper 'batchnorm'; did you mean 'batch-norm'?")
    code, out = _run(capsys, "validate", "--root", example, "--format", "github")
    assert out.startswith(f"::error file=content/summaries/resnet.md,line={line},col=15,title=KB033::")


def test_every_page_the_site_generates_is_a_valid_target(example, capsys):
    _append(example / "content" / "concepts" / "self-attention.md",
            "\n[p](../papers/vit.md) [t](../topics/transformers.md) [tp](../topics/transformers/path.md) "
            "[path](../paths/attention-to-vit.md) [i](../papers/index.md) [s](../stories/index.md) "
            "[g](../graph.md) [home](../index.md) [ref](../reference/formats.md#diagnostic-codes) "
            "[c](triplet-loss.md) [r](../resources/arxiv-sanity.md)\n")
    code, out = _run(capsys, "validate", "--root", example, "--strict")
    assert code == 0, out


def test_a_link_into_a_namespace_whose_file_could_not_be_read_is_not_reported(example, capsys):
    _append(example / "content" / "concepts" / "self-attention.md", "\n[p](../papers/vit.md)\n")
    _append(example / "papers.yaml", "\n  - id: broken\n   title: [\n")
    code, out = _run(capsys, "validate", "--root", example)
    assert code == 1 and len(out.splitlines()) == 2 and " KB001: " in out.splitlines()[0]


def test_links_are_found_outside_code_and_comments_only():
    body = ("A [link](a.md) and ![img](fig.png 'title').\n`[code](b.md)` <!-- [c](c.md) -->\n"
            "```\n[fenced](d.md)\n```\n[ref]: <e.md>\n  [ref2]: f.md#x\n")
    assert [(line, target) for line, _, target in iter_links(body)] == [
        (1, "a.md"), (1, "fig.png"), (6, "e.md"), (7, "f.md#x")]
    assert hide_code(body).count("\n") == body.count("\n") and len(hide_code(body)) == len(body)


@pytest.mark.parametrize("target, expected", [
    ("../papers/vit.md", "papers/vit.md"), ("vit.md#how", "summaries/vit.md"), ("../papers/a%20b.md", "papers/a b.md"),
    ("../../outside.md", ""), ("https://x.org/a.md", None), ("mailto:a@b.c", None), ("#anchor", None),
    ("/papers/vit.md", None), ("../papers/vit/", None), ("fig.png", None),
])
def test_page_targets(target, expected):
    assert page_target("summaries/x.md", target) == expected
