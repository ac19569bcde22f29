"""Script in contributed text: the validator's blocklist of unsafe HTML and URLs.

A second line of defence sits behind it: the allowlist sanitiser that runs on
every page's HTML (:mod:`kbgen.site.sanitize`).
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable


def iter_strings(name: str, value: Any) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield (name,), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (name, i), item


# Bounded repetition keeps these linear on multi-megabyte text.
_UNSAFE = [
    (re.compile(r"<\s*(script|iframe|object|embed|frame|frameset|base|meta)\b", re.I),
     "raw <{0}> element"),
    # Browsers split attributes on '/' and after a closing quote too: <svg/onload=...>, <img src="x"onerror=...>;
    # a quoted value may hold '>' (<img alt=">" onerror=...>).
    (re.compile(r"<[a-z](?:[^<>\"']|\"[^\"]{0,4000}\"|'[^']{0,4000}'){0,4000}?(?:[\s/]|(?<=[\"']))(on[a-z]{3,30})\s*=",
                re.I), "event-handler attribute '{0}='"),
    # attr_list sets attributes too: {: onclick=... }.
    (re.compile(r"\{:?[^{}\n]{0,4000}?(?<![\w-])(on[a-z]{3,30})\s*=", re.I),
     "event-handler attribute '{0}=' in an attribute list"),
    (re.compile(r"(?:\]\(\s*<?|\]:\s*<?|\b(?:href|src|action|formaction)\s*=\s*[\"']?\s*|<)"
                r"\s*((?:java|vb)script|data)\s*:", re.I), "'{0}:' URL"),
]
_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$|`[^`\n]{0,4000}`", re.M | re.S)


def iter_unsafe(text: str) -> Iterable[tuple[int, str]]:
    """Offsets and messages of unsafe HTML or URLs in Markdown, outside code.

    >>> [m for _, m in iter_unsafe("ok `<script>` then <script>x</script>")]
    ['raw <script> element']
    """
    if "<" not in text and (":" not in text or ("]" not in text and "=" not in text)):
        return  # each pattern needs a "<", or a ":" and one of "]" or "="
    masked = _CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text or "~~~" in text else text
    for pattern, message in _UNSAFE:
        for match in pattern.finditer(masked):
            yield match.start(), message.format(match.group(1).lower())
    if "&" in masked:
        yield from _encoded_schemes(masked)


_REFERENCE = re.compile(r"&(?:#[0-9]{1,10};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_URL_START = re.compile(r"(?:\]\(|\]:|\b(?:href|src|action|formaction)\s*=|<)\s*[\"'<]?[\x00-\x20]*"
                        r"((?:java|vb|live)script|data):", re.I)


def _encoded_schemes(text: str) -> Iterable[tuple[int, str]]:
    """Schemes spelled with character references or tabs (``&#106;avascript:``), as a browser decodes them."""
    view: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _REFERENCE.finditer(text):
        view.extend(text[pos:m.start()])
        where.extend(range(pos, m.start()))
        decoded = html.unescape(m.group(0))
        view.extend(decoded)
        where.extend([m.start()] * len(decoded))
        pos = m.end()
    view.extend(text[pos:])
    where.extend(range(pos, len(text)))
    kept = [(ch, at) for ch, at in zip(view, where) if ch not in "\t\n\r"]
    flat = "".join(ch for ch, _ in kept)
    if flat == text:
        return
    for match in _URL_START.finditer(flat):
        start = kept[match.start(1)][1]
        if not text[start:].lower().startswith(match.group(1).lower() + ":"):  # only what the plain scan missed
            yield start, f"'{match.group(1).lower()}:' URL hidden by character references"


_SCRIPT_URL = re.compile(r"^\s*(?:java|vb)script\s*:")
_DATA_URL = re.compile(r"^\s*data\s*:[a-z]+/")


def find_unsafe(text: str) -> tuple[int, str] | None:
    """The first unsafe construct in a metadata string, or None."""
    if "<" not in text and ":" not in text:
        return None
    lowered = text.lower()
    if _SCRIPT_URL.search(lowered) or _DATA_URL.search(lowered):
        return 0, "a javascript:/data: URL is not allowed"
    return next(iter(iter_unsafe(text)), None)
