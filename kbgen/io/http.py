"""HTTP GET for the metadata clients: one function, bounded in every way, every failure one line.

:func:`fetch_bytes` is built on :mod:`http.client` so that every limit is kbgen's:

- a total deadline: ``timeout`` seconds for the whole exchange (connect,
  redirects, headers, body), enforced by a watchdog that shuts the socket
  down, so a server dripping one byte a second cannot hold kbgen for longer;
  ``timeout`` itself must be a finite number of seconds up to :data:`MAX_TIMEOUT`;
- at most :data:`MAX_HEADERS` headers of at most :data:`MAX_HEADER_BYTES`
  bytes together, and :data:`MAX_BYTES` of body;
- at most :data:`MAX_REDIRECTS` redirects, each over http(s) to the same host
  as the request (https never downgrades to http);
- no compression is asked for, so no decompression bomb;
- the proxy of ``$https_proxy``/``$http_proxy`` is used as urllib would.

Every failure raises :class:`RemoteError`, whose text is one line: the
service, what went wrong in kbgen's words (the server's status text and
header bytes are never repeated) and the URL with control characters escaped.
"""

from __future__ import annotations

import base64
import http.client
import math
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from http import HTTPStatus

from kbgen import __version__
from kbgen.core.diagnostics import printable

DEFAULT_TIMEOUT = 20.0
#: The longest total deadline accepted (``--timeout``).
MAX_TIMEOUT = 600.0
MAX_BYTES = 5_000_000  # a paper's metadata is a few KB; refuse to read a runaway response
MAX_HEADERS = 64
MAX_HEADER_BYTES = 32 * 1024
MAX_REDIRECTS = 3
USER_AGENT = f"kbgen/{__version__} (reading-group knowledge base; python http.client)"

_PROBLEMS = {  # http.client's exceptions, in kbgen's words
    "BadStatusLine": "a malformed status line", "RemoteDisconnected": "the connection closed before an answer",
    "LineTooLong": "a header line longer than 64 KiB", "IncompleteRead": "a body that ended early or has "
    "malformed chunk sizes", "UnknownProtocol": "an unknown HTTP version", "InvalidURL": "an invalid URL",
}


class RemoteError(Exception):
    """A fetch failed; ``str()`` is one line for the user."""


def check_timeout(timeout: object, service: str) -> float:
    """``timeout`` as seconds when it is a finite number in (0, :data:`MAX_TIMEOUT`], else :class:`RemoteError`.

    >>> check_timeout(5, "arXiv API")
    5.0
    >>> check_timeout(float("inf"), "arXiv API")
    Traceback (most recent call last):
    ...
    kbgen.io.http.RemoteError: arXiv API: the timeout must be a number of seconds above 0 and at most 600, not inf
    """
    try:
        seconds = float(timeout)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise RemoteError(f"{service}: the timeout must be a number of seconds above 0 and at most "
                          f"{MAX_TIMEOUT:g}, not {printable(str(timeout))}")
    return seconds


def check_base_url(base: str, service: str) -> urllib.parse.SplitResult:
    """The parts of an http(s) URL with a host, else :class:`RemoteError` (a malformed ``--arxiv-api``)."""
    shown = printable(str(base))
    try:
        parts = urllib.parse.urlsplit(base)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise RemoteError(f"{service}: {shown!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise RemoteError(f"{service}: base URL {shown!r} must start with http:// or https://")
    if not parts.hostname or any(ch.isspace() or ord(ch) < 32 for ch in base):
        raise RemoteError(f"{service}: {shown!r} is not a valid URL (no host, or spaces in it)")
    del port
    return parts


def fetch_bytes(url: str, *, service: str, timeout: float, accept: str) -> bytes:
    """GET ``url`` within ``timeout`` seconds in all; every failure becomes one :class:`RemoteError` line."""
    seconds = check_timeout(timeout, service)
    parts = check_base_url(url, service)
    deadline = time.monotonic() + seconds
    origin = parts.hostname
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        status, location, body = _exchange(parts, current, deadline, seconds, service, accept)
        if status in (301, 302, 303, 307, 308) and location is not None:
            current = _redirect(current, location, origin, parts.scheme, service)
            parts = urllib.parse.urlsplit(current)
            continue
        if status != 200:
            reason = "not found" if status == 404 else _phrase(status)
            raise RemoteError(f"{service}: HTTP {status} ({reason}) for {printable(url)}")
        return body
    raise RemoteError(f"{service}: more than {MAX_REDIRECTS} redirects from {printable(url)}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def _redirect(current: str, location: str, origin: str | None, scheme: str, service: str) -> str:
    try:
        target = urllib.parse.urljoin(current, location)
        parts = urllib.parse.urlsplit(target)
        parts.port  # noqa: B018 - validates it
    except ValueError:
        raise RemoteError(f"{service}: a redirect to an invalid URL from {printable(current)}") from None
    if parts.scheme not in ("http", "https") or (scheme == "https" and parts.scheme == "http"):
        raise RemoteError(f"{service}: refused a redirect to a {printable(parts.scheme or 'relative')}: URL "
                          f"from {printable(current)} (only http(s), never from https to http)")
    if parts.hostname != origin:
        raise RemoteError(f"{service}: refused a redirect to another host ({printable(str(parts.hostname))}) "
                          f"from {printable(current)}")
    return target


def _connection(parts: urllib.parse.SplitResult, remaining: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for ``parts`` (through the environment's proxy, if any) and the request target."""
    https = parts.scheme == "https"
    host, port = parts.hostname or "", parts.port or (443 if https else 80)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        p = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        headers = {}
        if p.username:
            token = base64.b64encode(f"{urllib.parse.unquote(p.username)}:"
                                     f"{urllib.parse.unquote(p.password or '')}".encode()).decode()
            headers["Proxy-Authorization"] = f"Basic {token}"
        if https:
            conn = http.client.HTTPSConnection(p.hostname or "", p.port or 8080, timeout=remaining,
                                               context=ssl.create_default_context())
            conn.set_tunnel(host, port, headers=headers)
            return conn, target
        conn = http.client.HTTPConnection(p.hostname or "", p.port or 8080, timeout=remaining)
        return conn, urllib.parse.urlunsplit(parts._replace(fragment=""))
    if https:
        return http.client.HTTPSConnection(host, port, timeout=remaining, context=ssl.create_default_context()), target
    return http.client.HTTPConnection(host, port, timeout=remaining), target


def _exchange(parts: urllib.parse.SplitResult, url: str, deadline: float, seconds: float, service: str,
              accept: str) -> tuple[int, str | None, bytes]:
    """One request: ``(status, Location or None, body)``; the body is read only for a 200."""
    shown = printable(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RemoteError(f"{service}: no answer within {seconds:g} s from {shown}")
    expired = threading.Event()
    conn, target = _connection(parts, remaining)

    def abort() -> None:
        expired.set()
        sock = conn.sock
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(remaining, abort)
    watchdog.daemon = True
    watchdog.start()
    stage = "reach"
    try:
        conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": accept,
                                             "Accept-Encoding": "identity", "Connection": "close"})
        stage = "read"
        response = conn.getresponse()
        _check_headers(response, service, shown)
        if response.status != 200:
            return response.status, response.getheader("Location"), b""
        length = response.getheader("Content-Length")
        if length is not None and length.strip().isdigit() and int(length.strip()[:12]) > MAX_BYTES:
            raise RemoteError(f"{service}: the response from {shown} is larger than {MAX_BYTES} bytes")
        chunks, total = [], 0
        while True:
            chunk = response.read(min(65536, MAX_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_BYTES:
                raise RemoteError(f"{service}: the response from {shown} is larger than {MAX_BYTES} bytes")
        if expired.is_set():
            raise RemoteError(f"{service}: no answer within {seconds:g} s from {shown}")
        return 200, None, b"".join(chunks)
    except RemoteError:
        raise
    except (TimeoutError, socket.timeout):
        raise RemoteError(f"{service}: no answer within {seconds:g} s from {shown}") from None
    except (http.client.HTTPException, OSError, ValueError, UnicodeError) as exc:
        if expired.is_set():
            raise RemoteError(f"{service}: no answer within {seconds:g} s from {shown}") from None
        raise RemoteError(f"{service}: cannot {stage} {shown}: {_describe(exc)}") from None
    finally:
        watchdog.cancel()
        conn.close()


def _check_headers(response: http.client.HTTPResponse, service: str, shown: str) -> None:
    items = response.msg.items()
    size = sum(len(k) + len(v) + 4 for k, v in items)
    if len(items) > MAX_HEADERS or size > MAX_HEADER_BYTES:
        raise RemoteError(f"{service}: cannot read {shown}: {len(items)} headers of {size:,} bytes "
                          f"(at most {MAX_HEADERS} headers of {MAX_HEADER_BYTES:,} bytes)")


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    if name in _PROBLEMS:
        return _PROBLEMS[name]
    if isinstance(exc, http.client.HTTPException):
        text = str(exc)
        return "more than 100 headers" if "more than 100 headers" in text else "a malformed HTTP response"
    if isinstance(exc, ssl.SSLError):
        return "a TLS error (" + (exc.reason or "handshake failed").lower().replace("_", " ") + ")"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    return name
