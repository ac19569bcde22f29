"""Writers that never lose data: the lock, the site swap, temporary files, where output may go."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kbgen.io import atomic
from kbgen.io.atomic import (
    FileChangedError,
    append_papers,
    clean_stale_temps,
    make_temp_dir,
    output_problem,
    recover_directory,
    replace_directory,
    write_atomic,
)
from kbgen.io.lock import Busy, locked

from .conftest import REPO, assert_no_traceback, run_kbgen


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def bib(prefix: str, n: int) -> str:
    return "".join(f"@misc{{{prefix}{i},\n  title = {{{prefix.title()} paper number {i} on topic {prefix}{i}}},\n"
                   f"  author = {{Ada {prefix.title()}{i}}},\n  year = {{20{10 + i % 10}}}\n}}\n\n" for i in range(n))


# -- the lock -------------------------------------------------------------------

def test_the_lock_excludes_another_process(kb):
    script = ("import sys; from kbgen.io.lock import locked, Busy\n"
              "try:\n    with locked(sys.argv[1], timeout=0.2): print('got it')\n"
              "except Busy as exc: print('busy:', exc)\n")
    with locked(kb.root):
        out = subprocess.run([sys.executable, "-c", script, str(kb.root)], capture_output=True, text=True,
                             timeout=60, cwd=REPO).stdout
    assert out.startswith("busy:")
    out = subprocess.run([sys.executable, "-c", script, str(kb.root)], capture_output=True, text=True,
                         timeout=60, cwd=REPO).stdout
    assert out == "got it\n"


def test_the_lock_is_reentrant_and_serialises_threads(kb):
    with locked(kb.root), locked(kb.root):  # append_papers takes it again inside a caller's lock
        pass
    order: list[str] = []

    def writer(name: str) -> None:
        with locked(kb.root):
            order.append(f"{name}-in")
            time.sleep(0.05)
            order.append(f"{name}-out")

    threads = [threading.Thread(target=writer, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])


def test_a_busy_lock_times_out_with_one_line(kb):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from kbgen.io.lock import locked\n"
                               "with locked(sys.argv[1]):\n    print('held', flush=True); time.sleep(30)\n",
                               str(kb.root)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(Busy, match="another kbgen is writing"):
            with locked(kb.root, timeout=0.1):
                pass
    finally:
        holder.kill()
        holder.wait()
    with locked(kb.root, timeout=5):  # a killed holder leaves no stale lock
        pass


_WORKER = """
import sys
from kbgen.io.lock import locked
from kbgen.io.files import read_papers_text
from kbgen.io.atomic import append_papers
root, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    with locked(root):  # read, plan and write under one lock: the import use case
        text = read_papers_text(root) or ""
        entry = f"  - id: {prefix}{i}\\n    title: {prefix} {i}\\n"
        if f"id: {prefix}{i}\\n" not in text:
            append_papers(root, entry, expected=text)
"""


def test_concurrent_writers_under_the_lock_add_every_entry_once(kb):
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(kb.root), name, "40"], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for name in ("x", "y", "z")]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    text = kb.path("papers.yaml").read_text()
    for name in "xyz":
        for i in range(40):
            assert text.count(f"id: {name}{i}\n") == 1


def test_append_papers_refuses_a_stale_plan(kb):
    old = kb.path("papers.yaml").read_text()
    kb.write("papers.yaml", old + "  - id: gamma\n    title: Gamma\n")
    with pytest.raises(FileChangedError):
        append_papers(kb.root, "  - id: delta\n    title: Delta\n", expected=old)
    assert "delta" not in kb.path("papers.yaml").read_text()


def _import_pair(kb, tmp_path):
    """Two import-bib runs started while the test holds the lock: they meet at papers.yaml for sure."""
    (tmp_path / "a.bib").write_text(bib("aaa", 18))
    (tmp_path / "b.bib").write_text(bib("bbb", 18))
    with locked(kb.root):
        procs = [subprocess.Popen([sys.executable, "-m", "kbgen", "import-bib", str(tmp_path / f"{n}.bib"),
                                   "--root", str(kb.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=REPO, env={**os.environ, "KBGEN_CACHE": "0"}) for n in "ab"]
        time.sleep(3)  # both have read papers.yaml and planned by now
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    return results, kb.path("papers.yaml").read_text()


def test_two_concurrent_imports_never_lose_an_entry(kb, tmp_path):
    results, text = _import_pair(kb, tmp_path)
    for (code, out, err), prefix in zip(results, ("aaa", "bbb")):
        assert_no_traceback(out, err)
        present = [text.count(f"bibtex_key: {prefix}{i}\n") for i in range(18)]
        if code == 0:
            assert present == [1] * 18, out + err  # what it reported added is there, once
        else:
            assert present == [0] * 18 and "changed while kbgen was working" in out + err


def test_two_concurrent_imports_both_add_every_entry(kb, tmp_path):
    results, text = _import_pair(kb, tmp_path)
    assert [code for code, _, _ in results] == [0, 0]
    assert all(text.count(f"bibtex_key: {p}{i}\n") == 1 for p in ("aaa", "bbb") for i in range(18))


# -- the site swap ----------------------------------------------------------------

def _site(path: Path, marker: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "index.html").write_text(marker)
    return path


def test_the_swap_leaves_a_whole_site_at_every_moment(tmp_path):
    target = _site(tmp_path / "site", "0")
    seen: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append((target / "index.html").read_text())
            except OSError:
                seen.append("MISSING")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(1, 60):
            new = _site(make_temp_dir(target, "building"), str(i))
            replace_directory(new, target)
    finally:
        stop.set()
        thread.join()
    probe_a, probe_b = _site(tmp_path / "probe-a", "a"), _site(tmp_path / "probe-b", "b")
    if not atomic._exchange(probe_a, probe_b):
        pytest.skip("no atomic directory exchange on this system (the two-rename fallback has a window)")
    atomic.remove_tree(probe_a)
    atomic.remove_tree(probe_b)
    assert "MISSING" not in seen
    assert (target / "index.html").read_text() == "59"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_crash_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    target = tmp_path / "site"
    # What a run killed after moving the old site aside and before moving the new one in leaves:
    old = _site(tmp_path / f".site.old-{dead_pid()}-abc123", "old site")
    half = _site(tmp_path / f".site.building-{dead_pid()}-def456", "half built")
    assert not target.exists()
    recover_directory(target)
    assert (target / "index.html").read_text() == "old site"
    assert not old.exists() and not half.exists()


def test_leftovers_of_a_live_run_are_left_alone(tmp_path):
    target = _site(tmp_path / "site", "current")
    mine = _site(tmp_path / f".site.building-{os.getpid()}-live", "in progress")
    make_temp_dir(target, "building")
    assert mine.exists()


def test_temporary_files_of_dead_writers_are_cleaned(tmp_path):
    stale = tmp_path / f".papers.yaml.{dead_pid()}.k2j3.tmp"
    stale.write_text("half written")
    live = tmp_path / f".papers.yaml.{os.getpid()}.zz.tmp"
    live.write_text("being written")
    write_atomic(tmp_path / "papers.yaml", "papers: []\n")
    assert not stale.exists() and live.exists()
    assert clean_stale_temps(tmp_path) == 0


# -- where output may go ------------------------------------------------------------

@pytest.mark.parametrize("where", ["papers.yaml", "mkdocs.yml", ".", "..", "content", "content/sub", ".git/site",
                                   "docs"])
def test_output_that_would_hide_the_knowledge_base_is_refused(kb, where):
    kb.write(".git/HEAD", "ref: refs/heads/main\n")
    kb.write("docs/design.md", "# The project's own docs\n")
    for purpose in ("site", "export"):
        problem = output_problem(kb.root / where, kb.root, purpose)
        assert problem is not None, (where, purpose)


def test_output_to_a_site_or_a_fresh_folder_is_fine(kb, tmp_path):
    assert output_problem(kb.root / "site", kb.root) is None
    _site(tmp_path / "old-site", "x")
    assert output_problem(tmp_path / "old-site", kb.root) is None
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "mkdocs.yml").write_text("# Exported by `kbgen export`: ...\n")
    assert output_problem(tmp_path / "export", kb.root, "export") is None


def test_build_refuses_site_dir_papers_yaml(kb):
    before = kb.path("papers.yaml").read_text()
    code, out, err = run_kbgen("build", "--root", str(kb.root), "--site-dir", str(kb.path("papers.yaml")))
    assert kb.path("papers.yaml").read_text() == before
    assert code == 2 and "is a file" in err


def test_export_refuses_a_folder_inside_content(kb):
    code, out, err = run_kbgen("export", str(kb.path("content/exported")), "--root", str(kb.root))
    assert code == 2 and not kb.path("content/exported").exists()
