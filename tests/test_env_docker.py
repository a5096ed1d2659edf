"""The env on the Docker backend, end to end: check_env, the user tool in its container, files
the edit tool makes, and no container left after close (the reference agents on every bundled
task, on both backends, are in tests/agents).

The engine and image come from the ``engine`` fixture (tests/conftest.py): when either is
missing, these tests fail with the reason; none is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import swelancer_env  # noqa: F401 - registers the envs
from swelancer_env.backends.docker.sandbox import current_run_id
from swelancer_env.env import SWELancerEnv
from swelancer_env.grading.canary import contains_canary
from swelancer_env.tasks import list_tasks, task_ids

pytestmark = pytest.mark.docker

TASKS = task_ids()
IC_TASK = next(t.id for t in list_tasks() if t.variant == "ic_swe" and t.user_tool.strip())


def _ours() -> list[dict[str, object]]:
    """This process's containers (the env's sandbox, grading and user tool ones)."""
    from swelancer_env.backends.docker.engine import docker_client

    label = f"swelancer-env.run={current_run_id()}"
    return docker_client().api.containers(all=True, filters={"label": label})


def _roles() -> list[str]:
    return sorted(str(c["Labels"].get("swelancer-env.role", "sandbox")) for c in _ours())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def env(engine: str) -> Iterator[SWELancerEnv]:
    env = SWELancerEnv(backend="docker", max_steps=60, sandbox_options={"image": engine})
    yield env
    env.close()
    assert _ours() == []


def test_check_env_passes_on_the_docker_backend(engine: str) -> None:
    env = gym.make(
        f"swelancer/{IC_TASK}",
        backend="docker",
        render_mode="ansi",
        info_timings=False,
        sandbox_options={"image": engine},
    )
    try:
        check_env(env.unwrapped, skip_render_check=False)
    finally:
        env.close()
    assert _ours() == []


@pytest.mark.browser
def test_no_container_is_left_after_close(engine: str) -> None:
    # before the module's env exists: then this process has no other container
    env = SWELancerEnv(backend="docker", sandbox_options={"image": engine})
    try:
        env.reset(options={"task_id": IC_TASK})
        env.step({"type": "user_tool"})
        # the agent's, the user tool's, and the next grading's (started at reset: warm_grading)
        assert _roles() == ["grade", "sandbox", "user_tool"]
    finally:
        env.close()
    assert _ours() == []


def test_files_the_edit_tool_creates_are_the_agents(env: SWELancerEnv) -> None:
    env.reset(options={"task_id": IC_TASK})
    obs, *_ = env.step({"type": "create", "path": "notes/new.txt", "file_text": "one\n"})
    assert int(obs["exit_code"]) == 0, obs["output"]
    obs, *_ = env.step(
        {"type": "shell", "command": "echo two >> notes/new.txt && touch notes/more && id -u"}
    )
    assert int(obs["exit_code"]) == 0, obs["output"]
    assert (Path(env.sandbox.tree) / "notes" / "new.txt").read_text() == "one\ntwo\n"


@pytest.mark.browser
def test_the_user_tool_runs_in_its_own_container(env: SWELancerEnv) -> None:
    _, info = env.reset(options={"task_id": IC_TASK})
    workdir = info["workdir"]
    obs, reward, terminated, _, info = env.step({"type": "user_tool"})
    report = info["user_tool"]
    assert "Steps:" in obs["output"] and report["ok"], obs["output"]
    assert reward == 0.0 and not terminated
    assert obs["screenshot"].shape == (400, 640, 3) and np.any(obs["screenshot"])
    assert report["screenshots_dir"] == f"{workdir}/.swelancer/user_tool/1"
    assert not contains_canary(obs["output"])
    out = Path(env.sandbox.tree) / ".swelancer" / "user_tool" / "1"
    names = {p.name for p in out.iterdir()}
    assert {"step-01.png", "events.jsonl", "report.txt", "trace.zip"} <= names, names
    if os.geteuid() == 0:  # handed to the agent (uid 1000), who can clear them away
        assert {p.stat().st_uid for p in [out, *out.iterdir()]} == {1000}
    # grading containers come and go (the next one waits from reset on; a used one is removed
    # in the background): the agent's and the user tool's are apart from them
    assert [r for r in _roles() if r != "grade"] == ["sandbox", "user_tool"]
    # the agent's container cannot reach the app: it has a network namespace of its own
    probe = "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/api/health', timeout=2)"
    obs, *_ = env.step({"type": "shell", "command": f'python3 -c "{probe}"'})
    assert int(obs["exit_code"]) != 0
    # a change is picked up: the app restarts from a new copy of the tree
    env.step({"type": "shell", "command": "echo '# touched' >> server/main.py"})
    obs, *_, info = env.step({"type": "user_tool"})
    assert info["user_tool"]["app"] == "restarted: files changed since the last call"
    obs, *_ = env.step({"type": "shell", "command": "rm -r .swelancer/user_tool && echo gone"})
    assert obs["output"].strip() == "gone", obs["output"]
