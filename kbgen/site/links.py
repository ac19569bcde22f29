"""A link from one page to another entry's page, as the templates print it, and the names it shows.

Where space is short (path steps, diagram nodes, breadcrumbs) an entry is
called by its short name, the one the field uses (ViT, ResNet); link lists
show the short name before the full title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.output.mermaid import shorten

#: Longest title shown after a short name in a path step, in characters.
BRIEF_TITLE_LIMIT = 40
#: Longest title that stands for an entry without a short name where space is short.
NAME_LIMIT = 48


@dataclass(frozen=True)
class Link:
    """A link from one page to another entity's page, with optional context."""

    id: str
    title: str
    href: str
    kind: str = "paper"
    year: int | None = None
    note: str = ""
    short: str | None = None

    @property
    def label(self) -> str:
        """The text of the link in a list: ``ViT — An Image is Worth 16x16 Words: ...``."""
        return full_label(self.short, self.title)

    @property
    def brief(self) -> str:
        """The text where space is short: ``ViT — An Image is Worth 16x16 Words…``."""
        return brief_label(self.short, self.title)

    @property
    def name(self) -> str:
        """The shortest name: the short name, or the title cut short (a path step's reasons)."""
        return self.short or shorten(self.title, NAME_LIMIT)


def names_title(short: str | None, title: str) -> bool:
    """Whether ``title`` already says ``short`` as a word (so it need not be repeated).

    >>> names_title("BERT", "BERT: Pre-training of Deep Bidirectional Transformers"), names_title("ViT", "An Image")
    (True, False)
    """
    if not short:
        return True
    return re.search(rf"(?<!\w){re.escape(short.casefold())}(?!\w)", title.casefold()) is not None


def full_label(short: str | None, title: str) -> str:
    """The short name, a dash and the title; just the title when it names the entry already.

    >>> full_label("ResNet", "Deep Residual Learning for Image Recognition")
    'ResNet — Deep Residual Learning for Image Recognition'
    >>> full_label("Swin", "Swin Transformer: Hierarchical Vision Transformer"), full_label(None, "Adam")
    ('Swin Transformer: Hierarchical Vision Transformer', 'Adam')
    """
    return title if names_title(short, title) else f"{short} — {title}"


def brief_label(short: str | None, title: str, limit: int = BRIEF_TITLE_LIMIT) -> str:
    """:func:`full_label` with the title cut at a word to about ``limit`` characters when there is a short name.

    >>> brief_label("ViT", "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale")
    'ViT — An Image is Worth 16x16 Words…'
    >>> brief_label(None, "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale")
    'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale'
    """
    if not short:
        return title
    if names_title(short, title):
        return shorten(title, limit + len(short) + 3)
    return f"{short} — {shorten(title, limit)}"


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
