"""Loading a knowledge base: one function every command and the plugin use.

:func:`load` reads the inputs, parses and validates them, checks the graph,
and returns the knowledge base, its graph and every diagnostic, the graph's
warnings (citation cycles) included, sorted. So ``validate``, ``build``,
``export``, ``serve`` and the MkDocs plugin see the same problems, and
``--strict`` means the same everywhere.

When no input changed since the last run, the diagnostics and the knowledge
base come from the content cache (:mod:`kbgen.io.cache`) instead: a warm
``kbgen validate`` reads the inputs' bytes to hash them and the cached
diagnostics, and decodes nothing else. The knowledge base and the graph are
made when first asked for.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "papers.yaml").write_text("papers:\\n  - id: a\\n    title: A\\n    cites: [b]\\n")
>>> loaded = load(root, cache=False)
>>> [d.code for d in loaded.diagnostics], sorted(loaded.kb.papers)
(['KB004'], ['a'])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.core.diagnostics import Diagnostic, sort_diagnostics
from kbgen.core.kb import KnowledgeBase, kb_from_data, kb_to_data
from kbgen.io import cache as content_cache
from kbgen.io.files import Inputs, UnreadableRoot, read_inputs

__all__ = ["Loaded", "UnreadableRoot", "load", "load_sources"]

_DIAGNOSTIC_FIELDS = ("file", "line", "column", "severity", "code", "message")


@dataclass(eq=False)
class Loaded:
    """A loaded knowledge base: every diagnostic now, the knowledge base and graph on first use."""

    root: Path
    diagnostics: list[Diagnostic]
    #: Relative paths of every input, in a stable order (``kbgen serve`` watches them).
    inputs: list[str]
    _make_kb: Callable[[], KnowledgeBase] = field(repr=False)

    @cached_property
    def kb(self) -> KnowledgeBase:
        return self._make_kb()

    @cached_property
    def graph(self):
        """The :class:`kbgen.graph.KBGraph` of :attr:`kb`."""
        from kbgen.graph import build_graph

        return build_graph(self.kb)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def input_paths(self) -> list[Path]:
        """Absolute paths of every input."""
        return [self.root / rel for rel in self.inputs]


def load_sources(root: Path | str, inputs: Inputs | None = None):
    """The parsed sources (:class:`kbgen.parse.sources.Sources`) of ``root``, uncached."""
    from kbgen.parse.sources import parse_sources

    inputs = inputs if inputs is not None else read_inputs(root)
    return parse_sources(inputs.root, [(f.rel, f.data) for f in inputs.files], inputs.diagnostics)


def _compute(inputs: Inputs, progress: Progress = NO_PROGRESS) -> tuple[KnowledgeBase, list[Diagnostic]]:
    from kbgen.check.coverage import cause_first
    from kbgen.check.validate import build_knowledge_base
    from kbgen.graph import graph_diagnostics

    progress.stage("checking", total=len(inputs.files))
    kb, diagnostics = build_knowledge_base(load_sources(inputs.root, inputs))
    progress.advance(len(inputs.files))
    progress.stage("graph", total=len(kb.papers))
    graph = graph_diagnostics(kb)
    progress.advance(len(kb.papers))
    # A file that could not be read is the cause of what follows: its error comes first.
    return kb, cause_first(sort_diagnostics([*diagnostics, *graph]))


def load(root: Path | str, *, cache: bool = True, progress: Progress = NO_PROGRESS) -> Loaded:
    """Load the knowledge base at ``root`` (see the module docs).

    ``progress`` is told the stages (reading files, checking, graph); a cache hit only reads.
    The caller calls its ``done()``. Raises :class:`UnreadableRoot` when ``root`` is not a
    knowledge base.
    """
    root = Path(root)
    progress.stage("reading files")
    inputs = read_inputs(root)
    rels = [f.rel for f in inputs.files]
    progress.advance(len(rels))
    # An unreadable input has no hash: caching without it would hide its later fix.
    key = content_cache.compute_key(inputs.hashes) if cache and not inputs.diagnostics else None
    if key is not None:
        found = content_cache.read_entry(root, key, lines=1)
        if found is not None:
            try:
                diagnostics = [Diagnostic(*row) for row in json.loads(found[0])]
            except (ValueError, TypeError):
                diagnostics = None
            if diagnostics is not None:
                return Loaded(root, diagnostics, rels, lambda: _cached_kb(inputs, key))
    kb, diagnostics = _compute(inputs, progress)
    if key is not None:
        _store(root, key, kb, diagnostics)
    return Loaded(root, diagnostics, rels, lambda: kb)


def _cached_kb(inputs: Inputs, key: str) -> KnowledgeBase:
    found = content_cache.read_entry(inputs.root, key, lines=2)
    if found is not None:
        try:
            return kb_from_data(json.loads(found[1]))
        except (ValueError, TypeError, KeyError):
            pass  # damaged or replaced meanwhile: parse again
    kb, diagnostics = _compute(inputs)
    _store(inputs.root, key, kb, diagnostics)
    return kb


def _store(root: Path, key: str, kb: KnowledgeBase, diagnostics: list[Diagnostic]) -> None:
    rows = [[getattr(d, name) for name in _DIAGNOSTIC_FIELDS] for d in diagnostics]
    payload = [json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(),
               json.dumps(kb_to_data(kb), ensure_ascii=False, separators=(",", ":")).encode()]
    content_cache.write_entry(root, key, payload)
