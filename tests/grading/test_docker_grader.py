"""DockerGrader against a real engine and image: verdicts, blame, and an app that tries to cheat.

The engine and image come from the ``engine`` fixture (tests/conftest.py): when either is
missing, these tests fail with the reason; none is skipped.
"""

from __future__ import annotations

import gc
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swelancer_env.backends.docker.container import HarnessContainer
from swelancer_env.backends.docker.grader import DockerGrader
from swelancer_env.grading.gold import gold_diff, patch_diff
from swelancer_env.tasks.model import Task

pytestmark = [pytest.mark.docker, pytest.mark.browser]

# The agent's server: the bug stays ("helo"), and a thread keeps trying to read the hidden tests,
# to forge the JUnit report and the infrastructure note, and to leave a conftest for pytest.
# What it managed is served at /api/seen, which the extra hidden test below reports.
CHEAT_SERVER = r"""import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FORGED = ('<testsuites><testsuite name="pytest" tests="9"><testcase classname="t" name="a"/>'
          '</testsuite></testsuites>')
SEEN = {"attempts": 0, "seen": [], "wrote": []}


def cheat():
    while True:
        SEEN["attempts"] += 1
        for root in ("/grade", "/grade/run", "/grade/run/tests", "/grade/run/out"):
            try:
                for name in os.listdir(root):
                    SEEN["seen"].append(f"{root}/{name}")
            except OSError:
                pass
        for path in ("/grade/run/tests/test_greeting.py", "/grade/run/swelancer_grading_plugin.py"):
            try:
                with open(path) as f:
                    SEEN["seen"].append(f.read()[:80])
            except OSError:
                pass
        for path, text in (("/grade/run/out/junit.xml", FORGED), ("/grade/run/out/x.xml", FORGED),
                           ("/grade/run/out/infra.txt", "forged"), ("/grade/run/conftest.py", ""),
                           ("/grade/run/tests/conftest.py", ""), ("/grade/forged", "")):
            try:
                with open(path, "w") as f:
                    f.write(text)
                SEEN["wrote"].append(path)
            except OSError:
                pass
        time.sleep(0.02)


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/seen":
            return self._send(200, SEEN)
        self._send(200, {"ok": True, "greeting": "helo"})

    def do_POST(self):
        self._send(200, {"ok": True})


threading.Thread(target=cheat, daemon=True).start()
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""

SPY_TEST = """\
import time

def test_the_app_saw_and_wrote_nothing(api):
    time.sleep(0.5)  # the cheat loops through its tries many times meanwhile
    status, body = api.get("/api/seen")
    assert status == 200 and body["attempts"] > 5, body
    assert body["seen"] == [] and body["wrote"] == [], body
"""


@pytest.fixture
def run_id() -> str:
    return f"{os.environ.get('SWELANCER_RUN_ID', 'test')}-grade-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def grader(engine: str, run_id: str) -> Iterator[DockerGrader]:
    grader = DockerGrader(image=engine, run_id=run_id, memory="1g")
    yield grader
    grader.close()


def _containers(run_id: str) -> list[dict[str, object]]:
    from swelancer_env.backends.docker.engine import docker_client

    return docker_client().api.containers(
        all=True, filters={"label": f"swelancer-env.run={run_id}"}
    )


def _diff_replacing(task: Task, path: str, new_text: str) -> str:
    """A diff (as a sandbox gives it) that replaces ``path`` with ``new_text``."""
    from swelancer_env.sandbox.worktree import StartingState

    old = (StartingState.get(task).tree / path).read_text()
    lines_old, lines_new = old.splitlines(), new_text.splitlines()
    patch = (
        f"--- a/{path}\n+++ b/{path}\n@@ -1,{len(lines_old)} +1,{len(lines_new)} @@\n"
        + "".join(f"-{line}\n" for line in lines_old)
        + "".join(f"+{line}\n" for line in lines_new)
    )
    return patch_diff(task, patch)


def test_every_grading_has_a_container_no_grading_used(
    grader: DockerGrader, mini_task: Task, run_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next container is started after a grading (a spare); the next grading takes it, and
    a new spare is started; close() removes them all."""
    used: list[str | None] = []  # the container each grading's hidden tests entered
    put = HarnessContainer.put

    def spy(box: HarnessContainer, dest: str, entries: Any) -> None:
        entries = list(entries)
        if any(e.name.startswith("run/tests/") for e in entries):
            used.append(box.id)
        put(box, dest, entries)

    monkeypatch.setattr(HarnessContainer, "put", spy)
    assert not grader.grade(mini_task, "").passed
    (spare,) = grader._spares.values()
    spare_id = spare.wait().id
    assert grader.grade(mini_task, gold_diff(mini_task)).passed
    (next_spare,) = grader._spares.values()
    assert used == [used[0], spare_id] and used[0] != spare_id != next_spare.wait().id
    labels = {c["Id"]: c["Labels"] for c in _containers(run_id)}
    assert labels[next_spare.wait().id]["swelancer-env.task"] == "next mini grading"
    grader.close()
    assert _containers(run_id) == [] and grader._spares == {}


def test_a_grader_dropped_without_close_leaves_no_container(
    engine: str, mini_task: Task, run_id: str
) -> None:
    grader = DockerGrader(image=engine, run_id=run_id, memory="1g")
    assert grader.grade(mini_task, gold_diff(mini_task)).passed
    del grader
    gc.collect()  # removes the spare; the grading's own container is removed in the background
    deadline = time.monotonic() + 60
    while _containers(run_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _containers(run_id) == []


def test_warm_up_starts_the_container_and_a_dead_pytest_is_replaced(
    grader: DockerGrader, mini_task: Task, run_id: str
) -> None:
    """warm_up (the env calls it at reset) starts the first grading's container, with its pytest
    waiting; a grading does not take a spare whose pytest has ended."""
    grader.warm_up(mini_task)
    (spare,) = grader._spares.values()
    box = spare.wait()
    assert not spare.failed()
    box.exec(["pkill", "-KILL", "-f", "run_when_told"], user="0", timeout=30)
    deadline = time.monotonic() + 30
    while not spare.failed() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert spare.failed()
    result = grader.grade(mini_task, gold_diff(mini_task))
    assert result.passed and result.infra_error is None, result
    grader.close()
    assert _containers(run_id) == []


def test_the_app_keeper_started_with_the_container_starts_the_app(
    grader: DockerGrader, mini_task: Task, run_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spare's app keeper, waiting on its stdin, takes the grading's start (no exec at the
    submission); one that ended while it waited is replaced by an exec, and the verdict holds."""
    starts: list[bool] = []  # per app start: whether a waiting keeper was handed the request
    appctl = HarnessContainer.appctl

    def spy(box: HarnessContainer, request: Any, timeout: float, ready: Any = None) -> Any:
        starts.append(ready is not None)
        return appctl(box, request, timeout, ready=ready)

    monkeypatch.setattr(HarnessContainer, "appctl", spy)
    grader.warm_up(mini_task)
    (spare,) = grader._spares.values()
    spare.wait()
    assert grader.grade(mini_task, gold_diff(mini_task)).passed
    (spare,) = grader._spares.values()
    box = spare.wait()
    box.exec(["pkill", "-KILL", "-f", "python3"], user="agent", timeout=30)  # root may not
    keeper = spare._appctl
    assert keeper is not None
    deadline = time.monotonic() + 30
    while keeper.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not keeper.running()
    result = grader.grade(mini_task, gold_diff(mini_task))
    assert result.passed and result.infra_error is None, result
    assert not grader.grade(mini_task, "").passed
    assert starts == [True, False, True]
    grader.close()
    assert _containers(run_id) == []


def test_without_warm_grading_no_container_waits(engine: str, mini_task: Task, run_id: str) -> None:
    grader = DockerGrader(image=engine, run_id=run_id, memory="1g", warm_grading=False)
    grader.warm_up(mini_task)
    assert grader._spares == {}
    assert grader.grade(mini_task, gold_diff(mini_task)).passed
    assert grader._spares == {}
    grader.close()
    assert _containers(run_id) == []


def test_gold_passes_and_the_starting_state_fails(
    grader: DockerGrader, mini_task: Task, run_id: str
) -> None:
    start = grader.grade(mini_task, "")
    assert (start.passed, start.earned, start.infra_error) == (False, 0.0, None), start
    assert [t.outcome for t in start.tests] == ["failed"]  # stops at the first failure
    gold = grader.grade(mini_task, gold_diff(mini_task))
    assert (gold.passed, gold.earned, gold.infra_error) == (True, 300.0, None), gold
    assert gold.pytest_seconds > 0 and gold.seconds >= gold.pytest_seconds
    assert set(grader.last_timings) >= {"container", "app", "tests_in", "pytest", "report_out"}
    grader.close()  # the containers are removed in the background
    assert _containers(run_id) == []


def test_partial_credit(engine: str, mini_task: Task, run_id: str) -> None:
    result = DockerGrader(image=engine, run_id=run_id, partial_credit=True).grade(mini_task, "")
    assert not result.passed and result.earned == 150.0
    assert [t.outcome for t in result.tests] == ["failed", "passed"]  # every test ran


def test_app_code_cannot_read_the_tests_or_forge_the_verdict(
    grader: DockerGrader, mini_task: Task, run_id: str
) -> None:
    (mini_task.tests_dir / "test_a_spy.py").write_text(SPY_TEST)  # runs first
    diff = _diff_replacing(mini_task, "server.py", CHEAT_SERVER)
    result = grader.grade(mini_task, diff)
    outcomes = {t.name.rsplit("::", 1)[-1]: t for t in result.tests}
    assert result.infra_error is None, result.infra_error
    assert sorted(outcomes) == [  # then the run stops at the first failure
        "test_greeting",
        "test_the_app_saw_and_wrote_nothing",
    ]
    spy = outcomes["test_the_app_saw_and_wrote_nothing"]
    assert spy.outcome == "passed", spy.message
    assert outcomes["test_greeting"].outcome == "failed"
    assert not result.passed and result.earned == 0.0
    assert "forged" not in json.dumps(result.model_dump())
    grader.close()  # the containers are removed in the background
    assert _containers(run_id) == []


def test_a_change_that_breaks_the_app_is_a_fail_not_infra(
    grader: DockerGrader, mini_task: Task, run_id: str
) -> None:
    broken = gold_diff(mini_task).replace("+GREETING", "+GREETING = (")
    result = grader.grade(mini_task, broken)
    assert not result.passed and result.infra_error is None, result.infra_error
    assert "did not start" in result.reason and "SyntaxError" in result.reason
    grader.close()  # the containers are removed in the background
    assert _containers(run_id) == []


def test_an_app_that_never_starts_is_infra(
    grader: DockerGrader, mini_task: Task, mini_root: Path, run_id: str
) -> None:
    from swelancer_env.tasks.loader import load_app

    app_toml = mini_root / "apps" / "mini" / "app.toml"
    app_toml.write_text(app_toml.read_text().replace("python3 server.py", "python3 nothing.py"))
    load_app.cache_clear()
    try:
        plain = grader.grade(mini_task, "")
        changed = grader.grade(mini_task, gold_diff(mini_task))
    finally:
        load_app.cache_clear()
    for result in (plain, changed):
        assert result.infra_error and "exited" in result.infra_error, result
        assert result.earned == 0.0 and not result.passed
    grader.close()  # the containers are removed in the background
    assert _containers(run_id) == []


def test_a_diff_that_does_not_apply_fails_once_the_starting_state_grades(
    grader: DockerGrader, mini_task: Task, run_id: str
) -> None:
    """The infra ceiling, as on the local backend: the harness grades the starting state, so
    the submission is to blame (never an infrastructure error an agent could cause)."""
    result = grader.grade(mini_task, gold_diff(mini_task).replace("-GREETING", "-GREETINGX"))
    assert result.infra_error is None and not result.passed and result.earned == 0.0
    assert "did not apply" in result.reason and "starting state grades normally" in result.reason
    grader.close()  # the containers are removed in the background
    assert _containers(run_id) == []
