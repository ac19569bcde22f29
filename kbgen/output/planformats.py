"""Renderers of a reading plan: text, JSON, Markdown, Mermaid, BibTeX, iCalendar.

Pure functions from a :class:`~kbgen.paths.ReadingPlan` (and its sessions or
graph) to text; ``kbgen path --format ...`` prints what they return.

JSON (docs/design.md, section 5, stable)::

    {"targets": [...], "known": [...], "mode": "focused" | "complete" | "hard-only",
     "budget_minutes": N | null, "total_minutes": N,
     "steps": [{"id", "kind", "title", "year", "reading_time", "score",
                "reasons": [{"kind", "needed_by", "text"}, ...]}],
     "optional": [steps, same shape],                                 # focused only; else []
     "sessions": [{"number", "date", "minutes", "steps": [ids]}]}   # only with sessions

Each reason is an object: ``kind`` is ``target``, ``prerequisite`` or
``cites`` (or, for an optional entry above the threshold, ``optional``: why it
is not a step); ``needed_by`` the later step that needs this one (``null`` for a
target); ``text`` the sentence the text output shows. ``reading_time`` is what
the entry declares (``null`` when it declares nothing); ``total_minutes``
counts such entries with the estimates of :data:`kbgen.paths.DEFAULT_MINUTES`.
``score`` is the relevance of :mod:`kbgen.reading.relevance` (the best ancestor 1; ``null`` for a target and
in the complete and hard-only modes); ``optional`` lists the next best
ancestors of a focused plan, which are not steps and not in the total.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Iterable

from kbgen.graph import KBGraph
from kbgen.output.mermaid import path_chart
from kbgen.reading.paths import ReadingPlan, Session, Step

_MAX_NAMES = 6  # needed-by names shown per reason kind in text and Markdown


def format_minutes(minutes: int) -> str:
    """``95`` -> ``'1 h 35 min'``.

    >>> format_minutes(40), format_minutes(120), format_minutes(61)
    ('40 min', '2 h', '1 h 1 min')
    """
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def _step_minutes(step: Step) -> str:
    return ("~" if step.estimated else "") + format_minutes(step.minutes)


def summarise_reasons(step: Step, words: bool = False) -> str:
    """One line: ``target; prerequisite of a, b; cited by c`` (long lists shortened).

    ``words`` joins the last two names with "and" (focused plans: "cited by vit and bert").

    >>> from kbgen.reading.paths import Reason
    >>> s = Step("x", "paper", "X", 2000, 10, (Reason("prerequisite", "a", "prerequisite of a"),
    ...          Reason("cites", "b", "cited by b"), Reason("prerequisite", "c", "prerequisite of c")))
    >>> summarise_reasons(s), summarise_reasons(s, words=True)
    ('prerequisite of a, c; cited by b', 'prerequisite of a and c; cited by b')
    """
    groups: dict[str, list[str]] = {}
    parts = []
    for reason in step.reasons:
        if reason.kind == "target":
            parts.append("target")
        else:
            groups.setdefault(reason.kind, []).append(reason.needed_by or "")
    for kind, label in (("prerequisite", "prerequisite of"), ("cites", "cited by")):
        names = groups.get(kind)
        if names:
            more = len(names) - _MAX_NAMES
            if words and more <= 0 and len(names) > 1:
                shown = ", ".join(names[:-1]) + " and " + names[-1]
            else:
                shown = ", ".join(names[:_MAX_NAMES]) + (f" and {more} more" if more > 0 else "")
            parts.append(f"{label} {shown}")
    return "; ".join(parts)


def is_required(step: Step) -> bool:
    """A target or a curated prerequisite of a later step (a hard step of a focused plan)."""
    return any(r.kind in ("target", "prerequisite") for r in step.reasons)


def step_why(step: Step, plan: ReadingPlan) -> str:
    """The "why" line of a step: its reasons, and in a focused plan a chosen step's relevance."""
    if not plan.focused:
        return summarise_reasons(step)
    text = summarise_reasons(step, words=True)
    if step.score is not None and not is_required(step):
        text += f" (relevance {step.score:.2f})"
    notes = [r.text for r in step.reasons if r.kind == "optional"]
    return "; ".join([text, *notes])


def _title_line(step: Step) -> str:
    year = f" ({step.year})" if step.year else ""
    return f"{step.id} — {step.title}{year} [{step.kind}, {_step_minutes(step)}]"


def name_targets(targets: tuple[str, ...], limit: int = 4) -> str:
    """``a, b, c`` or, for many targets, ``a, b, c, d and 6 more``.

    >>> name_targets(("a", "b")), name_targets(tuple("abcdef"), limit=2)
    ('a, b', 'a, b and 4 more')
    """
    more = len(targets) - limit
    return ", ".join(targets[:limit]) + (f" and {more} more" if more > 0 else "")


def _mode_note(plan: ReadingPlan) -> str:
    if plan.hard_only:
        return " (prerequisites only)"
    if not plan.focused:
        return ""
    required = sum(1 for s in plan.steps if is_required(s))
    return (f" (focused: {required} required, {len(plan.steps) - required} chosen by relevance; "
            "--complete lists every ancestor)")


def budget_note(plan: ReadingPlan) -> str | None:
    """A sentence about the budget of a focused plan, or ``None`` without one."""
    if plan.budget_minutes is None:
        return None
    required = sum(s.minutes for s in plan.steps if is_required(s))
    budget = format_minutes(plan.budget_minutes)
    if required > plan.budget_minutes:
        return (f"Budget {budget}: the required steps alone take {format_minutes(required)}, "
                "so no other step is added")
    return f"Budget {budget}: steps chosen by relevance while they fit"


def _header(plan: ReadingPlan) -> list[str]:
    count = len(plan.steps)
    lines = [f"Reading path to {name_targets(plan.targets)}: {count} step{'s' * (count != 1)}, "
             f"{format_minutes(plan.total_minutes)}" + _mode_note(plan)]
    note = budget_note(plan)
    if note:
        lines.append(note)
    if plan.known:
        lines.append(f"Already known: {', '.join(plan.known)}")
    if any(s.estimated for s in plan.steps):
        lines.append("~ marks an estimated reading time")
    return lines


def format_text(plan: ReadingPlan, sessions: list[Session] | None = None) -> str:
    """Numbered steps, each with its reasons; grouped by session when given."""
    lines = _header(plan)
    if not plan.steps:
        lines.append("Nothing to read: every target is already known.")
        return "\n".join(lines) + "\n"
    width = len(str(len(plan.steps)))
    number = {s.id: i for i, s in enumerate(plan.steps, 1)}

    def step_lines(step: Step) -> list[str]:
        return [f"{number[step.id]:>{width}}. {_title_line(step)}",
                f"{' ' * width}  why: {step_why(step, plan)}"]

    if sessions:
        for session in sessions:
            lines.append("")
            lines.append(f"Session {session.number} — {session.date.isoformat()} "
                         f"({format_minutes(session.minutes)})")
            for step in session.steps:
                lines.extend(step_lines(step))
    else:
        lines.append("")
        for step in plan.steps:
            lines.extend(step_lines(step))
    if plan.optional:
        lines += ["", "Optional background (not steps, not in the total):"]
        for step in plan.optional:
            lines += [f"  - {_title_line(step)}", f"    why: {step_why(step, plan)}"]
    return "\n".join(lines) + "\n"


def plan_to_dict(plan: ReadingPlan, sessions: list[Session] | None = None) -> dict:
    """The JSON shape of the module docs, as a dict."""
    def step_dict(s: Step) -> dict:
        return {"id": s.id, "kind": s.kind, "title": s.title, "year": s.year, "reading_time": s.reading_time,
                "score": s.score,
                "reasons": [{"kind": r.kind, "needed_by": r.needed_by, "text": r.text} for r in s.reasons]}

    data = {
        "targets": list(plan.targets),
        "known": list(plan.known),
        "mode": plan.mode,
        "budget_minutes": plan.budget_minutes,
        "total_minutes": plan.total_minutes,
        "steps": [step_dict(s) for s in plan.steps],
        "optional": [step_dict(s) for s in plan.optional],
    }
    if sessions is not None:
        data["sessions"] = [{"number": x.number, "date": x.date.isoformat(), "minutes": x.minutes,
                             "steps": [s.id for s in x.steps]} for x in sessions]
    return data


def format_json(plan: ReadingPlan, sessions: list[Session] | None = None) -> str:
    return json.dumps(plan_to_dict(plan, sessions), indent=2, ensure_ascii=False) + "\n"


# Characters both CommonMark and Python-Markdown let a backslash escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    r"""Make a title plain text in Markdown: punctuation escaped, HTML characters as entities.

    >>> escape_markdown("A [b] *c* <d> & e")
    'A \\[b\\] \\*c\\* &lt;d&gt; &amp; e'
    """
    text = re.sub(r"[&<>]", lambda m: _HTML[m.group(0)], text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_step(step: Step, plan: ReadingPlan, box: str = "- [ ] ") -> str:
    title = escape_markdown(step.title)
    if step.url:
        title = f"[{title}](<{step.url}>)"
    year = f"{step.year}, " if step.year else ""
    return (f"{box}**{title}** ({year}{step.kind}, {_step_minutes(step)}) — `{step.id}`  \n"
            f"  Why: {escape_markdown(step_why(step, plan))}")


def format_markdown(plan: ReadingPlan, sessions: list[Session] | None = None) -> str:
    """A syllabus: a checklist of steps, one section per session when given."""
    lines = [f"# Reading path to {escape_markdown(name_targets(plan.targets))}", ""]
    count = len(plan.steps)
    summary = f"{count} step{'s' * (count != 1)}, {format_minutes(plan.total_minutes)} of reading"
    if sessions:
        summary += f" in {len(sessions)} session{'s' * (len(sessions) != 1)}"
    summary += _mode_note(plan)
    lines.append(summary + ".")
    note = budget_note(plan)
    if note:
        lines += ["", escape_markdown(note) + "."]
    if plan.known:
        lines += ["", "Already known: " + ", ".join(f"`{k}`" for k in plan.known) + "."]
    if any(s.estimated for s in plan.steps):
        lines += ["", "~ marks an estimated reading time."]
    if not plan.steps:
        lines += ["", "Nothing to read: every target is already known."]
    elif sessions:
        for session in sessions:
            lines += ["", f"## Session {session.number} — {session.date.strftime('%A')} "
                          f"{session.date.isoformat()} ({format_minutes(session.minutes)})", ""]
            lines += [_md_step(s, plan) for s in session.steps]
    else:
        lines += ["", "## Steps", ""]
        lines += [_md_step(s, plan) for s in plan.steps]
    if plan.optional:
        lines += ["", "## Optional background", "", "Not steps and not in the total: the next best ancestors.", ""]
        lines += [_md_step(s, plan, box="- ") for s in plan.optional]
    return "\n".join(lines) + "\n"


def format_mermaid(plan: ReadingPlan, g: KBGraph) -> str:
    """The path as a Mermaid flowchart: :func:`kbgen.output.mermaid.path_chart`, the one builder."""
    return path_chart(plan, g)


def format_bib(plan: ReadingPlan, g: KBGraph) -> str:
    """BibTeX of the path's papers, in reading order."""
    from kbgen.output.bibtex import format_bibtex

    papers = [g.kb.papers[s.id].model_dump() for s in plan.steps if s.id in g.kb.papers]
    return format_bibtex(papers) if papers else ""


def _plan_uid(sessions: Iterable[Session]) -> str:
    digest = hashlib.sha256("\n".join(s.id for x in sessions for s in x.steps).encode()).hexdigest()
    return digest[:16]


def format_ics(sessions: list[Session], g: KBGraph, name: str | None = None) -> str:
    """An iCalendar file: one all-day event per session listing its readings with links.

    UIDs are ``<name>-session-<n>@kbgen`` (``name`` slugified; by default a
    hash of the plan's steps), so importing an updated plan updates the events.
    DTSTAMP is the session's date, to keep the output reproducible.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//kbgen//reading sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    key = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")[:80] or _plan_uid(sessions)
    total = len(sessions)
    for session in sessions:
        event = Event()
        event.add("uid", f"{key}-session-{session.number}@kbgen")
        event.add("dtstamp", datetime(session.date.year, session.date.month, session.date.day,
                                      tzinfo=timezone.utc))
        event.add("dtstart", session.date)
        event.add("dtend", session.date + timedelta(days=1))
        titles = ", ".join(s.title for s in session.steps)
        event.add("summary", f"Reading session {session.number}/{total}: {titles}")
        lines = [f"Reading session {session.number} of {total} ({format_minutes(session.minutes)}):", ""]
        for i, step in enumerate(session.steps, 1):
            year = f" ({step.year})" if step.year else ""
            lines.append(f"{i}. {step.title}{year}, {_step_minutes(step)}")
            if step.url:
                lines.append(f"   {step.url}")
        event.add("description", "\n".join(lines))
        first_link = next((s.url for s in session.steps if s.url), None)
        if first_link:
            event.add("url", first_link)
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
