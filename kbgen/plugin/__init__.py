"""The MkDocs plugin: a thin adapter from MkDocs events to :mod:`kbgen.app`."""

from kbgen.plugin.plugin import KbgenPlugin

__all__ = ["KbgenPlugin"]
