"""The generated JSON Schemas: up to date on disk, valid, and true to the example files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from kbgen.app.schemas import build_schemas, render_schemas
from kbgen.cli.main import main
from kbgen.parse.sources import split_front_matter

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schemas"
FOLDER_KINDS = {"summaries": "summary", "concepts": "concept", "stories": "story", "resources": "resource"}


def _json_data(value):
    """YAML values as an editor's language server sees them (dates become strings)."""
    return json.loads(json.dumps(value, default=str))


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(build_schemas()[name], format_checker=jsonschema.FormatChecker())


def _errors(name: str, value) -> list[str]:
    """Every message, including those inside anyOf branches (``x: null`` is allowed)."""
    found = []
    stack = list(_validator(name).iter_errors(_json_data(value)))
    while stack:
        err = stack.pop()
        found.append(err.message)
        stack.extend(err.context or ())
    return found


def test_committed_schemas_are_up_to_date(capsys):
    assert main(["schema", "--root", str(REPO), "--check"]) == 0, capsys.readouterr().out
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(render_schemas())


def test_schema_writes_into_out_dir_and_check_notices_drift(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "papers.schema.json").read_text(encoding="utf-8") == render_schemas()["papers.schema.json"]
    (tmp_path / "topics.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1
    assert "topics.schema.json: missing or out of date" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(render_schemas()))
def test_every_schema_is_a_valid_draft_2020_12_schema(name):
    jsonschema.Draft202012Validator.check_schema(build_schemas()[name])


def test_example_papers_yaml_validates():
    data = yaml.safe_load((REPO / "papers.yaml").read_text(encoding="utf-8"))
    assert _errors("papers.schema.json", data) == []


def test_example_papers_yaml_names_its_schema():
    first = (REPO / "papers.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schemas/papers.schema.json"


def test_example_topics_and_paths_validate():
    topics = REPO / "content" / "topics.yaml"
    assert _errors("topics.schema.json", yaml.safe_load(topics.read_text(encoding="utf-8"))) == []
    for path in sorted((REPO / "content" / "paths").glob("*.yaml")):
        assert _errors("path.schema.json", yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path


def test_example_front_matter_validates():
    checked = 0
    for folder, kind in FOLDER_KINDS.items():
        for path in sorted((REPO / "content" / folder).glob("*.md")):
            front, _, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
            assert _errors(f"{kind}.schema.json", yaml.safe_load(front)) == [], path
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("name, value, fragment", [
    ("papers.schema.json", {"papers": [{"id": "Vaswani2017", "title": "T"}]}, "does not match"),
    ("papers.schema.json", {"papers": [{"id": "x", "title": "T", "arxiv": "arXiv:1706.03762"}]}, "does not match"),
    ("papers.schema.json", {"papers": [{"id": "x", "title": "T", "url": "javascript:alert(1)"}]}, "does not match"),
    ("papers.schema.json", {"papers": [{"id": "x", "title": "T", "titel": "T"}]}, "Additional properties"),
    ("papers.schema.json", {"papers": [{"title": "T"}]}, "'id' is a required property"),
    ("papers.schema.json", {"papers": [{"id": "x", "title": "T", "difficulty": "hard"}]}, "hard"),
    ("summary.schema.json", {"title": "S"}, "'paper' is a required property"),
    ("summary.schema.json", {"title": "S", "paper": "vit", "date": "27 Nov"}, "is not a 'date'"),
    ("resource.schema.json", {"title": "R", "url": "https://x.org", "kind": "toy"}, "toy"),
    ("path.schema.json", {"title": "P", "steps": []}, "should be non-empty"),
    ("topics.schema.json", {"topics": [{"id": "t"}]}, "'name' is a required property"),
])
def test_schemas_reject_what_the_validator_rejects(name, value, fragment):
    errors = _errors(name, value)
    assert any(fragment in e for e in errors), errors


def test_front_matter_schemas_do_not_offer_derived_keys():
    for kind in FOLDER_KINDS.values():
        props = build_schemas()[f"{kind}.schema.json"]["properties"]
        assert "id" not in props and "body" not in props


def test_example_yaml_files_name_their_schema():
    expected = {REPO / "content" / "topics.yaml": "../schemas/topics.schema.json"}
    expected.update({p: "../../schemas/path.schema.json" for p in (REPO / "content" / "paths").glob("*.yaml")})
    for path, schema in expected.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema}", path
        assert (path.parent / schema).resolve() == SCHEMA_DIR / Path(schema).name


def test_docstring_examples_of_the_module():
    import doctest

    import kbgen.app.schemas

    result = doctest.testmod(kbgen.app.schemas)
    assert result.failed == 0 and result.attempted > 0


def test_a_summary_schema_requires_contributors_as_validate_does():
    schema = build_schemas()["summary.schema.json"]
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"title": "T", "paper": "vit", "contributors": ["Ada"]})
    assert not validator.is_valid({"title": "T", "paper": "vit", "contributors": []})
    assert not validator.is_valid({"title": "T", "paper": "vit"})
