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
