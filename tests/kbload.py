"""Loading a knowledge base in tests: uncached, as ``(kb, diagnostics)``."""

from __future__ import annotations

from pathlib import Path

from kbgen.app.load import load


def load_kb(root: Path | str):
    """The knowledge base at ``root`` and every diagnostic, graph warnings included, without the cache."""
    loaded = load(root, cache=False)
    return loaded.kb, loaded.diagnostics
