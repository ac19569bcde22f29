"""kbgen.output.planformats: golden text/markdown/mermaid outputs of a small fixture KB, and the exact JSON shape."""

from __future__ import annotations

import doctest
import json
from datetime import date

import pytest

import kbgen.output.planformats
from kbgen.graph import build_graph
from kbgen.output.mermaid import escape_mermaid
from kbgen.output.planformats import (
    format_bib,
    format_ics,
    format_json,
    format_markdown,
    format_mermaid,
    format_text,
)
from kbgen.reading.paths import plan_path, plan_sessions

from .conftest import GOLDEN, check_golden
from .graphkit import make_kb

PATHS = GOLDEN / "paths"


def fixture_graph():
    """Recurrent nets to the Transformer, with awkward titles and a missing reading time."""
    return build_graph(make_kb(
        papers=[
            {"id": "lstm", "title": "Long Short-Term Memory", "authors": ["Sepp Hochreiter", "Jürgen Schmidhuber"],
             "year": 1997, "reading_time": 60, "doi": "10.1162/neco.1997.9.8.1735"},
            {"id": "seq2seq", "title": "Sequence to Sequence Learning with Neural Networks", "year": 2014,
             "arxiv": "1409.3215", "prerequisites": ["lstm"], "cites": ["lstm"], "reading_time": 35},
            {"id": "bahdanau-attention", "title": "Neural Machine Translation by Jointly Learning to Align and Translate",
             "year": 2014, "arxiv": "1409.0473", "prerequisites": ["seq2seq"], "cites": ["seq2seq", "lstm"],
             "reading_time": 45},
            {"id": "end", "title": 'The "End" of <RNNs> [& #1]: a *bold* claim_', "year": 2016,
             "url": "https://example.org/end", "cites": ["lstm"], "reading_time": 20},
            {"id": "transformer", "title": "Attention Is All You Need", "authors": ["Ashish Vaswani"], "year": 2017,
             "arxiv": "1706.03762", "prerequisites": ["bahdanau-attention", "self-attention"],
             "cites": ["bahdanau-attention", "seq2seq", "end"], "reading_time": 60},
        ],
        concepts=[{"id": "self-attention", "title": "Self-attention", "prerequisites": ["bahdanau-attention"]}],
    ))


@pytest.fixture(scope="module")
def g():
    return fixture_graph()


def test_doctests() -> None:
    assert doctest.testmod(kbgen.output.planformats).failed == 0


def test_text_golden(g) -> None:
    check_golden(PATHS / "transformer.txt", format_text(plan_path(g, ["transformer"])))


def test_text_with_known_and_sessions_golden(g) -> None:
    plan = plan_path(g, ["transformer"], known=["lstm"], hard_only=True)
    sessions = plan_sessions(plan, 60, date(2026, 1, 5), 7)
    check_golden(PATHS / "transformer-sessions.txt", format_text(plan, sessions))


def test_markdown_golden(g) -> None:
    check_golden(PATHS / "transformer.md", format_markdown(plan_path(g, ["transformer"])))


def test_markdown_syllabus_golden(g) -> None:
    plan = plan_path(g, ["transformer"])
    sessions = plan_sessions(plan, 90, date(2026, 1, 5), 14)
    check_golden(PATHS / "transformer-syllabus.md", format_markdown(plan, sessions))


def test_mermaid_golden(g) -> None:
    check_golden(PATHS / "transformer.mmd", format_mermaid(plan_path(g, ["transformer"]), g))


def test_mermaid_is_a_transitive_reduction_with_safe_labels(g) -> None:
    text = format_mermaid(plan_path(g, ["transformer"]), g)
    edges = [line.strip() for line in text.splitlines() if "->" in line]
    # lstm -> seq2seq -> bahdanau-attention make lstm -> bahdanau-attention redundant.
    assert "n_lstm -.-> n_bahdanau_attention" not in edges and "n_lstm --> n_bahdanau_attention" not in edges
    assert "n_seq2seq --> n_bahdanau_attention" in edges
    assert "n_end -.-> n_transformer" in edges
    label_lines = [line for line in text.splitlines() if '["' in line]
    for line in label_lines:
        label = line.split('["', 1)[1].rsplit('"]', 1)[0]
        assert not set(label) & set('"[]<>&{}|`')
    assert escape_mermaid("a<b") == "a#60;b"


def test_json_shape_exactly(g) -> None:
    plan = plan_path(g, ["transformer"], known=["lstm"])
    data = json.loads(format_json(plan))
    assert list(data) == ["targets", "known", "mode", "budget_minutes", "total_minutes", "steps", "optional"]
    assert data["targets"] == ["transformer"] and data["known"] == ["lstm"]
    assert data["mode"] == "complete" and data["budget_minutes"] is None and data["optional"] == []
    assert data["total_minutes"] == 35 + 45 + 20 + 15 + 60
    for step in data["steps"]:
        assert list(step) == ["id", "kind", "title", "year", "reading_time", "score", "reasons"]
        assert step["score"] is None
        for reason in step["reasons"]:
            assert list(reason) == ["kind", "needed_by", "text"]
    concept = next(s for s in data["steps"] if s["id"] == "self-attention")
    assert concept["reading_time"] is None and concept["year"] is None
    assert data["steps"][-1]["reasons"] == [{"kind": "target", "needed_by": None, "text": "target"}]


def test_json_with_sessions(g) -> None:
    plan = plan_path(g, ["transformer"])
    data = json.loads(format_json(plan, plan_sessions(plan, 90, date(2026, 3, 2), 7)))
    assert data["sessions"][0] == {"number": 1, "date": "2026-03-02", "minutes": 60, "steps": ["lstm"]}
    assert [i for s in data["sessions"] for i in s["steps"]] == [s["id"] for s in data["steps"]]


def test_bib_in_reading_order_papers_only(g) -> None:
    text = format_bib(plan_path(g, ["transformer"]), g)
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["lstm", "seq2seq", "bahdanau-attention", "end", "transformer"]
    assert "self-attention" not in text


def test_ics_one_event_per_session_with_links_and_stable_uids(g) -> None:
    from icalendar import Calendar

    plan = plan_path(g, ["transformer"])
    sessions = plan_sessions(plan, 90, date(2026, 1, 5), 7)
    text = format_ics(sessions, g, name="transformer")
    assert text == format_ics(sessions, g, name="transformer")
    events = Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == len(sessions)
    assert [str(e["uid"]) for e in events] == [f"transformer-session-{i}@kbgen" for i in range(1, len(sessions) + 1)]
    assert [e.decoded("dtstart") for e in events] == [s.date for s in sessions]
    assert "https://arxiv.org/abs/1409.3215" in str(events[1]["description"])
    assert "Long Short-Term Memory" in str(events[0]["summary"])


def test_empty_plan_renders(g) -> None:
    plan = plan_path(g, ["lstm"], known=["lstm"])
    assert "Nothing to read" in format_text(plan)
    assert "Nothing to read" in format_markdown(plan)
    assert format_mermaid(plan, g) == "flowchart TD\n"
    assert format_bib(plan, g) == ""
    assert json.loads(format_json(plan))["steps"] == []


def test_ics_uid_names_are_slugs(g) -> None:
    plan = plan_path(g, ["seq2seq"])
    sessions = plan_sessions(plan, 90, date(2026, 1, 5), 7)
    assert "UID:from-attention-to-vit-session-1@kbgen" in format_ics(sessions, g, name="From attention to ViT!")
    assert "-session-1@kbgen" in format_ics(sessions, g)


def test_json_of_a_focused_plan_has_scores_and_optional(g) -> None:
    from kbgen.reading.focus import plan_focused

    plan = plan_focused(g, ["transformer"], budget=120)
    data = json.loads(format_json(plan))
    assert data["mode"] == "focused" and data["budget_minutes"] == 120
    scores = {s["id"]: s["score"] for s in data["steps"]}
    # The relevance of kbgen.reading.relevance: self-attention ("attention" in both titles) is the best.
    assert scores["transformer"] is None and scores["self-attention"] == 1.0
    assert scores["bahdanau-attention"] == 0.721
    # "end" (cited by the target only, 20 min) does not fit the budget after the prerequisites.
    assert "end" not in scores
    assert [o["id"] for o in data["optional"]] == ["end"]
    assert data["optional"][0]["reasons"][-1] == {"kind": "optional", "needed_by": None,
                                                  "text": "over the budget"}
    assert data["total_minutes"] == sum(s["reading_time"] or 15 for s in data["steps"])


def test_text_of_a_focused_plan(g) -> None:
    from kbgen.reading.focus import plan_focused

    text = format_text(plan_focused(g, ["transformer"]))
    assert text.splitlines()[0] == ("Reading path to transformer: 6 steps, 3 h 55 min (focused: 5 required, "
                                    "1 chosen by relevance; --complete lists every ancestor)")
    assert "why: cited by transformer (relevance 0.55)" in text
    assert "why: prerequisite of seq2seq; cited by bahdanau-attention and end" in text
    budgeted = format_text(plan_focused(g, ["transformer"], budget=60))
    assert "Budget 1 h: the required steps alone take 3 h 35 min, so no other step is added" in budgeted
    assert "Optional background (not steps, not in the total):" in budgeted
    markdown = format_markdown(plan_focused(g, ["transformer"], budget=60))
    optional = markdown.split("## Optional background", 1)[1]
    assert '- **[The "End" of &lt;RNNs&gt;' in optional and "- [ ] " not in optional
