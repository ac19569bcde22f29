"""Pausing Python's cyclic garbage collector around bulk work: the one place that does it.

Parsing, validating, building the graph, planning paths and importing each
make many objects that are all alive until the step ends and hold no
reference cycles; the collector's repeated passes over that growing heap cost
a third of some steps' time (figures in the callers' comments and commits).

>>> import gc
>>> with paused_gc():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (re-enabled after it only if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
