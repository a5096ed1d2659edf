"""Shared fixtures: a tiny app and task (`mini`), built in a temporary folder, for tests that
need a real task but no browser; `engine`, a Docker engine and the sandbox image, for the
tests marked `docker`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest

from swelancer_env.errors import SandboxError
from swelancer_env.tasks import load_task_dir
from swelancer_env.tasks.model import Task

SERVER = """\
import json, sys
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
        self._send(200, {"ok": True, "greeting": GREETING})

    def do_POST(self):
        self._send(200, {"ok": True})

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def engine() -> str:
    """A Docker engine that answers and the sandbox image; their failure fails the test."""
    from swelancer_env.backends.docker.engine import docker_client
    from swelancer_env.backends.docker.image import build_image

    try:
        docker_client()
    except SandboxError as first:
        script = REPO / ".ci" / "start-dockerd.sh"
        proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900)
        match = re.search(r"export DOCKER_HOST=(\S+)", proc.stdout)
        if proc.returncode != 0 or match is None:
            pytest.fail(
                f"no Docker engine ({first}), and {script} failed (exit {proc.returncode}):\n"
                f"{proc.stderr[-3000:]}",
                pytrace=False,
            )
        os.environ["DOCKER_HOST"] = match.group(1)
        try:
            docker_client()
        except SandboxError as exc:
            pytest.fail(f"{script} ran but the engine does not answer: {exc}", pytrace=False)
    try:
        return build_image()
    except SandboxError as exc:
        pytest.fail(f"the sandbox image could not be built: {exc}", pytrace=False)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """tasks root with app `mini` (fixed: greets "hello") and task `mini-greeting` (bug: "helo")."""
    root = tmp_path / "tasks"
    app = root / "apps" / "mini"
    app.mkdir(parents=True)
    (app / "app.toml").write_text(
        'name = "mini"\nstart = "python3 server.py {port}"\nready_path = "/api/health"\n'
    )
    (app / "server.py").write_text(SERVER)
    (app / "greeting.py").write_text('GREETING = "hello"\n')
    # bug.patch: made by git from the fixed state to the buggy one
    work = tmp_path / "patchwork"
    work.mkdir()
    (work / "greeting.py").write_text('GREETING = "hello"\n')
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    (work / "greeting.py").write_text('GREETING = "helo"\n')
    patch = _git(work, "diff")
    task = root / "mini" / "mini-greeting"
    (task / "tests").mkdir(parents=True)
    (task / "task.toml").write_text(
        textwrap.dedent(
            """\
            id = "mini-greeting"
            app = "mini"
            variant = "ic_swe"
            price = 300
            title = "The greeting is misspelled"
            category = "ui_ux"
            split = "train"
            acceptable_paths = ["."]
            """
        )
    )
    (task / "issue.md").write_text("The greeting says helo.\n")
    (task / "bug.patch").write_text(patch)
    (task / "tests" / "test_greeting.py").write_text(
        "# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07\n"
        "def test_greeting(api):\n"
        "    status, body = api.get('/api/greeting')\n"
        "    assert status == 200 and body['greeting'] == 'hello'\n"
        "\n"
        "def test_health(api):\n"
        "    assert api.get('/api/health')[0] == 200\n"
    )
    return root


@pytest.fixture
def mini_task(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> Task:
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(mini_root))
    return load_task_dir(mini_root / "mini" / "mini-greeting")


def pytest_configure(config: pytest.Config) -> None:
    """The session's own temporary folder: leak checks look there, never at others' work."""
    import tempfile

    if os.environ.get("SWELANCER_TEST_TMPDIR"):  # a worker of this session (pytest-xdist)
        return
    base = Path(os.environ.get("TMPDIR") or tempfile.gettempdir())
    session_tmp = Path(tempfile.mkdtemp(prefix="swelancer-tests-", dir=base))
    os.environ["TMPDIR"] = os.environ["SWELANCER_TEST_TMPDIR"] = str(session_tmp)
    tempfile.tempdir = None  # gettempdir() now answers the session's folder
    # the containers this session makes carry its run id (fixtures that make their own put it
    # first), so that the leak check counts only them
    os.environ["SWELANCER_RUN_ID"] = session_tmp.name


def _leftover_dirs() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("swelancer-*")}


def _leftover_containers() -> set[str]:
    """This session's containers (their run label starts with its run id)."""
    session = os.environ.get("SWELANCER_RUN_ID", "")
    try:
        from swelancer_env.backends.docker.engine import docker_client

        client = docker_client(timeout=5)
        found = client.containers.list(all=True, filters={"label": "swelancer-env"})
    except Exception:  # noqa: BLE001 - no engine: nothing to count
        return set()
    return {c.id for c in found if c.labels.get("swelancer-env.run", "").startswith(session)}


#: each temporary folder of the session's, and the test after which it was first seen
_first_seen_after: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _note_new_folders(request: pytest.FixtureRequest):
    """Remember which test a folder appeared in, so that a leak found at the end names it."""
    before = _leftover_dirs()
    yield
    for name in _leftover_dirs() - before:
        _first_seen_after.setdefault(name, request.node.nodeid)


@pytest.fixture(scope="session", autouse=True)
def _nothing_left_behind():
    """After the whole suite: no temporary folder (in the session's own ``TMPDIR``, see
    :func:`pytest_configure`) and no container that the suite made."""
    dirs, containers = _leftover_dirs(), _leftover_containers()
    yield
    new_dirs = _leftover_dirs() - dirs
    new_containers = _leftover_containers() - containers
    assert not new_dirs, "temporary folders left behind: " + ", ".join(
        f"{name} (first seen after {_first_seen_after.get(name, 'a module or session fixture')})"
        for name in sorted(new_dirs)
    )
    assert not new_containers, f"containers left behind: {sorted(new_containers)}"
    session_tmp = os.environ.get("SWELANCER_TEST_TMPDIR")
    if session_tmp:
        from swelancer_env.tempdirs import force_rmtree

        force_rmtree(session_tmp)


def _atif_disagreements(run: Path) -> list[str]:
    """Where the ATIF export of the run folder ``run`` disagrees with its results.jsonl on an
    episode's model calls, tokens or cost (an empty list when they agree)."""
    import json

    from swelancer_env.errors import ConfigError
    from swelancer_env.evaluation.atif import export_run
    from swelancer_env.evaluation.results import read_results

    results = {(r.task_id, r.attempt): r for r in read_results(run / "results.jsonl")}
    if not (run / "trajectories").is_dir():
        return []
    problems = []
    out = Path(tempfile.mkdtemp(prefix="swelancer-test-atif-"))
    try:
        try:
            exported = export_run(run, out)
        except ConfigError:
            return []  # a run the test broke on purpose: the export's own tests cover it
        for path in exported:
            doc = json.loads(path.read_text())
            key = (doc["extra"]["task_id"], doc["extra"]["attempt"])
            r = results.get(key)
            if r is None or r.trajectory is None:
                continue  # a trajectory of an episode rerun after an infra error
            final = doc["final_metrics"]
            mine = (final["extra"]["model_calls"], final.get("total_prompt_tokens", 0),
                    final.get("total_completion_tokens", 0), final.get("total_cost_usd"))  # fmt: skip
            theirs = (r.model_calls, r.tokens.prompt, r.tokens.completion, r.cost)
            calls = sum(s.get("llm_call_count", 0) for s in doc["steps"])
            cost_ok = (mine[3] is None) == (theirs[3] is None) and (
                mine[3] is None or abs(mine[3] - theirs[3]) < 1e-6  # type: ignore[operator]
            )
            if mine[:3] != theirs[:3] or not cost_ok or calls != r.model_calls:
                problems.append(
                    f"{run} {key}: ATIF {mine} (steps' calls {calls}) != results {theirs}"
                )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return problems


@pytest.fixture(autouse=True)
def _atif_agrees_with_results(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """After every test that wrote an evaluation run under its tmp_path: the ATIF export of each
    run agrees with its results.jsonl on calls, tokens and cost, episode by episode."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    root = request.getfixturevalue("tmp_path")  # now, so that it outlives this check
    yield
    runs = [
        p.parent for p in Path(root).rglob("results.jsonl") if (p.parent / "trajectories").is_dir()
    ]
    problems = [p for run in runs for p in _atif_disagreements(run)]
    assert not problems, "\n".join(problems)
