"""Progress of long work, as use cases report it: a stage, how much of it, and steps done.

The use cases (build, export, import, validate) call these methods and never
print; the CLI passes a reporter that draws a line on a terminal or writes one
line per stage in CI (:mod:`kbgen.cli.progress`), and ``--quiet`` passes
:data:`NO_PROGRESS`.

>>> p = Progress()
>>> p.stage("rendering pages", total=3); p.advance(); p.done()
"""

from __future__ import annotations


class Progress:
    """Does nothing: the reporter to pass where nobody watches (tests, the plugin, --quiet)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage of the work begins; ``total`` is how many steps it has, when known."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""

    def done(self) -> None:
        """The work is over (a terminal line is cleared or finished)."""


#: The reporter that reports nothing.
NO_PROGRESS = Progress()
