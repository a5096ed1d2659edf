"""`swelancer-env serve` as trainers use it: OpenEnv's own client drives it unchanged, our
RemoteEnv runs agents against it, more sessions than cores run side by side without seeing each
other, errors carry OpenEnv's codes, idle sessions are closed and SIGTERM ends it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_kit import Server, openenv_venv

from swelancer_env.cli import main
from swelancer_env.errors import ConfigError, EpisodeError, TaskNotFoundError
from swelancer_env.serving.client import RemoteEnv, RemoteError
from swelancer_env.tasks import list_tasks

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)
SESSIONS = 4  # more than this machine's 2 cores


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server("--max-sessions", str(SESSIONS))
    yield s
    assert s.stop() == 0
    assert "Traceback" not in s.close_log()


def _wait_idle(server: Server, sessions: int = 0, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while server.health()["active_sessions"] != sessions:
        assert time.monotonic() < deadline, server.health()
        time.sleep(0.1)


# -- OpenEnv's own client -------------------------------------------------------------------


def test_openenv_generic_client_drives_it_unchanged(server: Server) -> None:
    task = MANAGER[0]
    venv = openenv_venv()
    driver = Path(__file__).with_name("openenv_driver.py")
    proc = subprocess.run(
        [str(venv / "bin" / "python"), str(driver), server.url, task.id,
         str(task.correct_proposal), str(SESSIONS)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    reset, shell, choose = seen["reset"], seen["shell"], seen["choose"]
    assert reset["output"].startswith("You are the engineering manager")
    assert {"output", "exit_code", "screenshot", "metadata"} <= set(reset["observation_keys"])
    assert reset["reward"] == 0.0 and reset["done"] is False  # a number, never null
    assert shell["output"].strip() == "from-openenv" and shell["exit_code"] == 0
    assert shell["reward"] == 0.0 and set(shell["metadata_keys"]) == {"info", "terminated",
                                                                      "truncated"}  # fmt: skip
    assert seen["state"]["step_count"] == 1 and seen["state"]["task_id"] == task.id
    assert choose["reward"] == task.price and choose["done"] is True
    assert "code: VALIDATION_ERROR" in seen["after_done"] and "call env.reset()" in seen[
        "after_done"]  # fmt: skip
    assert "CAPACITY_REACHED" in seen["capacity"], seen["capacity"]
    assert f"--max-sessions {SESSIONS}" in seen["capacity"]
    _wait_idle(server)


# -- our own client: more sessions than cores, each in its own tree -------------------------


def test_concurrent_sessions_lose_nothing_and_see_only_their_own_tree(server: Server) -> None:
    results: dict[int, tuple[float, str, str]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(SESSIONS)

    def session(n: int) -> None:
        task = MANAGER[n % len(MANAGER)]
        env = RemoteEnv(server.url)
        try:
            env.reset(seed=n, options={"task_id": task.id})
            barrier.wait(timeout=120)  # every session is open at once
            env.step({"type": "shell", "command": f"echo {n} > secret-{n}.txt"})
            barrier.wait(timeout=120)
            obs, *_ = env.step({"type": "shell", "command": "ls secret-*.txt; cat secret-*.txt"})
            listing = obs["output"]
            obs, reward, terminated, _, info = env.step(
                {"type": "choose_proposal", "proposal_id": task.correct_proposal}
            )
            assert terminated
            results[n] = (reward, listing, info["task_id"])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
            barrier.abort()
        finally:
            env.close()

    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert sorted(results) == list(range(SESSIONS))  # nothing lost
    for n, (reward, listing, task_id) in results.items():
        task = MANAGER[n % len(MANAGER)]
        assert task_id == task.id and reward == task.price
        assert listing.split() == [f"secret-{n}.txt", str(n)]  # its own file, no other's
    _wait_idle(server)


def test_errors_carry_openenv_codes(server: Server) -> None:
    from websockets.sync.client import connect

    with connect(server.url.replace("http", "ws") + "/ws") as ws:

        def ask(raw: str) -> dict[str, object]:
            ws.send(raw)
            return json.loads(ws.recv(timeout=60))

        assert ask("{not json")["data"]["code"] == "INVALID_JSON"  # type: ignore[index]
        assert ask('{"type": "jump"}')["data"]["code"] == "UNKNOWN_TYPE"  # type: ignore[index]
        bad = ask('{"type": "reset", "data": {"task": "x"}}')["data"]
        assert bad["code"] == "VALIDATION_ERROR" and "task_id, seed" in bad["message"]  # type: ignore[index,operator]
        early = ask('{"type": "step", "data": {"type": "shell", "command": "ls"}}')["data"]
        assert early["code"] == "VALIDATION_ERROR" and "send a reset" in early["message"]  # type: ignore[index,operator]
        assert ask('{"type": "state"}')["data"]["step_count"] == 0  # type: ignore[index]
    env = RemoteEnv(server.url)
    try:
        with pytest.raises(TaskNotFoundError, match="tally-nope"):
            env.reset(options={"task_id": "tally-nope"})
        with pytest.raises(ConfigError, match="unknown reset options"):
            env.reset(options={"task": "x"})
        env.reset(options={"task_id": MANAGER[0].id})
        obs, reward, *_ = env.step({"type": "teleport"})  # a bad action is the agent's turn
        assert reward == 0.0 and "teleport" in obs["output"]
        env.step({"type": "choose_proposal", "proposal_id": MANAGER[0].correct_proposal})
        with pytest.raises(EpisodeError, match="episode has ended"):
            env.step({"type": "shell", "command": "ls"})
    finally:
        env.close()
    _wait_idle(server)


def test_eval_runs_its_episodes_on_the_server(server: Server, tmp_path: Path) -> None:
    out = tmp_path / "run"
    tasks = [t.id for t in MANAGER[:2]]
    code = main(["eval", "--agent", "oracle", "--server", server.url, "--tasks", *tasks,
                 "--workers", "2", "--out", str(out), "--no-progress"])  # fmt: skip
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["earned"] == summary["overall"]["available"] > 0
    _wait_idle(server)


# -- its own lifecycle ------------------------------------------------------------------------


def test_an_idle_session_is_closed_and_sigterm_exits_cleanly() -> None:
    srv = Server("--max-sessions", "2", "--idle-timeout", "2")
    try:
        idle = RemoteEnv(srv.url)
        idle.reset(options={"task_id": MANAGER[0].id})
        _wait_idle(srv, sessions=0, within=20)  # the reaper closed it
        with pytest.raises(RemoteError, match="idle for over 2 s"):
            idle.step({"type": "shell", "command": "ls"})
        idle.close()
        busy = RemoteEnv(srv.url)
        busy.reset(options={"task_id": MANAGER[1].id})  # a live sandbox when SIGTERM comes
        assert srv.health()["active_sessions"] == 1
        started = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=30) == 0
        assert time.monotonic() - started < 10
        busy.close()
        with pytest.raises(RemoteError, match="no swelancer-env server answers"):
            RemoteEnv(srv.url)
    finally:
        srv.stop()
        srv.close_log()
    # its sandboxes' folders are gone: the session's leak check (conftest) looks at them too


def test_serve_refuses_bad_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--max-sessions", "0"]) == 2
    assert "--max-sessions must be 1 or more" in capsys.readouterr().err
    out = tmp_path / "never"
    assert main(["eval", "--agent", "oracle", "--server", "http://127.0.0.1:9",
                 "--backend", "docker", "--out", str(out)]) == 2  # fmt: skip
    assert "the server's settings apply" in capsys.readouterr().err and not out.exists()
    proc = subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "serve", "--backend", "docker",
         "--chromium", "/x", "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "'docker' backend: chromium" in proc.stderr


def test_the_servers_reward_scale_reaches_the_client() -> None:
    s = Server("--max-sessions", "1", "--reward-scale", "binary")
    try:
        task = MANAGER[0]
        env = RemoteEnv(s.url)
        try:
            env.reset(options={"task_id": task.id})
            _obs, reward, terminated, truncated, info = env.step(
                {"type": "choose_proposal", "proposal_id": task.correct_proposal}
            )
            assert (reward, terminated, truncated) == (1.0, True, False)
            assert info["grade"]["earned"] == task.price  # the dollars stay in the grade
        finally:
            env.close()
    finally:
        assert s.stop() == 0
