"""The user tool on the Docker backend against a real engine, with the fake app and tasks of
test_user_tool.py: the same reports, from a container that sees a copy of the tree.

The engine and image come from the ``engine`` fixture (tests/conftest.py): when either is
missing, these tests fail with the reason; none is skipped.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_user_tool import LOGIN_SCRIPT, host, make_task, snapshot

from swelancer_env.backends.docker.user_tool import DockerUserToolSession
from swelancer_env.grading.canary import contains_canary

pytestmark = [pytest.mark.docker, pytest.mark.browser]


@pytest.fixture
def run_id(engine: str) -> Iterator[str]:
    run_id = f"{os.environ.get('SWELANCER_RUN_ID', 'test')}-ut-{uuid.uuid4().hex[:10]}"
    yield run_id
    assert _containers(run_id) == []


def _containers(run_id: str) -> list[dict[str, object]]:
    from swelancer_env.backends.docker.engine import docker_client

    filters = {"label": f"swelancer-env.run={run_id}"}
    return docker_client().api.containers(all=True, filters=filters)


def _session(tmp_path: Path, script: str, engine: str, run_id: str, timeout: float = 20.0):
    task, sandbox = make_task(tmp_path, script, timeout=timeout)
    return DockerUserToolSession(task, sandbox, image=engine, run_id=run_id), sandbox


def _root_processes(session: DockerUserToolSession) -> list[str]:
    """Root's processes in the container but init and the ps itself."""
    box = session._box
    assert box is not None
    out = box.exec(["ps", "-o", "pid=,user=,args=", "-u", "0"], user="0", timeout=10).output
    return [line for line in out.splitlines() if "docker-init" not in line and " ps " not in line]


def test_report_screenshots_and_files_as_on_this_machine(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    session, sandbox = _session(tmp_path, LOGIN_SCRIPT, engine, run_id)
    before = snapshot(sandbox.tree)
    with session:
        report = session.run()
        info = report.info()
        assert report.ok, report.text()
        assert "sees: Total: $12.00" in report.text() and report.app == "started"
        assert report.app_url == "http://127.0.0.1:8000"
        for path in info["screenshots"] + [info["trace_path"], info["report_path"]]:
            assert path.startswith("/agent/work/.swelancer/user_tool/1/"), path
            assert host(sandbox, path).is_file(), path
        shot = report.screenshot_array((400, 640))
        assert shot is not None and shot.mean() > 100
        assert not contains_canary(report.text())
        second = session.run()
        assert second.ok and second.app == "reused, its data reset"
        (sandbox.tree / "www" / "index.html").write_text(
            (sandbox.tree / "www" / "index.html").read_text().replace("$12.00", "$13.00")
        )
        third = session.run()
        assert third.app == "restarted: files changed since the last call"
        assert "sees: Total: $13.00" in third.text()
        assert len(_containers(run_id)) == 1
    assert not session._tmp.exists()  # its temporary folder, with the container's outputs
    after = snapshot(sandbox.tree)  # the tree: changed only where the test changed it
    assert after.keys() == before.keys()
    assert {k for k in after if after[k] != before[k]} == {"www/index.html"}


def test_a_hanging_step_ends_at_the_limit_and_the_browser_is_relaunched(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    script = """
def reproduce(user):
    with user.step("Open the app"):
        user.page.goto(user.url("/"))
    with user.step("Wait forever"):
        import time
        time.sleep(600)
"""
    session, sandbox = _session(tmp_path, script, engine, run_id, timeout=6)
    with session:
        started = time.monotonic()
        report = session.run()
        took = time.monotonic() - started
        info = report.info()
        assert took < 6 + 6, took
        assert report.timed_out and [s["ok"] for s in info["steps"]] == [True, None]
        assert host(sandbox, info["steps"][0]["screenshot"]).is_file()
        assert _root_processes(session) == []  # the worker, its driver and Chromium: gone
        session.source = LOGIN_SCRIPT
        assert session.run().ok


def test_a_broken_app_and_an_app_that_dies_are_reports(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    script = """
def reproduce(user):
    with user.step("Open the app"):
        user.page.goto(user.url("/"))
    with user.step("Press the button that kills the server"):
        user.page.evaluate("fetch('/api/die').catch(() => null)")
        user.page.wait_for_timeout(300)
"""
    session, sandbox = _session(tmp_path, script, engine, run_id)
    server = sandbox.tree / "server.py"
    good = server.read_text()
    server.write_text("import sys\nprint('SyntaxError: the agent broke me')\nsys.exit(3)\n")
    with session:
        report = session.run()
        assert not report.ok and report.app == "did not start"
        assert "the agent broke me" in report.text() and "exited with code 3" in report.text()
        server.write_text(good)
        first = session.run()
        assert "the app exited during the run" in first.text()
        assert "dying on purpose" in first.text()  # the app's log
        second = session.run()
        assert second.app == "restarted: it had exited"
        assert [s.ok for s in second.steps] == [True, True]


def test_output_is_never_written_through_a_link_the_agent_left(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    session, sandbox = _session(tmp_path, LOGIN_SCRIPT, engine, run_id)
    outside = tmp_path / "outside"
    outside.mkdir()
    (sandbox.tree / ".swelancer").symlink_to(outside)
    with session:
        assert session.run().ok
        base = sandbox.tree / ".swelancer" / "user_tool"
        (base / "2").symlink_to(outside)  # the next call's folder, planted
        report = session.run()
    assert report.ok and report.call == 3
    assert list(outside.iterdir()) == []
    assert not (sandbox.tree / ".swelancer").is_symlink()
    assert (base / "3" / "report.txt").is_file()
    if os.geteuid() == 0 and sandbox.tree.stat().st_uid != 0:
        assert (base / "3" / "report.txt").stat().st_uid == sandbox.tree.stat().st_uid


def test_no_write_through_links_swapped_in_during_a_call(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    import subprocess
    import sys

    session, sandbox = _session(tmp_path, LOGIN_SCRIPT, engine, run_id)
    outside = tmp_path / "outside"
    outside.mkdir()
    swapper = Path(__file__).with_name("swapper.py")
    proc = subprocess.Popen([sys.executable, str(swapper), str(sandbox.tree), str(outside), "60"])
    try:
        with session:
            reports = [session.run() for _ in range(2)]
    finally:
        proc.kill()
        proc.wait()
    assert list(outside.iterdir()) == []
    for report in reports:
        assert report.ok, report.text()
        assert report.screenshot_array() is not None


def test_the_outputs_are_read_back_through_no_link_the_container_made(
    tmp_path: Path, engine: str, run_id: str
) -> None:
    """Root in the container (where Chromium runs the agent's pages) replaces its output folder
    with a link to a folder of this machine: nothing there is read into the tree or removed."""
    session, sandbox = _session(tmp_path, LOGIN_SCRIPT, engine, run_id)
    secret = tmp_path / "secret"
    (secret / "2").mkdir(parents=True)
    (secret / "2" / "report.txt").write_text("HOST SECRET")
    (secret / "2" / "events.jsonl").write_text("HOST SECRET\n")
    with session:
        assert session.run().ok
        box = session._box
        assert box is not None
        box.exec(["bash", "-c", f"rm -rf /ut/out && ln -s {secret} /ut/out"], user="0", timeout=10)
        report = session.run()  # the worker cannot write there (that path is not in the box)
        third = session.run()
    assert report.call == 2
    assert "HOST SECRET" not in report.text() and "HOST SECRET" not in third.text()
    for path in (sandbox.tree / ".swelancer").rglob("*"):
        assert path.is_dir() or b"HOST SECRET" not in path.read_bytes(), path
    assert (secret / "2" / "report.txt").read_text() == "HOST SECRET"  # not removed
