"""Parsing a knowledge base's inputs: bytes in, located documents and diagnostics out.

:func:`parse_sources` takes the bytes of every input (read by
:mod:`kbgen.io.files`) and returns them parsed, with locations: papers.yaml,
the front matter and body of every Markdown page, content/topics.yaml,
content/paths/*.yaml and every .bib file, plus a diagnostic for anything that
cannot be read. It never touches the file system.

>>> s = parse_sources(".", [("papers.yaml", b"papers:\\n  - id: vit\\n")])
>>> s.papers.value, s.diagnostics
({'papers': [{'id': 'vit'}]}, [])
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kbgen.core.diagnostics import Diagnostic, error
from kbgen.core.kinds import CONTENT_DIR, PAPERS_FILE, PATHS_DIR, TOPICS_FILE, kind_of_file
from kbgen.parse.located import LocatedDoc, parse_yaml

_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t\r]*$", re.MULTILINE)
#: How MkDocs 1.6 finds metadata (mkdocs.utils.meta.get_data): YAML between ``---`` lines, else
#: MultiMarkdown ``Key: value`` lines at the top. Mirrored here, so that the checks see the
#: metadata the theme prints; tests/test_sources.py compares both on generated text.
_MKDOCS_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MKDOCS_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MKDOCS_META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")
SITE_CONFIG = "mkdocs.yml"
#: The kbgen plugin's option (in mkdocs.yml) that admits other files under content/.
STATIC_OPTION = "static_files"


@dataclass
class PageSource:
    """A Markdown file: its front matter (located) and its body."""

    file: str  # path relative to the root, POSIX separators
    kind: str  # summary | concept | story | resource | page
    id: str  # file name without .md
    front: LocatedDoc
    body: str = ""
    body_line: int = 1  # 1-based line of the body's first line
    has_front_matter: bool = False
    #: MultiMarkdown-style metadata MkDocs would read from the top of the page: key -> (value, line).
    mmd_meta: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class BibSource:
    """A BibTeX file, parsed into records (see :mod:`kbgen.bibtex`)."""

    file: str
    records: list[Any] = field(default_factory=list)


@dataclass
class Sources:
    """Everything read from one knowledge-base root."""

    root: Path
    papers: LocatedDoc | None = None
    topics: LocatedDoc | None = None
    paths: list[LocatedDoc] = field(default_factory=list)
    pages: list[PageSource] = field(default_factory=list)
    bibs: list[BibSource] = field(default_factory=list)
    #: Every other file under content/ (images, stray files): its bytes when read (SVG), else b"".
    static: dict[str, bytes] = field(default_factory=dict)
    #: The patterns of mkdocs.yml's ``plugins: [kbgen: {static_files: [...]}]``, with their lines.
    static_allow: list[tuple[str, int]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: relative path -> sha256 of its bytes, for every input (the cache key).
    hashes: dict[str, str] = field(default_factory=dict)

    def input_files(self) -> list[Path]:
        """Absolute paths of every input, e.g. for ``mkdocs serve`` to watch."""
        return [Path(self.root) / rel for rel in sorted(self.hashes)]


def decode_text(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (a BOM is fine); say which byte is wrong otherwise.

    >>> decode_text(b"a\\nb\\xe9", "x.md")[1][0].message.split(";")[0]
    'byte 0xe9 at offset 3 is not valid UTF-8'
    """
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return None, [error(file, line, col, "KB002",
                            f"byte 0x{data[start]:02x} at offset {start} is not valid UTF-8; "
                            "save the file as UTF-8")]


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """Split Markdown into (front matter, its first line, body, body's first line).

    Front matter is the YAML between a first line ``---`` and the next ``---``
    (or ``...``). Returns ``None`` for the front matter when there is none, and
    ``""`` as the body-start line marker when it is not closed.

    >>> split_front_matter("---\\ntitle: X\\n---\\nHello\\n")
    ('title: X\\n', 2, 'Hello\\n', 4)
    """
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if first.rstrip() != "---":
        return None, 0, text, 1
    rest_start = first_nl + 1 if first_nl >= 0 else len(text)
    end = _FRONT_MATTER_END.search(text, rest_start)
    if end is None:
        return text[rest_start:], 2, "", -1
    front = text[rest_start:end.start()]
    body_start = text.find("\n", end.end())
    body = "" if body_start < 0 else text[body_start + 1:]
    body_line = text.count("\n", 0, end.start()) + 2
    return front, 2, body, body_line


def _decode_into(sources: Sources, rel: str, data: bytes) -> str | None:
    """Decode ``data``; an encoding problem becomes a diagnostic of ``sources``."""
    text, diags = decode_text(data, rel)
    sources.diagnostics.extend(diags)
    return text


def _read_yaml(rel: str, data: bytes, sources: Sources) -> LocatedDoc | None:
    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    if not text.strip():
        sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file is empty; add content or delete it"))
        return None
    doc = parse_yaml(text, rel)
    sources.diagnostics.extend(doc.diagnostics)
    if doc.value is None and not doc.diagnostics:
        sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file holds only comments; add content or delete it"))
        return None
    return doc


def _read_page(rel: str, data: bytes, sources: Sources) -> PageSource | None:
    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    found = kind_of_file(rel)
    kind = found.name if found is not None else "page"
    page_id = rel.rpartition("/")[2][:-3]
    if not text.strip():
        if kind != "page":
            sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file is empty; run 'kbgen new' for a skeleton"))
        return None
    front, front_line, body, body_line = split_front_matter(text)
    page = PageSource(rel, kind, page_id, parse_yaml("", rel), body, max(body_line, 1))
    page.mmd_meta = multimarkdown_meta(text)
    if front is None:
        if kind != "page":
            sources.diagnostics.append(error(rel, 1, 1, "KB027",
                                             "no front matter; start the file with '---', the fields "
                                             "(title: ...), and '---'"))
        return page
    if body_line < 0:
        sources.diagnostics.append(error(rel, 1, 1, "KB027",
                                         "front matter is not closed; add a line '---' after the fields"))
        return page
    page.has_front_matter = True
    page.front = parse_yaml(front, rel, line_offset=front_line - 1)
    sources.diagnostics.extend(page.front.diagnostics)
    if page.front.value is None and not page.front.diagnostics and kind != "page":
        sources.diagnostics.append(error(rel, front_line, 1, "KB003", "the front matter is empty; add a title"))
    return page


def multimarkdown_meta(text: str) -> dict[str, tuple[str, int]]:
    """The MultiMarkdown-style metadata MkDocs reads from ``text`` (none when it has YAML front matter).

    MkDocs takes ``Key: value`` lines at the very top of a page without
    ``---`` as metadata and drops them from the page; Material prints some of
    them (``description``, ``author``) into the HTML head.

    >>> multimarkdown_meta("Description: x\\n    more\\nAuthor: y\\n\\n# Title\\n")
    {'description': ('x more', 1), 'author': ('y', 3)}
    >>> multimarkdown_meta("# Title\\nKey: value\\n"), multimarkdown_meta("---\\ntitle: x\\n---\\n")
    ({}, {})
    """
    return split_multimarkdown(text)[0]


def split_multimarkdown(text: str) -> tuple[dict[str, tuple[str, int]], str]:
    """``(metadata, the rest of the page)`` as MkDocs splits a page without YAML front matter.

    The rest is the text MkDocs renders (newlines normalised to ``\\n``).

    >>> split_multimarkdown("Title: x\\n\\nBody\\n")
    ({'title': ('x', 1)}, 'Body\\n')
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MKDOCS_YAML.match(text) or not _MKDOCS_META.match(text):
        return {}, text
    found: dict[str, tuple[str, int]] = {}
    key = None
    lines = text.split("\n")
    used = 0
    for number, line in enumerate(lines, start=1):
        if line.strip() == "":
            used = number
            break
        head = _MKDOCS_META.match(line)
        if head:
            key = head.group("key").lower().strip()
            value = head.group("value").strip()
            found[key] = (f"{found[key][0]} {value}", found[key][1]) if key in found else (value, number)
            used = number
            continue
        more = _MKDOCS_META_MORE.match(line)
        if not (more and key):
            break
        value, first = found[key]
        found[key] = (f"{value} {more.group('value').strip()}", first)
        used = number
    return found, "\n".join(lines[used:]).lstrip("\n")


def mkdocs_front_matter(text: str) -> tuple[str, str] | None:
    """``(YAML text, the rest)`` when MkDocs reads YAML front matter from ``text``, else ``None``.

    >>> mkdocs_front_matter("---\\ntitle: x\\n---\\n\\nBody\\n")
    ('title: x\\n', '\\nBody\\n')
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _MKDOCS_YAML.match(text)
    if m is None:
        return None
    return m.group(1), text[m.end():]


def _static_allowlist(data: bytes) -> list[tuple[str, int]]:
    """The ``static_files`` patterns of the kbgen plugin in mkdocs.yml, with their lines; [] when none.

    mkdocs.yml is composed, not constructed (it may carry ``!!python/name``
    tags for MkDocs), and only the few nodes on the way are looked at; a
    config MkDocs cannot read is MkDocs' to report.
    """
    import yaml

    try:
        root = yaml.compose(data.decode("utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return []
    plugins = _child(root, "plugins")
    options = None
    if isinstance(plugins, yaml.MappingNode):
        options = _child(plugins, "kbgen")
    elif isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.MappingNode) and _child(item, "kbgen") is not None:
                options = _child(item, "kbgen")
    patterns = _child(options, STATIC_OPTION)
    if not isinstance(patterns, yaml.SequenceNode):
        return []
    return [(item.value, item.start_mark.line + 1) for item in patterns.value
            if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str)]


def _child(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _read_bib(rel: str, data: bytes, sources: Sources) -> BibSource | None:
    from kbgen.parse.bibtex import parse_bibtex  # imported lazily: only knowledge bases with .bib need it

    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    records, bib_diags = parse_bibtex(text, rel)
    sources.diagnostics.extend(bib_diags)
    return BibSource(rel, records)


def parse_sources(root: Path | str, files: Iterable[tuple[str, bytes]],
                  diagnostics: Iterable[Diagnostic] = ()) -> Sources:
    """Parse the inputs ``(relative path, bytes)`` of one root; problems become diagnostics.

    ``diagnostics`` are carried over (e.g. the files that could not be read).
    """
    sources = Sources(Path(root), diagnostics=list(diagnostics))
    for rel, data in files:
        sources.hashes[rel] = hashlib.sha256(data).hexdigest()
        if rel == PAPERS_FILE:
            sources.papers = _read_yaml(rel, data, sources)
        elif rel == TOPICS_FILE:
            sources.topics = _read_yaml(rel, data, sources)
        elif rel == SITE_CONFIG:
            sources.static_allow = _static_allowlist(data)
        elif not rel.startswith(CONTENT_DIR + "/"):
            continue
        elif rel.endswith(".md"):
            page = _read_page(rel, data, sources)
            if page is not None:
                sources.pages.append(page)
        elif rel.endswith(".bib"):
            bib = _read_bib(rel, data, sources)
            if bib is not None:
                sources.bibs.append(bib)
        elif rel.rpartition("/")[0] == PATHS_DIR and rel.endswith((".yaml", ".yml")):
            doc = _read_yaml(rel, data, sources)
            if doc is not None:
                sources.paths.append(doc)
        else:
            sources.static[rel] = data
    return sources
