"""What the site would publish and the build would choke on, checked before MkDocs starts.

One entry point for :func:`kbgen.check.validate.build_knowledge_base`, so
that ``kbgen validate`` catches what the build would fail on or publish
unchecked:

- :func:`kbgen.check.pages.check_pages`: every page's metadata (generic
  pages too) and the limits of its body;
- :func:`kbgen.check.static.check_static`: the files of content/ that are not
  inputs (unknown types, unsafe SVG, kbgen's own assets);
- :func:`kbgen.check.reserved.check_reserved` and
  :func:`kbgen.check.reserved.check_duplicate_files`: names the site uses,
  and two files for one id or URL;
- :func:`kbgen.check.topics.check_topics`: topic parent cycles and depth.
"""

from __future__ import annotations

from kbgen.check.pages import check_pages
from kbgen.check.reserved import check_duplicate_files, check_reserved
from kbgen.check.static import check_static
from kbgen.check.topics import check_topics
from kbgen.core.diagnostics import Diagnostic


def check_site(b) -> list[Diagnostic]:
    """Every check above, for the validation builder ``b`` (it has ``sources``, ``entities``, ``topics``, ...)."""
    found: list[Diagnostic] = []
    for check in (check_pages, check_static, check_duplicate_files):
        found += check(b.sources)
    for check in (check_reserved, check_topics):
        found += check(b)
    return found
