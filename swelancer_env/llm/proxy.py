"""``swelancer-env proxy``: an OpenAI-compatible proxy that records every chat completion with its
token ids, between any agent (a trainer's own) and an endpoint that returns them.

The agent points its ``base_url`` at the proxy instead of the endpoint and changes nothing else.
Each ``POST .../chat/completions`` is forwarded to the upstream with the token-id fields asked
for (vLLM's ``return_token_ids``, SGLang's ``return_prompt_token_ids``) and, with ``logprobs``,
per-token logprobs; the answer goes back to the agent unchanged but for those extra fields,
which are left in (a client that does not know them ignores them). One JSON line per call goes
to the log: the request as the agent sent it, the prompt and completion token ids, one logprob
per completion token when the endpoint gave them, usage, latency and the status. A call the
upstream refuses (4xx, 5xx) is passed back as it came and logged with its status; every other
path is passed through unrecorded. Streaming requests are refused with 400 and a message: the
ids of a stream cannot be recorded whole.

Example::

    swelancer-env proxy --upstream http://127.0.0.1:8000/v1 --port 8900 --log calls.jsonl
    # the agent: openai.OpenAI(base_url="http://127.0.0.1:8900/v1", api_key=...)
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from swelancer_env.llm.client import TOKEN_ID_REQUEST, token_ids

__all__ = ["TokenProxy"]

#: the largest request body read from an agent
MAX_BODY = 64 << 20
#: headers not forwarded either way (hop-by-hop, or recomputed)
_SKIPPED = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding",
            "keep-alive", "content-encoding"}  # fmt: skip


class TokenProxy:
    """The proxy: :meth:`start` serves on ``host:port`` (0: a free port) in a thread, each call
    to ``upstream`` logged to ``log`` (appended, one JSON line per call). A context manager."""

    def __init__(
        self,
        upstream: str,
        log: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        logprobs: bool = True,
        timeout: float = 600.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.log = Path(log)
        self.logprobs = logprobs
        self.timeout = timeout
        self._lock = threading.Lock()
        self.calls = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                proxy._handle(self, "POST")

            def do_GET(self) -> None:
                proxy._handle(self, "GET")

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = str(self._server.server_address[0]), self._server.server_address[1]
        return f"http://{host}:{port}/v1"

    def start(self) -> TokenProxy:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._server.serve_forever()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> TokenProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request -------------------------------------------------------------------------

    def _upstream_url(self, path: str) -> str:
        # the agent's base URL ends in /v1 like the upstream's: /v1/x -> upstream/x
        rest = path[3:] if path.startswith("/v1/") else path
        return self.upstream + (rest if rest.startswith("/") else "/" + rest)

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return _reply(h, 413, {"error": {"message": f"request over {MAX_BODY} bytes"}})
        body = h.rfile.read(length) if length else b""
        headers = {k: v for k, v in h.headers.items() if k.lower() not in _SKIPPED}
        completion = method == "POST" and h.path.rstrip("/").endswith("/chat/completions")
        request: dict[str, Any] = {}
        if completion:
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return _reply(h, 400, {"error": {"message": "the body is not JSON"}})
            if not isinstance(request, dict):
                return _reply(h, 400, {"error": {"message": "the body is not a JSON object"}})
            if request.get("stream"):
                return _reply(h, 400, {"error": {"message": (
                    "swelancer-env proxy records whole completions: send stream=false "
                    "(a stream's token ids cannot be recorded whole)")}})  # fmt: skip
            sent = {**request, **TOKEN_ID_REQUEST}
            if self.logprobs:
                sent["logprobs"] = True
            body = json.dumps(sent).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        forward = urllib.request.Request(
            self._upstream_url(h.path), data=body if method == "POST" else None,
            headers=headers, method=method,
        )  # fmt: skip
        try:
            try:
                with urllib.request.urlopen(forward, timeout=self.timeout) as answer:
                    status, answer_headers, content = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as e:  # 4xx, 5xx: passed back as they came
                status, answer_headers, content = e.code, e.headers, e.read()
        except (OSError, ValueError) as e:  # the agent's client sees a 502 and retries
            if completion:
                self._record(request, None, 502, time.perf_counter() - started, str(e))
            return _reply(h, 502, {"error": {"message": f"the upstream failed: {e}"}})
        latency = time.perf_counter() - started
        if completion:
            try:
                data = json.loads(content)
            except ValueError:
                data = None
            self._record(request, data, status, latency, None)
        h.send_response(status)
        for k, v in answer_headers.items():
            if k.lower() not in _SKIPPED:
                h.send_header(k, v)
        h.send_header("Content-Length", str(len(content)))
        h.end_headers()
        h.wfile.write(content)

    def _record(
        self, request: dict[str, Any], data: Any, status: int, latency: float, error: str | None
    ) -> None:
        prompt_ids = completion_ids = logprobs = None
        usage = None
        if isinstance(data, dict) and status < 400:
            prompt_ids, completion_ids = token_ids(data)
            usage = data.get("usage")
            choice = (data.get("choices") or [{}])[0]
            content = ((choice.get("logprobs") or {}).get("content")) or []
            values = [c.get("logprob") for c in content if isinstance(c, dict)]
            if completion_ids is not None and len(values) == len(completion_ids):
                logprobs = values
        line = {
            "time": time.time(), "status": status, "latency_s": round(latency, 3),
            "request": request, "prompt_token_ids": prompt_ids,
            "completion_token_ids": completion_ids, "completion_logprobs": logprobs,
            "usage": usage, "response": data if status >= 400 or error else None,
            "error": error,
        }  # fmt: skip
        if isinstance(data, dict) and status < 400:
            line["message"] = ((data.get("choices") or [{}])[0]).get("message")
        with self._lock:
            self.calls += 1
            with self.log.open("a", encoding="utf-8") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")


def _reply(h: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)
