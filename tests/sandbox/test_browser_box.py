"""The browser's sandbox reaches the app's address and nothing else, by its network alone.

These tests run a plain Python in the sandbox (no browser, no request routing, no proxy flag):
what it reaches is what the namespace lets through.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from swelancer_env.browser.discovery import find_chromium
from swelancer_env.grading import plugin
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.browser_box import AppLink, browser_bwrap, only_origin_args

pytestmark = pytest.mark.skipif(
    not isolation.bwrap_available(), reason="bubblewrap cannot make a sandbox here"
)

PROBE = """
import socket, sys
app_port, host_port = int(sys.argv[1]), int(sys.argv[2])
with socket.create_connection(("127.0.0.1", app_port), timeout=5) as s:
    print("app says", s.recv(100).decode())
for port in (host_port, 22, 80):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        print("reached", port)
    except OSError as e:
        print("refused", port)
try:
    socket.create_connection(("10.0.0.1", 80), timeout=2).close()
    print("reached outside")
except OSError:
    print("no route outside")
"""


def _answer(listener: socket.socket, text: bytes) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.sendall(text)
        conn.close()


def test_the_sandbox_reaches_the_app_through_the_link_and_no_host_port(tmp_path: Path) -> None:
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "home").mkdir()
    link = AppLink(folder)
    host = socket.create_server(("127.0.0.1", 0))  # a service of the host's, like `serve`
    hits: list[str] = []
    threading.Thread(target=_answer, args=(link.unix, b"hello"), daemon=True).start()

    def record() -> None:
        while True:
            try:
                conn, _ = host.accept()
            except OSError:
                return
            hits.append("host")
            conn.close()

    threading.Thread(target=record, daemon=True).start()
    try:
        argv = [*browser_bwrap(folder, folder / "home", find_chromium(None)), *link.reach_argv()]
        argv += [sys.executable, "-I", "-c", PROBE, str(link.port), str(host.getsockname()[1])]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    finally:
        link.close()
        host.close()
    assert out.returncode == 0, out.stderr
    assert "app says hello" in out.stdout
    assert "reached" not in out.stdout.replace("no route", ""), out.stdout
    assert out.stdout.count("refused") == 3 and "no route outside" in out.stdout
    assert hits == []
    assert not (folder / "app.sock").exists(), "close() removes the link's socket file"


def test_the_plugin_sends_other_origins_to_no_proxy_like_the_library() -> None:
    assert plugin.only_origin_args(4321) == only_origin_args(4321)
