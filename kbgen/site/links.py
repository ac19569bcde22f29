"""A link from one page to another entry's page, as the templates print it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A link from one page to another entity's page, with optional context."""

    id: str
    title: str
    href: str
    kind: str = "paper"
    year: int | None = None
    note: str = ""


def split_title(markdown: str) -> tuple[str | None, str]:
    """Split off a leading ``# Title`` line (after blank lines), if any.

    >>> split_title("\\n# Self-attention\\n\\nText")
    ('Self-attention', '\\nText')
    >>> split_title("Text")
    (None, 'Text')
    """
    stripped = markdown.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest
    return None, markdown
