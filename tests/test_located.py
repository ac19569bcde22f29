"""Located YAML: values, positions, and hostile input handled as diagnostics."""

from __future__ import annotations

from kbgen.parse.located import parse_yaml


def test_values_and_marks() -> None:
    doc = parse_yaml("papers:\n  - id: vit\n    year: 2020\n    tags: [a, b]\n", "p.yaml")
    assert doc.value == {"papers": [{"id": "vit", "year": 2020, "tags": ["a", "b"]}]}
    assert doc.mark(("papers", 0, "year")) == (3, 11)
    assert doc.key_mark(("papers", 0, "year")) == (3, 5)
    assert doc.mark(("papers", 0, "tags", 1)) == (4, 15)
    # A missing key points at its mapping.
    assert doc.mark(("papers", 0, "title")) == (2, 5)


def test_line_offset_for_front_matter() -> None:
    doc = parse_yaml("title: X\npaper: vit\n", "s.md", line_offset=1)
    assert doc.mark(("paper",)) == (3, 8)


def test_scalars_are_typed_safely() -> None:
    doc = parse_yaml("a: 1\nb: 1.5\nc: true\nd: null\ne: '2020'\nf: 2024-01-05\n", "x.yaml")
    assert doc.value["a"] == 1 and doc.value["b"] == 1.5 and doc.value["c"] is True
    assert doc.value["d"] is None and doc.value["e"] == "2020"
    assert str(doc.value["f"]) == "2024-01-05"


def test_python_tags_are_never_constructed(tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\nb: !!python/name:os.system\n"
    doc = parse_yaml(text, "x.yaml")
    assert not marker.exists()
    assert [d.code for d in doc.diagnostics] == ["KB021", "KB021"]
    assert doc.value == {"a": None, "b": None}


def test_alias_bomb_is_stopped_quickly() -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    doc = parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert doc.value is None
    assert [d.code for d in doc.diagnostics] == ["KB022"]


def test_small_aliases_are_fine() -> None:
    doc = parse_yaml("base: &b [x, y]\nother: *b\n", "x.yaml")
    assert doc.value == {"base": ["x", "y"], "other": ["x", "y"]} and not doc.diagnostics


def test_duplicate_keys_and_merge_keys() -> None:
    doc = parse_yaml("a: 1\na: 2\nb: &m {x: 1}\nc:\n  <<: *m\n", "x.yaml")
    assert [(d.line, d.code) for d in doc.diagnostics] == [(2, "KB023"), (5, "KB021")]
    assert doc.value["a"] == 1


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    doc = parse_yaml("[" * 100_000 + "]" * 100_000, "deep.yaml")
    assert doc.value is None and doc.diagnostics[0].code in ("KB001", "KB008")
    doc = parse_yaml("a:\n" + "".join("  " * i + "- \n" for i in range(1, 80)), "deep2.yaml")
    assert doc.diagnostics


def test_syntax_error_location_and_tab_hint() -> None:
    doc = parse_yaml("a: [1, 2\nb: 3\n", "x.yaml")
    assert doc.diagnostics[0].code == "KB001" and doc.diagnostics[0].line == 2
    doc = parse_yaml("a:\n\tb: 1\n", "x.yaml")
    assert (doc.diagnostics[0].code, doc.diagnostics[0].line, doc.diagnostics[0].column) == ("KB005", 2, 1)


def test_empty_document() -> None:
    doc = parse_yaml("# only a comment\n", "x.yaml")
    assert doc.value is None and not doc.diagnostics
