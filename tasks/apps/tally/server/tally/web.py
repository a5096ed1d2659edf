"""Request and response objects shared by the router, the API handlers and the HTTP server."""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .errors import BadRequest

MAX_BODY_BYTES = 1_000_000


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Response":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(
            status,
            body,
            {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
        )

    @classmethod
    def text(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


class Request:
    def __init__(
        self,
        method: str,
        path: str,
        query_string: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ):
        self.method = method.upper()
        self.path = path
        self.query = {key: values[0] for key, values in parse_qs(query_string).items()}
        self.headers = {key.lower(): value for key, value in (headers or {}).items()}
        self.body = body
        self.app = None
        self.user: dict | None = None
        self._conn = None
        self._json: dict | None = None

    @property
    def conn(self):
        """The request's database connection, opened on first use."""
        if self._conn is None:
            self._conn = self.app.db.connect()
        return self._conn

    def finish(self, ok: bool) -> None:
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
        if self._json is None:
            if not self.body:
                self._json = {}
            else:
                try:
                    data = json.loads(self.body.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    raise BadRequest("Request body is not valid JSON") from None
                if not isinstance(data, dict):
                    raise BadRequest("Request body must be a JSON object")
                self._json = data
        return self._json

    def bearer_token(self) -> str | None:
        header = self.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()
