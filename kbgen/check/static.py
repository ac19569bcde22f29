"""Only what kbgen understands is published: the files of content/ that are not inputs (KB043).

``content/`` is MkDocs' docs dir, and MkDocs publishes every file in it as
it is, on the site's origin: an ``evil.html`` or an SVG with a script runs
there, and a ``content/assets/kbgen/kbgen.js`` would replace kbgen's own
script on every page. So, besides the inputs (Markdown, BibTeX, the topic
and path YAML), content/ may hold:

- images of the types in :data:`IMAGE_SUFFIXES`;
- SVG images that pass :func:`kbgen.check.svg.check_svg` (no script, no
  event handler, no link or style that leaves the document);
- files admitted by the kbgen plugin's ``static_files`` option in
  mkdocs.yml: patterns matched with :func:`fnmatch.fnmatchcase` against the
  path under content/ (``*`` also crosses folders), e.g.
  ``static_files: ["downloads/*.pdf"]``. The option is the deployer's
  decision: whoever can change mkdocs.yml can change the site anyway.

Never admitted, whatever the option says: anything under
``content/assets/kbgen/`` (kbgen's own assets), and Markdown with another
suffix than ``.md`` (``.markdown``, ``.mdown``, ...), which MkDocs renders
but kbgen would not have read or checked.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from kbgen.check.svg import check_svg
from kbgen.core.diagnostics import Diagnostic, error
from kbgen.core.kinds import CONTENT_DIR, PATHS_DIR
from kbgen.parse.sources import SITE_CONFIG, STATIC_OPTION, Sources

#: Raster images published as they are (browsers never run them as documents).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp")
SVG_SUFFIX = ".svg"
#: Suffixes MkDocs renders as Markdown (mkdocs.utils.markdown_extensions) besides ``.md``.
OTHER_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd")
#: Where kbgen's own CSS and scripts are published.
KBGEN_ASSETS = f"{CONTENT_DIR}/assets/kbgen/"


def check_static(sources: Sources) -> list[Diagnostic]:
    """KB043 for every file under content/ the site must not publish (see the module docs)."""
    found: list[Diagnostic] = []
    patterns = [pattern for pattern, _ in sources.static_allow]
    for page in sources.pages:
        if page.file.startswith(KBGEN_ASSETS):
            found.append(_own_asset(page.file))
    for rel in sorted(sources.static):
        problem = static_problem(rel, patterns)
        if problem is not None:
            found.append(problem)
        elif rel.lower().endswith(SVG_SUFFIX) and not _admitted(rel, patterns):
            found += check_svg(rel, sources.static[rel])
    return found


def static_problem(rel: str, allowed: list[str]) -> Diagnostic | None:
    """Why the file ``rel`` (relative to the root) may not be published, or ``None``.

    >>> static_problem("content/img/a.png", []) is None
    True
    >>> static_problem("content/evil.html", []).code
    'KB043'
    >>> static_problem("content/downloads/x.pdf", ["downloads/*.pdf"]) is None
    True
    """
    lower = rel.lower()
    if rel.startswith(KBGEN_ASSETS):
        return _own_asset(rel)
    if lower.endswith(OTHER_MARKDOWN):
        return error(rel, 1, 1, "KB043", "MkDocs would publish this as a page, but kbgen reads and checks "
                                         "Markdown only in .md files; rename it to .md")
    if lower.endswith(IMAGE_SUFFIXES) or lower.endswith(SVG_SUFFIX):
        return None
    if _admitted(rel, allowed):
        return None
    if lower.endswith((".yaml", ".yml")):
        return error(rel, 1, 1, "KB043", f"kbgen reads YAML only as {CONTENT_DIR}/topics.yaml and {PATHS_DIR}/*.yaml, "
                                         "and does not publish it; move or remove this file")
    suffix = rel.rpartition("/")[2].rpartition(".")[2] if "." in rel.rpartition("/")[2] else ""
    what = f".{suffix} files" if suffix else "files without a suffix"
    return error(rel, 1, 1, "KB043",
                 f"kbgen does not publish {what} from {CONTENT_DIR}/ (only Markdown and images it can check); "
                 f"remove it, or admit it with the kbgen plugin's '{STATIC_OPTION}' option in {SITE_CONFIG}")


def _admitted(rel: str, allowed: list[str]) -> bool:
    under = rel[len(CONTENT_DIR) + 1:]
    return any(fnmatchcase(under, pattern) for pattern in allowed)


def _own_asset(rel: str) -> Diagnostic:
    return error(rel, 1, 1, "KB043", f"{KBGEN_ASSETS} holds kbgen's own CSS and scripts; a file here would "
                                     "replace them on every page (move it elsewhere)")
