"""The hardened HTTP client against a real local server that misbehaves on purpose, and `kbgen add` over it."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbgen.app.adding import fetch_arxiv, fetch_crossref
from kbgen.io.http import MAX_BYTES, RemoteError, check_base_url, check_timeout, fetch_bytes
from kbgen.parse.metadata import MalformedResponse, read_json

from ..recorded_http import DRIP_SECONDS, start_server, stop_server
from .conftest import assert_no_traceback, run_kbgen

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server():
    srv, thread = start_server()
    yield srv
    stop_server(srv, thread)


def one_line_failure(call) -> str:
    with pytest.raises(RemoteError) as caught:
        call()
    text = str(caught.value)
    assert "\n" not in text and "\x1b" not in text and "\x07" not in text
    return text


def test_a_dripping_server_hits_the_total_deadline(server):
    started = time.monotonic()
    text = one_line_failure(lambda: fetch_bytes(f"{server.url}/drip/x", service="S", timeout=TIMEOUT, accept="*/*"))
    # Each byte arrives well within the timeout; only a total deadline stops it (100,000 bytes take hours).
    assert DRIP_SECONDS < TIMEOUT and "no answer within 1 s" in text
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("name, expected", [
    ("bad-chunk", "malformed chunk sizes"),
    ("bad-status", "a malformed status line"),
    ("big-header", "a header line longer than 64 KiB"),
    ("many-headers", "more than 100 headers"),
    ("some-headers", "80 headers"),
    ("to-ftp", "refused a redirect to a ftp: URL"),
    ("to-file", "refused a redirect to a file: URL"),
    ("to-other-host", "refused a redirect to another host (elsewhere.invalid)"),
    ("loop", "more than 3 redirects"),
    ("evil-reason", "HTTP 500 (internal server error)"),
    ("huge-length", f"larger than {MAX_BYTES} bytes"),
    ("huge-chunked", f"larger than {MAX_BYTES} bytes"),
    ("close", "the connection closed before an answer"),
])
def test_hostile_responses_are_one_line(server, name, expected):
    text = one_line_failure(lambda: fetch_bytes(f"{server.url}/raw/{name}/x", service="S", timeout=5, accept="*/*"))
    assert expected in text and text.startswith("S: ")


def test_the_servers_status_text_is_never_printed(server):
    text = one_line_failure(lambda: fetch_bytes(f"{server.url}/raw/evil-reason/x", service="S", timeout=5,
                                                accept="*/*"))
    assert "pwned" not in text


def test_a_redirect_on_the_same_host_is_followed(server):
    [paper] = fetch_arxiv(["1706.03762"], base=f"{server.url}/redirect-ok", timeout=5)
    assert paper["title"] == "Attention Is All You Need"


@pytest.mark.parametrize("name, expected", [("deep-json", "nested deeper than 64 levels"),
                                            ("big-int", "an integer of 5,000 digits"),
                                            ("nested-json", "nested deeper than 64 levels"),
                                            ("gzip", "malformed JSON")])
def test_hostile_json_is_one_line(server, name, expected):
    text = one_line_failure(lambda: fetch_crossref("10.1/x", base=f"{server.url}/raw/{name}", timeout=5))
    assert expected in text


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0, -1, 601, "soon"])
def test_a_timeout_that_is_not_a_number_of_seconds(timeout):
    assert "the timeout must be a number of seconds" in one_line_failure(lambda: check_timeout(timeout, "S"))


@pytest.mark.parametrize("url", ["http://[::1", "http://host:99999/x", "ftp://example.org", "https://", "http:///x",
                                 "http://exa mple.org/", "http://example.org/\x1b[2J"])
def test_a_malformed_api_url(url):
    text = one_line_failure(lambda: check_base_url(url, "arXiv API"))
    assert text.startswith("arXiv API: ")


@pytest.mark.parametrize("args, code", [
    (["--timeout", "inf"], (1, 2)), (["--timeout", "nan"], (1, 2)), (["--timeout", "-3"], (1, 2)),
    (["--arxiv-api", "http://[::1"], (1, 2)), (["--arxiv-api", "ftp://x"], (1, 2)),
])
def test_add_fails_in_one_line_on_bad_options(kb, args, code):
    status, out, err = run_kbgen("add", "arxiv:1706.03762", *args, "--root", str(kb.root), timeout=60)
    assert status in code and err.count("\n") == 1, err
    assert_no_traceback(out, err)


def test_add_against_a_hostile_server_fails_in_one_line(kb, server):
    for name in ("bad-status", "many-headers", "to-ftp", "evil-reason"):
        status, out, err = run_kbgen("add", "arxiv:1706.03762", "--arxiv-api", f"{server.url}/raw/{name}",
                                     "--root", str(kb.root), timeout=60)
        assert status in (1, 2) and err.count("\n") == 1 and "\x1b" not in err, (name, err)
        assert_no_traceback(out, err)


def test_read_json_bounds_integers_and_depth():
    assert read_json(b'{"year": 2017}', "S", "u") == {"year": 2017}
    with pytest.raises(MalformedResponse):
        read_json(b'{"n": ' + b"1" * 30 + b"}", "S", "u")


# -- fuzzing the client with arbitrary bytes from a real server ------------------------------

_status_line = st.sampled_from([b"HTTP/1.1 200 OK", b"HTTP/1.0 200", b"HTTP/1.1 302 Found", b"HTTP/1.1 404 x",
                                b"HTTP/1.1 999 ?", b"HTTP/1.1 200", b"HTTP/2 200", b"garbage", b""])
_header = st.one_of(
    st.sampled_from([b"Content-Length: 5", b"Content-Length: -1", b"Content-Length: 99999999999",
                     b"Transfer-Encoding: chunked", b"Location: ftp://x/", b"Location: /raw/loop/x",
                     b"Location: http://[::1", b"Content-Encoding: gzip", b"X: \x1b[2J", b"Bad header"]),
    st.binary(max_size=40).map(lambda b: b"X-F: " + b.replace(b"\r", b"").replace(b"\n", b"")))
_response = st.builds(lambda status, headers, body: status + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
                      + b"\r\n" + body, _status_line, st.lists(_header, max_size=6), st.binary(max_size=300))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(_response, st.binary(max_size=400)))
def test_fuzz_the_client_never_raises_anything_but_one_remote_error_line(server, raw):
    key = str(len(server.canned))
    server.canned[key] = raw
    try:
        data = fetch_bytes(f"{server.url}/fuzz/{key}/x", service="S", timeout=3, accept="*/*")
    except RemoteError as exc:
        text = str(exc)
        assert "\n" not in text and "\r" not in text and "\x1b" not in text
    else:
        assert isinstance(data, bytes) and len(data) <= MAX_BYTES
