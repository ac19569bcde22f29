"""MkDocs' log messages on stderr, as ``mkdocs build`` prints them."""

from __future__ import annotations

import logging
import sys


def configure_mkdocs_logging(level: str = "WARNING") -> None:
    """Show MkDocs' warnings the way ``mkdocs build`` does (``WARNING - message``)."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each message."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass
