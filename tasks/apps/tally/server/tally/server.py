"""The HTTP front: a threading stdlib server bound to the loopback interface."""

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .web import MAX_BODY_BYTES, Request, Response

log = logging.getLogger("tally.http")

HOST = "127.0.0.1"


class TallyRequestHandler(BaseHTTPRequestHandler):
    server_version = "Tally/0.9"
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

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is missing a usable length or is too large."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, head: bool = False) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(Response.json({"error": "Request body is too large or malformed"}, 413))
            return
        request = Request(
            "GET" if head else self.command,
            url.path,
            url.query,
            dict(self.headers.items()),
            body,
        )
        response = self.app.handle(request)
        self._send(response, head=head)

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


class TallyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(app, port: int, log_requests: bool = False) -> None:
    handler = type("Handler", (TallyRequestHandler,), {"app": app, "log_requests": log_requests})
    httpd = TallyServer((HOST, port), handler)
    log.info("Tally listening on http://%s:%d", HOST, port)
    try:
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
