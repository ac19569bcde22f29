"""The house rules that keep kbgen easy to change, checked on the code itself.

- the layers contract of pyproject.toml holds (import-linter) and ruff is clean;
- no module is over 400 lines and no two modules import each other, even indirectly;
- files and the network are touched only under ``kbgen/io``;
- no file of the project cites a document outside the repository.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "kbgen"
MODULES = sorted(PACKAGE.rglob("*.py"))

# Calls that read, write or inspect the file system, or reach the network.
_FS_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "open", "iterdir", "glob", "rglob",
               "mkdir", "rmdir", "unlink", "exists", "is_file", "is_dir", "is_symlink", "stat", "lstat",
               "touch", "chmod", "rename", "replace", "symlink_to", "readlink"}
_FS_MODULE_CALLS = {("os", name) for name in ("walk", "open", "replace", "rename", "remove", "unlink", "listdir",
                                               "scandir", "stat", "lstat", "makedirs", "mkdir", "rmdir", "chmod",
                                               "fdopen", "fsync")}
_IO_MODULES = {"shutil", "tempfile", "socket", "subprocess", "urllib.request", "http.client", "importlib.resources"}


def _io_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{node.lineno}: import {n}" for n in names if n in _IO_MODULES]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                found.append(f"{node.lineno}: open()")
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else None
                if (owner, func.attr) in _FS_MODULE_CALLS:
                    found.append(f"{node.lineno}: {owner}.{func.attr}()")
                elif func.attr in _FS_METHODS and owner not in ("re", "str", "dict", "self", "json"):
                    # str.replace and dict.open-alikes are not file calls: only path-like receivers count.
                    if func.attr == "replace" and not (owner == "os"):
                        continue
                    found.append(f"{node.lineno}: .{func.attr}()")
    return found


def test_files_and_the_network_only_under_io():
    offenders = {}
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("io/"):
            continue
        uses = _io_uses(path)
        if uses:
            offenders[rel] = uses
    assert offenders == {}


def test_the_io_scan_can_fail(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import shutil\nfrom pathlib import Path\nPath('x').read_text()\nopen('y')\n")
    assert len(_io_uses(sample)) == 3


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_no_import_cycles():
    import grimp
    import networkx as nx

    graph = grimp.build_graph("kbgen")
    imports = nx.DiGraph((m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m))
    cycles = [c for c in nx.simple_cycles(imports) if len(c) > 1]
    assert cycles == []


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def test_the_layers_contract_holds():
    result = subprocess.run([_tool("lint-imports")], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_ruff_is_clean():
    result = subprocess.run([_tool("ruff"), "check", "kbgen", "tests", "benchmarks"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_nothing_cites_a_document_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    outside = ("DESIGN.md", "PERFORMANCE-NOTES.md", "STYLE.md", "../shared", "shared/reviews")
    offenders = []
    for rel in tracked:
        path = REPO / rel
        if path.suffix not in (".py", ".md", ".j2", ".js", ".css", ".yml", ".yaml", ".toml", ".txt", "") \
                or rel == "tests/test_architecture.py":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        offenders += [f"{rel}: {name}" for name in outside if name in text]
    assert offenders == []


def test_py_typed_is_shipped():
    assert (PACKAGE / "py.typed").is_file()
    assert '"py.typed"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
