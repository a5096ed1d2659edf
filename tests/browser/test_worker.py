"""The browser worker's ``app_status`` request, over its real pipe (no browser is launched): what
the Docker user tool asks it between calls instead of an ``appctl`` exec."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swelancer_env.backends.docker import appctl
from swelancer_env.browser.worker_client import WORKER_FILE


class _Worker:
    def __init__(self, tmp: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-s", str(WORKER_FILE)],
            cwd=tmp,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[_Worker]:
    w = _Worker(tmp_path)
    yield w
    w.close()


@pytest.fixture
def app() -> Iterator[tuple[str, list[str]]]:
    """A server that answers POST /reset with 200 (and anything else with 404)."""
    posts: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append(self.path)
            self.send_response(200 if self.path == "/reset" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", posts
    server.shutdown()
    server.server_close()


def test_app_status_tells_alive_resets_and_counts_the_log_as_the_keeper(
    worker: _Worker, app: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, posts = app
    log = tmp_path / "app.log"
    log.write_bytes(b"started\r\nGET / 200\nsome \xff bytes\x0bsplit\n")
    child = subprocess.Popen(["sleep", "30"])
    try:
        answer = worker.ask(
            {"op": "app_status", "pid": child.pid, "reset_url": f"{url}/reset", "log": str(log)}
        )
        assert answer == {"ok": True, "alive": True, "reset": 200, "log_lines": 4}
        assert appctl._tail(str(log), 0)[1] == 4  # the keeper's count, which from_line uses
        assert posts == ["/reset"]
        answer = worker.ask({"op": "app_status", "pid": child.pid, "reset_url": f"{url}/other"})
        assert answer["reset"] == 404 and answer["log_lines"] is None
    finally:
        child.kill()
        child.wait()
    answer = worker.ask({"op": "app_status", "pid": child.pid, "reset_url": f"{url}/reset"})
    assert answer == {"ok": True, "alive": False, "reset": None, "log_lines": None}
    assert posts == ["/reset", "/other"]  # a dead app's data is not reset


def test_app_status_with_nothing_listening_or_no_log(worker: _Worker, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = subprocess.Popen(["sleep", "30"])
    try:
        answer = worker.ask(
            {
                "op": "app_status",
                "pid": child.pid,
                "reset_url": f"http://127.0.0.1:{port}/reset",
                "log": str(tmp_path / "missing.log"),
            }
        )
    finally:
        child.kill()
        child.wait()
    assert answer == {"ok": True, "alive": True, "reset": None, "log_lines": None}
    assert worker.ask({"op": "app_status", "pid": "x"})["alive"] is False
