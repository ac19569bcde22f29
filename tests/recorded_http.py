"""A real HTTP server on 127.0.0.1 (port 0, in a thread) serving recorded API responses.

Used by tests/test_remote.py and tests/test_cli_contrib.py so that the real
client in kbgen.io.http is tested without touching the internet.

Routes (the first path segment picks a behaviour):
  /arxiv/query?id_list=A,B    the entries of fixtures/remote/arxiv-<id>.xml (unknown ids: none)
  /arxiv-error/query          arXiv's "Error" entry;   /bad-xml/...  malformed XML
  /bomb/...                   an entity-expansion bomb
  /crossref/works/<doi>       fixtures/remote/crossref-<doi with / as _>.json, else 404
  /bad-json/works/<doi>       malformed JSON
  /status/<code>/...          that HTTP status
  /slow/...                   answers only after SLOW_SECONDS (longer than the tests' timeout)
  /raw/<name>/...             the hostile raw response RAW[name] (bad chunk size, bad status line, ...)
  /drip/...                   a 200 whose bytes come one every DRIP_SECONDS: each read succeeds, the whole never ends
  /redirect/<n>/<url>         a 302 to <url> (unquoted); /redirect-ok/... to /arxiv/... on this same server
  /fuzz/<key>/...             the bytes the test registered with ``server.canned[key]``, sent as they are
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "remote"
SLOW_SECONDS = 3.0
DRIP_SECONDS = 0.2


def _status(code: int, headers: bytes = b"", body: bytes = b"") -> bytes:
    return b"HTTP/1.1 %d X\r\n" % code + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body


#: Hostile responses, byte for byte.
RAW = {
    "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    "bad-status": b"HTTX/9 abc\r\n\r\n",
    "big-header": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\nContent-Length: 0\r\n\r\n",
    "many-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n",
    "some-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(80)) + b"\r\n",
    "to-ftp": b"HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/x\r\nContent-Length: 0\r\n\r\n",
    "to-file": b"HTTP/1.1 301 Moved\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n",
    "to-other-host": b"HTTP/1.1 307 Moved\r\nLocation: http://elsewhere.invalid/x\r\nContent-Length: 0\r\n\r\n",
    "loop": b"HTTP/1.1 302 Found\r\nLocation: /raw/loop/again\r\nContent-Length: 0\r\n\r\n",
    "evil-reason": b"HTTP/1.1 500 \x1b]0;pwned\x07\x1b[2J\r\nContent-Length: 0\r\n\r\n",
    "huge-length": b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nxx",
    "huge-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + (b"10000\r\n" + b"x" * 65536 + b"\r\n") * 80,
    "deep-json": _status(200, b"Content-Type: application/json\r\n", b"[" * 100_000 + b"]" * 100_000),
    "big-int": _status(200, b"Content-Type: application/json\r\n",
                       b'{"message": {"title": ["T"], "issued": {"date-parts": [[' + b"9" * 5_000 + b"]]}}}"),
    "nested-json": _status(200, b"", b'{"message": {"title": ["T"], "x": ' + b"[" * 80 + b"]" * 80 + b"}}"),
    "gzip": _status(200, b"Content-Encoding: gzip\r\n", b"\x1f\x8b\x08\x00" + b"\x00" * 20),
    "close": b"",
}
_ENTRY = re.compile(r"<entry>.*?</entry>", re.S)
_FEED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
              "  <title>ArXiv Query (recorded)</title>\n  <id>http://arxiv.org/api/recorded</id>\n"
              "  <updated>2026-11-27T00:00:00-05:00</updated>\n")


class _Handler(BaseHTTPRequestHandler):
    server: "RecordedServer"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append((self.path, dict(self.headers)))
        parsed = urllib.parse.urlsplit(self.path)
        parts = parsed.path.strip("/").split("/")
        route = parts[0]
        if route == "raw":
            return self._raw(RAW[parts[1]])
        if route == "fuzz":
            return self._raw(self.server.canned.get(parts[1], b""))
        if route == "drip":
            return self._drip(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100_000)
        if route == "redirect":
            target = urllib.parse.unquote("/".join(parts[2:]))
            return self._raw(b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() + b"\r\nContent-Length: 0\r\n\r\n")
        if route == "redirect-ok":
            rest = self.path.split("/", 2)[2]
            return self._raw(b"HTTP/1.1 301 Moved\r\nLocation: /arxiv/" + rest.encode() + b"\r\nContent-Length: 0\r\n\r\n")
        if route == "slow":
            time.sleep(SLOW_SECONDS)
            return self._send(200, (FIXTURES / "arxiv-1706.03762.xml").read_bytes(), "application/atom+xml")
        if route == "status":
            return self._send(int(parts[1]), b"recorded error page", "text/plain")
        if route == "arxiv":
            ids = urllib.parse.parse_qs(parsed.query).get("id_list", [""])[0].split(",")
            entries = []
            for arxiv_id in ids:
                path = FIXTURES / f"arxiv-{arxiv_id.replace('/', '_')}.xml"
                if arxiv_id and path.exists():
                    entries += _ENTRY.findall(path.read_text(encoding="utf-8"))
            body = _FEED_HEAD + "".join(f"  {e}\n" for e in entries) + "</feed>\n"
            return self._send(200, body.encode("utf-8"), "application/atom+xml")
        if route == "arxiv-error":
            return self._send(200, (FIXTURES / "arxiv-error.xml").read_bytes(), "application/atom+xml")
        if route == "bad-xml":
            return self._send(200, (FIXTURES / "malformed.xml").read_bytes(), "application/atom+xml")
        if route == "bomb":
            return self._send(200, (FIXTURES / "bomb.xml").read_bytes(), "application/atom+xml")
        if route == "bad-json":
            return self._send(200, (FIXTURES / "malformed.json").read_bytes(), "application/json")
        if route == "crossref" and parts[1:2] == ["works"]:
            doi = urllib.parse.unquote("/".join(parts[2:]))
            path = FIXTURES / f"crossref-{doi.replace('/', '_')}.json"
            if path.exists():
                return self._send(200, path.read_bytes(), "application/json")
            return self._send(404, (FIXTURES / "crossref-404.txt").read_bytes(), "text/plain")
        return self._send(404, b"no such route", "text/plain")

    def _raw(self, data: bytes) -> None:
        self.close_connection = True
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _drip(self, data: bytes) -> None:
        self.close_connection = True
        try:
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up: that is the point

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass


class RecordedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict]] = []
        self.canned: dict[str, bytes] = {}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start_server() -> tuple[RecordedServer, threading.Thread]:
    server = RecordedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


def stop_server(server: RecordedServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
