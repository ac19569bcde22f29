"""Progress on stderr: the reporters (with a clock the test steps), and the real CLI with and without a terminal.

The CLI runs in a subprocess; its stderr is a pipe (what CI sees) or the slave
side of a pseudo-terminal (python's pty module). ``KBGEN_PROGRESS_DELAY=0``
makes the work "long" at once, so no test waits for the 2 s threshold; that
threshold is checked with the stepped clock.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.cli.common import TerminalStream
from kbgen.cli.progress import StageLines, TerminalLine, delay_from_environment, reporter

from .recorded_http import start_server, stop_server

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
ERASE = "\r\x1b[2K"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# -- the reporters ------------------------------------------------------------------

def test_the_terminal_line_waits_for_the_delay_then_updates_in_place_and_is_erased():
    out, clock = io.StringIO(), Clock()
    line = TerminalLine(out, delay=2.0, clock=clock, width=80)
    line.stage("reading files")
    line.advance(5)
    clock.now += 1.9
    line.stage("checking", total=3)
    line.advance()
    assert out.getvalue() == ""  # quick work shows nothing
    clock.now += 0.2
    line.advance()
    assert out.getvalue() == ERASE + "kbgen: checking 2/3"
    clock.now += 0.01
    line.advance()  # too soon to redraw
    assert out.getvalue() == ERASE + "kbgen: checking 2/3"
    line.stage("graph", total=1000)  # a new stage is drawn at once
    clock.now += 0.5
    line.advance(1000)
    line.done()
    assert out.getvalue() == (ERASE + "kbgen: checking 2/3" + ERASE + "kbgen: graph 0/1,000"
                              + ERASE + "kbgen: graph 1,000/1,000" + ERASE)
    assert "\n" not in out.getvalue()


def test_quick_work_leaves_nothing_to_erase():
    out = io.StringIO()
    line = TerminalLine(out, delay=2.0, clock=Clock())
    line.stage("checking", total=3)
    line.done()
    assert out.getvalue() == ""


def test_the_terminal_line_escapes_hostile_text_and_fits_the_width():
    out = io.StringIO()
    line = TerminalLine(out, delay=0, clock=Clock(), width=30)
    line.stage("reading evil\x1b]0;pwned\x07\n.bib" + "x" * 100)
    written = out.getvalue()
    assert written.startswith(ERASE) and written.count("\x1b") == 1  # only the reporter's own erase
    assert written[len(ERASE):] == "kbgen: reading evil\\x1b]0;pwn"  # 29 columns: never wraps


def test_stage_lines_start_at_the_delay_with_the_stage_then_running():
    out, clock = io.StringIO(), Clock()
    lines = StageLines(out, delay=2.0, clock=clock)
    lines.stage("reading files")
    lines.advance(3)
    lines.stage("checking", total=9595)
    assert out.getvalue() == ""
    clock.now += 2.5
    lines.advance(100)
    lines.advance(100)
    lines.stage("graph", total=2)
    lines.stage("hostile \x1b[2J name")
    lines.done()
    assert out.getvalue().splitlines() == ["kbgen: checking (9,595)", "kbgen: graph (2)",
                                           "kbgen: hostile \\x1b[2J name"]


@pytest.mark.parametrize("value, delay", [("0", 0.0), ("0.5", 0.5), ("", 2.0), ("soon", 2.0), ("-1", 2.0),
                                          ("nan", 2.0)])
def test_the_delay_from_the_environment(value, delay):
    assert delay_from_environment({"KBGEN_PROGRESS_DELAY": value}) == delay


def test_the_reporter_for_a_stream():
    assert type(reporter(io.StringIO(), quiet=True)) is Progress and type(NO_PROGRESS) is Progress
    assert isinstance(reporter(io.StringIO()), StageLines)
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as tty:
            chosen = reporter(TerminalStream(tty))  # as guard_terminal wraps a terminal's stderr
            assert isinstance(chosen, TerminalLine) and chosen._stream is tty
    finally:
        os.close(master)
        os.close(slave)


# -- the real CLI -------------------------------------------------------------------

@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "kb"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--papers", "60", "--seed", "2",
                    "--bib-entries", "40", "--out", str(root)], check=True, stdout=subprocess.DEVNULL)
    (root / "papers.yaml.orig").write_bytes((root / "papers.yaml").read_bytes())
    return root


def _env(tmp_path: Path, delay: str = "0") -> dict:
    return dict(os.environ, KBGEN_PROGRESS_DELAY=delay, XDG_CACHE_HOME=str(tmp_path / "cache"),
                PYTHONIOENCODING="utf-8")


def _run(argv: list[str], env: dict, tty: bool) -> tuple[int, str, str]:
    """Exit code, stdout (a pipe) and stderr (a pipe, or a pseudo-terminal when ``tty``) of ``kbgen argv``."""
    cmd = [sys.executable, "-m", "kbgen", *argv]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    master, slave = pty.openpty()
    # Wide enough for the test's long paths: a line is cut at the terminal's width.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 400, 0, 0))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    out = proc.stdout.read().decode("utf-8")
    proc.stdout.close()
    return proc.wait(timeout=120), out, b"".join(chunks).decode("utf-8")


def test_validate_without_a_terminal_prints_one_line_per_stage(kb, tmp_path):
    code, out, err = _run(["validate", "--root", str(kb), "--format", "json"], _env(tmp_path), tty=False)
    assert code in (0, 1)
    json.loads(out)  # stdout is the report and nothing else
    stages = [line.split(" (")[0] for line in err.splitlines()]
    assert stages == ["kbgen: reading files", "kbgen: checking", "kbgen: graph"]
    assert "\r" not in err and "\x1b" not in err
    # A second run hits the content cache: it only reads.
    code, out, err = _run(["validate", "--root", str(kb), "--format", "json"], _env(tmp_path), tty=False)
    json.loads(out)
    assert err.splitlines() == ["kbgen: reading files"]


def test_validate_on_a_terminal_updates_one_line_and_erases_it(kb, tmp_path):
    code, out, err = _run(["validate", "--root", str(kb), "--format", "json"], _env(tmp_path), tty=True)
    assert code in (0, 1)
    json.loads(out)
    assert "\n" not in err and err.endswith(ERASE)
    drawn = [part for part in err.split(ERASE) if part]
    assert drawn[0] == "kbgen: reading files" and any(d.startswith("kbgen: checking ") for d in drawn)
    assert any(d.startswith("kbgen: graph ") and "/" in d for d in drawn)


def test_validate_is_silent_on_a_terminal_for_quick_work_by_default(kb, tmp_path):
    env = _env(tmp_path, delay="600")  # "quick": under the threshold, whatever this machine's speed
    code, out, err = _run(["validate", "--root", str(kb), "--format", "json"], env, tty=True)
    json.loads(out)
    assert err == ""


@pytest.mark.parametrize("tty", [False, True])
def test_quiet_is_silent(kb, tmp_path, tty):
    code, out, err = _run(["validate", "--root", str(kb), "--format", "json", "--quiet"], _env(tmp_path), tty=tty)
    json.loads(out)
    assert err == ""


def _fresh(kb: Path) -> Path:
    (kb / "papers.yaml").write_bytes((kb / "papers.yaml.orig").read_bytes())
    return kb


@pytest.mark.parametrize("tty", [False, True])
def test_import_bib_reports_its_stages_on_stderr_only(kb, tmp_path, tty):
    evil = tmp_path / "evil\x1b]0;pwned\x07.bib"
    shutil.copy(kb / "refs.bib", evil)
    code, out, err = _run(["import-bib", str(evil), "--root", str(_fresh(kb))], _env(tmp_path), tty=tty)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("added ") and all(
        line.startswith(("added ", "skipped ")) or ": warning " in line for line in out.splitlines())
    assert "\x07" not in err and "\\x1b]0;pwned\\x07.bib" in err  # the file name is escaped
    if tty:
        assert "\n" not in err and err.endswith(ERASE)
        assert any(part.startswith("kbgen: decoding entries ") for part in err.split(ERASE))
    else:
        stages = [line.split(" (")[0] for line in err.splitlines()]
        assert stages == [f"kbgen: reading {tmp_path}/evil\\x1b]0;pwned\\x07.bib", "kbgen: decoding entries",
                          "kbgen: reading the knowledge base", "kbgen: planning", "kbgen: checking the new entries",
                          "kbgen: writing papers.yaml"]
    _, out, err = _run(["import-bib", str(evil), "--root", str(_fresh(kb)), "--quiet", "--dry-run"],
                       _env(tmp_path), tty=tty)
    assert err == "" and "dry run: would append to papers.yaml:" in out


@pytest.fixture(scope="module")
def server():
    srv, thread = start_server()
    yield srv
    stop_server(srv, thread)


@pytest.mark.parametrize("quiet", [False, True])
def test_add_reports_the_fetch_then_the_import(kb, tmp_path, server, quiet):
    argv = ["add", "arxiv:2401.00001", "doi:10.5555/kbgen.test.2", "--arxiv-api", f"{server.url}/arxiv",
            "--crossref-api", f"{server.url}/crossref", "--root", str(_fresh(kb))] + ["--quiet"] * quiet
    code, out, err = _run(argv, _env(tmp_path), tty=False)
    assert code == 0, err
    assert out.splitlines()[-1] == "added 2, skipped 0 duplicates, 0 warnings"
    if quiet:
        assert err == ""
    else:
        assert err.splitlines()[:2] == ["kbgen: fetching metadata (2)", "kbgen: reading the knowledge base"]


# -- build and export (each builds a small site, so they are slow tests) -------------------

@pytest.fixture(scope="module")
def small_kb(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("progress-site") / "kb"
    subprocess.run([sys.executable, "-m", "kbgen", "init", str(root), "--title", "Progress"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return root


def _stages(err: str) -> list[str]:
    return [line.split(" (")[0] for line in err.splitlines() if line.startswith("kbgen: ")]


@pytest.mark.slow
def test_build_reports_its_stages_and_the_pages_it_writes(small_kb, tmp_path):
    site = tmp_path / "site"
    code, out, err = _run(["build", "--root", str(small_kb), "--site-dir", str(site)], _env(tmp_path), tty=False)
    assert code == 0, err
    assert _stages(err) == ["kbgen: reading files", "kbgen: checking", "kbgen: graph", "kbgen: starting MkDocs",
                            "kbgen: writing pages", "kbgen: indexing search", "kbgen: swapping in the new site"]
    pages = next(line for line in err.splitlines() if line.startswith("kbgen: writing pages"))
    assert int(pages.split("(")[1].rstrip(")")) == len(list(site.rglob("index.html"))) > 5
    assert out == ""
    code, out, err = _run(["build", "--root", str(small_kb), "--site-dir", str(site), "--quiet"],
                          _env(tmp_path), tty=False)
    assert code == 0 and _stages(err) == []
    assert err.startswith("kbgen build: site built in")


@pytest.mark.slow
def test_export_reports_rendering_then_writing(small_kb, tmp_path):
    code, out, err = _run(["export", str(tmp_path / "tree"), "--root", str(small_kb)], _env(tmp_path), tty=False)
    assert code == 0, err
    assert _stages(err)[-2:] == ["kbgen: rendering pages", "kbgen: writing files"]
    written = sum(1 for p in (tmp_path / "tree").rglob("*") if p.is_file())
    assert f"kbgen: writing files ({written})" in err
