"""Requests and responses, and the threading HTTP server that carries them."""

import json
import logging
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import BadRequest

log = logging.getLogger("desk.http")

HOST = "127.0.0.1"
MAX_BODY_BYTES = 1_000_000


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Response":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
        return cls(status, body, headers)

    @classmethod
    def text(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


class Request:
    def __init__(self, method: str, target: str, headers: dict[str, str], body: bytes = b""):
        url = urlsplit(target)
        self.method = method.upper()
        self.path = url.path
        self.query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.headers = {key.lower(): value for key, value in headers.items()}
        self.body = body
        self.app = None
        self.user: dict | None = None
        self._conn = None

    @property
    def conn(self):
        """The request's database connection, opened on first use."""
        if self._conn is None:
            self._conn = self.app.db.connect()
        return self._conn

    def finish(self, ok: bool) -> None:
        """Commit (or roll back) and close the connection, if one was opened."""
        if self._conn is None:
            return
        try:
            if ok:
                self._conn.commit()
            else:
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None

    def json(self) -> dict:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadRequest("Request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadRequest("Request body must be a JSON object")
        return data

    def bearer_token(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


class Handler(BaseHTTPRequestHandler):
    server_version = "Desk/1.0"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    app = None
    log_requests = False

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_POST(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def _dispatch(self, head: bool = False) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(Response.json({"error": "Request body is too large or malformed"}, 413))
            return
        body = self.rfile.read(length) if length else b""
        method = "GET" if head else self.command
        response = self.app.handle(Request(method, self.path, dict(self.headers.items()), body))
        self._send(response, head)

    def _send(self, response: Response, head: bool = False) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:
        if self.log_requests:
            log.info("%s %s", self.address_string(), format % args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(app, port: int, log_requests: bool = False) -> None:
    handler = type("DeskHandler", (Handler,), {"app": app, "log_requests": log_requests})
    httpd = Server((HOST, port), handler)
    log.info("Desk listening on http://%s:%d", HOST, port)
    try:
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
