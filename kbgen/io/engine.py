"""Running Zensical, the second site engine, as a separate process.

Zensical has no Python API to build a project (its core is Rust, driven by
its command line), and a process of its own keeps its memory and its
failures away from kbgen's. The command is ``python -m zensical`` with
kbgen's own interpreter when Zensical is installed next to kbgen, else a
``zensical`` on ``PATH``; ``KBGEN_ZENSICAL`` names another executable (a
Zensical installed with pipx, say).

What Zensical prints is returned cleaned: its colours removed, its Python
traceback (it raises to abort a ``--strict`` build) reduced to the
exception's message, and every other control character shown escaped,
since the excerpts it prints are contributors' text.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The environment variable that names the Zensical executable to run.
ZENSICAL_ENV = "KBGEN_ZENSICAL"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class EngineError(Exception):
    """The engine failed; the message is what it said, cleaned (printed without a traceback)."""


class EngineMissing(EngineError):
    """The engine is not installed (or the configured executable cannot be run)."""


@dataclass
class EngineRun:
    """A finished engine run: its cleaned output and whether it reported any problem."""

    output: str
    warnings: bool


def zensical_command() -> list[str] | None:
    """The command that runs Zensical, or ``None`` when it is not installed."""
    override = os.environ.get(ZENSICAL_ENV, "").strip()
    if override:
        return [override]
    if importlib.util.find_spec("zensical") is not None:
        return [sys.executable, "-m", "zensical"]
    found = shutil.which("zensical")
    return [found] if found else None


def zensical_version() -> str | None:
    """The installed Zensical's version (``0.0.73``), or ``None`` when it cannot be run."""
    command = zensical_command()
    if command is None:
        return None
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def run_zensical(project: Path | str, strict: bool = False, timeout: float | None = None) -> EngineRun:
    """``zensical build`` of the project whose ``mkdocs.yml`` is in ``project``.

    Raises :class:`EngineMissing` when Zensical cannot be started and
    :class:`EngineError` with its cleaned output when the build fails.
    """
    project = Path(project)
    command = zensical_command()
    if command is None:
        raise EngineMissing("Zensical is not installed; install it with `pip install zensical` "
                            f"(or name its executable in {ZENSICAL_ENV})")
    argv = [*command, "build", "--config-file", str(project / "mkdocs.yml")]
    if strict:
        argv.append("--strict")
    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    try:
        done = subprocess.run(argv, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise EngineMissing(f"cannot run Zensical ({command[0]}: {(exc.strerror or str(exc)).lower()}); "
                            f"install it with `pip install zensical` or fix {ZENSICAL_ENV}") from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"Zensical did not finish within {timeout:g} s") from None
    except OSError as exc:
        raise EngineError(f"cannot run Zensical: {exc}") from None
    output = clean_output(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0:
        if done.returncode < 0:
            output += f"\nZensical was ended by signal {-done.returncode}"
        elif "No module named zensical" in output:
            raise EngineMissing(f"Zensical is not installed for {command[0]}; install it with "
                                "`pip install zensical`")
        raise EngineError(output.strip() or f"Zensical failed (exit status {done.returncode})")
    return EngineRun(output, warnings=bool(re.search(r"^(Warning|Error)\b", output, re.MULTILINE)))


def clean_output(text: str) -> str:
    """Zensical's output without colours, its Python traceback cut to the message, controls escaped."""
    text = _ANSI.sub("", text).replace("\r\n", "\n")
    lines = text.split("\n")
    kept: list[str] = []
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if line.startswith((" ", "\t")) or not line.strip():
                continue
            in_traceback = False
            # The exception's last line: "RuntimeError: Aborted because ..." -> its message.
            name, sep, message = line.partition(": ")
            line = message if sep and re.fullmatch(r"[\w.]+", name) else line
        kept.append(line)
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), "\n".join(kept)).rstrip() + "\n"
