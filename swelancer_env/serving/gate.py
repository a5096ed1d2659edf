"""Who may talk to ``swelancer-env serve``: its own clients, never a web page it did not allow.

A browser puts an ``Origin`` header on every WebSocket upgrade and on every cross-origin request
that could do harm; the clients a trainer uses (RemoteEnv, OpenEnv's client, any Python or curl)
send none. A request with an ``Origin`` is therefore a web page's (perhaps a page of the app an
agent changed, rendered by the harness's Chromium on this very host) and is refused with 403
unless ``serve --allow-origin`` names its origin (``*``: every origin).

With a token (``serve --token`` or :data:`~swelancer_env.serving.wire.TOKEN_ENV`), every request
and every WebSocket upgrade must also carry it, as ``Authorization: Bearer <token>`` or, on a
WebSocket upgrade from a client that cannot set headers, as ``?token=<token>``; it is compared in
constant time. Without it: 401.

A refusal is an HTTP response (also for a WebSocket upgrade: the ASGI server answers the
handshake with it) whose body is the server's error shape, ``{"type": "error", "data":
{"message": ..., "code": "ORIGIN_NOT_ALLOWED" | "UNAUTHORIZED"}}``.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from swelancer_env.errors import ConfigError
from swelancer_env.serving.wire import TOKEN_ENV

__all__ = ["Gate", "check_origin_setting", "check_token_setting"]

log = logging.getLogger("swelancer_env.serving")


def check_origin_setting(origin: str) -> str:
    """``origin`` as the gate compares it (``*``, ``null`` or ``scheme://host[:port]``).

    Raises:
        ConfigError: anything else (a path, no scheme).
    """
    value = origin.strip().rstrip("/").lower()
    if value in ("*", "null"):
        return value
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc or parts.path or parts.query or parts.fragment:
        raise ConfigError(
            f"--allow-origin {origin!r}: give an origin as a browser sends it, "
            "scheme://host[:port] (e.g. http://127.0.0.1:3000), or '*' for every origin"
        )
    return value


def check_token_setting(token: str) -> str:
    """``token`` if it can travel in a header, else ConfigError."""
    if not token or any(not c.isprintable() or c.isspace() or not c.isascii() for c in token):
        raise ConfigError(
            f"the token (--token or {TOKEN_ENV}) must be printable ASCII without spaces, and "
            "not empty; e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


class _Throttle:
    """At most one log line per ``every`` seconds and kind of line (a few fixed keys); the
    lines left out are counted, so that a flood of refused requests cannot flood the log."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._seen: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def warning(self, key: str, message: str) -> None:
        now = time.monotonic()
        with self._lock:
            last, skipped = self._seen.get(key, (-self.every, 0))
            if now - last < self.every:
                self._seen[key] = (last, skipped + 1)
                return
            self._seen[key] = (now, 0)
        more = f" ({skipped} more like it in the last {self.every:g} s)" if skipped else ""
        log.warning("%s%s", message, more)


class Gate:
    """ASGI middleware in front of the server's app: refuses pages' requests and, with a token,
    requests without it.

    Args:
        app: the app behind the gate.
        allow_origins: origins whose pages may connect (``*``: all); see
            :func:`check_origin_setting`.
        token: the token every request must carry, or None.
    """

    def __init__(self, app: Any, allow_origins: Iterable[str] = (), token: str | None = None):
        self.app = app
        #: the app's state (``state.sessions``: the server's sessions)
        self.state = getattr(app, "state", None)
        self.allow_origins = frozenset(check_origin_setting(o) for o in allow_origins)
        self.token = None if token is None else check_token_setting(token).encode()
        self._throttle = _Throttle()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            refusal = self.refusal(scope)
            if refusal is not None:
                await _refuse(scope, send, *refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Any) -> tuple[int, str, str] | None:
        """``(status, code, message)`` when the request is refused, else None."""
        headers: dict[bytes, list[bytes]] = {}
        for name, value in scope.get("headers", ()):
            headers.setdefault(name.lower(), []).append(value)
        kind = "WebSocket upgrade" if scope["type"] == "websocket" else "request"
        where = f"{kind} {scope.get('path', '')!r} from {_client(scope)}"
        for raw in headers.get(b"origin", []):
            origin = raw.decode("latin-1").strip()
            if "*" in self.allow_origins or origin.rstrip("/").lower() in self.allow_origins:
                continue
            shown = repr(origin[:200])
            self._throttle.warning("origin", f"refused a {where} with Origin {shown} (403)")
            return (
                403,
                "ORIGIN_NOT_ALLOWED",
                f"refused: this {kind} comes from a web page (Origin: {shown}). swelancer-env "
                "serve answers clients that send no Origin header (RemoteEnv, OpenEnv's client); "
                "to let pages of an origin connect, start it with --allow-origin ORIGIN "
                "(repeatable; '*' allows every origin)",
            )
        if self.token is None:
            return None
        given = _bearer(headers.get(b"authorization", []))
        if given is None and scope["type"] == "websocket":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = (query.get("token") or [None])[0]
        if given is not None and hmac.compare_digest(given.encode(), self.token):
            return None
        self._throttle.warning("token", f"refused a {where}: no valid token (401)")
        how = (
            "the token it carries is not this server's"
            if given is not None
            else "it carries no token"
        )
        return (
            401,
            "UNAUTHORIZED",
            f"refused: this server needs a token and {how}. Send the header 'Authorization: "
            "Bearer TOKEN' (a WebSocket client that cannot set headers: /ws?token=TOKEN) with "
            f"the token given to `swelancer-env serve --token` or in {TOKEN_ENV}; RemoteEnv "
            f"takes token=... and reads {TOKEN_ENV} by default",
        )


def _bearer(values: list[bytes]) -> str | None:
    for raw in values:
        scheme, _, credentials = raw.decode("latin-1").strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return None


def _client(scope: Any) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "an unknown address"


async def _refuse(scope: Any, send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"type": "error", "data": {"message": message, "code": code}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="swelancer-env"'))
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    elif "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:  # the ASGI server cannot send a response of ours: it answers the handshake with 403
        await send({"type": "websocket.close", "code": 1008})
