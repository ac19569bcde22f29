"""Diagnostics: formats, counting, suggestions."""

from __future__ import annotations

import json

from kbgen.core.diagnostics import (
    CODES,
    Diagnostic,
    count,
    error,
    format_github,
    format_json,
    format_text,
    sort_diagnostics,
    suggest,
    warning,
)

D1 = error("content/summaries/vit.md", 3, 8, "KB004", "unknown paper id 'vit-2020'; did you mean 'vit'?")
D2 = warning("papers.yaml", 10, 3, "KB018", "same title, year: 100%, a,b")


def test_text_format_and_summary() -> None:
    out = format_text([D1, D2], summary=True).splitlines()
    assert out[0] == "content/summaries/vit.md:3:8: error KB004: unknown paper id 'vit-2020'; did you mean 'vit'?"
    assert out[-1] == "1 error, 1 warning in 2 files"
    assert format_text([], summary=True) == "0 errors, 0 warnings in 0 files\n"


def test_github_format_escapes() -> None:
    out = format_github([D1, D2]).splitlines()
    assert out[0] == ("::error file=content/summaries/vit.md,line=3,col=8,title=KB004::"
                      "unknown paper id 'vit-2020'; did you mean 'vit'?")
    assert out[1].endswith("::same title, year: 100%25, a,b")


def test_json_format() -> None:
    data = json.loads(format_json([D1]))
    assert data == [{"file": "content/summaries/vit.md", "line": 3, "column": 8, "severity": "error",
                     "code": "KB004", "message": D1.message}]


def test_count_sort_suggest() -> None:
    assert count([D1, D2, D1]) == (2, 1)
    assert sort_diagnostics([D2, D1, D1]) == [D1, D2]
    assert suggest("transformer", ["transformers", "cnn"]) == "; did you mean 'transformers'?"
    assert suggest("zzz", ["transformers"]) == ""


def test_every_code_is_documented() -> None:
    assert all(code.startswith("KB") and text for code, text in CODES.items())
    assert isinstance(D1, Diagnostic) and D1.is_error and not D2.is_error


def test_reference_lists_every_code(repo_root) -> None:
    reference = (repo_root / "content" / "reference" / "formats.md").read_text()
    for code, meaning in CODES.items():
        assert f"| `{code}` | {meaning} |" in reference, code
