"""HTML tags and URLs in Markdown text as a browser reads them: canonical tags, neutral schemes.

The two halves of :mod:`kbgen.site.markdown_sanitizer` that work on raw
characters: :func:`rewrite_tags` turns every tag into the allowlist's
canonical form (or escapes its ``<``), following the HTML5 tokenizer's
rules for names, quotes and attribute separators; :func:`neutralise_schemes`
prefixes ``#unsafe-`` to executing URL schemes (the URL becomes a
fragment of the page), seen through character
references and the tabs and newlines a browser strips from URLs.

>>> rewrite_tags('<IMG SRC=x alt=">" OnError=alert(1)>', False)
'<img src="x" alt="&gt;">'
>>> neutralise_schemes("[a](java&Tab;script:x)")
'[a](#unsafe-java&Tab;script:x)'
"""

from __future__ import annotations

import bisect
import html
import re

from kbgen.site.sanitize import TAGS, URL_ATTRIBUTES, URL_SCHEMES, attribute_allowed

_TAG_NAME = re.compile(r"(/?)([A-Za-z][^\s/>]*)")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_SPACE = re.compile(r"[\s/]*")
_BLANKS = re.compile(r"\s*")
_UNQUOTED = re.compile(r"[^\s>]*")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_JUNK = re.compile(r"[\t\n\r]")
OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*assets/kbgen/[A-Za-z0-9_./-]+\.js"></script>')
#: Attributes Markdown extensions read: md_in_html's ``markdown`` on any element.
_MARKDOWN_ATTRIBUTES = frozenset({"markdown"})
_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*$", re.IGNORECASE)


def _escape_value(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _url_ok(value: str) -> bool:
    """Whether a URL attribute may stay: relative, or one of :data:`URL_SCHEMES`, as a browser reads it."""
    url = _URL_JUNK.sub("", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                          "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    m = _SCHEME.match(url)
    return m is None or m.group(1).lower() in URL_SCHEMES


def parse_tag(text: str, start: int) -> tuple[str, str, list, int] | None:
    """``(closing, name, attributes, end)`` of the tag at ``text[start] == '<'`` by the HTML5 rules; ``None`` if unclosed."""
    m = _TAG_NAME.match(text, start + 1)
    if m is None:
        return None
    closing, name = m.group(1), m.group(2).lower()
    pos, n = m.end(), len(text)
    attrs: list[tuple[str, str | None, str | None]] = []
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= n:
            return None  # never closed
        if text[pos] == ">":
            pos += 1
            break
        a = _ATTR_NAME.match(text, pos)
        attr, pos = a.group(0).lower(), a.end()
        pos = _BLANKS.match(text, pos).end()
        value = raw = None
        if pos < n and text[pos] == "=":
            pos = _BLANKS.match(text, pos + 1).end()
            if pos < n and text[pos] in "\"'":
                end = text.find(text[pos], pos + 1)
                if end < 0:
                    return None
                value, pos = text[pos + 1:end], end + 1
                if text[pos - 1] == '"' and not set(value) & set('<>"'):
                    raw = value  # already unambiguous: kept as written
            else:
                u = _UNQUOTED.match(text, pos)
                value, pos = u.group(0), u.end()
            value = html.unescape(value)
        attrs.append((attr, value, raw))
    return closing, name, attrs, pos


def canonical_tag(text: str, start: int) -> tuple[str | None, int]:
    """The canonical form of the tag at ``text[start] == '<'`` and where it ends; ``None`` to escape the ``<``."""
    parsed = parse_tag(text, start)
    if parsed is None:
        return None, start + 1  # never closed: escape the "<", the rest is text
    closing, name, attrs, pos = parsed
    if name not in TAGS:
        return None, start + 1
    if closing:
        return f"</{name}>", pos
    kept: list[str] = []
    seen: set[str] = set()
    for attr, value, raw in attrs:
        if attr in seen:
            continue  # a browser keeps the first
        seen.add(attr)
        if attr not in _MARKDOWN_ATTRIBUTES and not attribute_allowed(name, attr):
            continue
        if value is not None and attr in URL_ATTRIBUTES and not _url_ok(value):
            continue
        if attr == "style" and (value is None or not _TEXT_ALIGN.match(value)):
            continue
        if value is not None:
            # "$" as a reference: two of them in tags could otherwise pair up as a math span on a second pass.
            text_value = (raw if raw is not None else _escape_value(value)).replace("$", "&#36;")
        kept.append(attr if value is None else f'{attr}="{text_value}"')
    return "<" + " ".join([name, *kept]) + ">", pos


def rewrite_tags(text: str, kbgen_scripts: bool) -> str:
    out: list[str] = []
    i = 0
    while True:
        j = text.find("<", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        if text.startswith("<!--", j):
            end = text.find("-->", j + 4)
            if end < 0:
                out.append("&lt;")
                i = j + 1
            else:
                i = end + 3
            continue
        if kbgen_scripts:
            own = OWN_SCRIPT.match(text, j)
            if own:
                out.append(own.group(0))
                i = own.end()
                continue
        nxt = text[j + 1:j + 2]
        if not (nxt.isascii() and (nxt.isalpha() or nxt in "/!?")):
            out.append("<")  # "a < b", "<3": never a tag, in HTML or in Markdown
            i = j + 1
            continue
        canonical, end = canonical_tag(text, j)
        out.append("&lt;" if canonical is None else canonical)
        i = end


_REFERENCE = re.compile(r"&(#[0-9]{1,10};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
#: An executing scheme where a URL can start: after "(", "<", a quote, "=", or a reference's "]:",
#: with the spaces and controls a browser strips from a URL's start in between.
_EXECUTING = re.compile(r"(?:javascript|vbscript|livescript|data):")
#: Put before an executing scheme: the URL becomes a fragment of the page itself, which does nothing.
NEUTRAL_PREFIX = "#unsafe-"
_URL_STARTERS = "(<\"'=:]"


def neutralise_schemes(text: str) -> str:
    """Prefix ``#unsafe-`` to every executing scheme, as a browser would decode and strip it (see the module docs)."""
    lowered = text.lower()
    if "script" not in lowered and "data" not in lowered and "&" not in text:
        return text
    flat, starts, origins = _flatten(text)
    inserts = set()
    for m in _EXECUTING.finditer(flat):
        k = m.start() - 1
        while k >= 0 and flat[k] <= " ":  # what a browser strips from a URL's start
            k -= 1
        if k >= 0 and flat[k] in _URL_STARTERS:
            piece = bisect.bisect_right(starts, m.start()) - 1
            origin, raw = origins[piece]
            inserts.add(origin + (m.start() - starts[piece]) if raw else origin)
    for at in sorted(inserts, reverse=True):
        text = text[:at] + NEUTRAL_PREFIX + text[at:]
    return text


_LINE_BREAKS = re.compile(r"[^\t\n\r]+")
_NO_BREAKS = str.maketrans("", "", "\t\n\r")


def _flatten(text: str) -> tuple[str, list[int], list[tuple[int, bool]]]:
    """``text`` as a browser reads a URL in it: references decoded, tabs and line breaks gone, lower case.

    Returns the flat text, where each of its pieces starts in it, and each
    piece's origin in ``text`` with whether it is raw text (its characters map
    one to one) or a decoded reference (all of it maps to the ``&``). Pieces,
    not characters: a page of generated HTML has thousands of references and
    lines but a hundred thousand characters.
    """
    parts: list[str] = []
    starts: list[int] = []
    origins: list[tuple[int, bool]] = []
    length = 0

    def add(piece: str, origin: int, raw: bool) -> None:
        nonlocal length
        if raw and len(piece.lower()) != len(piece):  # a character whose lower case is longer: one by one
            for offset, ch in enumerate(piece):
                add(ch.lower(), origin + offset, False)
            return
        piece = piece.lower()
        if piece:
            parts.append(piece)
            starts.append(length)
            origins.append((origin, raw))
            length += len(piece)

    def add_raw(start: int, end: int) -> None:
        for m in _LINE_BREAKS.finditer(text, start, end):
            add(m.group(0), m.start(), True)

    pos = 0
    for m in _REFERENCE.finditer(text):
        add_raw(pos, m.start())
        add(html.unescape(m.group(0)).translate(_NO_BREAKS), m.start(), False)
        pos = m.end()
    add_raw(pos, len(text))
    return "".join(parts), starts, origins
