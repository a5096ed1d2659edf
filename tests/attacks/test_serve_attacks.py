"""The attacker's view of `swelancer-env serve` (issue 20): the page of an agent's app, rendered by
a Chromium on the server's host, opened WebSockets to the server on 127.0.0.1, ran side episodes
(tried every proposal of a manager task, ran shell commands) and held the slots that the trainer's
own clients then could not get. Here such a page, and a process without the token, try again:
they never get a session, and the trainer's client gets its slot and its reward throughout."""

from __future__ import annotations

import json
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from swelancer_env.serving.client import RemoteEnv
from swelancer_env.tasks import list_tasks

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)
TOKEN = "attack-test-" + secrets.token_urlsafe(24)


class Server:
    """``swelancer-env serve`` with one session and a token (given as the flag)."""

    def __init__(self) -> None:
        self.log_path = Path(tempfile.mkstemp(prefix="serve-attack-log-", suffix=".txt")[1])
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "swelancer_env.cli", "serve", "--port", "0",
                 "--max-sessions", "1", "--token", TOKEN],
                stdout=subprocess.PIPE, stderr=log, text=True,
            )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, (line, self.log_path.read_text())
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            assert self.proc.wait(timeout=30) == 0
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        text = self.log_path.read_text(errors="replace")
        self.log_path.unlink(missing_ok=True)
        return text


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    yield s
    log = s.stop()
    assert "Traceback" not in log, log[-5000:]


def trainer_episode(server: Server) -> float:
    """What the trainer does: one manager episode, with its token; its reward."""
    task = MANAGER[0]
    env = RemoteEnv(server.url, token=TOKEN)
    try:
        env.reset(options={"task_id": task.id})
        obs, *_ = env.step({"type": "shell", "command": "echo trainer"})
        assert obs["output"].strip() == "trainer"
        _, reward, terminated, *_ = env.step(
            {"type": "choose_proposal", "proposal_id": task.correct_proposal}
        )
        assert terminated
        return reward
    finally:
        env.close()


def test_a_page_like_client_cannot_open_a_session(server: Server) -> None:
    page_origins = [
        "http://127.0.0.1:3000",  # the app under test
        "HTTP://127.0.0.1:3000",
        f"http://127.0.0.1:{server.port}",  # the server's own origin: it serves no page
        "null",  # a sandboxed frame, a data: URL
        "http://rebound.example:8000",  # DNS rebinding: the page's name now points here
    ]
    for origin in page_origins:
        # even a page that somehow knew the token is refused: the Origin comes first
        for url in (server.ws_url, f"{server.ws_url}?token={TOKEN}"):
            with pytest.raises(InvalidStatus) as e:
                connect(url, origin=origin)  # type: ignore[arg-type]
            assert e.value.response.status_code == 403, origin
            body = json.loads(e.value.response.body or b"{}")
            assert body["data"]["code"] == "ORIGIN_NOT_ALLOWED"
        request = urllib.request.Request(f"{server.url}/metadata", headers={"Origin": origin})
        with pytest.raises(urllib.error.HTTPError) as h:
            urllib.request.urlopen(request, timeout=10)
        assert h.value.code == 403
    assert trainer_episode(server) == MANAGER[0].price


def test_a_flood_from_pages_and_tokenless_processes_leaves_the_trainer_its_slot(
    server: Server,
) -> None:
    stop = threading.Event()
    seen: dict[str, int] = {"403": 0, "401": 0, "opened": 0}
    lock = threading.Lock()

    def flood(origin: str | None) -> None:
        while not stop.is_set():
            try:
                ws = connect(server.ws_url, origin=origin, open_timeout=10)  # type: ignore[arg-type]
            except InvalidStatus as e:
                with lock:
                    seen[str(e.response.status_code)] += 1
                continue
            except OSError:
                continue
            with lock:
                seen["opened"] += 1
            ws.close()

    threads = [
        threading.Thread(target=flood, args=(origin,), daemon=True)
        for origin in ["http://127.0.0.1:3000"] * 4 + [None] * 2
    ]
    for t in threads:
        t.start()
    try:
        time.sleep(1)  # the flood is on
        for _ in range(2):  # one session at a time (--max-sessions 1): the trainer gets it
            assert trainer_episode(server) == MANAGER[0].price
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert seen["opened"] == 0, seen
    assert seen["403"] > 10 and seen["401"] > 5, seen


PAGE = """<!doctype html><title>an agent's app</title><script>
window.results = [];
const server = "127.0.0.1:__PORT__";
function attempt(i) {
  const ws = new WebSocket("ws://" + server + "/ws");
  ws.onopen = () => {
    window.results.push("open");
    ws.send(JSON.stringify({type: "reset", data: {}}));
  };
  ws.onmessage = (e) => window.results.push("message " + String(e.data).slice(0, 80));
  ws.onclose = () => window.results.push("closed");
}
for (let i = 0; i < 20; i++) attempt(i);
fetch("http://" + server + "/metadata").then(
  (r) => r.text().then((t) => window.results.push("fetched " + t.slice(0, 80))),
  () => window.results.push("fetch failed"));
setInterval(() => attempt(-1), 100);  // and it keeps trying
</script>"""


@pytest.mark.browser
def test_a_real_page_in_chromium_gets_no_session(server: Server) -> None:
    from playwright.sync_api import sync_playwright

    from swelancer_env.browser import launch_options

    html = PAGE.replace("__PORT__", str(server.port)).encode()

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

    site = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options())  # type: ignore[arg-type]
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{site.server_address[1]}/")
                page.wait_for_function("window.results.length >= 21", timeout=30_000)
                # the page is still trying while the trainer runs its episodes
                for _ in range(2):
                    assert trainer_episode(server) == MANAGER[0].price
                results = page.evaluate("window.results")
            finally:
                browser.close()
    finally:
        site.shutdown()
        site.server_close()
    assert "open" not in results and not any(r.startswith("message") for r in results), results
    assert "fetch failed" in results  # refused (and unreadable to the page anyway)
    assert results.count("closed") >= 20
