"""What git knows about the contributor (``git config user.name``), for scaffolds."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_user_name(root: Path | str) -> str | None:
    """``git config user.name`` as seen from ``root``, or ``None`` when git or the name is missing."""
    try:
        found = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = found.stdout.strip() if found.returncode == 0 else ""
    return name or None
