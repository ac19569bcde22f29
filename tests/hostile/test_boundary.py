"""The root is a boundary: links, loops, FIFOs, devices, unreadable folders, files named on the command line."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kbgen.io import boundary, cache
from kbgen.io.files import UnreadableFile, read_content_files, read_inputs, read_named_file, read_papers_text

from .conftest import assert_no_traceback, findings, run_kbgen

SUMMARY = "---\ntitle: S\npaper: alpha\n---\nText.\n"


def located(root: Path, code: str) -> list[str]:
    return [f"{d.file}: {d.message}" for d in findings(root) if d.code == code]


def test_link_to_a_file_outside_is_refused_and_never_read(kb, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("TOKEN=hunter2\n")
    os.symlink(secret, kb.path("content/leak.md"))
    inputs = read_inputs(kb.root)
    assert all(b"hunter2" not in f.data for f in inputs.files)
    [message] = located(kb.root, "KB041")
    assert message.startswith("content/leak.md: symbolic link to ") and "outside the knowledge base" in message


def test_link_to_a_folder_outside_is_refused(kb, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page.md").write_text("# Outside\n")
    os.symlink(outside, kb.path("content/outside"))
    assert [m.split(":")[0] for m in located(kb.root, "KB041")] == ["content/outside"]
    assert "outside/page.md" not in read_content_files(kb.path("content"), kb.root)


def test_link_into_git_config_is_refused(kb):
    kb.write(".git/config", "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    os.symlink("../.git/config", kb.path("content/config.md"))
    [message] = located(kb.root, "KB041")
    assert "hidden folder" in message
    assert all(b"extraheader" not in f.data for f in read_inputs(kb.root).files)


def test_link_inside_the_root_is_followed(kb):
    kb.write("notes/shared.md", "# Shared\n")
    os.symlink("../notes/shared.md", kb.path("content/shared.md"))
    assert located(kb.root, "KB041") == []
    assert "shared.md" in read_content_files(kb.path("content"), kb.root)


def test_two_links_to_dot_are_a_loop_not_a_hang(kb):
    os.symlink(".", kb.path("content/a"))
    os.symlink(".", kb.path("content/b"))
    code, out, err = run_kbgen("validate", "--root", str(kb.root), timeout=60)
    assert code == 1 and "KB041" in out and "link loop" in out
    assert_no_traceback(out, err)


def test_links_fanning_out_are_walked_once(kb):
    # d0/{x,y} -> d1, d1/{x,y} -> d2 ...: 2**20 paths for a walker that follows every link.
    for i in range(20):
        kb.write(f"content/d{i}/page.md", f"# {i}\n")
    for i in range(19):
        for name in ("x", "y"):
            os.symlink(f"../d{i + 1}", kb.path(f"content/d{i}/{name}"))
    walked = boundary.walk(os.path.realpath(kb.root), "content")
    assert len(walked.files) < 100
    assert any("second time" in d.message for d in walked.diagnostics)


def test_dangling_link_is_reported(kb):
    os.symlink("nowhere.md", kb.path("content/broken.md"))
    assert "points at nothing" in located(kb.root, "KB041")[0]


def test_a_fifo_named_md_never_blocks(kb):
    os.mkfifo(kb.path("content/fifo.md"))
    code, out, err = run_kbgen("validate", "--root", str(kb.root), timeout=60)
    assert code == 1 and "content/fifo.md:0:0: error KB041: a FIFO (named pipe)" in out
    assert_no_traceback(out, err)


def test_a_fifo_as_papers_yaml_never_blocks(kb):
    kb.path("papers.yaml").unlink()
    os.mkfifo(kb.path("papers.yaml"))
    assert "FIFO" in located(kb.root, "KB041")[0]
    with pytest.raises(OSError):
        read_papers_text(kb.root)


def test_a_socket_is_refused(kb):
    path = kb.path("content/sock.md")
    if len(os.fsencode(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert "socket" in located(kb.root, "KB041")[0]
    finally:
        server.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_refused(kb):
    os.mknod(kb.path("content/zero.md"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    assert "character device" in located(kb.root, "KB041")[0]


def test_read_regular_refuses_a_fifo_swapped_in(tmp_path):
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    with pytest.raises(boundary.RefusedFile):
        boundary.read_regular(str(fifo))  # O_NONBLOCK: returns at once


def test_oversized_file_is_a_limit(kb, monkeypatch):
    monkeypatch.setattr(boundary, "MAX_FILE_BYTES", 1000)
    kb.write("content/big.md", "x" * 2000)
    inputs = read_inputs(kb.root)
    assert [d.code for d in inputs.diagnostics] == ["KB042"]


def test_too_many_entries_and_too_deep(kb):
    for i in range(30):
        kb.write(f"content/many/p{i}.md", "# x\n")
    walked = boundary.walk(os.path.realpath(kb.root), "content", limit=10)
    assert [d.code for d in walked.diagnostics] == ["KB042"] and len(walked.files) <= 10
    deep = "content/" + "/".join(f"d{i}" for i in range(boundary.MAX_DEPTH + 2)) + "/x.md"
    kb.write(deep, "# deep\n")
    assert any("nested deeper" in d.message for d in boundary.walk(os.path.realpath(kb.root), "content").diagnostics)


def _unreadable_run(kb, folder: Path):
    """Validate as a process that cannot read ``folder`` (root keeps reading it unless its DAC capabilities go)."""
    folder.chmod(0)
    command = [sys.executable, "-m", "kbgen", "validate", "--root", str(kb.root)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a folder unreadable")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_an_unreadable_folder_is_reported_not_skipped(kb):
    kb.write("content/private/notes.md", "# Notes\n")
    folder = kb.path("content/private")
    try:
        code, out, err = _unreadable_run(kb, folder)
    finally:
        folder.chmod(0o755)
    assert "content/private:0:0: error KB026: cannot read the folder: permission denied" in out, out + err
    assert code == 1
    assert_no_traceback(out, err)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_named_special_files_are_refused_at_once(tmp_path, kb, special):
    if special == "fifo":
        special = str(tmp_path / "pipe.bib")
        os.mkfifo(special)
    with pytest.raises(UnreadableFile):
        read_named_file(special)
    code, out, err = run_kbgen("import-bib", special, "--root", str(kb.root), timeout=60)
    assert code == 2 and "not a regular file" in err
    assert_no_traceback(out, err)
    code, out, err = run_kbgen("path", "beta", "--known-file", special, "--root", str(kb.root), timeout=60)
    assert code == 2 and "not a regular file" in err
    assert_no_traceback(out, err)


def test_proc_files_are_read_bounded(kb):
    assert read_named_file("/proc/self/status").startswith(b"Name:")  # size 0 in stat, still read
    with pytest.raises(UnreadableFile):
        read_named_file("/proc/self/mem")
    code, out, err = run_kbgen("import-bib", "/proc/self/mem", "--root", str(kb.root), timeout=60)
    assert code == 2
    assert_no_traceback(out, err)


def test_papers_yaml_linking_outside_is_not_read_for_an_import(kb, tmp_path):
    outside = tmp_path / "other-papers.yaml"
    outside.write_text("papers: []\n# private\n")
    kb.path("papers.yaml").unlink()
    os.symlink(outside, kb.path("papers.yaml"))
    with pytest.raises(boundary.RefusedFile):
        read_papers_text(kb.root)
    assert "outside the knowledge base" in located(kb.root, "KB041")[0]


def test_the_cache_cannot_be_redirected_by_a_link(kb, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "linked-cache"
    home.mkdir()
    os.symlink(elsewhere, home / "kbgen")  # $XDG_CACHE_HOME/kbgen is a link: refused
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert not cache.write_entry(kb.root, "k", [b"x"])
    assert list(elsewhere.iterdir()) == []
    # The entry file itself as a link: never written through, never read.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "real-cache"))
    entry = cache.entry_path(kb.root)
    entry.parent.mkdir(parents=True, mode=0o700)
    target = tmp_path / "victim"
    target.write_text("keep me")
    os.symlink(target, entry)
    assert not cache.write_entry(kb.root, "k", [b"x"])
    assert target.read_text() == "keep me"
    assert cache.read_entry(kb.root, "k", 1) is None


def test_a_link_named_kbgen_cache_in_the_root_changes_nothing(kb, tmp_path):
    # The cache lives in the user's cache folder, never in the knowledge base: a planted link is inert.
    trap = tmp_path / "trap"
    trap.mkdir()
    os.symlink(trap, kb.path(".kbgen-cache"))
    code, out, err = run_kbgen("validate", "--root", str(kb.root), env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert code == 0, out + err
    assert list(trap.iterdir()) == []


def test_new_files_never_land_outside_through_a_linked_folder(kb, tmp_path):
    from kbgen.io.atomic import write_new_file

    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, kb.path("content/summaries"))
    with pytest.raises(boundary.RefusedFile):
        write_new_file(kb.path("content/summaries/x.md"), SUMMARY, root=kb.root)
    assert list(outside.iterdir()) == []
    write_new_file(kb.path("content/concepts/c.md"), "x", root=kb.root)  # a real folder inside: fine


def test_export_never_copies_what_lies_outside(kb, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    os.symlink(secret, kb.path("content/logo.png"))
    files = read_content_files(kb.path("content"), kb.root)
    assert "logo.png" not in files
