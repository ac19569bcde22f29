"""LaTeX in BibTeX values to plain Unicode text, fast.

BibTeX values carry LaTeX: accents (``J{\\"u}rgen``), special letters
(``{\\L}ukasz``), escapes (``\\&``), font commands (``\\emph{x}``), dashes and
protective braces (``{BERT}``). :func:`decode_latex` turns them into Unicode.

Why not just pylatexenc? Running it on every field of a 10,000-entry file
takes ~17 s against 0.84 s for the parse itself (docs/design.md, section 8).
Almost every real value is either plain text or uses a small set of accent
macros and commands, so decoding goes through three tiers:

1. no ``\\``, ``{``, ``~``, ``$`` and no ``--``: returned unchanged;
2. a single precompiled regex plus lookup tables for accents, letters,
   escapes and font commands;
3. only when a backslash survives tier 2 (an unknown macro, math with
   macros): :class:`pylatexenc.latex2text.LatexNodes2Text` on what is left.

>>> decode_latex(r'J{\\"u}rgen Schmidhuber and Fran{\\c{c}}ois Chollet')
'Jürgen Schmidhuber and François Chollet'
>>> decode_latex(r'{BERT}: Pre-training -- \\emph{deep} \\& bidirectional')
'BERT: Pre-training – deep & bidirectional'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["decode_latex"]

# Combining marks for the accent macros; NFC then composes them with the letter.
_ACCENTS: dict[str, str] = {
    '"': "\u0308",  # diaeresis
    "'": "\u0301",  # acute
    "`": "\u0300",  # grave
    "^": "\u0302",  # circumflex
    "~": "\u0303",  # tilde
    "=": "\u0304",  # macron
    ".": "\u0307",  # dot above
    "u": "\u0306",  # breve
    "v": "\u030c",  # caron
    "H": "\u030b",  # double acute
    "c": "\u0327",  # cedilla
    "k": "\u0328",  # ogonek
    "r": "\u030a",  # ring above
    "d": "\u0323",  # dot below
    "b": "\u0331",  # macron below
}

# Control words that stand for a character or a fixed piece of text.
_SYMBOLS: dict[str, str] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å",
    "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł",
    "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
    "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ", "S": "§", "P": "¶",
    "copyright": "©", "textcopyright": "©", "pounds": "£", "textsterling": "£",
    "euro": "€", "texteuro": "€", "dag": "†", "ddag": "‡", "textdagger": "†",
    "textdaggerdbl": "‡", "ldots": "…", "dots": "…", "textellipsis": "…",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘",
    "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "quotedblbase": "„", "guillemotleft": "«", "guillemotright": "»",
    "guilsinglleft": "‹", "guilsinglright": "›", "textless": "<",
    "textgreater": ">", "textbar": "|", "textasciicircum": "^",
    "textunderscore": "_", "textregistered": "®", "texttrademark": "™",
    "textdegree": "°", "textperiodcentered": "·", "textbullet": "•",
    "textexclamdown": "¡", "textquestiondown": "¿", "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε", "TeX": "TeX", "BibTeX": "BibTeX", "slash": "/",
    "textbackslash": "\ue00b", "textasciitilde": "\ue00c", "textdollar": "\ue004",
    "textbraceleft": "\ue005", "textbraceright": "\ue006",
    "relax": "", "protect": "", "noindent": "", "xspace": "",
}

# Commands whose argument is plain text: drop the command, keep the argument
# (its braces go with the other protective braces).
_TEXT_COMMANDS = frozenset(
    """emph textit textbf textsc texttt textrm textsf textsl textup textmd
    textnormal mbox hbox text textsuperscript textsubscript underline url path
    nolinkurl uline NoCaseChange MakeUppercase MakeLowercase mathrm mathit
    mathbf mathsf mathtt ensuremath""".split()
)

# Font declarations (``{\em x}``): they change the look, not the text.
_DECLARATIONS = frozenset(
    """em it bf sc tt rm sf sl itshape bfseries scshape normalfont upshape
    mdseries rmfamily sffamily ttfamily slshape small footnotesize
    scriptsize tiny normalsize large Large LARGE huge Huge""".split()
)

# Escaped characters live in Private Use Area placeholders while decoding, so
# that brace stripping, tilde handling and pylatexenc (which reads `%` as a
# comment) cannot touch them; they become the real characters at the end.
_ESCAPES: dict[str, str] = {
    "&": "\ue001", "%": "\ue002", "_": "\ue003", "$": "\ue004",
    "{": "\ue005", "}": "\ue006", "#": "\ue007",
}
_PLACEHOLDER_CHARS: dict[str, str] = {v: k for k, v in _ESCAPES.items()}
_PLACEHOLDER_CHARS.update({"\ue00b": "\\", "\ue00c": "~", "\ue00d": "^"})
_RESTORE = str.maketrans(_PLACEHOLDER_CHARS)
_PLACEHOLDER_RE = re.compile("[\ue001-\ue00d]")
_PLACEHOLDER_COUNT = 13

# Control symbols that are spacing or hyphenation hints.
_SPACING = {"\\": " ", " ": " ", ",": " ", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": ""}

_ARG = r"(?:\{\s*(?:\\[ij]|[A-Za-z])\s*\}|\\[ij](?![A-Za-z])|[A-Za-z])"
_MACRO_RE = re.compile(
    r"\\(?P<esc>[&%_$#{}])"
    r"|\\(?P<tildeword>[~^])\{\}"  # \~{} is a literal tilde (common in URLs)
    r"|\\(?P<sym_acc>[\"'`^~=.])\s*(?P<arg1>" + _ARG + r")"
    r"|\\(?P<let_acc>[cvuHkrdb])(?:\s+|(?=\{))(?P<arg2>" + _ARG + r")"
    r"|\\(?P<word>[A-Za-z]+)(?P<tail>\{\}|\s*)"
    r"|\\(?P<space>[\\ ,;:!/@-])"
)
_HREF_RE = re.compile(r"\\href\s*\{[^{}]*\}")
_MATH_RE = re.compile(r"\$([^$]*)\$")


def decode_latex(text: str) -> str:
    """Return ``text`` with LaTeX accents, commands and protective braces turned into Unicode.

    Malformed LaTeX does not raise: what pylatexenc cannot parse is kept as
    text with its macros and braces dropped.

    >>> decode_latex(r"{\\L}ukasz Kaiser, Herv{\\'e} J{\\'e}gou, Stra\\ss e")
    'Łukasz Kaiser, Hervé Jégou, Straße'
    >>> decode_latex("plain text is returned as is")
    'plain text is returned as is'
    >>> decode_latex(r"$k$-means with $\\alpha$ and 50\\% off")
    'k-means with α and 50% off'
    """
    if not _needs_decoding(text):
        return text
    if _PLACEHOLDER_RE.search(text):
        return _decode_around_placeholders(text)
    return _decode(text)


def _decode_around_placeholders(text: str) -> str:
    """Decode text that itself holds the placeholder characters: park them on unused code points first."""
    used = set(text)
    spare = [chr(c) for c in range(0xF0000, 0xFFFFE) if chr(c) not in used][:_PLACEHOLDER_COUNT]
    away = {0xE001 + i: spare[i] for i in range(_PLACEHOLDER_COUNT)}
    back = {ord(spare[i]): chr(0xE001 + i) for i in range(_PLACEHOLDER_COUNT)}
    return _decode(text.translate(away)).translate(back)


def _needs_decoding(text: str) -> bool:
    """Whether ``text`` contains anything LaTeX could change (the cheap first tier)."""
    return "\\" in text or "{" in text or "~" in text or "$" in text or "--" in text


def _decode(text: str) -> str:
    """Fast path; hand what it cannot finish to pylatexenc."""
    if "\\href" in text:
        text = _HREF_RE.sub("", text)  # \href{url}{text}: keep only the text
    if "\\" in text:
        text = _MACRO_RE.sub(_replace_macro, text)
    if "\\" in text:
        return _finish(_decode_with_pylatexenc(text))
    text = _MATH_RE.sub(r"\1", text) if "$" in text else text
    if "--" in text:
        # Before brace removal, so that an escaped `-{}-` stays two hyphens.
        text = text.replace("---", "—").replace("--", "–")
    return _finish(text.replace("{", "").replace("}", "").replace("~", " "))


def _finish(text: str) -> str:
    """Turn placeholders back into the characters they protect; NFC-compose accents."""
    if _PLACEHOLDER_RE.search(text):
        text = text.translate(_RESTORE)
    return unicodedata.normalize("NFC", text.replace("\xa0", " "))


def _replace_macro(m: re.Match[str]) -> str:
    """Replacement for one match of :data:`_MACRO_RE`; unknown macros are kept."""
    groups = m.groupdict()
    if groups["esc"] is not None:
        return _ESCAPES[groups["esc"]]
    if groups["tildeword"] is not None:
        return "\ue00c" if groups["tildeword"] == "~" else "\ue00d"
    if groups["sym_acc"] is not None:
        return _accent(groups["sym_acc"], groups["arg1"])
    if groups["let_acc"] is not None:
        return _accent(groups["let_acc"], groups["arg2"])
    if groups["word"] is not None:
        return _replace_word(groups["word"], m.group(0))
    return _SPACING[groups["space"]]


def _replace_word(word: str, whole: str) -> str:
    """A control word: a symbol, a text command, a declaration, or unknown (kept).

    The match includes the spaces after the word, which LaTeX eats too
    (``Stra\\ss e`` is ``Straße``), or an empty ``{}`` (``\\o{} x`` keeps the space).
    """
    if word in _SYMBOLS:
        return _SYMBOLS[word]
    if word in _TEXT_COMMANDS or word in _DECLARATIONS:
        return ""
    return whole


def _accent(macro: str, arg: str) -> str:
    """``\\"`` + ``{u}`` -> ``ü`` (composed later by NFC)."""
    letter = arg.strip("{} \t\n")
    if letter.startswith("\\"):
        letter = letter[1:]  # dotless \i and \j carry the accent as plain i and j
    return letter + _ACCENTS[macro]


def _decode_with_pylatexenc(text: str) -> str:
    """The slow, general tier; only for text the fast path left a backslash in."""
    from pylatexenc.latexwalker import LatexWalkerError

    text = text.replace("%", _ESCAPES["%"])  # a raw % in BibTeX is a percent, not a comment
    if _nesting(text) > _MAX_NESTING:
        return _strip_crudely(text)  # pylatexenc recurses per group: keep deep input away from it
    try:
        return _converter().latex_to_text(text)
    except (LatexWalkerError, IndexError, AttributeError):
        # Malformed input. pylatexenc 2.10 raises IndexError, not its own error,
        # for a macro whose arguments are missing (a bare \href at the end), and
        # AttributeError for an accent whose argument is such a macro (\"\href{).
        return _strip_crudely(text)


#: Deepest brace nesting handed to pylatexenc (real BibTeX values nest two or three levels).
_MAX_NESTING = 50


def _nesting(text: str) -> int:
    """The deepest ``{`` nesting of ``text``."""
    depth = deepest = 0
    for ch in text:
        if ch == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            depth = max(depth - 1, 0)
    return deepest


_CONVERTER = None


def _converter():
    """Build pylatexenc's converter once; importing it costs ~50 ms, so only on demand."""
    global _CONVERTER
    if _CONVERTER is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
    return _CONVERTER


_CRUDE_RE = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}$]")


def _strip_crudely(text: str) -> str:
    """Last resort: drop macros, braces and math delimiters, keep the words."""
    return _finish(_CRUDE_RE.sub("", text).replace("~", " "))
