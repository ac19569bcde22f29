"""BibTeX values: braces, quotes, numbers, ``@string`` macros and ``#`` concatenation, with a budget.

:func:`evaluate_value` is what BibTeX does to a field's raw text before any
LaTeX is decoded (:mod:`kbgen.parse.bibtex` calls it for every field and
``@string``). Concatenation can double a value per line, so its length is
bounded by :data:`MAX_VALUE_CHARS`.
"""

from __future__ import annotations

import re
from typing import Mapping

__all__ = ["MAX_VALUE_CHARS", "ValueTooLong", "evaluate_value"]

#: The longest value kbgen evaluates (an abstract is a few thousand characters): ``@string``
#: concatenation doubles a value per line, so a 703-byte file asked for 2^40 characters.
MAX_VALUE_CHARS = 100_000


class ValueTooLong(ValueError):
    """A value would be longer than :data:`MAX_VALUE_CHARS` once its macros are expanded."""


_BRACE_RE = re.compile(r"(?<!\\)[{}]")
_QUOTE_OR_BRACE_RE = re.compile(r'(?<!\\)[{}"]')
_WORD_RE = re.compile(r'[^\s#{}"]+')


def evaluate_value(raw: str, macros: Mapping[str, str]) -> tuple[str, list[str]]:
    """Evaluate a raw BibTeX value: braces, quotes, numbers, macros and ``#``.

    Returns the value (inner braces kept, for LaTeX decoding) and the names of
    undefined macros, which are kept as text. Raises :class:`ValueTooLong`
    rather than build a value over :data:`MAX_VALUE_CHARS` characters.

    >>> evaluate_value('acl # " 2019" # {, {ACL}}', {"acl": "Proc. of ACL"})
    ('Proc. of ACL 2019, {ACL}', [])
    >>> evaluate_value("jun", {"jun": "June"})
    ('June', [])
    """
    raw = raw.strip()
    if len(raw) > MAX_VALUE_CHARS + 2:
        raise ValueTooLong(len(raw))
    if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}" and _encloses_all(raw):
        return raw[1:-1], []  # by far the most common form: one braced value
    parts: list[str] = []
    undefined: list[str] = []
    pos, n, size = 0, len(raw), 0
    while pos < n:
        ch = raw[pos]
        if ch.isspace() or ch == "#":
            pos += 1
            continue
        if ch == "{":
            end = _closing_brace(raw, pos)
            parts.append(raw[pos + 1:end])
            pos = end + 1
        elif ch == '"':
            end = _closing_quote(raw, pos)
            parts.append(raw[pos + 1:end])
            pos = end + 1
        else:
            m = _WORD_RE.match(raw, pos)
            word = m.group(0) if m else raw[pos]
            pos += len(word)
            parts.append(_expand(word, macros, undefined))
        size += len(parts[-1])
        if size > MAX_VALUE_CHARS:
            raise ValueTooLong(size)
    return "".join(parts), undefined


def _expand(word: str, macros: Mapping[str, str], undefined: list[str]) -> str:
    """A bare word in a value is a number or a macro name."""
    if word.isdigit():
        return word
    value = macros.get(word.lower())
    if value is None:
        undefined.append(word)
        return word
    return value


def _encloses_all(value: str) -> bool:
    """Whether the brace at ``value[0]`` is closed by the one at ``value[-1]``."""
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner:
        return True
    return _closing_brace(value, 0) == len(value) - 1


def _closing_brace(text: str, start: int) -> int:
    """Index of the brace closing the one at ``start`` (the end of text if unbalanced)."""
    depth = 0
    for m in _BRACE_RE.finditer(text, start):
        depth += 1 if m.group(0) == "{" else -1
        if depth == 0:
            return m.start()
    return len(text)


def _closing_quote(text: str, start: int) -> int:
    """Index of the ``"`` closing the one at ``start``; quotes inside braces do not count."""
    depth = 0
    for m in _QUOTE_OR_BRACE_RE.finditer(text, start + 1):
        ch = m.group(0)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return m.start()
    return len(text)
