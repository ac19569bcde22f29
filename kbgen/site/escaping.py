"""Escaping of knowledge-base values for the two languages pages are written in.

Generated pages are Markdown with some HTML in them (``md_in_html``). A title
such as ``<script>alert(1)</script> *and* [x](y) | z`` must reach the reader
as that text, so:

- :func:`escape_html` is for attribute values and text inside raw HTML;
- :func:`escape_markdown` is for text placed where Markdown is parsed: it
  HTML-escapes ``<``, ``>`` and ``&`` (Markdown passes entities through) and
  replaces every character Markdown or its extensions give a meaning to
  (emphasis, links, tables, headings, math, footnotes...) by a numeric
  character reference, which every Markdown implementation renders as the
  character itself;
- :func:`safe_url` lets only http(s) URLs through.

>>> str(escape_markdown("<b>*x*</b> [a](b) | c"))
'&lt;b&gt;&#42;x&#42;&lt;/b&gt; &#91;a&#93;&#40;b&#41; &#124; c'
>>> str(escape_markdown("1. Intro - part 2"))
'1&#46; Intro - part 2'
>>> safe_url("javascript:alert(1)") is None
True
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup

# Characters with a meaning in Python-Markdown, pymdownx or MkDocs' Markdown
# (emphasis, code, links, tables, attr_list, math, abbreviations, smart symbols).
_MARKDOWN_SPECIAL = "\\`*_{}[]()#|~^=$"
_MARKDOWN_TABLE = {ord(c): f"&#{ord(c)};" for c in _MARKDOWN_SPECIAL}
# Quotes too, so the same text is safe in an HTML attribute value.
_MARKDOWN_TABLE.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&#34;"})
_LIST_START = re.compile(r"^(\d*)([-+.)])")
_WHITESPACE = re.compile(r"\s+")
_SAFE_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def escape_html(value: object) -> Markup:
    """HTML-escape a value for text or a quoted attribute value.

    >>> str(escape_html('a "b" <c>'))
    'a &#34;b&#34; &lt;c&gt;'
    """
    return Markup.escape("" if value is None else str(value))


def escape_markdown(value: object) -> Markup:
    """Escape a value so Markdown renders it as plain text on one line.

    Line breaks become spaces: a value never starts a new block (a heading,
    a list, a table row).

    >>> str(escape_markdown("# 1. Title_with_underscores"))
    '&#35; 1. Title&#95;with&#95;underscores'
    """
    return _escape_markdown("" if value is None else str(value))


# Titles and names recur on many pages (every link list that names the entry).
@lru_cache(maxsize=1 << 16)
def _escape_markdown(value: str) -> Markup:
    text = _WHITESPACE.sub(" ", value).strip()
    text = text.translate(_MARKDOWN_TABLE)
    # A value may end up at the start of a line: keep it from opening a list.
    text = _LIST_START.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text, count=1)
    return Markup(text)


def safe_url(value: object) -> str | None:
    """The URL when it is a plain http(s) URL, else ``None``.

    >>> safe_url("https://arxiv.org/abs/1706.03762")
    'https://arxiv.org/abs/1706.03762'
    >>> safe_url("data:text/html,x") is None
    True
    """
    if not isinstance(value, str) or not _SAFE_URL.match(value.strip()):
        return None
    return value.strip()


def escape_url(value: object) -> Markup:
    """A safe URL, escaped for an HTML attribute and a Markdown link target.

    Parentheses, spaces and angle brackets are percent-encoded so the URL
    cannot end a Markdown link early; unsafe URLs become ``""``.

    >>> str(escape_url("https://example.org/a_(b)"))
    'https://example.org/a_%28b%29'
    """
    url = safe_url(value)
    if url is None:
        return Markup("")
    for char, code in (("(", "%28"), (")", "%29"), (" ", "%20"), ("<", "%3C"), (">", "%3E"),
                       ('"', "%22"), ("'", "%27")):
        url = url.replace(char, code)
    return Markup(html.escape(url, quote=True))


def escape_code_block(value: object) -> str:
    """Text for a fenced code block: fences inside cannot close the block early.

    >>> escape_code_block("a\\n```\\nb")
    'a\\n` ``\\nb'
    """
    text = "" if value is None else str(value)
    return re.sub(r"^(\s*)(`{3,}|~{3,})", lambda m: m.group(1) + m.group(2)[0] + " " + m.group(2)[1:],
                  text, flags=re.MULTILINE)


def highlight_code(text: str, language: str) -> Markup:
    """A code block as pymdownx.highlight writes it by default (Pygments classes, in ``<code>``).

    >>> highlight_code("@misc{a}", "bibtex").startswith('<div class="highlight"><pre><span></span><code>')
    True
    """
    import pygments

    lexer, formatter = _highlighter(language)
    return Markup(pygments.highlight(text, lexer, formatter).rstrip("\n"))


@lru_cache(maxsize=8)
def _highlighter(language: str):
    # Made once: a new HtmlFormatter builds its whole stylesheet (3 ms a paper page).
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    return get_lexer_by_name(language), HtmlFormatter(wrapcode=True)


#: Front-matter keys the theme prints into the page raw (Material's <title>, header, nav and <meta>).
PRINTED_META = ("title", "description", "author", "subtitle", "status")
#: Front-matter keys that choose how a page is built, never honoured from content.
_REFUSED_META = ("template", "location")


def escape_meta(meta: dict) -> dict:
    """A page's metadata as the theme may print it: printed strings HTML-escaped, other shapes dropped.

    Material prints ``title``, ``description`` and ``author`` unescaped, and a
    list-valued title reached the nav as it was; ``template`` would let a page
    pick a theme template. Used by the export for every page (and fit for the
    plugin's ``on_page_markdown``).

    >>> escape_meta({"title": '<img src=x onerror="alert(1)">', "description": ["x"], "template": "a.html", "n": 1})
    {'title': '&lt;img src=x onerror=&#34;alert(1)&#34;&gt;', 'n': 1}
    """
    out = {}
    for key, value in meta.items():
        if key in _REFUSED_META:
            continue
        if key in PRINTED_META:
            if not isinstance(value, str):
                continue
            value = str(escape_html(value))
        elif key == "hide" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            continue
        out[key] = value
    return out
