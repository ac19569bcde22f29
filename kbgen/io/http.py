"""HTTP GET for the metadata clients: one function, every failure one line.

Only ``http://`` and ``https://`` URLs are fetched. Every failure (network,
timeout, HTTP status, a body that is too large) raises :class:`RemoteError`
with one line that says what went wrong and where.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kbgen import __version__

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5_000_000  # a paper's metadata is a few KB; refuse to read a runaway response
USER_AGENT = f"kbgen/{__version__} (reading-group knowledge base; python-urllib)"


class RemoteError(Exception):
    """A fetch failed; ``str()`` is one line for the user."""


def fetch_bytes(url: str, *, service: str, timeout: float, accept: str) -> bytes:
    """GET ``url``; every failure becomes one :class:`RemoteError` line naming ``service``."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        reason = "not found" if exc.code == 404 else (exc.reason or "error")
        raise RemoteError(f"{service}: HTTP {exc.code} ({reason}) for {url}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise RemoteError(f"{service}: no answer within {timeout:g} s from {url}") from None
        raise RemoteError(f"{service}: cannot reach {url}: {_reason(exc.reason)}") from None
    except (TimeoutError, socket.timeout):
        raise RemoteError(f"{service}: no answer within {timeout:g} s from {url}") from None
    except (OSError, ValueError) as exc:  # connection reset, bad URL, http.client errors
        raise RemoteError(f"{service}: cannot read {url}: {_reason(exc)}") from None
    if len(data) > MAX_BYTES:
        raise RemoteError(f"{service}: the response from {url} is larger than {MAX_BYTES} bytes")
    return data


def _reason(reason: Any) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def check_base_url(base: str, service: str) -> None:
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise RemoteError(f"{service}: base URL {base!r} must start with http:// or https://")
