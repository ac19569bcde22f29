"""Finding and loading a knowledge base's ``mkdocs.yml`` (for build, serve and export)."""

from __future__ import annotations

from pathlib import Path

from kbgen.io.files import is_regular_file

CONFIG_FILE = "mkdocs.yml"


class SiteError(Exception):
    """The site could not be built; the message says why (printed without a traceback)."""


class SiteUsageError(SiteError):
    """The site cannot be built as asked (no mkdocs.yml, an output folder that would lose data): bad usage."""


def config_path(root: Path) -> Path:
    """``root/mkdocs.yml``; :class:`SiteError` when there is none."""
    path = Path(root) / CONFIG_FILE
    if not is_regular_file(path):
        raise SiteUsageError(f"{path}: no such file; a knowledge base's site needs an mkdocs.yml "
                        "(see the example at the repository's root)")
    return path


def load_mkdocs_config(config_file: Path, **overrides):
    """MkDocs' config of ``config_file`` (``None`` overrides are left out); :class:`SiteError` if invalid."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        return load_config(config_file=str(config_file), **{k: v for k, v in overrides.items() if v is not None})
    except MkDocsException as exc:
        raise SiteError(f"{config_file}: {str(exc).strip()}") from None
