"""Shared fixtures: the repository root (the example knowledge base) and golden-file helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("KBGEN_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def check_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file; KBGEN_UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    if UPDATE_GOLDEN or not path.exists():
        if not UPDATE_GOLDEN:
            pytest.fail(f"golden file {path} is missing; run with KBGEN_UPDATE_GOLDEN=1 and review it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (KBGEN_UPDATE_GOLDEN=1 to accept)"
