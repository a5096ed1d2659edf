"""The stand-in app's server (as ``npm run web`` serves the official app): on port 8082,
``GET /split?total=<cents>&people=<n>`` answers each person's share as a JSON list."""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from money import split_cents  # noqa: E402


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        try:
            shares = split_cents(int(query["total"][0]), int(query["people"][0]))
        except (KeyError, ValueError, ZeroDivisionError) as e:
            self.send_error(400, str(e))
            return
        body = json.dumps(shares).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", 8082), Handler).serve_forever()
