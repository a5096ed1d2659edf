"""The user tool's browser and app run at the task's instant and time zone."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from swelancer_env.backends.local.user_tool import LocalUserToolSession
from swelancer_env.browser.user_tool import UserToolSession
from swelancer_env.grading.canary import CANARY
from swelancer_env.tasks.model import Clock, Task

pytestmark = pytest.mark.browser

SERVER = """\
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/api/clock":
            body = json.dumps({k: os.environ.get(k) for k in ("TZ", "SWELANCER_NOW")}).encode()
            kind = "application/json"
        else:
            body, kind = b"<!doctype html><p>clock</p>", "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""

SCRIPT = '''\
"""Reproduction steps: read the clock the page and the app see."""
import json


def reproduce(user):
    user.page.goto(user.url("/"))
    with user.step("Read the clocks"):
        page = user.page
        user.note("page: " + json.dumps({
            "now": page.evaluate("new Date().toISOString()"),
            "zone": page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone"),
            "app": page.evaluate("fetch('/api/clock').then(r => r.json())"),
        }))
'''


def _task(tmp_path: Path, clock: Clock) -> tuple[Task, SimpleNamespace]:
    root = tmp_path / "tasks"
    (root / "apps" / "clocked").mkdir(parents=True)
    (root / "apps" / "clocked" / "app.toml").write_text(
        'name = "clocked"\nstart = "python3 server.py {port}"\nready_path = "/health"\n'
    )
    folder = root / "clocked" / "clocked-task"
    (folder / "tests").mkdir(parents=True)
    (folder / "tests" / "test_hidden.py").write_text(f"# {CANARY}\ndef test_x():\n    pass\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text(SERVER)
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    task = Task(
        id="clocked-task", app="clocked", variant="ic_swe", price=100, title="Clocked",
        category="ui_ux", folder=folder, user_tool=SCRIPT, clock=clock,
    )  # fmt: skip
    return task, SimpleNamespace(tree=tree, workdir="/agent/work")


@pytest.mark.parametrize(
    "clock",
    [
        Clock(),
        Clock(now="2024-07-04T18:30:00Z", timezone="America/Los_Angeles"),
    ],
    ids=["default", "july-los-angeles"],
)
def test_the_user_tool_runs_at_the_tasks_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(tmp_path / "tasks"))
    task, sandbox = _task(tmp_path, clock)
    with LocalUserToolSession(task, sandbox) as session:
        _check(session, clock)


@pytest.mark.docker
def test_the_docker_user_tool_runs_at_the_tasks_clock(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import uuid

    from swelancer_env.backends.docker.user_tool import DockerUserToolSession

    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(tmp_path / "tasks"))
    clock = Clock(now="2024-07-04T18:30:00Z", timezone="America/Los_Angeles")
    task, sandbox = _task(tmp_path, clock)
    run_id = f"{os.environ.get('SWELANCER_RUN_ID', 'test')}-utclock-{uuid.uuid4().hex[:10]}"
    with DockerUserToolSession(task, sandbox, image=engine, run_id=run_id) as session:
        _check(session, clock)


def _check(session: UserToolSession, clock: Clock) -> None:
    for _ in range(2):  # the first call's context (made at launch) and a later one's
        report = session.run()
        assert report.ok, report.text()
        (note,) = report.info()["steps"][-1]["notes"]
        seen = json.loads(note.removeprefix("page: "))
        assert seen["zone"] == clock.timezone
        assert seen["app"]["TZ"] == clock.timezone
        if clock.now is None:
            assert seen["app"]["SWELANCER_NOW"] is None
        else:  # the clock's reading as the app started (it stands at ``now`` from the session)
            read = Clock(now=seen["app"]["SWELANCER_NOW"]).now
            assert read is not None and 0 <= (read - clock.now).total_seconds() < 30, seen
        shown = Clock(now=seen["now"]).now
        assert shown is not None
        start = clock.now or datetime.now(UTC)  # no instant pinned: the real clock
        assert -30 <= (shown - start).total_seconds() < 30, seen


def test_the_worker_and_the_plugin_pin_the_date_alike() -> None:
    from swelancer_env.browser import worker
    from swelancer_env.grading import plugin

    assert worker.PINNED_DATE_JS == plugin.PINNED_DATE_JS
