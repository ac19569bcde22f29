"""Starting a knowledge base (``kbgen init``): the files of a new one that builds strictly at once.

The files are package data under ``kbgen/app/skeleton``; a path segment
``dot-x`` there is ``.x`` in the new knowledge base (package data tools skip
dot files). ``%%SITE_NAME%%``, ``%%TITLE%%`` and ``%%VERSION%%`` are filled in.
The editor schemas are generated (:func:`kbgen.app.schemas.render_schemas`).
Nothing existing is ever overwritten: such a file is skipped and reported.

>>> files = skeleton_files("Our group: papers")
>>> sorted(files)[:4]
['.github/workflows/ci.yml', '.github/workflows/deploy.yml', '.gitignore', '.pre-commit-config.yaml']
>>> [line for line in files["mkdocs.yml"].splitlines() if line.startswith("site_name")]
['site_name: "Our group: papers"']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kbgen import __version__
from kbgen.app.schemas import render_schemas
from kbgen.check.unsafe import find_unsafe
from kbgen.io.atomic import write_new_file
from kbgen.io.files import read_package_files

DEFAULT_TITLE = "Reading group knowledge base"
SCHEMAS_DIR = "schemas"
_CONTROL = {chr(c) for c in range(32)} | {"\x7f", "\u2028", "\u2029"}


class InitError(ValueError):
    """The title or the folder cannot be used (bad usage)."""


@dataclass
class InitResult:
    """What ``kbgen init`` did: files created and files left alone, relative to the root."""

    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_title(title: str) -> str:
    """The site's title, stripped; :class:`InitError` when it is empty, has line breaks or markup.

    >>> check_title("  ML reading group ")
    'ML reading group'
    """
    title = title.strip()
    if not title or any(c in _CONTROL for c in title):
        raise InitError("--title must be one line of text")
    if find_unsafe(title):
        raise InitError("--title must be plain text (no HTML, no javascript: or data: URLs)")
    return title


def _target(rel: str) -> str:
    return "/".join("." + part[len("dot-"):] if part.startswith("dot-") else part for part in rel.split("/"))


def skeleton_files(title: str = DEFAULT_TITLE) -> dict[str, str]:
    """``{path relative to the new root: text}`` of every file ``kbgen init`` writes."""
    title = check_title(title)
    quoted = json.dumps(title, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    files = {}
    for rel, data in read_package_files("kbgen.app", "skeleton").items():
        text = data.decode("utf-8")
        text = text.replace("%%SITE_NAME%%", quoted).replace("%%TITLE%%", quoted).replace("%%VERSION%%", __version__)
        files[_target(rel)] = text
    for name, text in render_schemas().items():
        files[f"{SCHEMAS_DIR}/{name}"] = text
    return dict(sorted(files.items()))


def init_knowledge_base(root: Path, title: str = DEFAULT_TITLE) -> InitResult:
    """Write the skeleton into ``root`` (created if needed), never over an existing file."""
    files = skeleton_files(title)
    root = Path(root)
    result = InitResult()
    for rel, text in files.items():
        try:
            write_new_file(root.joinpath(*rel.split("/")), text)
        except FileExistsError:
            result.skipped.append(rel)
        except (NotADirectoryError, IsADirectoryError):
            result.skipped.append(rel)  # a file where a folder goes, or a folder where a file goes
        else:
            result.created.append(rel)
    return result
