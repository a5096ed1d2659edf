"""The app server: the agent's app in bubblewrap, in a network namespace of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from swelancer_env.appserver import AppServer, free_port, listen_socket
from swelancer_env.backends.docker import appctl
from swelancer_env.backends.docker.container import start_request
from swelancer_env.errors import AppStartError
from swelancer_env.sandbox.isolation import bwrap_available
from swelancer_env.tasks.model import App

PROBE = """\
import json, socket, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, host_port = int(sys.argv[1]), int(sys.argv[2])
found = {}
try:
    socket.create_connection(("127.0.0.1", host_port), timeout=2).sendall(b"secret please")
    found["connect"] = "connected"
except OSError as e:
    found["connect"] = f"refused: {e}"
net = ""
for name in ("tcp", "tcp6"):
    try:
        net += open(f"/proc/net/{name}").read()
    except OSError:
        pass
found["proc_net"] = net

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
"""


class Listener:
    """A service on the host's loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def _app(tmp_path: Path, host_port: int) -> tuple[App, Path]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text(PROBE)
    app = App(name="probe", root=tree, start=f"python3 server.py {{port}} {host_port}")
    return app, tree


def test_the_app_reaches_no_host_service_and_sees_no_host_socket(tmp_path: Path) -> None:
    assert bwrap_available(), "these tests need bubblewrap (apt-get install bubblewrap)"
    host = Listener()
    app, tree = _app(tmp_path, host.port)
    with AppServer(app, tree) as server:
        with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
            found = json.loads(resp.read())
    assert found["connect"].startswith("refused"), found["connect"]
    assert host.connections == 0
    # the host's listening sockets (ours among them) are not in the app's /proc/net
    assert f":{host.port:04X}" not in found["proc_net"]
    host.sock.close()


def test_the_same_listener_serves_each_restart_at_the_same_address(tmp_path: Path) -> None:
    host = Listener()
    app, tree = _app(tmp_path, host.port)
    listener = listen_socket()
    try:
        urls = []
        for _ in range(2):
            with AppServer(app, tree, listener=listener) as server:
                urls.append(server.url)
                with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
                    assert resp.status == 200
        assert urls[0] == urls[1] == f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        host.sock.close()


def test_without_isolation_the_app_binds_the_port_itself(tmp_path: Path) -> None:
    host = Listener()
    app, tree = _app(tmp_path, host.port)
    with AppServer(app, tree, isolate=False) as server:
        with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
            assert json.loads(resp.read())["connect"] == "connected"  # what isolation prevents
    host.sock.close()


def test_an_app_that_eats_all_memory_is_killed_inside_its_limit(tmp_path: Path) -> None:
    import pytest

    from swelancer_env.errors import AppStartError
    from swelancer_env.sandbox.limits import ResourceLimits

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text("x = []\nwhile True:\n    x.append(bytearray(16 << 20))\n")
    app = App(name="hog", root=tree, start="python3 server.py {port}", ready_timeout_s=20)
    limits = ResourceLimits(memory=256 << 20)
    with pytest.raises(AppStartError, match="out of memory, its limit is 0.25 GiB"):
        AppServer(app, tree, limits=limits).start()


def test_the_isolated_app_sees_fixed_paths_in_what_it_prints(tmp_path: Path) -> None:
    """A crash's traceback reaches the agent in the user tool's report: it must name the same
    paths in every run, not the run's temporary folders."""
    import pytest

    from swelancer_env.errors import AppStartError

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text(
        "import os, sys\nprint('cwd', os.getcwd(), 'home', os.environ['HOME'], 'data', sys.argv[1])\n"
        "raise SystemExit(open(sys.argv[1] + '/missing.json').read())\n"
    )
    app = App(name="crash", root=tree, start="python3 server.py {data_dir}", ready_timeout_s=10)
    with pytest.raises(AppStartError) as info:
        AppServer(app, tree).start()
    message = str(info.value)
    assert "cwd /swelancer/tree home /swelancer/home data /swelancer/home/data" in message
    assert 'File "/swelancer/tree/server.py"' in message
    assert str(tmp_path) not in message and "swelancer-app-" not in message


# -- an app that starts while it builds (app.toml's start_during_build) ---------------------------

SERVER_BESIDE_BUILD = """\
import pathlib, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

print("APP STARTING", flush=True)
pathlib.Path("server-started").write_text("yes")

def beat():
    while True:
        pathlib.Path("beat").write_text(str(time.monotonic()))
        time.sleep(0.05)

threading.Thread(target=beat, daemon=True).start()

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        self.send_response(200)
        self.end_headers()

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""
#: finishes only if the app was started before it (it waits for the app's mark, 10 s at most)
BUILD_WAITING_FOR_THE_APP = (
    "for i in $(seq 200); do [ -e server-started ] && echo BUILD SAW THE APP && exit 0; "
    "sleep 0.05; done; echo BUILD WAITED IN VAIN; exit 1"
)
BROKEN_BUILD = "sleep 0.5; echo BUILD BROKE; exit 3"


def _app_with_build(tmp_path: Path, build: str, at_once: bool) -> tuple[App, Path]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text(SERVER_BESIDE_BUILD)
    app = App(
        name="beside", root=tree, start="python3 server.py {port}", build=build,
        start_during_build=at_once, build_timeout_s=30,
    )  # fmt: skip
    return app, tree


def _beats_stopped(beat: Path) -> bool:
    first = beat.read_text()
    time.sleep(0.6)
    return beat.read_text() == first


def test_start_during_build_starts_the_app_beside_its_build(tmp_path: Path) -> None:
    app, tree = _app_with_build(tmp_path, BUILD_WAITING_FOR_THE_APP, at_once=True)
    with AppServer(app, tree, log_lines=100) as server:
        with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
            assert resp.status == 200
        assert "BUILD SAW THE APP" in server.log_tail() and "APP STARTING" in server.log_tail()


def test_a_failed_build_stops_the_app_started_beside_it(tmp_path: Path) -> None:
    app, tree = _app_with_build(tmp_path, BROKEN_BUILD, at_once=True)
    server = AppServer(app, tree)
    with pytest.raises(AppStartError) as err:
        server.start()
    assert "failed (exit 3)" in str(err.value) and "BUILD BROKE" in str(err.value)
    assert "APP STARTING" not in str(err.value)  # the build's output, not the app's
    assert (tree / "server-started").exists() and _beats_stopped(tree / "beat")


def test_the_app_keeper_starts_the_app_beside_its_build_too(tmp_path: Path) -> None:
    """The Docker backend's keeper (appctl), run here: the same two cases."""
    for build, ok in ((BUILD_WAITING_FOR_THE_APP, True), (BROKEN_BUILD, False)):
        case = tmp_path / ("ok" if ok else "broken")
        case.mkdir()
        app, tree = _app_with_build(case, build, at_once=True)
        port = free_port()
        request = start_request(app, 30)
        request.update(
            src=str(tree), dst=str(case / "app"), run_dir=str(case / "run"), env={},
            command=f"python3 server.py {port}", ready_url=f"http://127.0.0.1:{port}/",
        )  # fmt: skip
        (case / "app").mkdir()
        answer = appctl.start(request)
        try:
            assert answer["ok"] is ok, answer
            log = (case / "run" / "app.log").read_text()
            assert "APP STARTING" in log
            if ok:
                assert "BUILD SAW THE APP" in log
            else:
                assert "failed (exit 3)" in answer["error"] and "BUILD BROKE" in answer["log"]
                assert _beats_stopped(case / "app" / "beat")
        finally:
            if answer.get("pid"):
                os.killpg(answer["pid"], signal.SIGKILL)


# -- an app with a check (app.toml's check: a type check beside the build and the start) --------

#: finishes only if it ran beside the app's start (it waits for the app's mark)
CHECK_BESIDE_THE_START = BUILD_WAITING_FOR_THE_APP.replace("BUILD", "CHECK")


@pytest.mark.parametrize("check_ok", [True, False])
def test_a_check_runs_beside_the_start_and_its_failure_fails_it(tmp_path: Path, check_ok: bool) -> None:  # fmt: skip
    app, tree = _app_with_build(tmp_path, "true", at_once=False)
    check = CHECK_BESIDE_THE_START if check_ok else "echo error TS2322: not a number >&2; exit 2"
    app = app.model_copy(update={"check": check})
    server = AppServer(app, tree, log_lines=50)
    if check_ok:
        with server:
            with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
                assert resp.status == 200
        return
    with pytest.raises(AppStartError) as err:
        server.start()
    assert "check (`echo error" in str(err.value) and "failed (exit 2)" in str(err.value)
    assert "error TS2322: not a number" in str(err.value)
    assert _beats_stopped(tree / "beat"), "the app started beside it is stopped"


@pytest.mark.parametrize("check_ok", [True, False])
def test_the_app_keeper_runs_the_check_with_the_build(tmp_path: Path, check_ok: bool) -> None:
    app, tree = _app_with_build(tmp_path, "echo BUILT", at_once=False)
    app = app.model_copy(update={"check": "echo CHECKED" if check_ok else "echo BAD TYPES; exit 2"})
    port = free_port()
    request = start_request(app, 30)
    request.update(
        src=str(tree), dst=str(tmp_path / "app"), run_dir=str(tmp_path / "run"), env={},
        command=f"python3 server.py {port}", ready_url=f"http://127.0.0.1:{port}/",
    )  # fmt: skip
    (tmp_path / "app").mkdir()
    answer = appctl.start(request)
    try:
        assert answer["ok"] is check_ok, answer
        if not check_ok:
            assert "BAD TYPES" in answer["log"] and "BUILT" in answer["log"]
    finally:
        if answer.get("pid"):
            os.killpg(answer["pid"], signal.SIGKILL)
