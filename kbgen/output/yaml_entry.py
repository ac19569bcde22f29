"""YAML text of one entry (a paper ``kbgen import-bib`` and ``kbgen add`` append to papers.yaml).

PyYAML's emitter is pure Python and analyses every scalar character by
character: rendering 10,000 imported papers with it took half of the import.
An entry has a known shape, so this writer emits it directly: a block mapping
of scalars (strings, integers, booleans, ``None``), block lists of them, and
nested mappings or lists, laid out as people write papers.yaml (a list under
its key is indented by two more spaces, one value per line, never wrapped).

Only emitting, never parsing: reading papers.yaml stays libyaml's job, and
``tests/test_yaml_entry.py`` checks for arbitrary text that libyaml reads
back exactly what was written. A string is written

- plain when YAML reads it back as that same string: no indicator first
  (``- ? : , [ ] { } # & * ! | > ' " % @`` and backquote), no ``': '`` or
  ``' #'``, no space at either end, no line break or tab, only printable
  characters, and nothing the resolver would turn into another type
  (``yes``, ``null``, ``2020-01-01``, ``~``, ``<<``, ``=``, and YAML 1.2's ``1e3``);
- single-quoted (``'`` doubled) when it is printable and on one line;
- double-quoted with escapes otherwise (line breaks, tabs, control
  characters, U+FEFF, NEL and the Unicode line separators).

A lone surrogate cannot be written as YAML at all (libyaml rejects its escape):
it is a :class:`ValueError`, as is a value of another type.

>>> print(render_entry({"id": "x", "title": "A: B", "arxiv": "1706.03762", "authors": ["Ann", "yes"]}, 2), end="")
  - id: x
    title: 'A: B'
    arxiv: '1706.03762'
    authors:
      - Ann
      - 'yes'
>>> scalar("line\\nbreak\\x1b"), scalar("it's"), scalar("'quoted'"), scalar("")
('"line\\\\nbreak\\\\e"', "it's", "'''quoted'''", "''")
"""

from __future__ import annotations

import functools
import re
from typing import Any

from yaml.resolver import Resolver

__all__ = ["render_entry", "render_located", "scalar"]

# What libyaml reads as printable, less U+FEFF (a byte order mark) and the characters
# YAML 1.1 counts as line breaks (NEL, LS, PS), which would fold.
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_NOT_PRINTABLE = re.compile(f"[^{_PRINTABLE}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
            "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P",
            "\\": "\\\\", '"': '\\"'}
_TO_ESCAPE = re.compile(f'[^{_PRINTABLE}]|[\\\\"]')


def _escape(match: re.Match) -> str:
    char = match.group()
    named = _ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


# YAML 1.2 numbers that YAML 1.1 reads as strings (``1e3``, ``0o17``): an editor's YAML 1.2
# language server would read them as numbers, so they are quoted too.
_YAML12_NUMBER = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
                            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


_NUMBER_START = frozenset("-+.0123456789")


def _retyped(text: str) -> bool:
    """Whether a YAML reader takes ``text``, written plain, for something other than a string."""
    resolvers = Resolver.yaml_implicit_resolvers  # the very resolver libyaml's loader uses
    for first in (text[0], None):
        for _, regexp in resolvers.get(first, ()):
            if regexp.match(text):
                return True
    return text[0] in _NUMBER_START and _YAML12_NUMBER.fullmatch(text) is not None


def scalar(value: Any) -> str:
    """``value`` (str, int, bool or ``None``) as a one-line YAML scalar that reads back as itself."""
    if type(value) is str:
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(str(value))
    raise ValueError(f"cannot write a {type(value).__name__} as an entry's value: {value!r}")


# Names, venues and field names come back thousands of times in one import.
@functools.lru_cache(maxsize=1 << 16)
def _string(value: str) -> str:
    if (value and value[0] not in _INDICATORS and value[0] != " " and value[-1] not in " :"
            and ": " not in value and " #" not in value and not value.startswith("...")
            and _NOT_PRINTABLE.search(value) is None and not _retyped(value)):
        return value
    if _NOT_PRINTABLE.search(value) is None:
        return "'" + value.replace("'", "''") + "'"
    if _SURROGATE.search(value):
        raise ValueError(f"a lone surrogate cannot be written as YAML: {value!r}")
    return '"' + _TO_ESCAPE.sub(_escape, value) + '"'


Marks = dict[tuple, tuple[int, int]]


def _node_lines(value: dict | list, out: list[str], pad: str, marks: Marks | None = None, path: tuple = ()) -> None:
    """Append the lines of a non-empty block mapping or list, each starting with ``pad``.

    With ``marks``, record where libyaml will see each node, as :mod:`kbgen.parse.located`
    records it: ``path -> (line index in out, 1-based column)``, keys under ``path + (key, "<key>")``.
    """
    column = len(pad) + 1
    if marks is not None:
        marks[path] = (len(out), column)  # a mapping starts at its first key, a list at its first dash
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"an entry's keys are field names, not {key!r}")
            name = scalar(key)
            if marks is not None:
                marks[path + (key, "<key>")] = (len(out), column)
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{name}:")
                _node_lines(item, out, pad + "  ", marks, path + (key,))
            else:
                if marks is not None:
                    marks[path + (key,)] = (len(out), column + len(name) + 2)
                out.append(f"{pad}{name}: {_leaf(item)}")
        if marks is not None:
            marks.pop(path + ("<key>",), None)  # as the located parser does after a nested mapping
        return
    for i, item in enumerate(value):
        if isinstance(item, (dict, list)) and item:
            start = len(out)
            _node_lines(item, out, pad + "  ", marks, path + (i,))
            out[start] = f"{pad}- {out[start][len(pad) + 2:]}"  # the first line carries the dash
        else:
            if marks is not None:
                marks[path + (i,)] = (len(out), column + 2)
            out.append(f"{pad}- {_leaf(item)}")


def _leaf(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def render_entry(entry: dict[str, Any], indent: int) -> str:
    """``entry`` as one item of a YAML block list whose dash is at column ``indent``, ending in a newline."""
    out: list[str] = []
    _node_lines([entry] if entry else [], out, " " * indent)
    return "\n".join(out) + "\n" if out else " " * indent + "- {}\n"


def render_located(entry: dict[str, Any], indent: int) -> tuple[str, Marks]:
    """:func:`render_entry` and where each node of the entry is: ``path -> (line, column)``, the path
    relative to the entry (``()`` is the entry, ``("authors", 0)`` its first author), the line counted
    from 0 at the entry's first line; what :mod:`kbgen.parse.located` would record reading the text."""
    if not entry:
        return render_entry(entry, indent), {(): (0, indent + 3)}
    flat = _flat_located(entry, indent)
    if flat is not None:
        return flat
    out: list[str] = []
    marks: Marks = {}
    _node_lines([entry], out, " " * indent, marks)
    return "\n".join(out) + "\n", {path[1:]: mark for path, mark in marks.items() if path}


def _flat_located(entry: dict[str, Any], indent: int) -> tuple[str, Marks] | None:
    """:func:`render_located` of an entry of scalars and lists of scalars (every imported paper), or
    ``None`` for any other shape. The same lines and marks as :func:`_node_lines` gives, without its
    recursion and path tuples: that was a sixth of planning a 10,000-entry import."""
    pad = " " * (indent + 2)
    col = indent + 3
    out: list[str] = []
    marks: Marks = {(): (0, col)}
    for key, item in entry.items():
        if type(key) is not str or key == "<key>":
            return None
        name = scalar(key)
        marks[(key, "<key>")] = (len(out), col)
        if isinstance(item, list) and item:
            out.append(f"{pad}{name}:")
            marks[(key,)] = (len(out), col + 2)
            for i, value in enumerate(item):
                if isinstance(value, (dict, list)):
                    return None
                marks[(key, i)] = (len(out), col + 4)
                out.append(f"{pad}  - {scalar(value)}")
        elif isinstance(item, dict) and item:
            return None
        else:
            marks[(key,)] = (len(out), col + len(name) + 2)
            out.append(f"{pad}{name}: {_leaf(item)}")
    out[0] = f"{pad[:-2]}- {out[0][len(pad):]}"
    return "\n".join(out) + "\n", marks
