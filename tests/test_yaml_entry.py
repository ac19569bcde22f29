"""The YAML writer of imported entries: whatever it writes, libyaml reads back as exactly that value.

The writer replaces PyYAML's emitter (:mod:`kbgen.output.yaml_entry`), so these tests
are its proof: for arbitrary text (every character YAML can carry: indicators,
quotes, comment marks, line breaks, control characters, NEL, U+FEFF, astral
characters, words the resolver would retype) and arbitrary entries of the known
shape, ``yaml.load(..., CSafeLoader)`` and kbgen's own located parser return the
input; and on real BibTeX the text is byte for byte what PyYAML wrote before,
so papers.yaml keeps its layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.app.import_plan import _ordered, clean_value
from kbgen.app.importing import bib_candidates
from kbgen.output.yaml_entry import _node_lines, render_entry, render_located, scalar
from kbgen.parse.bibtex import parse_bibtex
from kbgen.parse.located import MAX_SCALAR_CHARS, parse_yaml

FIXTURES = Path(__file__).parent / "fixtures"

# Every code point but the surrogates, which no YAML can hold (see test_a_lone_surrogate_is_refused).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
# Text made mostly of what YAML gives a meaning to, so the edge cases come up often.
TRICKY = st.lists(st.sampled_from(list("-?:,[]{}#&*!|>'\"%@`~=<. \t\n\r\\0123456789eEyYnNoOtTfF+_")
                                 + ["\x00", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\ufeff",
                                    "\ufffe", "\uffff", "\U0001f600", "é", "ł", "\u202e", "---", "...",
                                    "yes", "no", "null", "true", "1e3", "0x1F", "2020-01-01", "<<", ".inf"]),
                  max_size=12).map("".join)
STRINGS = st.one_of(TEXT, TRICKY)
FIELDS = st.sampled_from(["id", "title", "venue", "doi", "arxiv", "url", "abstract", "bibtex_key", "short",
                          "year", "reading_time"])
SCALARS = st.one_of(STRINGS, st.integers(-10**20, 10**20), st.booleans(), st.none())
ENTRIES = st.dictionaries(
    st.one_of(FIELDS, STRINGS.filter(bool)),
    st.one_of(SCALARS, st.lists(STRINGS, max_size=4),
              # nested author lists: {name, affiliation} records, and lists of lists
              st.lists(st.dictionaries(st.sampled_from(["name", "affiliation", "orcid"]), SCALARS, max_size=3),
                       max_size=3),
              st.lists(st.lists(STRINGS, max_size=2), max_size=2)),
    min_size=1, max_size=8)


def _libyaml(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader)


@settings(max_examples=1500, deadline=None)
@given(STRINGS)
def test_any_string_reads_back_as_itself(text):
    written = scalar(text)
    assert "\n" not in written and "\r" not in written  # one line per value, always
    assert _libyaml(f"key: {written}\n") == {"key": text}
    assert _libyaml(f"- {written}\n") == [text]
    assert _libyaml(f"{written}: 1\n") == {text: 1}


@settings(max_examples=600, deadline=None)
@given(ENTRIES, st.sampled_from([0, 2, 4]))
def test_any_entry_reads_back_as_itself_indented_like_the_list(entry, indent):
    text = render_entry(entry, indent)
    assert _libyaml(text) == [entry]
    lines = text.splitlines()
    assert lines[0].startswith(" " * indent + "- ")
    assert all(line.startswith(" " * (indent + 2)) for line in lines[1:])  # every value under its item
    # Appended to a papers.yaml, it becomes its last paper and leaves the others alone.
    old = "papers:\n" + " " * indent + "- id: first\n"
    assert _libyaml(old + "\n" + text) == {"papers": [{"id": "first"}, entry]}


def _generic_located(entry, indent):
    """What render_located gave before its fast path for flat entries: the recursive writer's marks."""
    out, marks = [], {}
    _node_lines([entry], out, " " * indent, marks)
    return "\n".join(out) + "\n", {path[1:]: mark for path, mark in marks.items() if path}


@settings(max_examples=600, deadline=None)
@given(ENTRIES.filter(bool), st.sampled_from([0, 2, 4]))
def test_the_fast_path_writes_and_locates_as_the_recursive_writer(entry, indent):
    assert render_located(entry, indent) == _generic_located(entry, indent)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, st.one_of(STRINGS.filter(bool), st.lists(STRINGS.filter(bool), min_size=1,
                                                                         max_size=3)), min_size=1))
def test_kbgens_own_reader_agrees(entry):
    doc = parse_yaml(render_entry(entry, 2), "papers.yaml")
    assert doc.diagnostics == [] and doc.value == [entry]


@pytest.mark.parametrize("text", [
    "No: really # not a comment", "#hash", "a #b", "a#b", "- dash", "-", "-x", "? q", "?x", ": c", "a:", "a:b",
    "*star", "&anchor", "!tag", "!!python/object:os.system", "%YAML", "@at", "`tick`", "|pipe", ">fold",
    "'single'", '"double"', "it's", "[x]", "{x}", ",c", "yes", "No", "ON", "off", "y", "n", "null", "Null", "~",
    "", " ", "  lead", "trail ", "TRUE", "1e3", "1_000", "0o17", "0x1F", "+1", "-.5", ".inf", "-.INF", ".NaN",
    "1:20", "190:20:30", "2020-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "...", "---", "--- x", "... x",
    "line\nbreak", "\n", "cr\rlf", "tab\there", "\t", "bell\x07", "nul\x00", "esc\x1b[2J", "del\x7f", "nel\x85",
    "ls\u2028ps\u2029", "\ufeffbom", "\ufffe\uffff", "bidi\u202eevil", "Jürgen Schmidhuber", "Łukasz", "😀",
    "back\\slash", 'mixed \'"\\ all', "x" * 100_000, "word " * 30_000,
])
def test_hostile_strings_read_back(text):
    entry = {"id": "x", "title": text, "authors": [text, "Ann"]}
    assert _libyaml(render_entry(entry, 2)) == [entry]
    if len(text) <= MAX_SCALAR_CHARS:
        assert parse_yaml(render_entry(entry, 2), "papers.yaml").value == [entry]


def test_retyped_words_and_numbers_are_quoted_plain_words_are_not():
    assert [scalar(v) for v in ["yes", "1e3", "2020-01-01", "null", "~", "1706.03762"]] == [
        "'yes'", "'1e3'", "'2020-01-01'", "'null'", "'~'", "'1706.03762'"]
    assert [scalar(v) for v in ["Attention Is All You Need", "Jürgen", "https://x.org/a:b", "yesterday"]] == [
        "Attention Is All You Need", "Jürgen", "https://x.org/a:b", "yesterday"]
    assert [scalar(v) for v in [2017, True, None]] == ["2017", "true", "null"]


def test_a_lone_surrogate_is_refused_and_the_importer_never_passes_one():
    with pytest.raises(ValueError):
        scalar("a\ud800b")
    assert clean_value("a\ud800b") == "a b"


@pytest.mark.parametrize("value", [1.5, b"bytes", object()])
def test_a_value_of_another_type_is_refused(value):
    with pytest.raises(ValueError):
        render_entry({"id": "x", "v": value}, 2)


class _PyYAMLLayout(yaml.SafeDumper):
    """How imports were written before (PyYAML, lists indented under their key): the layout to keep."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _pyyaml(entry: dict, indent: int) -> str:
    text = yaml.dump([entry], Dumper=_PyYAMLLayout, sort_keys=False, allow_unicode=True, width=1 << 30, indent=2,
                     default_flow_style=False)
    return "".join(" " * indent + line for line in text.splitlines(keepends=True))


@pytest.mark.parametrize("bib", sorted((FIXTURES / "import").glob("*.bib")) + sorted((FIXTURES / "bib").glob("*.bib")),
                         ids=lambda p: p.name)
def test_real_entries_are_written_as_pyyaml_wrote_them(bib):
    records, _ = parse_bibtex(bib.read_text(encoding="utf-8"), bib.name)
    entries = [{k: clean_value(v) for k, v in _ordered(c.paper).items()} for c in bib_candidates(records, bib.name)]
    assert entries
    for indent in (0, 2, 4):
        assert [render_entry(e, indent) for e in entries] == [_pyyaml(e, indent) for e in entries]


def test_the_module_examples():
    import doctest

    import kbgen.output.yaml_entry

    result = doctest.testmod(kbgen.output.yaml_entry)
    assert result.failed == 0 and result.attempted > 0
