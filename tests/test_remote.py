"""The arXiv and Crossref client against a real local HTTP server serving recorded responses."""

from __future__ import annotations

import json
import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.app.adding import ARXIV_API, RemoteError, arxiv_base, crossref_base, fetch_arxiv, fetch_crossref
from kbgen.core.identifiers import make_paper_id, parse_arxiv_id, parse_doi
from kbgen.parse.metadata import MalformedResponse, parse_arxiv_atom, parse_crossref_work

from .recorded_http import start_server, stop_server

TIMEOUT = 0.5


@pytest.fixture(scope="module")
def server():
    srv, thread = start_server()
    yield srv
    stop_server(srv, thread)


def test_arxiv_success_maps_the_atom_entry(server):
    [paper] = fetch_arxiv(["1706.03762"], base=f"{server.url}/arxiv", timeout=TIMEOUT)
    assert paper["title"] == "Attention Is All You Need"
    assert paper["authors"][:2] == ["Ashish Vaswani", "Noam Shazeer"] and len(paper["authors"]) == 8
    assert paper["year"] == 2017
    assert paper["arxiv"] == "1706.03762"
    assert paper["url"] == "https://arxiv.org/abs/1706.03762"
    assert paper["abstract"].startswith("Sequence transduction models")
    assert "doi" not in paper and "venue" not in paper
    path, headers = server.requests[-1]
    assert path == "/arxiv/query?id_list=1706.03762&max_results=1"
    assert headers["User-Agent"].startswith("kbgen/")


def test_arxiv_several_ids_in_one_request_keep_their_order(server):
    papers = fetch_arxiv(["2401.00001", "1706.03762"], base=f"{server.url}/arxiv", timeout=TIMEOUT)
    assert [p["arxiv"] for p in papers] == ["2401.00001", "1706.03762"]
    first = papers[0]
    assert first["title"] == "The Müller & Łukasiewicz Lemma: <Escaped> Title"
    assert first["authors"] == ["Jörg Müller", "Jan Łukasiewicz"]
    assert (first["doi"], first["venue"]) == ("10.5555/kbgen.test.1", "Journal of Tests 1 (2024)")


def test_crossref_success_maps_the_work(server):
    paper = fetch_crossref("10.18653/v1/N19-1423", base=f"{server.url}/crossref", timeout=TIMEOUT)
    assert paper["title"].startswith("BERT: Pre-training of Deep Bidirectional Transformers")
    assert paper["authors"] == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert paper["year"] == 2019 and paper["doi"] == "10.18653/v1/N19-1423"
    assert paper["venue"].startswith("Proceedings of the 2019 Conference of the North American")
    other = fetch_crossref("10.5555/kbgen.test.2", base=f"{server.url}/crossref", timeout=TIMEOUT)
    assert other["title"] == "A Recorded <i>Crossref</i> Work"
    assert other["authors"] == ["Ada Lovelace", "The kbgen Consortium"]
    assert other["year"] == 2021  # published-print wins over issued
    assert other["abstract"] == "An abstract with markup ."


@pytest.mark.parametrize("call, expected", [
    (lambda u: fetch_crossref("10.9999/missing", base=f"{u}/crossref", timeout=TIMEOUT),
     "Crossref: HTTP 404 (not found) for "),
    (lambda u: fetch_arxiv(["1706.03762"], base=f"{u}/status/404", timeout=TIMEOUT),
     "arXiv API: HTTP 404 (not found) for "),
    (lambda u: fetch_arxiv(["1706.03762"], base=f"{u}/status/503", timeout=TIMEOUT),
     "arXiv API: HTTP 503 "),
    (lambda u: fetch_arxiv(["1706.03762"], base=f"{u}/bad-xml", timeout=TIMEOUT),
     "arXiv API: malformed XML from "),
    (lambda u: fetch_arxiv(["1706.03762"], base=f"{u}/bomb", timeout=TIMEOUT),
     "arXiv API: refused unsafe XML from "),
    (lambda u: fetch_arxiv(["1234.5678"], base=f"{u}/arxiv-error", timeout=TIMEOUT),
     "arXiv API: incorrect id format for 1234.5678"),
    (lambda u: fetch_arxiv(["9912.99999"], base=f"{u}/arxiv", timeout=TIMEOUT),
     "arXiv API: no paper with id 9912.99999"),
    (lambda u: fetch_crossref("10.18653/v1/N19-1423", base=f"{u}/bad-json", timeout=TIMEOUT),
     "Crossref: malformed JSON from "),
    (lambda u: fetch_arxiv(["1706.03762"], base=f"{u}/status/200", timeout=TIMEOUT),
     "arXiv API: malformed XML from "),
])
def test_failures_are_one_clear_line(server, call, expected):
    with pytest.raises(RemoteError) as info:
        call(server.url)
    message = str(info.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_timeout_is_reported_without_waiting_for_the_slow_server(server):
    start = time.monotonic()
    with pytest.raises(RemoteError, match=r"^arXiv API: no answer within 0.5 s from http://127\.0\.0\.1"):
        fetch_arxiv(["1706.03762"], base=f"{server.url}/slow", timeout=TIMEOUT)
    assert time.monotonic() - start < 2.5


def test_connection_refused_is_one_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RemoteError, match=r"^Crossref: cannot reach http://127\.0\.0\.1:\d+/works/10\.1/x: "):
        fetch_crossref("10.1/x", base=f"http://127.0.0.1:{port}", timeout=TIMEOUT)


def test_non_http_base_url_is_refused():
    with pytest.raises(RemoteError, match="must start with http"):
        fetch_crossref("10.1/x", base="file:///etc", timeout=TIMEOUT)


def test_base_urls_come_from_option_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("KBGEN_ARXIV_API", raising=False)
    assert arxiv_base() == ARXIV_API
    monkeypatch.setenv("KBGEN_ARXIV_API", "http://127.0.0.1:9/a/")
    monkeypatch.setenv("KBGEN_CROSSREF_API", "http://127.0.0.1:9/c")
    assert arxiv_base() == "http://127.0.0.1:9/a"
    assert crossref_base() == "http://127.0.0.1:9/c"
    assert arxiv_base("http://x.test/") == "http://x.test"


@pytest.mark.parametrize("text, expected", [
    ("1706.03762", "1706.03762"), ("1706.03762v7", "1706.03762"), ("arXiv:1706.03762", "1706.03762"),
    ("https://arxiv.org/abs/1706.03762v2", "1706.03762"), ("https://arxiv.org/pdf/1706.03762.pdf", "1706.03762"),
    ("hep-th/9901001", "hep-th/9901001"), ("math.GT/0309136", "math.GT/0309136"),
])
def test_parse_arxiv_id(text, expected):
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize("bad", ["", "1706", "abc", "1706.03762 extra", "../../etc/passwd"])
def test_parse_arxiv_id_rejects(bad):
    with pytest.raises(ValueError):
        parse_arxiv_id(bad)


def test_parse_doi():
    assert parse_doi("doi:10.1109/CVPR.2016.90") == "10.1109/CVPR.2016.90"
    with pytest.raises(ValueError):
        parse_doi("11.1/x")


def test_make_paper_id():
    assert make_paper_id({"authors": ["Bart van Merriënboer"], "year": 2014, "title": "On the Properties"},
                         set()) == "merrienboer2014properties"
    assert make_paper_id({"title": "!!!"}, set()) == "paper"
    assert make_paper_id({"authors": ["A Vaswani"], "year": 2017, "title": "Attention"},
                         {"vaswani2017attention", "vaswani2017attention-2"}) == "vaswani2017attention-3"


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                     st.sampled_from(["message", "title", "author", "issued", "DOI", "URL", "given",
                                      "family", "date-parts", "container-title", "abstract", "event"]),
                     inner, max_size=4), max_leaves=12).map(lambda v: json.dumps(v).encode())))
def test_crossref_parser_never_raises_anything_but_malformed_response(data):
    try:
        paper = parse_crossref_work(data, "10.1/x")
    except MalformedResponse:
        return
    assert paper["title"] and isinstance(paper["authors"], list)


@settings(max_examples=200, deadline=None)
@given(body=st.text(max_size=200), entry_id=st.text(max_size=40), title=st.text(max_size=20))
def test_arxiv_parser_never_raises_anything_but_malformed_response(body, entry_id, title):
    from xml.sax.saxutils import escape

    documents = [body.encode("utf-8", "surrogatepass"),
                 (f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>{escape(entry_id)}</id>'
                  f"<title>{escape(title)}</title><published>{escape(body[:10])}</published></entry></feed>")
                 .encode("utf-8", "surrogatepass")]
    for data in documents:
        try:
            papers = parse_arxiv_atom(data)
        except MalformedResponse:
            continue
        assert all(p["title"] for p in papers.values())


def test_docstring_examples_of_the_module():
    import doctest

    import kbgen.core.identifiers

    result = doctest.testmod(kbgen.core.identifiers)
    assert result.failed == 0 and result.attempted > 0
