"""Scaffolds: every kind's text parses, validates against its model, and has its skeleton."""

from __future__ import annotations

import datetime

import pytest
import yaml

from kbgen.app.scaffold import KIND_FOLDERS, relative_path, render_scaffold, title_from_id
from kbgen.check.scaffolds import PLACEHOLDER, iter_placeholders
from kbgen.core.kinds import KINDS
from kbgen.core.models import ReadingPath
from kbgen.parse.sources import split_front_matter

TODAY = datetime.date(2026, 11, 27)
PAPER = {"id": "vaswani2017attention", "title": "Attention Is All You Need: \"quotes\" & colons",
         "topics": ["transformers"], "difficulty": "intermediate"}


def _front(text: str) -> dict:
    front, _, _, _ = split_front_matter(text)
    return yaml.safe_load(front)


@pytest.mark.parametrize("kind", ["summary", "concept", "story", "resource"])
def test_page_scaffold_front_matter_validates_against_its_model(kind):
    text = render_scaffold(kind, "some-id", today=TODAY, contributors=["Ada Lovelace"],
                           paper=PAPER if kind in ("summary", "story") else None,
                           url="https://x.org/" if kind == "resource" else None)
    front = _front(text)
    model = KINDS[kind].model.model_validate({**front, "id": "some-id"})
    assert model.contributors == ["Ada Lovelace"]
    assert front["date"] == TODAY


def test_summary_has_the_six_sections_in_order():
    text = render_scaffold("summary", "vaswani2017attention", today=TODAY, paper=PAPER)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["The problem", "The key idea", "How it works", "Results", "Why it matters",
                        "Questions for the group"]


def test_summary_takes_title_topics_and_difficulty_from_the_paper():
    front = _front(render_scaffold("summary", "vaswani2017attention", today=TODAY, paper=PAPER))
    assert front["paper"] == "vaswani2017attention"
    assert front["title"] == 'Attention Is All You Need: "quotes" & colons: summary'
    assert front["topics"] == ["transformers"]
    assert front["difficulty"] == "intermediate"


def test_explicit_title_wins_and_is_quoted_safely():
    front = _front(render_scaffold("concept", "x", today=TODAY, title="a: b # not a comment"))
    assert front["title"] == "a: b # not a comment"


def test_story_links_its_paper_only_when_given():
    assert "paper" not in _front(render_scaffold("story", "s", today=TODAY))
    assert _front(render_scaffold("story", "s", today=TODAY, paper={"id": "lstm"}))["paper"] == "lstm"


@pytest.mark.parametrize("kind", ["summary", "concept", "story", "resource"])
def test_every_section_holds_a_placeholder_the_validator_knows(kind):
    text = render_scaffold(kind, "some-id", today=TODAY)
    sections = text.split("\n## ")[1:]
    assert sections and all(f"\n\n{PLACEHOLDER}: " in section for section in sections)
    assert len(list(iter_placeholders(text))) == len(sections)


def test_resource_without_url_leaves_the_field_out_for_validation_to_demand():
    text = render_scaffold("resource", "r", today=TODAY)
    assert "url" not in _front(text) and "example.org" not in text
    assert "# url: https://...  # required" in text
    front = _front(render_scaffold("resource", "r", today=TODAY, url="https://x.org/a", resource_kind="tool"))
    assert (front["url"], front["kind"]) == ("https://x.org/a", "tool")


def test_path_scaffold_validates_and_names_its_schema():
    text = render_scaffold("path", "transformers-101", steps=["lstm", "self-attention"])
    assert text.startswith("# yaml-language-server: $schema=../../schemas/path.schema.json\n")
    data = yaml.safe_load(text)
    path = ReadingPath.model_validate({**data, "id": "transformers-101"})
    assert path.steps == ["lstm", "self-attention"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        render_scaffold("poem", "x", today=TODAY)


def test_paths_and_titles():
    assert {relative_path(k, "x") for k in KIND_FOLDERS} == {
        "content/summaries/x.md", "content/concepts/x.md", "content/stories/x.md",
        "content/resources/x.md", "content/paths/x.yaml"}
    assert title_from_id("k-means") == "K Means"


def test_docstring_examples_of_the_module():
    import doctest

    import kbgen.app.scaffold

    result = doctest.testmod(kbgen.app.scaffold)
    assert result.failed == 0 and result.attempted > 0
