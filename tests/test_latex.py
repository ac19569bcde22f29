"""kbgen.parse.latex: LaTeX in BibTeX values to Unicode, mostly without pylatexenc."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.parse import latex
from kbgen.parse.latex import decode_latex

TABLE = [
    # accents, in every spelling exporters use
    (r'{\"u}', "ü"),
    (r'\"u', "ü"),
    (r'\"{u}', "ü"),
    (r'\" u', "ü"),
    (r"\'e", "é"),
    (r"{\'E}cole", "École"),
    (r"\`a", "à"),
    (r"\^o", "ô"),
    (r"\~n", "ñ"),
    (r"\=a", "ā"),
    (r"\.{z}", "ż"),
    (r"\c{c}", "ç"),
    (r"\c c", "ç"),
    (r"Fran{\c{c}}ois", "François"),
    (r"\v{C}ech", "Čech"),
    (r"Ko{\v{c}}isk{\'y}", "Kočiský"),
    (r"\H{o}", "ő"),
    (r"\k{a}", "ą"),
    (r"\r{a}", "å"),
    (r"\u{a}", "ă"),
    (r"Llu{\'\i}s", "Lluís"),
    (r'{\"{\i}}', "ï"),
    (r"\'{\i}", "í"),
    # special letters
    (r"{\L}ukasz", "Łukasz"),
    (r"\L ukasz", "Łukasz"),
    (r"{\ss}", "ß"),
    (r"Stra\ss e", "Straße"),
    (r"\o", "ø"),
    (r"{\O}ystein", "Øystein"),
    (r"\o{} x", "ø x"),
    (r"\aa", "å"),
    (r"\AA", "Å"),
    (r"\ae\AE\oe\OE", "æÆœŒ"),
    # escapes
    (r"R\&D", "R&D"),
    (r"50\%", "50%"),
    (r"snake\_case", "snake_case"),
    (r"C\#", "C#"),
    (r"\$5", "$5"),
    (r"\{x\}", "{x}"),
    (r"http://x.org/\~{}user", "http://x.org/~user"),
    (r"\textbackslash{}n", "\\n"),
    # dashes and spaces
    ("pages 1--10", "pages 1–10"),
    ("a---b", "a—b"),
    ("-{}-", "--"),
    ("Jane~Doe", "Jane Doe"),
    (r"10\,000", "10 000"),
    # commands
    (r"\textit{x}", "x"),
    (r"\emph{x}", "x"),
    (r"\textbf{Deep} \textsc{Learning}", "Deep Learning"),
    (r"{\em Deep} learning", "Deep learning"),
    (r"\url{http://x.org/a_b}", "http://x.org/a_b"),
    (r"\href{http://x.org}{the site}", "the site"),
    (r"\LaTeX{} and \TeX", "LaTeX and TeX"),
    (r"\ldots", "…"),
    # protective braces
    ("{BERT}", "BERT"),
    ("{{Transformers}} for {{Image Recognition}}", "Transformers for Image Recognition"),
    ("{G}lo{V}e", "GloVe"),
    # math
    ("$k$-means", "k-means"),
    (r"$\alpha$-divergence", "α-divergence"),
    (r"$\mathcal{O}(n)$ attention", "𝒪(n) attention"),
    # raw % is text in BibTeX, also on the slow path
    (r"$\alpha$ at 95% accuracy", "α at 95% accuracy"),
    # unknown macros: the argument survives
    (r"\unknownmacro{kept}", "kept"),
]


@pytest.mark.parametrize(("source", "expected"), TABLE)
def test_decode_table(source: str, expected: str) -> None:
    assert decode_latex(source) == expected


@pytest.mark.parametrize("text", ["", "plain", "Attention Is All You Need", "a-b", "üñí©ode", "100%"])
def test_plain_text_is_returned_unchanged(text: str) -> None:
    assert decode_latex(text) is text


@pytest.mark.parametrize("text", ["\\", "{", "}", "}{", r"\"", r"\c", r"\'{}", "$", r"\href{x}",
                                  "{" * 2000, r"\begin{itemize}", "\\" * 7, r"\v{", "\ue001"])
def test_malformed_input_does_not_raise(text: str) -> None:
    assert isinstance(decode_latex(text), str)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(decode_latex(text), str)


LATEXISH = st.lists(
    st.sampled_from(["\\", "{", "}", "~", "$", "-", "'", '"', "c", "L", "i", "url", "emph", " ", "%",
                     "&", "_", "#", "^", "a", "\n", "textbf", "href", "ss", "\\\\"]),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(LATEXISH)
def test_never_raises_on_latex_like_text(text: str) -> None:
    assert isinstance(decode_latex(text), str)


def test_accent_only_strings_skip_pylatexenc(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 synthetic entries' worth of accented names: the slow tier is never called."""
    calls = []
    real = latex._decode_with_pylatexenc

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(latex, "_decode_with_pylatexenc", counting)
    names = [r"J{\"u}rgen", r"Fran{\c{c}}ois", r"{\L}ukasz", r"Herv{\'e}", r"Doll{\'a}r",
             r"M{\"u}ller", r"Gr{\'e}goire", r"Llu{\'\i}s", r"{\O}ystein", r"Stra{\ss}e"]
    for i in range(2000):
        author = f"{names[i % len(names)]} Author{i} and {names[(i + 3) % len(names)]} Other"
        title = f"{{BERT}}-style {{T}}ransformers \\& friends -- part {i}"
        assert "\\" not in decode_latex(author)
        assert "\\" not in decode_latex(title)
    assert calls == []
    # ... while a genuinely unknown macro does take the general path
    assert decode_latex(r"\mathbb{R}") == "ℝ"
    assert len(calls) == 1


def test_docstring_examples() -> None:
    import doctest

    import kbgen.parse.latex

    assert doctest.testmod(kbgen.parse.latex).failed == 0


def test_the_never_raises_properties_fail_when_the_decoder_is_sabotaged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The properties above can fail: a decoder bug is not swallowed by a catch-all."""
    def sabotaged(text: str) -> str:
        raise RuntimeError("sabotaged decoder")

    monkeypatch.setattr(latex, "_decode", sabotaged)
    with pytest.raises(RuntimeError, match="sabotaged"):
        test_never_raises_on_latex_like_text()
    monkeypatch.undo()

    class Broken:
        def latex_to_text(self, text: str) -> str:
            raise RuntimeError("sabotaged pylatexenc")

    monkeypatch.setattr(latex, "_converter", lambda: Broken())
    with pytest.raises(RuntimeError, match="sabotaged"):
        decode_latex(r"\unknownmacro{x}")


def test_what_pylatexenc_raises_is_kept_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from pylatexenc.latexwalker import LatexWalkerParseError

    class Refuses:
        def latex_to_text(self, text: str) -> str:
            raise LatexWalkerParseError("cannot parse", pos=0)

    monkeypatch.setattr(latex, "_converter", lambda: Refuses())
    assert decode_latex(r"\unknownmacro{word}") == "word"


def test_an_accent_on_a_macro_without_arguments_does_not_raise() -> None:
    # Found by the fuzz target (tests/hostile/test_fuzz.py): pylatexenc raises AttributeError here.
    assert decode_latex('\\"\\href{') == ""
