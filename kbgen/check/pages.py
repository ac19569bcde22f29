"""Every Markdown page, generic ones included: the metadata the theme prints, and what the build can chew.

Material prints a page's ``title``, ``description`` and ``author`` into the
HTML head and the nav without escaping them, and iterates ``hide``; MkDocs
reads the metadata from YAML front matter or, without it, from
MultiMarkdown-style ``Key: value`` lines at the top. So for every page:

- MultiMarkdown-style metadata is an error (KB027): use YAML front matter;
- the front matter of a generic page (``index.md``, ``contributing.md``,
  anything outside the entity folders, whose front matter no model checks)
  must be a mapping of the keys in :data:`PAGE_KEYS`, each of its shape
  (KB006, KB008); entity pages are checked by their models;
- a title, description or author with script in it is KB020;
- the body stays inside what Python-Markdown handles: at most
  :data:`MAX_PAGE_CHARS` characters, :data:`MAX_NESTING` levels of lists,
  quotes or HTML, and :data:`MAX_INLINE_WORK` of inline work (KB042).

The last is a bound on time, not memory. Python-Markdown scans forward from
every unclosed ``[``, so 20,000 of them in one paragraph take 142 s: its
inline cost grows with the markup characters of a run of text times the
run's length. And its HTML-block parser reads the rest of the document again
for every start tag that no later ``>`` closes, so 12,800 lines ``<a x``
(64 KB) take 49 s: that cost is the rest of the text after each of them.
Both are counted, in units of about 0.15 microseconds of Python-Markdown.
"""

from __future__ import annotations

import re
from typing import Any

from kbgen.check.unsafe import find_unsafe
from kbgen.core.diagnostics import Diagnostic, error, suggest
from kbgen.parse.sources import PageSource, Sources

#: Largest Markdown page body (a summary is ~10,000 characters, the format reference ~40,000).
MAX_PAGE_CHARS = 1_000_000
#: Deepest nesting of lists (by indentation), block quotes or HTML elements; Python-Markdown
#: recurses per level and fails at about 300.
MAX_NESTING = 40
#: Markup characters times the length of their run of text, summed over a page (about 1 s of
#: Python-Markdown at worst; the example's costliest page is at 70,000).
MAX_INLINE_WORK = 5_000_000

_HIDE = ("navigation", "toc", "footer", "feedback", "path", "tags")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ICON = re.compile(r"^[a-z0-9-]+(?:/[a-z0-9-]+)+$")


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _hide(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v in _HIDE for v in value):
        return None
    return "a list of " + ", ".join(_HIDE)


def _search(value: Any) -> str | None:
    shape = "a mapping with 'exclude: true|false' and/or 'boost: <number>'"
    if not isinstance(value, dict) or not set(value) <= {"exclude", "boost"}:
        return shape
    if "exclude" in value and not isinstance(value["exclude"], bool):
        return shape
    boost = value.get("boost", 1)
    if isinstance(boost, bool) or not isinstance(boost, (int, float)) or not 0 < boost <= 100:
        return shape
    return None


def _tags(value: Any) -> str | None:
    return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "a list of strings"


def _slug(value: Any) -> str | None:
    return None if isinstance(value, str) and _SLUG.match(value) else "a lowercase word such as 'new'"


def _icon(value: Any) -> str | None:
    return None if isinstance(value, str) and _ICON.match(value) else "an icon name such as 'material/book'"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


#: The front-matter keys of a generic page and the shape each must have.
PAGE_KEYS = {"title": _string, "description": _string, "author": _string, "subtitle": _string,
             "hide": _hide, "search": _search, "tags": _tags, "status": _slug, "icon": _icon, "comments": _bool}
#: Keys whose text the theme prints raw into the page.
_PRINTED = ("title", "description", "author", "subtitle")


def check_pages(sources: Sources) -> list[Diagnostic]:
    """Metadata and body limits of every page (see the module docs)."""
    found: list[Diagnostic] = []
    for page in sources.pages:
        found += check_multimarkdown(page)
        if page.kind == "page" and page.has_front_matter and page.front.value is not None:
            found += check_front_matter(page)
        found += check_body(page)
    return found


def check_multimarkdown(page: PageSource) -> list[Diagnostic]:
    """KB027 for ``Key: value`` lines that MkDocs would take as metadata (and drop from the page)."""
    if not page.mmd_meta:
        return []
    keys = ", ".join(sorted(page.mmd_meta))
    line = min(line for _, line in page.mmd_meta.values())
    return [error(page.file, line, 1, "KB027",
                  f"MkDocs reads the first lines ({keys}) as MultiMarkdown metadata and drops them from "
                  "the page; put the fields in YAML front matter between '---' lines, or start the page "
                  "with a heading or a blank line")]


def check_front_matter(page: PageSource) -> list[Diagnostic]:
    """The front matter of a generic page: a mapping of :data:`PAGE_KEYS`, each of its shape."""
    doc = page.front
    value = doc.value
    if not isinstance(value, dict):
        line, col = doc.mark(())
        return [error(page.file, line, col, "KB008", "front matter must be a mapping of fields (title: ...)")]
    found: list[Diagnostic] = []
    for key, item in value.items():
        shape = PAGE_KEYS.get(key)
        if shape is None:
            line, col = doc.key_mark((key,))
            why = ("a page cannot choose the theme's template" if key == "template"
                   else "known keys: " + ", ".join(PAGE_KEYS))
            found.append(error(page.file, line, col, "KB006",
                               f"unknown front-matter key {key!r} ({why}){suggest(str(key), list(PAGE_KEYS))}"))
            continue
        expected = shape(item)
        line, col = doc.mark((key,))
        if expected is not None:
            found.append(error(page.file, line, col, "KB008", f"'{key}' must be {expected}"))
        elif key in _PRINTED:
            unsafe = find_unsafe(item)
            if unsafe is not None:
                found.append(error(page.file, line, col, "KB020", f"'{key}' holds {unsafe[1]}; remove it"))
    return found


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_QUOTES = re.compile(r"^(?:[ \t]*>)+")
_BLOCK_START = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#|>|\||!!!|\?\?\?|<)")
_MARKUP = re.compile(r"[\[\]()<>`*_~$!^{}\\&]")
_START_TAG = re.compile(r"<[A-Za-z]")


def check_body(page: PageSource) -> list[Diagnostic]:
    """KB042 when the body is too large, too deeply nested, or too costly for Python-Markdown."""
    body = page.body
    if len(body) > MAX_PAGE_CHARS:
        return [error(page.file, page.body_line, 1, "KB042",
                      f"the page has {len(body):,} characters; kbgen builds pages of at most "
                      f"{MAX_PAGE_CHARS:,} (split it)")]
    found: list[Diagnostic] = []
    depth = 0
    fence: str | None = None
    work = 0
    run_start, run_chars, run_markup = 0, 0, 0
    worst = (0, page.body_line)
    offset, last_gt = 0, -1
    tag_starts: list[tuple[int, int]] = []  # (offset, line) of each "<letter" outside code

    def close_run() -> None:
        nonlocal work, worst
        cost = run_chars * run_markup
        work += cost
        if cost > worst[0]:
            worst = (cost, run_start)

    for number, line in enumerate(body.split("\n"), start=page.body_line):
        here, offset = offset, offset + len(line) + 1
        if fence is not None:
            if line.lstrip().startswith(fence):
                fence = None
            continue
        if "<" in line:
            tag_starts.extend((here + m.start(), number) for m in _START_TAG.finditer(line))
        if ">" in line:
            last_gt = here + line.rindex(">")
        opened = _FENCE.match(line)
        if opened:
            close_run()
            run_chars = run_markup = 0
            fence = opened.group(1)
            continue
        problem = _nesting(line)
        if problem is not None and not found:
            found.append(error(page.file, number, 1, "KB042", problem))
        for closing, name, self_closing in _TAG.findall(line):
            name = name.lower()
            if name in _VOID or self_closing:
                continue
            depth = max(depth - 1, 0) if closing else depth + 1
            if depth > MAX_NESTING and not found:
                found.append(error(page.file, number, 1, "KB042",
                                   f"HTML elements nested deeper than {MAX_NESTING} levels; flatten them"))
        if not line.strip() or _BLOCK_START.match(line):
            close_run()
            run_start, run_chars, run_markup = number, 0, 0
        run_chars += len(line) + 1
        run_markup += len(_MARKUP.findall(line))
    close_run()
    for at, number in tag_starts:
        if at > last_gt:  # no ">" after it: the HTML parser reads the rest again
            cost = offset - at
            work += cost
            if cost > worst[0]:
                worst = (cost, number)
    if work > MAX_INLINE_WORK:
        found.append(error(page.file, worst[1], 1, "KB042",
                           f"too much markup for Markdown to parse in reasonable time ({work:,} units, at most "
                           f"{MAX_INLINE_WORK:,}); most of it from the text starting here: unclosed brackets, "
                           "parentheses, emphasis or HTML tags (escape them, or split the paragraphs)"))
    return found


def _nesting(line: str) -> str | None:
    indent = len(line) - len(line.lstrip(" \t"))
    if indent and line[:indent].expandtabs(4).count(" ") > 4 * MAX_NESTING:
        return f"indented more than {MAX_NESTING} levels (lists nested too deeply); flatten them"
    quotes = _QUOTES.match(line)
    if quotes and quotes.group(0).count(">") > MAX_NESTING:
        return f"block quotes nested deeper than {MAX_NESTING} levels; flatten them"
    return None
