"""Names the site uses itself, and two files for one name.

- An id the site uses itself (:data:`RESERVED_IDS`) is an error (KB044): a
  paper, topic, path or summary named ``index`` would replace its section's
  index page; ``assets``, ``search``, ``graph``, ``404``, ``feed``, ``kb``,
  ``sitemap``, ``references`` and ``kinds`` name files of the site's root
  or of kbgen's assets, and stay free so that no URL is ambiguous.
- A generic page where kbgen generates one (``content/papers/<paper>.md``,
  ``content/topics/<topic>.md``, ``content/paths/<path>.md``) would replace
  that page silently (KB044); a section's own ``index.md`` may replace the
  generated index, as documented.
- Two files for one id (``content/paths/dup.yaml`` and ``dup.yml``) or for
  one page URL (``a.md`` and ``a/index.md``; ``A.md`` and ``a.md`` on a
  case-insensitive disk) are an error (KB045): one of them would be lost.
"""

from __future__ import annotations

from kbgen.core.diagnostics import Diagnostic, error
from kbgen.core.kinds import CONTENT_DIR, KINDS
from kbgen.parse.sources import Sources

#: Ids no entry may take (see the module docs).
RESERVED_IDS = frozenset({"index", "assets", "search", "graph", "404", "feed", "kb", "sitemap", "references",
                          "kinds", "readme"})
#: Kinds whose every entry gets a generated page at ``<section>/<id>.md``.
_GENERATED_KINDS = ("paper", "topic", "path")
_MARKDOWN = (".md",)


def check_reserved(b) -> list[Diagnostic]:
    """KB044 for reserved ids and for generic pages that would replace a generated page.

    ``b`` is the validation builder: ``entities`` (id -> (kind, model,
    located)), ``summaries``, ``topics`` and ``paths`` (id -> (model,
    located)) and ``sources``.
    """
    found: list[Diagnostic] = []
    named = [(kind, ident, item) for ident, (kind, _, item) in b.entities.items()]
    for kind, table in (("summary", b.summaries), ("topic", b.topics), ("path", b.paths)):
        named += [(kind, ident, item) for ident, (_, item) in table.items()]
    for kind, ident, item in sorted(named, key=lambda n: (n[0], n[1])):
        if ident in RESERVED_IDS:
            file, line, col = item.locate(("id",))
            found.append(error(file, line, col, "KB044",
                               f"the id {ident!r} of this {KINDS[kind].label.lower()} is a name the site uses "
                               f"itself ({', '.join(sorted(RESERVED_IDS))}); choose another id"))
    generated = {(KINDS[kind].section, ident): kind for ident, (kind, _, _) in b.entities.items()
                 if kind in _GENERATED_KINDS}
    generated.update({(KINDS["topic"].section, ident): "topic" for ident in b.topics})
    generated.update({(KINDS["path"].section, ident): "path" for ident in b.paths})
    for page in b.sources.pages:
        parts = page.file.split("/")
        if len(parts) == 3 and parts[0] == CONTENT_DIR and page.kind == "page":
            kind = generated.get((parts[1], page.id))
            if kind is not None:
                found.append(error(page.file, 1, 1, "KB044",
                                   f"kbgen generates the page of the {KINDS[kind].label.lower()} {page.id!r} "
                                   "here; this file would replace it (rename it, or edit the entry instead)"))
    return found


def check_duplicate_files(sources: Sources) -> list[Diagnostic]:
    """KB045 for two path files of one id, and for two pages of one URL (also differing in case only)."""
    found: list[Diagnostic] = []
    by_id: dict[str, str] = {}
    for doc_file in sorted(doc.file for doc in sources.paths):
        stem = doc_file.rpartition("/")[2].rsplit(".", 1)[0]
        if stem in by_id:
            found.append(error(doc_file, 1, 1, "KB045",
                               f"{by_id[stem]} has the same path id {stem!r}; one of them would be ignored "
                               "(keep one file)"))
        else:
            by_id[stem] = doc_file
    by_url: dict[str, str] = {}
    files = sorted([page.file for page in sources.pages] + [rel for rel in sources.static if rel.endswith(_MARKDOWN)])
    for rel in files:
        url = page_url(rel[len(CONTENT_DIR) + 1:]).lower()
        if url in by_url:
            found.append(error(rel, 1, 1, "KB045",
                               f"{by_url[url]} is published at the same URL /{url}; one page would replace "
                               "the other (rename one)"))
        else:
            by_url[url] = rel
    return found


def page_url(uri: str) -> str:
    """The URL MkDocs gives a Markdown file of the docs dir, with directory URLs.

    >>> page_url("a.md"), page_url("a/index.md"), page_url("a/README.md"), page_url("index.md")
    ('a/', 'a/', 'a/', '')
    """
    folder, _, name = uri.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    base = f"{folder}/" if folder else ""
    if stem.lower() in ("index", "readme"):
        return base
    return f"{base}{stem}/"

