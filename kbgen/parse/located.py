"""YAML text parsed into plain values plus the location of every node.

PyYAML's C composer builds the node tree (with line marks) faster than
``yaml.load`` constructs objects, so we compose and then build plain values
ourselves. That also makes hostile YAML harmless: only the standard tags are
constructed (a ``!!python/...`` tag is reported, never executed), aliases
that expand too far are stopped early, duplicate keys are reported, and
nesting depth is capped.

>>> doc = parse_yaml("papers:\\n  - id: vit\\n    year: 2020\\n", "papers.yaml")
>>> doc.value["papers"][0]["year"], doc.mark(("papers", 0, "year"))
(2020, (3, 11))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from kbgen.core.collector import paused_gc
from kbgen.core.diagnostics import Diagnostic, error

try:  # libyaml is ~5x faster; fall back quietly where it is not compiled in.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAX_DEPTH = 64
_MIN_EXPANSION = 100_000  # aliases may expand this many nodes before the ratio rule applies
_EXPANSION_RATIO = 10
#: Characters of text that aliases may expand to: twice the file, or 1 MB for a small one. The node
#: rule alone let one 1 MB scalar, aliased 1,200 times by a 1 MB file, become 1.2 GB of titles.
_MIN_EXPANSION_CHARS = 1_000_000
_EXPANSION_CHARS_RATIO = 2
#: The longest scalar kbgen reads (an abstract is a few thousand characters); longer is KB042.
MAX_SCALAR_CHARS = 20_000
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


class _Abort(Exception):
    """Stop constructing: the document is hostile or malformed."""

    def __init__(self, diag: Diagnostic):
        self.diag = diag


@dataclass
class LocatedDoc:
    """A parsed YAML document: ``value`` plus (line, column) of each node, 1-based."""

    file: str
    value: Any = None
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def mark(self, path: Path_) -> tuple[int, int]:
        """Location of ``path``, or of its nearest located parent (a missing key points at its mapping)."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def key_mark(self, path: Path_) -> tuple[int, int]:
        """Location of the key of a mapping entry (falls back to its value)."""
        return self.marks.get(tuple(path) + ("<key>",), self.mark(path))


_scalar_constructor = yaml.SafeLoader("")  # only its scalar constructors are used


def _construct_scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == f"{_TAG}str":
        return node.value
    return yaml.SafeLoader.yaml_constructors[tag](_scalar_constructor, node)


_STR, _SEQ, _MAP, _MERGE = (f"{_TAG}{t}" for t in ("str", "seq", "map", "merge"))
_Scalar, _Sequence, _Mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode


class _Builder:
    """Plain values from a node tree, recording the (line, column) of every node.

    Most nodes of a knowledge base are plain strings, so mapping entries and
    list items whose node is a plain ``str`` scalar are handled inline (no
    call, no constructor lookup); this walk used to take longer than libyaml's
    compose itself. Alias accounting only runs when the text defines an anchor
    (without ``&`` no node can be shared).
    """

    def __init__(self, file: str, line_offset: int, aliases: bool = True, size: int = 0):
        self.file = file
        self.offset = line_offset
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.visits = 0
        self.distinct: set[int] = set()
        self.chars = 0
        self.char_budget = max(_MIN_EXPANSION_CHARS, _EXPANSION_CHARS_RATIO * size)
        self.fast = not aliases  # inline plain strings only when no visit needs counting

    def loc(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        if not self.fast:
            self.visits += 1
            self.distinct.add(id(node))
            if self.visits > _MIN_EXPANSION and self.visits > _EXPANSION_RATIO * len(self.distinct):
                line, col = self.loc(node)
                raise _Abort(error(self.file, line, col, "KB022",
                                   "YAML aliases expand to far more nodes than the file holds "
                                   "(an alias bomb?); write the values out instead of using anchors"))
            if isinstance(node, _Scalar):
                self.chars += len(node.value)
                if self.chars > self.char_budget:
                    line, col = self.loc(node)
                    raise _Abort(error(self.file, line, col, "KB022",
                                       f"YAML aliases expand to more than {self.char_budget:,} characters of text "
                                       "(an alias bomb?); write the values out instead of using anchors"))
        if depth > _MAX_DEPTH:
            line, col = self.loc(node)
            raise _Abort(error(self.file, line, col, "KB008",
                               f"nesting deeper than {_MAX_DEPTH} levels; flatten the structure"))
        self.marks[path] = self.loc(node)
        if isinstance(node, _Mapping):
            return self.build_mapping(node, path, depth)
        if isinstance(node, _Sequence):
            if node.tag != _SEQ:
                return self.bad_tag(node)
            if not self.fast or depth + 1 > _MAX_DEPTH:
                return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            marks, offset, result = self.marks, self.offset + 1, []
            for i, item in enumerate(node.value):
                if item.tag == _STR and type(item) is _Scalar and len(item.value) <= MAX_SCALAR_CHARS:
                    mark = item.start_mark
                    marks[path + (i,)] = (mark.line + offset, mark.column + 1)
                    result.append(item.value)
                else:
                    result.append(self.build(item, path + (i,), depth + 1))
            return result
        if node.tag not in _SCALAR_TAGS:
            return self.bad_tag(node)
        if len(node.value) > MAX_SCALAR_CHARS:
            return self.too_long(node)
        try:
            return _construct_scalar(node)
        except (ValueError, yaml.YAMLError, OverflowError):
            line, col = self.loc(node)
            self.diagnostics.append(error(self.file, line, col, "KB008",
                                          f"cannot read value {node.value[:40]!r}; quote it as a string"))
            return node.value

    def build_mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> Any:
        if node.tag != _MAP:
            return self.bad_tag(node)
        result: dict[Any, Any] = {}
        marks, offset = self.marks, self.offset + 1
        inline = self.fast and depth + 1 <= _MAX_DEPTH
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                line, col = self.loc(key_node)
                self.diagnostics.append(error(self.file, line, col, "KB021",
                                              "merge keys ('<<') are not supported; write the keys out"))
                continue
            if not isinstance(key_node, _Scalar):
                line, col = self.loc(key_node)
                self.diagnostics.append(error(self.file, line, col, "KB008",
                                              "a mapping key must be a plain string"))
                continue
            if inline and key_node.tag == _STR:
                key = key_node.value
            else:
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, str):
                    key = str(key)
            if key in result:
                line, col = self.loc(key_node)
                first = marks.get(path + (key, "<key>"), (0, 0))[0]
                self.diagnostics.append(error(self.file, line, col, "KB023",
                                              f"key {key!r} appears twice in this mapping (first on line {first}); "
                                              "keep one"))
                continue
            mark = key_node.start_mark
            marks[path + (key, "<key>")] = (mark.line + offset, mark.column + 1)
            if (inline and value_node.tag == _STR and type(value_node) is _Scalar
                    and len(value_node.value) <= MAX_SCALAR_CHARS):
                mark = value_node.start_mark
                marks[path + (key,)] = (mark.line + offset, mark.column + 1)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, path + (key,), depth + 1)
        marks.pop(path + ("<key>",), None)
        return result

    def too_long(self, node: yaml.ScalarNode) -> str:
        line, col = self.loc(node)
        self.diagnostics.append(error(self.file, line, col, "KB042",
                                      f"a value of {len(node.value):,} characters; kbgen reads at most "
                                      f"{MAX_SCALAR_CHARS:,} (shorten it)"))
        return node.value[:MAX_SCALAR_CHARS]

    def bad_tag(self, node: yaml.Node) -> None:
        line, col = self.loc(node)
        tag = node.tag.replace(_TAG, "!!", 1)
        self.diagnostics.append(error(self.file, line, col, "KB021",
                                      f"YAML tag {tag!r} is not allowed; kbgen reads plain "
                                      "strings, numbers, lists and mappings only (remove the tag)"))
        return None


def _yaml_error_diag(exc: yaml.YAMLError, text: str, file: str, offset: int) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = (mark.line + 1 + offset) if mark else 1 + offset
    col = (mark.column + 1) if mark else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    lines = text.splitlines()
    bad = lines[line - offset - 1] if mark and 0 <= line - offset - 1 < len(lines) else ""
    if "\t" in problem or _TAB_INDENT.match(bad):
        tab_col = bad.index("\t") + 1 if "\t" in bad else col
        return error(file, line, tab_col, "KB005",
                     "a tab is used for indentation; YAML needs spaces (replace the tab with spaces)")
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = "; quote a value that contains ': '"
    elif "expected <block end>" in problem or "find expected" in problem:
        hint = "; check the indentation and closing quotes or brackets above this line"
    elif "found undefined alias" in problem:
        hint = "; define the anchor before using it, or write the value out"
    ctx = f" ({context})" if context else ""
    return error(file, line, col, "KB001", f"YAML syntax error: {problem}{ctx}{hint}")


def parse_yaml(text: str, file: str, line_offset: int = 0) -> LocatedDoc:
    """Parse one YAML document; problems come back as diagnostics, never exceptions.

    ``line_offset`` shifts every line (front matter starts below the ``---``).
    """
    # A node tree has ~10 tracked objects per scalar and none of them is
    # garbage until the tree is dropped; with the collector running, its
    # passes over the growing tree tripled the time of composing a 10,000-paper
    # file (8.2 s vs 2.8 s). Pause it while the tree is alive.
    with paused_gc():
        return _parse(text, file, line_offset)


def _parse(text: str, file: str, line_offset: int) -> LocatedDoc:
    doc = LocatedDoc(file)
    if not text:
        return doc  # every page without front matter asks; libyaml's set-up costs more than this
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        doc.diagnostics.append(_yaml_error_diag(exc, text, file, line_offset))
        return doc
    except (RecursionError, MemoryError):
        doc.diagnostics.append(error(file, 1 + line_offset, 1, "KB008",
                                     "the YAML is nested too deeply to read; flatten the structure"))
        return doc
    if root is None:
        return doc
    builder = _Builder(file, line_offset, aliases="&" in text, size=len(text))
    try:
        doc.value = builder.build(root, ())
    except _Abort as abort:
        doc.value = None
        builder.diagnostics.append(abort.diag)
    except RecursionError:
        doc.value = None
        builder.diagnostics.append(error(file, 1 + line_offset, 1, "KB008",
                                         "the YAML is nested too deeply to read; flatten the structure"))
    doc.marks = builder.marks
    doc.diagnostics.extend(builder.diagnostics)
    return doc
