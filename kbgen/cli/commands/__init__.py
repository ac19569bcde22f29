"""Subcommands of the ``kbgen`` CLI, one module each (discovered automatically)."""
