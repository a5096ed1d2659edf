"""The user tool against a tiny fake app (python http.server) and fake tasks in tmp_path."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from swelancer_env.backends.local.user_tool import LocalUserToolSession
from swelancer_env.browser.user_tool import tree_fingerprint
from swelancer_env.browser.worker_client import process_tree
from swelancer_env.errors import BrowserNotFoundError, InfrastructureError
from swelancer_env.grading.canary import CANARY, contains_canary
from swelancer_env.sandbox import isolation, treeio
from swelancer_env.sandbox.limits import cgroup_mechanism
from swelancer_env.tasks.model import Limits, Task

pytestmark = pytest.mark.browser

SERVER = """\
import http.server, sys
from pathlib import Path

WWW = str(Path(__file__).resolve().parent / "www")

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=WWW, **k)

    def log_message(self, *a):
        sys.stderr.write("request: " + (a[0] % a[1:]) + "\\n")

    def _send(self, code, body=b"{}"):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            return self._send(200)
        if self.path == "/api/die":
            sys.stderr.write("dying on purpose\\n")
            sys.stderr.flush()
            import os
            os._exit(1)
        if self.path == "/api/boom":
            sys.stderr.write("Traceback: boom in the handler\\n")
            return self._send(500, b'{"error": "boom"}')
        return super().do_GET()

    def do_POST(self):
        return self._send(200 if self.path == "/api/dev/reset" else 404)

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""

INDEX = """<!doctype html><html><body style="font: 20px sans-serif; background: #fff">
<h1>Fake Tally</h1>
<form id="login" onsubmit="event.preventDefault(); login();">
  <input data-testid="login-email" name="email"><input data-testid="login-password" type="password">
  <button data-testid="login-submit">Sign in</button>
</form>
<div id="home" hidden><p id="hello"></p><p data-testid="total">Total: $12.00</p>
  <a href="/errors.html">Errors</a></div>
<script>
function login() {
  document.getElementById("login").remove();
  document.getElementById("home").hidden = false;
  document.getElementById("hello").textContent =
    "Welcome " + document.querySelector("[data-testid=login-email]")?.value;
}
</script></body></html>
"""

ERRORS = """<!doctype html><html><body><h1>Errors page</h1><p id="done"></p>
<script>
console.error("boom-console");
console.warn("careful-warning");
Promise.all([fetch("/api/boom"), fetch("/missing.json")]).then(() => {
  setTimeout(() => { document.getElementById("done").textContent = "loaded"; }, 10);
});
setTimeout(() => { throw new Error("kaboom"); }, 0);
</script></body></html>
"""

CANARY_PAGE = f"""<!doctype html><html><body><p id="secret">{CANARY}</p>
<script>console.error("leak {CANARY}");</script></body></html>
"""

LOGIN_SCRIPT = '''\
"""Reproduction steps: log in and read the total."""

def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Read the total"):
        user.note(user.page.get_by_test_id("total").inner_text())
'''


def make_task(tmp_path: Path, script: str, timeout: float = 20.0) -> tuple[Task, SimpleNamespace]:
    """A fake app (tasks/apps/fake), a task using it and a sandbox-like work tree."""
    root = tmp_path / "tasks"
    app_dir = root / "apps" / "fake"
    app_dir.mkdir(parents=True)
    (app_dir / "app.toml").write_text(
        'name = "fake"\nstart = "python3 server.py {port}"\nready_path = "/health"\n'
    )
    folder = root / "fake" / "fake-task"
    (folder / "tests").mkdir(parents=True)
    (folder / "tests" / "test_hidden.py").write_text(f"# {CANARY}\ndef test_x():\n    pass\n")
    (folder / "user_tool.py").write_text(script)
    tree = tmp_path / "tree"
    (tree / "www").mkdir(parents=True)
    (tree / "server.py").write_text(SERVER)
    (tree / "www" / "index.html").write_text(INDEX)
    (tree / "www" / "errors.html").write_text(ERRORS)
    (tree / "www" / "canary.html").write_text(CANARY_PAGE)
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    task = Task(
        id="fake-task",
        app="fake",
        variant="ic_swe",
        price=100,
        title="Fake",
        category="ui_ux",
        limits=Limits(user_tool_timeout_s=timeout),
        folder=folder,
        user_tool=script,
    )
    return task, SimpleNamespace(tree=tree, workdir="/agent/work")


def host(sandbox: SimpleNamespace, agent_path: str) -> Path:
    """The host path of a path in the agent's view."""
    return Path(sandbox.tree) / os.path.relpath(agent_path, sandbox.workdir)


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie waiting for a parent that never reaps)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def snapshot(tree: Path) -> dict[str, str]:
    return {
        str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file() and ".swelancer" not in p.parts
    }


def test_report_lists_steps_notes_and_screenshots(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
    text, info = report.text(), report.info()
    assert report.ok, text
    assert "Log in as alice@tally.test" in text and "sees: Total: $12.00" in text
    assert "All steps ran." in text and "not a verdict" in text
    assert [s["ok"] for s in info["steps"]] == [True, True]
    assert info["steps"][1]["notes"] == ["Total: $12.00"]
    assert info["final_url"].endswith("/") and info["timed_out"] is False
    for path in info["screenshots"] + [
        info["trace_path"],
        info["report_path"],
        info["console_log_path"],
    ]:
        assert path.startswith("/agent/work/.swelancer/user_tool/1/"), path
        assert host(sandbox, path).is_file(), path
    assert host(sandbox, info["report_path"]).read_text().strip() == text
    png = Image.open(host(sandbox, info["last_screenshot"]))
    assert png.size == (1280, 800)
    shot = report.screenshot_array((400, 640))
    assert shot is not None and shot.shape == (400, 640, 3) and shot.dtype == np.uint8
    assert shot.mean() > 100  # a white page, not black
    square = report.screenshot_array((300, 300))  # 1280x800 into 300x300: black bands
    assert square is not None and square.shape == (300, 300, 3)
    assert square[:50].max() == 0 and square[-50:].max() == 0 and square[150].mean() > 100


def _trace_events(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        lines = z.read("trace.trace").decode().splitlines()
    return [json.loads(line).get("type", "") for line in lines if line.strip()]


@pytest.mark.parametrize("mode", ["off", "actions", "snapshots"])
def test_the_trace_holds_what_its_mode_says(tmp_path: Path, mode: str) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox, trace=mode) as session:
        report = session.run()
    assert report.ok, report.text()
    if mode == "off":
        assert report.trace_path is None
        return
    events = _trace_events(host(sandbox, report.trace_path))
    assert "before" in events and "after" in events  # the script's actions
    assert ("frame-snapshot" in events) == (mode == "snapshots"), sorted(set(events))


def test_the_backends_config_sets_the_trace(tmp_path: Path) -> None:
    from swelancer_env.backends import make_backend

    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    session = make_backend({"type": "local", "user_tool_trace": "actions"}).user_tool(task, sandbox)
    try:
        assert session.trace == "actions"
    finally:
        session.close()
    with pytest.raises(ValueError, match="user_tool_trace"):
        make_backend({"type": "local", "user_tool_trace": "dom"})


def test_a_failing_step_ends_the_run(tmp_path: Path) -> None:
    script = """
def reproduce(user):
    with user.step("Open the app"):
        user.page.goto(user.url("/"))
    with user.step("Click the missing button"):
        user.page.get_by_test_id("no-such-button").click()
    with user.step("Never reached"):
        user.note("should not appear")
"""
    task, sandbox = make_task(tmp_path, script)
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
    text, info = report.text(), report.info()
    assert not report.ok
    assert [s["ok"] for s in info["steps"]] == [True, False]
    assert "FAILED Click the missing button" in text
    assert "The user got stuck at step 2" in text
    assert "no-such-button" in info["steps"][1]["error"] and "Timeout" in info["steps"][1]["error"]
    assert "user_tool.py line 6" in info["steps"][1]["error"]
    assert (
        info["steps"][1]["screenshot"] and host(sandbox, info["steps"][1]["screenshot"]).is_file()
    )
    assert "should not appear" not in text and "Never reached" not in text


def test_console_failed_requests_and_page_errors(tmp_path: Path) -> None:
    script = """
def reproduce(user):
    with user.step("Open the errors page"):
        user.page.goto(user.url("/errors.html"))
        user.page.get_by_text("loaded").wait_for()
"""
    task, sandbox = make_task(tmp_path, script)
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
    text, info = report.text(), report.info()
    assert report.ok, text  # the steps ran; what went wrong is shown, not judged
    assert {"type": "error", "text": "boom-console"}.items() <= info["console"][0].items()
    assert any(c["type"] == "warning" and c["text"] == "careful-warning" for c in info["console"])
    statuses = {(r["url"].rsplit("/", 1)[1], r["status"]) for r in info["failed_requests"]}
    assert {("boom", 500), ("missing.json", 404)} <= statuses
    assert any("kaboom" in e for e in info["page_errors"])
    assert "[error] boom-console" in text and "GET /api/boom -> 500" in text
    assert "Error: kaboom" in text
    assert "Traceback: boom in the handler" in text  # the app's log, after a 5xx
    log = host(sandbox, info["console_log_path"]).read_text()
    assert "[error] boom-console" in log and "[warning] careful-warning" in log


def test_a_hanging_step_ends_at_the_limit_with_a_partial_report(tmp_path: Path) -> None:
    script = """
def reproduce(user):
    with user.step("Open the app"):
        user.page.goto(user.url("/"))
    with user.step("Wait forever"):
        import time
        time.sleep(600)
"""
    task, sandbox = make_task(tmp_path, script, timeout=8)  # room for a busy machine's start
    with LocalUserToolSession(task, sandbox) as session:
        started = time.monotonic()
        report = session.run()
        took = time.monotonic() - started
        text, info = report.text(), report.info()
        assert took < 8 + 5, took  # the limit, and a kill (slack for a busy machine)
        assert report.timed_out and not report.ok
        assert [s["ok"] for s in info["steps"]] == [True, None], text
        assert host(sandbox, info["steps"][0]["screenshot"]).is_file()
        assert "CUT    Wait forever" in text and "8 s limit" in text
        assert info["trace_path"] is None
        # the next call gets a new worker and works
        session.source = LOGIN_SCRIPT
        assert session.run().ok


def test_a_broken_app_is_a_report_not_an_exception(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    server = sandbox.tree / "server.py"
    good = server.read_text()
    server.write_text("import sys\nprint('SyntaxError: the agent broke me')\nsys.exit(3)\n")
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
        assert not report.ok and report.info()["app"] == "did not start"
        assert "The app did not start" in report.text() and "the agent broke me" in report.text()
        assert report.screenshot_array((400, 640)) is None
        server.write_text(good)
        report = session.run()
        assert report.ok, report.text()
        assert report.call == 2


def test_warm_calls_are_faster_and_the_app_restarts_after_a_change(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox) as session:
        first = session.run()
        second = session.run()
        assert first.ok and second.ok
        assert first.timings["browser_launch_wait"] > 0.05  # cold: Chromium was launched
        assert first.app == "started" and second.app == "reused, its data reset"
        warm = min(second.seconds, session.run().seconds)  # two warm calls: less noise
        assert warm < first.seconds, (first.seconds, warm)
        (sandbox.tree / "www" / "index.html").write_text(INDEX.replace("$12.00", "$13.00"))
        third = session.run()
        assert third.app == "restarted: files changed since the last call"
        assert "sees: Total: $13.00" in third.text()
        assert [r.call for r in (first, second, third)] == [1, 2, 4]


def test_the_tree_is_unchanged_but_for_the_output_folder(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    before = snapshot(sandbox.tree)
    fingerprint = tree_fingerprint(sandbox.tree)
    with LocalUserToolSession(task, sandbox) as session:
        session.run()
        session.run(viewport=(800, 600))
    assert snapshot(sandbox.tree) == before
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=sandbox.tree, capture_output=True, text=True
    )
    assert ".swelancer" not in status.stdout
    assert tree_fingerprint(sandbox.tree) == fingerprint
    assert sorted(p.name for p in (sandbox.tree / ".swelancer" / "user_tool").iterdir()) == [
        "1",
        "2",
    ]
    assert Image.open(sandbox.tree / ".swelancer/user_tool/2/step-02.png").size == (800, 600)


def test_no_process_is_left_after_close(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    session = LocalUserToolSession(task, sandbox)
    session.run()
    worker = session._worker
    assert worker is not None and session._server is not None
    browser = process_tree(worker.proc.pid)
    app = process_tree(session._server._proc.pid)  # type: ignore[union-attr]
    assert len(browser) >= 3 and app  # worker, driver, chromium and its helpers; the app
    session.close()
    session.close()  # idempotent
    time.sleep(0.2)

    def same(pid: int, start: str) -> bool:
        return process_tree(pid).get(pid) == start

    # the worker reaps all below it: not even a zombie is left
    assert not {p for p, start in browser.items() if same(p, start)}
    # the app (AppServer's, maybe in bubblewrap): nothing running; a zombie is the business of
    # a pid 1 that does not reap
    assert not {p for p, start in app.items() if same(p, start) and running(p)}


def test_the_canary_never_reaches_the_report(tmp_path: Path) -> None:
    script = """
def reproduce(user):
    with user.step("Open the secret page"):
        user.page.goto(user.url("/canary.html"))
        user.note(user.page.locator("#secret").inner_text())
    with user.step("Fail with it"):
        raise RuntimeError(user.page.locator("#secret").inner_text())
"""
    task, sandbox = make_task(tmp_path, script)
    assert contains_canary((task.folder / "tests" / "test_hidden.py").read_text())
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
    dumped = report.text() + json.dumps(report.info()) + report.console_log()
    assert "[redacted]" in dumped
    assert not contains_canary(dumped) and CANARY not in dumped
    out = sandbox.tree / ".swelancer" / "user_tool" / "1"
    assert not contains_canary((out / "report.txt").read_text())


def test_viewport_out_of_range_is_reported(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run(viewport=(10, 10))
    assert not report.ok and "out of range" in report.text()


def test_missing_or_broken_browser_is_an_infrastructure_error(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with pytest.raises(BrowserNotFoundError):
        LocalUserToolSession(task, sandbox, chromium=str(tmp_path / "no-chromium"))
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    with LocalUserToolSession(task, sandbox, chromium=str(fake)) as session:
        with pytest.raises(InfrastructureError, match="Chromium could not start"):
            session.run()


def test_an_app_that_dies_during_the_run_is_reported_and_restarted(tmp_path: Path) -> None:
    script = """
def reproduce(user):
    with user.step("Open the app"):
        user.page.goto(user.url("/"))
    with user.step("Press the button that kills the server"):
        user.page.evaluate("fetch('/api/die').catch(() => null)")
        user.page.wait_for_timeout(300)
"""
    task, sandbox = make_task(tmp_path, script)
    with LocalUserToolSession(task, sandbox) as session:
        first = session.run()
        assert "the app exited during the run" in first.text()
        assert "dying on purpose" in first.text()  # the app's log
        second = session.run()
    assert second.app == "restarted: it had exited"
    assert [s.ok for s in second.steps] == [True, True]


def test_script_errors_outside_steps_and_missing_steps(tmp_path: Path) -> None:
    task, sandbox = make_task(
        tmp_path, "def reproduce(user):\n    user.page.goto(user.url('/'))\n    1 / 0\n"
    )
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
        assert not report.ok
        assert "before any step" in report.text() and "ZeroDivisionError" in report.text()
        assert "user_tool.py line 3" in report.text()
        assert report.info()["last_screenshot"].endswith("/error.png")
        assert report.screenshot_array((40, 64)) is not None
        session.source = "def nothing_here():\n    pass\n"
        report = session.run()
        assert not report.ok and "defines no function reproduce(user)" in report.text()
        session.source = ""  # a task without user_tool.py: the user opens the home page
        report = session.run()
        assert report.ok and [s.description for s in report.steps] == ["Open the app's home page"]
        assert "no reproduction steps" in report.text()


def test_prewarm_starts_the_browser_ahead(tmp_path: Path) -> None:
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox) as session:
        session.prewarm()
        worker = session._worker
        assert worker is not None and worker.proc.stdout is not None
        # the agent thinks; Chromium launches meanwhile (its reply is waiting when run() comes)
        assert select.select([worker.proc.stdout], [], [], 60)[0]
        report = session.run()
    assert report.ok and report.timings["browser_launch_wait"] < 0.05


SWAPPER = Path(__file__).with_name("swapper.py")


def test_no_write_through_links_planted_before_or_during_a_call(tmp_path: Path) -> None:
    """The harness writes the call's files through descriptors it holds, never by path."""
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    outside = tmp_path / "outside"  # stands for the harness's site-packages (a .pth there)
    outside.mkdir()
    first = sandbox.tree / ".swelancer" / "user_tool" / "1"
    first.mkdir(parents=True)
    for name in ("console.log", "report.txt", "events.jsonl", "step-01.png"):
        (first / name).symlink_to(outside / name)
    (first.parent / "2").symlink_to(outside)  # a call's folder, planted
    os.mkfifo(first / "trace.zip")
    swapper = subprocess.Popen(
        [sys.executable, str(SWAPPER), str(sandbox.tree), str(outside), "60"]
    )
    try:
        with LocalUserToolSession(task, sandbox) as session:
            reports = [session.run() for _ in range(2)]
    finally:
        swapper.kill()
        swapper.wait()
    assert list(outside.iterdir()) == []
    for report in reports:  # what the harness reads is its own copy: the report is whole
        assert report.ok, report.text()
        assert [s.ok for s in report.steps] == [True, True]
        assert report.screenshot_array() is not None
    assert [r.call for r in reports] == [3, 4] or reports[0].call >= 3


def test_a_tree_that_keeps_changing_costs_the_files_not_the_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the output folder cannot be made (the agent's code keeps replacing it), the call
    still runs and reports, from the harness's private copy; the next call numbers on."""
    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    base = sandbox.tree / ".swelancer" / "user_tool"
    with LocalUserToolSession(task, sandbox) as session:
        first = session.run()
        real = treeio.subdir

        def keeps_changing(parent: int, name: str, owner: object = None) -> int:
            raise OSError(errno.EAGAIN, f"{name} kept changing while the harness made it")

        monkeypatch.setattr(treeio, "subdir", keeps_changing)
        second = session.run()
        monkeypatch.setattr(treeio, "subdir", real)
        third = session.run()
    assert [first.call, second.call, third.call] == [1, 2, 3]
    assert first.ok and third.ok and not first.warnings and not third.warnings
    assert second.ok, second.text()
    assert [s.ok for s in second.steps] == [True, True]
    assert second.screenshot_array() is not None
    assert any("kept replacing .swelancer/user_tool" in w for w in second.warnings)
    assert "kept replacing" in second.text()
    assert sorted(p.name for p in base.iterdir() if p.name.isdigit()) == ["1", "3"]


def test_the_page_reaches_no_other_origin_than_the_app(tmp_path: Path) -> None:
    """The app's page runs the agent's code: its requests elsewhere (the host's services) fail."""
    import socket
    import threading

    host = socket.create_server(("127.0.0.1", 0))
    hits: list[bytes] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = host.accept()
            except OSError:
                return
            hits.append(conn.recv(200))
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    port = host.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a STUN server, for WebRTC
    udp.bind(("127.0.0.1", port))
    udp.settimeout(1.0)
    script = """
def reproduce(user):
    with user.step("Open the probe"):
        user.page.goto(user.url("/probe.html"))
        user.page.wait_for_function("window.done === 4", timeout=5000)
        user.note(user.page.evaluate("JSON.stringify(window.results)"))
"""
    task, sandbox = make_task(tmp_path, script)
    (sandbox.tree / "www" / "probe.html").write_text(
        f"""<!doctype html><body><script>
window.results = []; window.done = 0;
const mark = (what) => (r) => {{ window.results.push(what + ": " + r); window.done++; }};
for (const host of ["127.0.0.1", "localhost"]) {{
  fetch(`http://${{host}}:{port}/steal`, {{mode: "no-cors", method: "POST", body: "x"}})
    .then(mark(host + " answered"), mark(host + " blocked"));
}}
const ws = new WebSocket("ws://127.0.0.1:{port}/");
ws.onopen = mark("ws open"); ws.onclose = mark("ws closed");
const img = new Image(); img.onerror = mark("img blocked"); img.onload = mark("img loaded");
img.src = "http://127.0.0.1:{port}/pixel.png";
const pc = new RTCPeerConnection({{iceServers: [{{urls: "stun:127.0.0.1:{port}"}}]}});
pc.createDataChannel("x"); pc.createOffer().then((o) => pc.setLocalDescription(o));
</script></body>"""
    )
    with LocalUserToolSession(task, sandbox) as session:
        report = session.run()
    host.close()
    try:
        udp.recvfrom(1000)
        stun = True
    except TimeoutError:
        stun = False
    udp.close()
    assert report.ok, report.text()
    assert hits == [] and not stun
    assert "answered" not in report.text() and "ws open" not in report.text()


def _memory_limit(pid: int) -> int | None:
    """The memory limit of ``pid``'s cgroup (v2 or v1), None without one."""
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for folder, name in (
            (Path("/sys/fs/cgroup") / path.lstrip("/"), "memory.max"),
            (Path("/sys/fs/cgroup/memory") / path.lstrip("/"), "memory.limit_in_bytes"),
        ):
            if (controllers == "" or "memory" in controllers.split(",")) and (
                folder / name
            ).is_file():
                text = (folder / name).read_text().strip()
                if text.isdigit():
                    return int(text)
    return None


@pytest.mark.skipif(not isolation.bwrap_available(), reason="bubblewrap cannot isolate here")
def test_the_browser_runs_in_a_network_and_limits_of_its_own(tmp_path: Path) -> None:
    """Chromium (which renders the agent's pages) shares no network with the host and cannot
    take more memory than its group's (a page once took 4.8 GB, as root, outside every limit)."""
    from swelancer_env.sandbox.browser_box import BROWSER_LIMITS

    task, sandbox = make_task(tmp_path, LOGIN_SCRIPT)
    with LocalUserToolSession(task, sandbox) as session:
        assert session.run().ok
        assert session._worker is not None
        tree = process_tree(session._worker.proc.pid)
        own_net = os.readlink("/proc/self/ns/net")
        chromium = []
        for pid in tree:
            with contextlib.suppress(OSError):
                if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                    chromium.append(pid)
        assert chromium, "no Chromium process under the worker"
        checked = 0
        for pid in chromium:
            try:  # a helper process of Chromium's may end between the listing and here
                net = os.readlink(f"/proc/{pid}/ns/net")
            except FileNotFoundError:
                continue
            assert net != own_net
            if cgroup_mechanism() != "rlimit":
                limit = _memory_limit(pid)
                try:
                    groups = Path(f"/proc/{pid}/cgroup").read_text()
                except FileNotFoundError:
                    continue  # it ended meanwhile: its limit was not read
                assert limit is not None and limit <= BROWSER_LIMITS.memory, groups  # type: ignore[operator]
            checked += 1
        assert checked, "every Chromium process ended before it could be looked at"
