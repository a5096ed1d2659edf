"""The task's clock: the grading's browser and app run at the task's instant and time zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.errors import TaskFormatError
from swelancer_env.grading.canary import CANARY
from swelancer_env.grading.gold import gold_diff
from swelancer_env.tasks.loader import load_task_dir
from swelancer_env.tasks.model import Clock

#: a server that answers the environment its clock comes from, as the bundled apps read it
CLOCK_SERVER = """\
import json, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from greeting import GREETING

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
        self._send(200, {
            "greeting": GREETING,
            "TZ": os.environ.get("TZ"),
            "SWELANCER_NOW": os.environ.get("SWELANCER_NOW"),
            # the clock as the bundled apps keep it: the instant, advanced from its reading
            "elapsed": time.time() - float(os.environ.get("SWELANCER_NOW_AT") or "nan"),
            "zone_name": time.strftime("%Z", time.localtime(1751371200)),
        })

    def do_POST(self):
        self._send(200, {"ok": True})

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""

HIDDEN_TEST = """\
# {canary}
from datetime import datetime, timedelta


def test_the_page_and_the_app_run_at_the_pinned_clock(page, api, app_url, now):
    page.goto(app_url + "/")
    shown = page.evaluate("new Date().toISOString()")
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert zone == {zone!r}
    elapsed = (datetime.fromisoformat(shown) - datetime.fromisoformat({now!r})).total_seconds()
    assert 0 <= elapsed < 60, shown
    # the page, the app and the test's own ``now`` read one clock (within the calls' time)
    status, body = api.get("/api/clock")
    app_now = datetime.fromisoformat(body["SWELANCER_NOW"]) + timedelta(seconds=body["elapsed"])
    page_now = datetime.fromisoformat(page.evaluate("new Date().toISOString()"))
    assert abs((app_now - page_now).total_seconds()) < 1, (app_now, page_now)
    assert abs((now() - page_now).total_seconds()) < 1, (now(), page_now)
    # the page's clock advances (it is not frozen)
    first = page.evaluate("Date.now()")
    page.wait_for_timeout(200)
    assert page.evaluate("Date.now()") - first >= 150
    status, body = api.get("/api/clock")
    assert status == 200 and body["greeting"] == "hello"
    assert body["TZ"] == {zone!r} and body["SWELANCER_NOW"] >= {now!r}
    assert body["zone_name"] == {summer_name!r}
"""

CLOCKS = [
    # (instant, zone, the zone's abbreviation on 2025-07-01)
    ("2025-01-15T10:00:00.000Z", "America/New_York", "EDT"),
    ("2024-07-04T18:30:00.000Z", "Asia/Tokyo", "JST"),
]


def _pin(root: Path, now: str, zone: str, summer_name: str) -> Path:
    """The mini task of ``root`` with ``[clock]`` set and a hidden test that checks it."""
    (root / "apps" / "mini" / "server.py").write_text(CLOCK_SERVER)
    folder = root / "mini" / "mini-greeting"
    toml = folder / "task.toml"
    toml.write_text(toml.read_text() + f'\n[clock]\nnow = "{now}"\ntimezone = "{zone}"\n')
    for old in (folder / "tests").glob("test_*.py"):
        old.unlink()
    (folder / "tests" / "test_clock.py").write_text(
        HIDDEN_TEST.format(canary=CANARY, now=now, zone=zone, summer_name=summer_name)
    )
    return folder


@pytest.mark.browser
@pytest.mark.parametrize(("now", "zone", "summer_name"), CLOCKS)
def test_grading_runs_the_browser_and_the_app_at_the_tasks_clock(
    mini_root: Path, monkeypatch: pytest.MonkeyPatch, now: str, zone: str, summer_name: str
) -> None:
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(mini_root))
    task = load_task_dir(_pin(mini_root, now, zone, summer_name))
    assert (task.clock.iso, task.clock.timezone) == (now, zone)
    result = LocalGrader(warm=False).grade(task, gold_diff(task))
    assert result.infra_error is None, result.infra_error
    assert result.passed, (result.reason, [(t.name, t.message) for t in result.tests])


def test_the_default_clock_is_utc_with_the_real_instant(mini_task) -> None:  # type: ignore[no-untyped-def]
    """The zone is always pinned; the instant only where the task says (the bundled apps'
    servers read the host's clock: a page pinned years away shows every relative date wrong)."""
    assert mini_task.clock == Clock()
    assert mini_task.clock.now is None and mini_task.clock.iso == ""
    assert mini_task.clock.env() == {"TZ": "UTC", "SWELANCER_TIMEZONE": "UTC"}


def test_a_native_toml_instant_with_an_offset_is_kept_as_utc(mini_root: Path) -> None:
    folder = mini_root / "mini" / "mini-greeting"
    toml = folder / "task.toml"
    toml.write_text(toml.read_text() + "\n[clock]\nnow = 2025-03-30T02:30:00+02:00\n")
    assert load_task_dir(folder).clock.iso == "2025-03-30T00:30:00.000Z"


@pytest.mark.parametrize(
    ("clock", "field", "says"),
    [
        ('timezone = "Mars/Olympus_Mons"', "clock.timezone", "not an IANA time zone name"),
        ('timezone = "../../etc/passwd"', "clock.timezone", "not an IANA time zone name"),
        ('now = "2025-01-15T10:00:00"', "clock.now", "has no offset"),
        ('now = "next tuesday"', "clock.now", "valid datetime"),
        ('today = "2025-01-15"', "clock.today", "Extra inputs"),
    ],
)
def test_a_bad_clock_is_an_error_naming_the_field(
    mini_root: Path, clock: str, field: str, says: str
) -> None:
    folder = mini_root / "mini" / "mini-greeting"
    toml = folder / "task.toml"
    toml.write_text(toml.read_text() + f"\n[clock]\n{clock}\n")
    with pytest.raises(TaskFormatError) as err:
        load_task_dir(folder)
    assert f"field `{field}`" in str(err.value) and says in str(err.value), str(err.value)


@pytest.mark.docker
@pytest.mark.browser
def test_docker_grading_runs_the_browser_and_the_app_at_the_tasks_clock(
    engine: str, mini_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import uuid

    from swelancer_env.backends.docker.grader import DockerGrader

    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(mini_root))
    now, zone, summer_name = CLOCKS[0]
    task = load_task_dir(_pin(mini_root, now, zone, summer_name))
    run_id = f"{os.environ.get('SWELANCER_RUN_ID', 'test')}-clock-{uuid.uuid4().hex[:10]}"
    grader = DockerGrader(image=engine, run_id=run_id, memory="1g")
    try:
        result = grader.grade(task, gold_diff(task))
    finally:
        grader.close()
    assert result.infra_error is None, result.infra_error
    assert result.passed, (result.reason, [(t.name, t.message) for t in result.tests])
