"""Text for a terminal: what kbgen prints never carries a raw control character.

A title, an author or a server's answer may hold ESC or BEL; printed raw,
``ESC ] 0 ;`` sets the window title of whoever runs kbgen on a pull request,
``ESC [ 2 J`` clears their screen and a bidirectional override reorders what
they read. Every line the CLI prints from the knowledge base or the network
goes through :func:`for_terminal` (diagnostics do already, in
:func:`kbgen.core.diagnostics.format_text`).

The escaping itself lives in :mod:`kbgen.core.diagnostics` (the layer every
stage may use); this module is the name the CLI uses for it.

>>> for_terminal("Attention\\x1b[2J is all\\nyou need\\x07")
'Attention\\\\x1b[2J is all\\nyou need\\\\x07'
>>> one_line("a\\nb")
'a\\\\nb'
"""

from __future__ import annotations

from kbgen.core.diagnostics import printable

__all__ = ["for_terminal", "one_line", "printable"]


def for_terminal(text: str) -> str:
    """Multi-line output (a reading plan, a report): control characters escaped, line breaks kept."""
    return printable(text, keep_newlines=True)


def one_line(text: str) -> str:
    """A value printed on one line (an id, a title in a message): line breaks escaped too."""
    return printable(text)
