"""kbgen.parse.bibtex: exporter styles, macros, crossref, diagnostics, round trip."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbgen.core.identifiers import normalise_arxiv, normalise_doi, normalise_title
from kbgen.core.identifiers import slugify as slugify_key
from kbgen.output.bibtex import format_bibtex
from kbgen.parse.bibfields import record_to_paper, split_names
from kbgen.parse.bibtex import BibRecord, evaluate_value, parse_bibtex
from kbgen.parse.latex import decode_latex

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
PAPER_FIELDS = {"id", "title", "authors", "year", "venue", "arxiv", "doi", "url", "pdf", "code",
                "abstract", "topics", "cites", "prerequisites", "difficulty", "reading_time",
                "bibtex_key"}


def load(name: str) -> tuple[list[BibRecord], list]:
    path = FIXTURES / name
    return parse_bibtex(path.read_text(encoding="utf-8"), f"content/{name}")


def papers_of(name: str) -> dict[str, dict]:
    records, diags = load(name)
    assert [d for d in diags if d.is_error] == []
    return {p["id"]: p for p in map(record_to_paper, records)}


# --------------------------------------------------------------------------
# one test per exporter style

EXPECTED_IDS = {
    "arxiv.bib": ["vaswani2023attentionneed", "kingma2017adammethodstochasticoptimization",
                  "dosovitskiy2021imageworth16x16words", "chollet2017xceptiondeeplearningdepthwise"],
    "dblp.bib": ["dblp-journals-corr-vaswanispujgkp17", "dblp-journals-corr-abs-1810-04805",
                 "dblp-conf-cvpr-hezrs16", "dblp-conf-cvpr-chollet17"],
    "scholar.bib": ["kingma2014adam", "he2016deep", "hochreiter1997long", "srivastava2014dropout",
                    "chollet2017xception", "dosovitskiy2020image"],
    "zotero.bib": ["kaiseronemodellearn2017", "dosovitskiyimageworth16x162021",
                   "hochreiterlongshorttermmemory1997"],
    "jabref.bib": ["jegou2011", "kaelbling1996"],
    "acl.bib": ["devlin-etal-2019-bert", "dai-etal-2019-transformer", "pennington-etal-2014-glove"],
    "ieee.bib": ["7780459", "8099678", "5432202"],
    "pmlr.bib": ["pmlr-v37-ioffe15", "pmlr-v70-arjovsky17a"],
    "springer.bib": ["10-1007-978-3-319-24574-4-28", "10-1007-978-3-319-10602-1-48", "lecun2012",
                     "bengio2012"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_exporter_file_loads_cleanly(name: str) -> None:
    records, diags = load(name)
    assert diags == []
    assert [slugify_key(r.key) for r in records] == EXPECTED_IDS[name]
    for rec in records:
        paper = record_to_paper(rec)
        assert set(paper) <= PAPER_FIELDS
        assert paper["title"] and paper["authors"] and isinstance(paper["year"], int)
        assert "\\" not in paper["title"] and "{" not in paper["title"]
        assert all("\\" not in a and "{" not in a for a in paper["authors"])


def test_arxiv_export() -> None:
    papers = papers_of("arxiv.bib")
    attention = papers["vaswani2023attentionneed"]
    assert attention["arxiv"] == "1706.03762"
    assert attention["venue"] == "arXiv"
    assert attention["url"] == "https://arxiv.org/abs/1706.03762"
    assert attention["authors"][6] == "Lukasz Kaiser"
    assert papers["dosovitskiy2021imageworth16x16words"]["arxiv"] == "2010.11929"  # v2 dropped
    assert papers["chollet2017xceptiondeeplearningdepthwise"]["authors"] == ["François Chollet"]


def test_dblp_corr_and_crossref() -> None:
    papers = papers_of("dblp.bib")
    bert = papers["dblp-journals-corr-abs-1810-04805"]
    assert bert["arxiv"] == "1810.04805" and bert["venue"] == "arXiv"
    assert bert["title"] == ("BERT: Pre-training of Deep Bidirectional Transformers for Language"
                             " Understanding")
    assert bert["authors"][1] == "Ming-Wei Chang"
    assert bert["bibtex_key"] == "DBLP:journals/corr/abs-1810-04805"
    resnet = papers["dblp-conf-cvpr-hezrs16"]
    assert resnet["doi"] == "10.1109/CVPR.2016.90"
    assert resnet["year"] == 2016  # inherited from the @proceedings
    assert resnet["venue"].startswith("2016 IEEE Conference on Computer Vision and Pattern Recognition")
    # the @proceedings entries only serve as crossref targets: not papers
    assert not any(pid.startswith("dblp-conf-cvpr-201") for pid in papers)


def test_crossref_inherits_fields_and_lines() -> None:
    records, _ = load("dblp.bib")
    resnet = next(r for r in records if r.key == "DBLP:conf/cvpr/HeZRS16")
    assert resnet.fields["booktitle"].startswith("2016 IEEE Conference")
    assert resnet.fields["publisher"] == "IEEE Computer Society"
    assert resnet.fields["year"] == "2016"
    assert resnet.field_lines["year"] == resnet.field_lines["crossref"]
    assert "timestamp" in resnet.fields and "title" in resnet.fields
    assert resnet.fields["title"] == "Deep Residual Learning for Image Recognition"  # own title kept


def test_crossref_to_book_in_springer_style() -> None:
    papers = papers_of("springer.bib")
    bengio = papers["bengio2012"]
    assert bengio["venue"] == "Neural Networks: Tricks of the Trade"
    assert bengio["year"] == 2012 and bengio["arxiv"] == "1206.5533"
    assert "montavon2012" not in papers
    lecun = papers["lecun2012"]
    assert lecun["authors"] == ["Yann A. LeCun", "Léon Bottou", "Genevieve B. Orr", "Klaus-Robert Müller"]
    assert lecun["doi"] == "10.1007/978-3-642-35289-8_3"
    unet = papers["10-1007-978-3-319-24574-4-28"]
    assert unet["doi"] == "10.1007/978-3-319-24574-4_28"  # Springer's key is the DOI
    assert unet["venue"] == "Medical Image Computing and Computer-Assisted Intervention – MICCAI 2015"
    assert papers["10-1007-978-3-319-10602-1-48"]["authors"][6] == "Piotr Dollár"


def test_scholar_style() -> None:
    papers = papers_of("scholar.bib")
    adam = papers["kingma2014adam"]
    assert adam["arxiv"] == "1412.6980" and adam["venue"] == "arXiv"
    assert adam["authors"] == ["Diederik P Kingma", "Jimmy Ba"]
    assert papers["hochreiter1997long"]["authors"] == ["Sepp Hochreiter", "Jürgen Schmidhuber"]
    assert papers["chollet2017xception"]["authors"] == ["François Chollet"]
    vit = papers["dosovitskiy2020image"]
    assert vit["arxiv"] == "2010.11929" and len(vit["authors"]) == 10  # "others" dropped
    assert "doi" not in papers["he2016deep"]  # missing optional fields are fine


def test_zotero_better_bibtex() -> None:
    records, _ = load("zotero.bib")
    papers = {p["id"]: p for p in map(record_to_paper, records)}
    kaiser = papers["kaiseronemodellearn2017"]
    assert kaiser["authors"][0] == "Łukasz Kaiser"
    assert kaiser["title"] == "One Model To Learn Them All"
    assert kaiser["arxiv"] == "1706.05137"
    assert "ImageNet" in kaiser["abstract"] and "{" not in kaiser["abstract"]
    assert records[0].fields["month"] == "June"
    assert records[0].fields["file"].endswith(".pdf")  # verbatim fields are not decoded
    assert "pdf" not in kaiser  # a local file is not a link
    vit = papers["dosovitskiyimageworth16x162021"]
    assert vit["venue"] == "International Conference on Learning Representations"
    assert vit["arxiv"] == "2010.11929" and vit["url"] == "https://openreview.net/forum?id=YicbFdNTTy"
    lstm = papers["hochreiterlongshorttermmemory1997"]
    assert lstm["doi"] == "10.1162/neco.1997.9.8.1735" and lstm["authors"][1] == "Jürgen Schmidhuber"


def test_jabref_strings_preamble_and_comments() -> None:
    records, diags = load("jabref.bib")
    assert diags == []
    assert [r.entry_type for r in records] == ["article", "article"]
    papers = {p["id"]: p for p in map(record_to_paper, records)}
    jegou = papers["jegou2011"]
    assert jegou["venue"] == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert jegou["authors"][0] == "Hervé Jegou"
    assert records[0].fields["month"] == "January"
    rl = papers["kaelbling1996"]
    assert rl["venue"] == "Journal of Artificial Intelligence Research"  # @string with #
    assert rl["arxiv"] == "cs/9605103"  # old-style id
    assert rl["doi"] == "10.1613/jair.301"


def test_acl_anthology() -> None:
    records, _ = load("acl.bib")
    papers = {p["id"]: p for p in map(record_to_paper, records)}
    bert = papers["devlin-etal-2019-bert"]
    assert bert["doi"] == "10.18653/v1/N19-1423"
    assert bert["year"] == 2019 and bert["url"] == "https://aclanthology.org/N19-1423/"
    assert bert["venue"].startswith("Proceedings of the 2019 Conference of the North American Chapter")
    assert records[0].fields["pages"] == "4171–4186"
    assert records[0].fields["editor"] == "Burstein, Jill and Doran, Christy and Solorio, Thamar"
    assert split_names(records[1].raw_fields["editor"])[2] == "Lluís Màrquez"
    assert papers["pennington-etal-2014-glove"]["title"] == "GloVe: Global Vectors for Word Representation"


def test_ieee_xplore() -> None:
    records, _ = load("ieee.bib")
    papers = {p["id"]: p for p in map(record_to_paper, records)}
    assert papers["7780459"]["doi"] == "10.1109/CVPR.2016.90"
    assert papers["5432202"]["authors"][0] == "Hervé Jégou"
    assert records[0].fields["month"] == "June" and records[0].fields["issn"] == "1063-6919"
    assert "volume" in records[0].fields and records[0].fields["volume"] == ""


def test_pmlr() -> None:
    papers = papers_of("pmlr.bib")
    bn = papers["pmlr-v37-ioffe15"]
    assert bn["pdf"] == "http://proceedings.mlr.press/v37/ioffe15.pdf"
    assert bn["venue"] == "Proceedings of the 32nd International Conference on Machine Learning"
    assert papers["pmlr-v70-arjovsky17a"]["authors"][2] == "Léon Bottou"


def test_fixtures_are_parsed_by_bibtexparser_alone_too() -> None:
    """The fixtures are real BibTeX, not something only our layer accepts."""
    for path in FIXTURES.glob("*.bib"):
        if path.name != "broken.bib":
            assert bibtexparser.parse_string(path.read_text(encoding="utf-8")).failed_blocks == []


# --------------------------------------------------------------------------
# diagnostics


def test_broken_file_reports_and_keeps_good_entries() -> None:
    records, diags = load("broken.bib")
    assert [(d.line, d.column, d.severity, d.code) for d in diags] == [(8, 1, "error", "KB001")]
    assert diags[0].file == "content/broken.bib"
    assert "@inproceedings" in diags[0].message
    assert [r.key for r in records] == ["hochreiter1997long", "kingma2014adam"]


def test_duplicate_key_names_first_line() -> None:
    text = ("@article{a, title={One}}\n"
            "\n"
            "@article{b, title={Two}}\n"
            "@misc{A,\n"
            "  title={Three}}\n")
    records, diags = parse_bibtex(text, "refs.bib")
    assert [r.key for r in records] == ["a", "b"]
    assert [(d.line, d.code) for d in diags] == [(4, "KB016")]
    assert "line 1" in diags[0].message and diags[0].is_error


def test_exact_duplicate_key() -> None:
    text = "@article{x, title={One}}\n@article{x, title={Two}}\n"
    records, diags = parse_bibtex(text, "refs.bib")
    assert [r.fields["title"] for r in records] == ["One"]
    assert [(d.line, d.code) for d in diags] == [(2, "KB016")]


def test_empty_key() -> None:
    text = "@article{ok, title={Fine}}\n\n@misc{,\n  title = {No key}\n}\n"
    records, diags = parse_bibtex(text, "refs.bib")
    assert [r.key for r in records] == ["ok"]
    assert [(d.line, d.column, d.code) for d in diags] == [(3, 1, "KB015")]


def test_lines_of_entries_and_fields() -> None:
    text = "% header\n\n  @article{k,\n  title = {T},\n\n  year = 2020\n}\n"
    (rec,), diags = parse_bibtex(text, "f.bib")
    assert diags == []
    assert rec.line == 3 and rec.field_lines == {"title": 4, "year": 6}
    assert rec.raw.startswith("@article{k,")


def test_string_macros_concatenation_and_months() -> None:
    text = ('@string{conf = "Proceedings of " # {NeurIPS}}\n'
            "@STRING{yr = 2017}\n"
            '@inproceedings{k, booktitle = conf # " " # yr, year = yr, month = dec,\n'
            " note = {a} # {b}, number = 7}\n")
    (rec,), diags = parse_bibtex(text, "f.bib")
    assert diags == []
    assert rec.fields["booktitle"] == "Proceedings of NeurIPS 2017"
    assert rec.fields["year"] == "2017" and rec.fields["month"] == "December"
    assert rec.fields["note"] == "ab" and rec.fields["number"] == "7"


def test_undefined_macro_is_a_located_warning() -> None:
    text = "@article{k,\n  journal = nips,\n  title = {T}}\n"
    (rec,), diags = parse_bibtex(text, "f.bib")
    assert rec.fields["journal"] == "nips"
    assert [(d.line, d.column, d.severity, d.code) for d in diags] == [(2, 3, "warning", "KB029")]


def test_unknown_crossref_is_a_warning() -> None:
    text = "@inproceedings{k, title={T}, crossref={nowhere}}\n"
    (rec,), diags = parse_bibtex(text, "f.bib")
    assert [(d.severity, d.code) for d in diags] == [("warning", "KB004")]


def test_repeated_field_keeps_first_value() -> None:
    text = "@article{k, year = 2020, year = 2021}\n"
    (rec,), diags = parse_bibtex(text, "f.bib")
    assert rec.fields["year"] == "2020"
    assert [(d.severity, d.code) for d in diags] == [("warning", "KB030")]


def test_comments_and_preambles_are_skipped() -> None:
    text = ('@comment{jabref-meta: databaseType:bibtex;}\n@preamble{"\\newcommand{\\x}{}"}\n'
            "random text\n@misc{k, title={T}}\n")
    records, diags = parse_bibtex(text, "f.bib")
    assert [r.key for r in records] == ["k"] and diags == []


@pytest.mark.parametrize("text", ["", "   \n", "% only a comment\n", "@", "@article", "@article{",
                                  "@article{k", "@article{k,", "@article{k, title = ", "}{}{",
                                  '@string{x = "unterminated}', "@article{k, title={x}}}}}",
                                  "@article(k, title={paren style})", "\x00\xff\ud7ff"])
def test_odd_input_never_raises(text: str) -> None:
    records, diags = parse_bibtex(text, "f.bib")
    assert isinstance(records, list) and isinstance(diags, list)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    records, diags = parse_bibtex(text, "f.bib")
    for rec in records:
        record_to_paper(rec)


BIBISH = st.lists(st.sampled_from(["@article", "@string", "@comment", "@misc", "{", "}", "(", ")",
                                   ",", "=", "#", '"', "\n", " ", "k", "title", "jan", "\\'e",
                                   "crossref", "x", "and", "@proceedings", "2020"]),
                  max_size=60).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BIBISH)
def test_bibtex_like_text_never_raises(text: str) -> None:
    records, diags = parse_bibtex(text, "f.bib")
    for rec in records:
        record_to_paper(rec)


# --------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize(("key", "slug"), [
    ("Vaswani2017Attention", "vaswani2017attention"),
    ("DBLP:journals/corr/VaswaniSPUJGKP17", "dblp-journals-corr-vaswanispujgkp17"),
    ("devlin-etal-2019-bert", "devlin-etal-2019-bert"),
    ("10.1007/978-3-319-24574-4_28", "10-1007-978-3-319-24574-4-28"),
    ("--Müller__2020--", "muller-2020"),
    ("Łukasz", "lukasz"),
    ("a" * 79 + "-b", "a" * 79),
    ("日本", ""),
])
def test_slugify_key(key: str, slug: str) -> None:
    assert slugify_key(key) == slug
    assert len(slugify_key(key)) <= 80


def test_names() -> None:
    assert split_names("Kaiser, {\\L}ukasz and {Google Brain Team} and others") == [
        "Łukasz Kaiser", "Google Brain Team"]
    assert split_names("{Barnes and Noble} AND Doe, Jane") == ["Barnes and Noble", "Jane Doe"]
    assert split_names("von Luxburg, Ulrike and King, Jr, Martin Luther") == [
        "Ulrike von Luxburg", "Martin Luther King, Jr"]
    assert split_names("") == []


@pytest.mark.parametrize(("fields", "arxiv"), [
    ({"eprint": "1706.03762v5", "archiveprefix": "arXiv"}, "1706.03762"),
    ({"eprint": "arXiv:1706.03762", "eprinttype": "arxiv"}, "1706.03762"),
    ({"journal": "CoRR", "volume": "abs/1706.03762"}, "1706.03762"),
    ({"journal": "arXiv preprint arXiv:1706.03762"}, "1706.03762"),
    ({"url": "https://arxiv.org/pdf/1706.03762v2.pdf"}, "1706.03762"),
    ({"note": "see http://arxiv.org/abs/cs/0112017"}, "cs/0112017"),
    ({"howpublished": "https://arxiv.org/abs/math.GT/0309136v1"}, "math.GT/0309136"),
    ({"doi": "10.48550/arXiv.2010.11929"}, "2010.11929"),
    ({"eprint": "2020/123", "archiveprefix": "Cryptology ePrint Archive"}, None),
    ({"journal": "Nature"}, None),
])
def test_arxiv_extraction(fields: dict, arxiv: str | None) -> None:
    rec = BibRecord("k", "article", fields, 1, {}, "")
    assert record_to_paper(rec).get("arxiv") == arxiv


def test_normalisers() -> None:
    assert normalise_arxiv("arXiv:1706.03762v7") == "1706.03762"
    assert normalise_arxiv("https://arxiv.org/abs/1706.03762") == "1706.03762"
    assert normalise_arxiv("cs/0112017v1") == "cs/0112017"
    assert normalise_arxiv("not an id") is None and normalise_arxiv(None) is None
    assert normalise_doi("https://doi.org/10.1109/CVPR.2016.90") == "10.1109/cvpr.2016.90"
    assert normalise_doi("doi:10.18653/v1/N19-1423") == "10.18653/v1/n19-1423"
    assert normalise_doi("http://dx.doi.org/10.1162/neco.1997.9.8.1735") == "10.1162/neco.1997.9.8.1735"
    assert normalise_doi("N/A") is None
    assert normalise_title("{BERT}: Pre-training of Deep  Bidirectional Transformers") == \
        normalise_title("BERT - pre-training of deep bidirectional transformers.")
    assert normalise_title("Jégou") == normalise_title(decode_latex(r"J{\'e}gou")) == "jegou"


def test_evaluate_value() -> None:
    assert evaluate_value("{a {b} c}", {}) == ("a {b} c", [])
    assert evaluate_value('"x" # {y} # z', {"z": "Z"}) == ("xyZ", [])
    assert evaluate_value("2019", {}) == ("2019", [])
    assert evaluate_value("foo", {}) == ("foo", ["foo"])


def test_venue_rules() -> None:
    def venue(fields: dict) -> str | None:
        return record_to_paper(BibRecord("k", "misc", fields, 1, {}, "")).get("venue")

    assert venue({"journal": "CoRR"}) == "arXiv"
    assert venue({"journal": "ArXiv"}) == "arXiv"
    assert venue({"publisher": "arXiv"}) == "arXiv"
    assert venue({"booktitle": "ICML", "journal": "x"}) == "ICML"
    assert venue({"howpublished": "https://example.org"}) is None
    assert venue({"eprint": "1412.6980", "archiveprefix": "arXiv"}) == "arXiv"
    assert venue({}) is None


def test_record_to_paper_drops_non_http_links() -> None:
    rec = BibRecord("k", "misc", {"url": "file:///home/x.pdf", "pdf": "ftp://x", "year": "in press"}, 1, {}, "")
    assert record_to_paper(rec) == {"id": "k", "year": "in press", "bibtex_key": "k"}


# --------------------------------------------------------------------------
# writing


def test_format_bibtex_round_trips_every_fixture() -> None:
    originals = []
    for path in sorted(FIXTURES.glob("*.bib")):
        if path.name != "broken.bib":
            records, _ = load(path.name)
            originals += [record_to_paper(r) for r in records]
    ids = [p["id"] for p in originals]
    unique = [p for i, p in enumerate(originals) if p["id"] not in ids[:i]]
    text = format_bibtex(unique)
    assert bibtexparser.parse_string(text).failed_blocks == []
    records, diags = parse_bibtex(text, "out.bib")
    assert diags == []
    round_tripped = {p["bibtex_key"]: p for p in map(record_to_paper, records)}
    for paper in unique:
        again = round_tripped[paper["bibtex_key"]]
        for name in ("title", "authors", "year", "venue", "arxiv", "doi"):
            assert again.get(name) == paper.get(name), (paper["id"], name)


def test_format_bibtex_escapes_special_characters() -> None:
    paper = {"id": "odd", "title": "R&D at 100% of C# {braces} a_b $5 ~x^2 back\\slash -- ---",
             "authors": ["Jane Doe", "Barnes and Noble", "King, Jr"], "year": 2020,
             "venue": "Journal of Odd Things", "doi": "10.1000/x_y", "url": "https://x.org/a_b%20c"}
    text = format_bibtex([paper])
    assert text.startswith("@article{odd,")
    assert bibtexparser.parse_string(text).failed_blocks == []
    (rec,), diags = parse_bibtex(text, "out.bib")
    assert diags == []
    again = record_to_paper(rec)
    for name in ("title", "authors", "year", "venue", "doi", "url"):
        assert again[name] == paper[name], name


def test_format_bibtex_entry_types_and_keys() -> None:
    text = format_bibtex([
        {"id": "a", "title": "A", "venue": "NeurIPS", "bibtex_key": "DBLP:conf/nips/A17"},
        {"id": "b", "title": "B", "arxiv": "1412.6980v9"},
        {"id": "c", "title": "C", "venue": "IEEE Transactions on Pattern Analysis and Machine Intelligence"},
        {"id": "d", "title": "D", "bibtex_key": "bad key, with spaces"},
        {"id": "e", "title": "E", "bibtex_key": "a"},
        {"id": "f", "title": "F", "bibtex_key": "A"},
    ])
    records, diags = parse_bibtex(text, "out.bib")
    assert diags == []
    assert [(r.entry_type, r.key) for r in records] == [
        ("inproceedings", "DBLP:conf/nips/A17"), ("misc", "b"), ("article", "c"), ("misc", "d"),
        ("misc", "a"), ("misc", "A-2")]
    assert records[0].fields["booktitle"] == "NeurIPS"
    assert records[1].fields["eprint"] == "1412.6980" and records[1].fields["archiveprefix"] == "arXiv"
    assert format_bibtex([]) == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp", "Co"]),
               min_size=1).map(lambda s: unicodedata.normalize("NFC", " ".join(s.split()))).filter(bool))
def test_format_bibtex_round_trips_arbitrary_titles(title: str) -> None:
    text = format_bibtex([{"id": "t", "title": title, "year": 2020}])
    (rec,), diags = parse_bibtex(text, "out.bib")
    assert diags == []
    assert record_to_paper(rec)["title"] == title


def test_docstring_examples() -> None:
    import doctest

    import kbgen.parse.bibtex

    assert doctest.testmod(kbgen.parse.bibtex).failed == 0


def test_the_never_raises_properties_fail_when_the_parser_is_sabotaged(monkeypatch) -> None:
    """The properties above can fail: a parser that raises is not hidden behind a catch-all."""
    import bibtexparser

    def sabotaged(*args, **kwargs):
        raise RuntimeError("sabotaged splitter")

    monkeypatch.setattr(bibtexparser, "parse_string", sabotaged)
    with pytest.raises(RuntimeError, match="sabotaged"):
        test_arbitrary_text_never_raises()
    with pytest.raises(RuntimeError, match="sabotaged"):
        test_bibtex_like_text_never_raises()


def test_what_bibtexparser_raises_is_a_diagnostic(monkeypatch) -> None:
    import bibtexparser
    from bibtexparser.exceptions import ParserStateException

    def refuses(*args, **kwargs):
        raise ParserStateException("unexpected state")

    monkeypatch.setattr(bibtexparser, "parse_string", refuses)
    records, diags = parse_bibtex("@misc{k, title={T}}", "f.bib")
    assert records == [] and [d.code for d in diags] == ["KB001"] and "unexpected state" in diags[0].message
