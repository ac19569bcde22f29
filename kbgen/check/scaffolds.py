"""Scaffolds that cannot be published unfilled: ``kbgen new``'s placeholders, and who wrote a summary.

``kbgen new`` writes a line ``TODO(kbgen): <what to write>`` under every
heading (and in a path's description). Each is an error until it is
replaced, so an untouched skeleton never reaches the site or tops its feed.
A summary names its contributors: CONTRIBUTING promises that the file credits
whoever wrote it.

>>> list(iter_placeholders("## Idea\\n\\nTODO(kbgen): the one idea\\n"))
[(3, 1)]
"""

from __future__ import annotations

import re
from typing import Iterator

from kbgen.check.links import hide_code
from kbgen.check.unsafe import iter_strings
from kbgen.core.diagnostics import error

#: What ``kbgen new`` writes where a contributor's text goes (kbgen.app.scaffold uses it).
PLACEHOLDER = "TODO(kbgen)"
_PLACEHOLDER_RE = re.compile(re.escape(PLACEHOLDER))


def iter_placeholders(text: str) -> Iterator[tuple[int, int]]:
    """1-based ``(line, column)`` of every placeholder in ``text``."""
    if PLACEHOLDER not in text:
        return
    for found in _PLACEHOLDER_RE.finditer(text):
        start = found.start()
        yield text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def check_placeholders(b) -> None:
    """KB034 for every placeholder left in a page's text or in any field of any entry."""
    for page in b.sources.pages:
        if PLACEHOLDER not in page.body:
            continue
        for line, col in iter_placeholders(hide_code(page.body)):  # documented in code: not a placeholder
            b.diags.append(error(page.file, page.body_line + line - 1, col, "KB034",
                                 "placeholder of 'kbgen new' still here: replace this line with your text "
                                 "(or delete the section)"))
    for item in b.items:
        for name, value in item.data.items():
            # Most values are plain strings without the placeholder: skip the generator for them.
            if isinstance(value, str) and PLACEHOLDER not in value or not isinstance(value, (str, list)):
                continue
            for path, text in iter_strings(name, value):
                if PLACEHOLDER in text:
                    file, line, col = item.locate(path)
                    b.diags.append(error(file, line, col, "KB034",
                                         f"{'.'.join(map(str, path))}: placeholder of 'kbgen new' still here; "
                                         "write the real value"))


def check_contributors(b) -> None:
    """KB007 for a summary that names nobody in ``contributors``."""
    for ident, (summary, item) in sorted(b.summaries.items()):
        if summary.contributors:
            continue
        file, line, col = item.key_locate(("contributors",)) if "contributors" in item.data else item.locate(())
        b.diags.append(error(file, line, col, "KB007",
                             f"summary {ident!r} names no contributor; add 'contributors: [your name]' "
                             "(kbgen new summary --contributor NAME writes it)"))
