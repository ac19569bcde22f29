"""Every docstring example in the kbgen package runs and holds."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kbgen

# kbgen.__main__ runs the CLI when imported.
MODULES = sorted(info.name for info in pkgutil.walk_packages(kbgen.__path__, "kbgen.") if info.name != "kbgen.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
