"""Identifier rules, in one place: entity ids, arXiv ids, DOIs, http(s) URLs, titles.

Validation (the pydantic models), the JSON Schemas, ``import-bib``, ``add``
and duplicate detection all read these rules, so they cannot drift apart.

Identifiers are compared after NFKC normalisation and only ASCII digits count
as digits, so a full-width ``１７０６.０３７６２`` is not a second spelling of
``1706.03762`` that slips past duplicate detection.

>>> normalise_arxiv("arXiv:1706.03762v5"), normalise_doi("https://doi.org/10.18653/V1/N19-1423")
('1706.03762', '10.18653/v1/n19-1423')
>>> check_id("vit"), slugify("Vision Transformer (ViT)")
('vit', 'vision-transformer-vit')
"""

from __future__ import annotations

import re
import unicodedata

# -- entity ids ---------------------------------------------------------------

#: A lowercase slug: letters a-z, digits, single hyphens (DESIGN: section "ids").
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN, re.ASCII)
ID_MAX_LENGTH = 80
_SLUG_RUN_RE = re.compile(r"[^a-z0-9]+")


def check_id(value: str) -> str:
    """``value`` when it is a valid id, else ``ValueError`` with a hint.

    >>> check_id("Bad Id")
    Traceback (most recent call last):
    ValueError: id 'Bad Id' is not a lowercase slug; use letters a-z, digits and single hyphens, e.g. 'bad-id'
    """
    if len(value) > ID_MAX_LENGTH:
        raise ValueError(f"id is longer than {ID_MAX_LENGTH} characters; shorten it")
    if not ID_RE.match(value):
        raise ValueError(
            f"id {value!r} is not a lowercase slug; use letters a-z, digits and single hyphens, "
            f"e.g. {slugify(value) or 'my-id'!r}"
        )
    return value


def strip_accents(text: str) -> str:
    """``Łukasz Müller`` -> ``Lukasz Muller``; letters without a decomposition are spelt out.

    >>> strip_accents("Łukasz Müller, Søren")
    'Lukasz Muller, Soren'
    """
    if text.isascii():
        return text  # most keys and titles: skip the per-character pass
    text = text.translate(_LETTERS_WITHOUT_DECOMPOSITION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d"}
)


def slugify(text: str, limit: int = ID_MAX_LENGTH) -> str:
    """A valid id made from any text: accents dropped, lowercase, other runs become ``-``.

    >>> slugify("DBLP:journals/corr/VaswaniSPUJGKP17")
    'dblp-journals-corr-vaswanispujgkp17'
    """
    slug = _SLUG_RUN_RE.sub("-", strip_accents(unicodedata.normalize("NFKC", text)).lower()).strip("-")
    return slug[:limit].rstrip("-")


_STOP_WORDS = frozenset("a an the on of in for to and with from towards toward is are".split())


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(unicodedata.normalize("NFKC", text)).lower())


def make_paper_id(paper: dict, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """First author's last name + year + first title word (Better BibTeX style), unique in ``taken``.

    >>> make_paper_id({"authors": ["Sepp Hochreiter"], "year": 1997, "title": "Long Short-Term Memory"})
    'hochreiter1997long'
    >>> make_paper_id({"authors": ["Jacob Devlin"], "year": 2019, "title": "BERT: Pre-training"}, {"devlin2019bert"})
    'devlin2019bert-2'
    """
    authors = [a for a in paper.get("authors") or [] if isinstance(a, str)]
    last = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    title = paper.get("title") if isinstance(paper.get("title"), str) else ""
    # The first word that is not a stop word, else the first word: stop at it (titles are long).
    first = fallback = ""
    for raw in re.split(r"[\s\-:]+", title):
        word = _ascii_word(raw)
        if word and not fallback:
            fallback = word
        if word and word not in _STOP_WORDS:
            first = word
            break
    first = first or fallback
    year = paper.get("year") if isinstance(paper.get("year"), int) and 0 < paper["year"] < 10_000 else ""
    base = f"{last or 'paper'}{year}{first}"[:70] or "paper"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# -- arXiv ------------------------------------------------------------------------

_ARXIV_NEW = r"[0-9]{4}\.[0-9]{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7}"
#: The ``arxiv`` field: a bare id, new style (1706.03762) or old (cs/0112017), version allowed.
ARXIV_PATTERN = rf"^(?:{_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?$"
ARXIV_RE = re.compile(ARXIV_PATTERN)
_ARXIV_ID_RE = re.compile(rf"^(?:arxiv:\s*)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?$", re.I | re.ASCII)
_ARXIV_URL_RE = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/({_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?(?:\.pdf)?", re.I | re.ASCII)
ARXIV_IN_TEXT_RE = re.compile(rf"\barxiv[:\s]\s*({_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?", re.I | re.ASCII)
_ARXIV_DOI_RE = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})$", re.I | re.ASCII)


def check_arxiv(value: str) -> str:
    """``value`` when it is a well-formed ``arxiv`` field, else ``ValueError`` with a hint."""
    if not ARXIV_RE.match(value):
        raise ValueError(
            f"malformed arXiv id {value!r}; write it like '1706.03762' (no 'arXiv:' prefix, no URL)")
    return value


def normalise_arxiv(value: str | None) -> str | None:
    """The bare arXiv id in ``value`` (prefix, URL, DOI or version stripped), or ``None``.

    >>> normalise_arxiv("https://arxiv.org/pdf/cs/0112017v1"), normalise_arxiv("10.48550/arXiv.2010.11929")
    ('cs/0112017', '2010.11929')
    >>> normalise_arxiv("１７０６.０３７６２") is None
    False
    """
    if not value:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _ARXIV_ID_RE.match(text) or _ARXIV_URL_RE.search(text)
    if m is None:
        doi = normalise_doi(text)
        m = _ARXIV_DOI_RE.match(doi) if doi else None
    return m.group(1) if m else None


def parse_arxiv_id(value: str) -> str:
    """An arXiv id typed by a person (``arXiv:...``, an abs or pdf URL) without version; else ``ValueError``.

    >>> parse_arxiv_id("arXiv:1706.03762v5"), parse_arxiv_id("https://arxiv.org/abs/cs/0112017")
    ('1706.03762', 'cs/0112017')
    """
    found = normalise_arxiv(value)
    if found is None:
        raise ValueError(f"{value!r} is not an arXiv id; write it like 1706.03762")
    return found


def arxiv_year(value: str | None) -> int | None:
    """The year an arXiv id was issued (``1803.xxxxx`` -> 2018), or ``None``.

    >>> arxiv_year("1803.01234"), arxiv_year("cs/9912001"), arxiv_year(None)
    (2018, 1999, None)
    """
    bare = normalise_arxiv(value)
    if bare is None:
        return None
    digits = bare[:2] if "/" not in bare else bare.split("/", 1)[1][:2]
    yy = int(digits)
    return 1900 + yy if yy >= 91 else 2000 + yy


# -- DOIs ------------------------------------------------------------------------

#: The ``doi`` field: a bare DOI (no resolver prefix).
DOI_PATTERN = r"^10\.[0-9]{4,9}/\S+$"
DOI_RE = re.compile(DOI_PATTERN)
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI_IN_URL_RE = re.compile(r"doi\.org/(10\.[0-9]{4,9}/\S+)", re.I)


def check_doi(value: str) -> str:
    """``value`` when it is a well-formed ``doi`` field, else ``ValueError`` with a hint."""
    if not DOI_RE.match(value):
        raise ValueError(f"malformed DOI {value!r}; write it like '10.1109/CVPR.2016.90' (no URL prefix)")
    return value


def bare_doi(value: str | None) -> str | None:
    """The DOI in ``value`` with its case kept (``10.1109/CVPR.2016.90``), or ``None``."""
    if not value:
        return None
    text = _DOI_PREFIX_RE.sub("", unicodedata.normalize("NFKC", str(value)).strip())
    if DOI_RE.match(text):
        return text
    m = _DOI_IN_URL_RE.search(text)
    return m.group(1) if m else None


def normalise_doi(value: str | None) -> str | None:
    """A DOI lowercased without ``https://doi.org/`` or ``doi:``, or ``None`` if it is not one.

    >>> normalise_doi("doi:10.1109/CVPR.2016.90")
    '10.1109/cvpr.2016.90'
    """
    doi = bare_doi(value)
    return doi.lower() if doi else None


def parse_doi(value: str) -> str:
    """A DOI typed by a person (``doi:`` or a resolver URL allowed), bare; else ``ValueError``.

    >>> parse_doi("https://doi.org/10.18653/v1/N19-1423")
    '10.18653/v1/N19-1423'
    """
    found = bare_doi(value)
    if found is None:
        raise ValueError(f"{value!r} is not a DOI; write it like 10.18653/v1/N19-1423")
    return found


# -- URLs ------------------------------------------------------------------------

#: Only plain http(s) URLs are links: never javascript:, data: or a relative path.
URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://[^\s/$.?#][^\s]*$"
URL_RE = re.compile(URL_PATTERN)


def check_url(value: str) -> str:
    """``value`` when it is an http(s) URL, else ``ValueError`` with a hint."""
    if not URL_RE.match(value):
        raise ValueError(f"URL {value!r} is not an http(s) URL; only http:// and https:// links are allowed")
    return value


def safe_url(value: object) -> str | None:
    """The URL when it is a plain http(s) URL, else ``None``.

    >>> safe_url(" https://arxiv.org/abs/1706.03762 "), safe_url("javascript:alert(1)")
    ('https://arxiv.org/abs/1706.03762', None)
    """
    if not isinstance(value, str) or not URL_RE.match(value.strip()):
        return None
    return value.strip()


def external_link(entity: object) -> str | None:
    """The best link out of an entity: arXiv abstract, then DOI, then its URL, then its PDF.

    >>> class P: arxiv, doi, url = None, "10.1162/neco.1997.9.8.1735", None
    >>> external_link(P())
    'https://doi.org/10.1162/neco.1997.9.8.1735'
    """
    arxiv = getattr(entity, "arxiv", None)
    if arxiv:
        return f"https://arxiv.org/abs/{normalise_arxiv(arxiv) or arxiv}"
    doi = getattr(entity, "doi", None)
    if doi:
        return f"https://doi.org/{doi}"
    return getattr(entity, "url", None) or getattr(entity, "pdf", None)


# -- titles ------------------------------------------------------------------------

_TITLE_PUNCT_RE = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """A plain-text title reduced for duplicate detection: no case, accents or punctuation.

    (Decode LaTeX first: :func:`kbgen.parse.latex.decode_latex`.)

    >>> normalise_title("BERT: Pre-training of Deep Bidirectional Transformers!")
    'bert pre training of deep bidirectional transformers'
    """
    text = strip_accents(unicodedata.normalize("NFKC", title)).casefold()
    return _TITLE_PUNCT_RE.sub(" ", text).strip()


def normalise_name(name: str) -> str:
    """A short name or alias as readers type it: no case, accents, spaces or punctuation.

    >>> normalise_name("GPT-3"), normalise_name("Vision  Transformer")
    ('gpt3', 'visiontransformer')
    """
    return _TITLE_PUNCT_RE.sub("", strip_accents(unicodedata.normalize("NFKC", name)).casefold())
