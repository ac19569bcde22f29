"""Mermaid diagrams: the one place that writes Mermaid, for the CLI and the site alike.

Labels are entity-coded (Mermaid reads ``#35;``-style codes in quoted
labels), so quotes, brackets and angle brackets in a title cannot break out
of a label.
"""

from __future__ import annotations


def mermaid_label(title: str, year: int | None = None, limit: int = 48) -> str:
    """A Mermaid node label: shortened, with every special character as an entity code.

    >>> mermaid_label('Say "hi" <b>', 2020)
    'Say #34;hi#34; #60;b#62; #40;2020#41;'
    """
    text = " ".join(title.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    if year:
        text = f"{text} ({year})"
    return "".join(c if c.isalnum() or c in " .,:;-?!'…" else f"#{ord(c)};" for c in text)
