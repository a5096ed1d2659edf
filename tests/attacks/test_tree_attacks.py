"""No tree crashes the harness (issue 20): trees made through ``env.step`` shell actions that the
harness's walks once met with ``RecursionError`` or a blocked read, on both backends.

- a tree 1,100 folders deep: the user tool, the submission and ``close()`` raise nothing, the
  submission fails (not as an infrastructure error) saying how deep is too deep, and no
  temporary folder is left;
- a tree over a small disk quota set in the test: the next shell step says so, and the
  submission fails with the reason;
- a FIFO where the app's build reads a module: the user tool returns within its limit (it once
  waited for the build's own 120 s), and the submission fails naming the FIFO.

The Docker half needs the ``engine`` fixture (tests/conftest.py), which fails, never skips,
without an engine.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from attack_kit import MAIN_TASK

from swelancer_env.env import SWELancerEnv
from swelancer_env.sandbox.treewalk import TreeLimits

pytestmark = pytest.mark.browser

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
#: a tree 1,100 folders deep in one command (a hundred levels per mkdir: forks are slow here)
DEEP_1100 = (
    "(p=$(printf 'd/%.0s' $(seq 100)); for i in $(seq 11); do mkdir -p $p; cd $p; done)"
    " && echo made"
)
MiB = 1 << 20
QUOTA = TreeLimits(max_bytes=32 * MiB)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    options = {"image": request.getfixturevalue("engine")} if request.param == "docker" else {}
    return request.param, options


def temp_folders() -> set[str]:
    """Our temporary folders (the session's ``TMPDIR``: see tests/conftest.py)."""
    return {p.name for p in Path(tempfile.gettempdir()).glob("swelancer-*")}


@contextmanager
def episode(backend: tuple[str, dict[str, Any]], **options: Any) -> Iterator[SWELancerEnv]:
    """An episode of :data:`MAIN_TASK`; after ``close()`` (which must not raise), no temporary
    folder the episode made is left."""
    name, base = backend
    before = temp_folders()
    env = SWELancerEnv(backend=name, max_steps=50, sandbox_options={**base, **options})
    try:
        env.reset(options={"task_id": MAIN_TASK})
        yield env
    finally:
        env.close()
    left = temp_folders() - before
    assert not left, f"temporary folders left after close(): {sorted(left)}"


def step(env: SWELancerEnv, action: dict[str, Any]) -> tuple[str, float, bool, dict[str, Any]]:
    obs, reward, terminated, _, info = env.step(action)
    return str(obs["output"]), float(reward), terminated, info


def shell(env: SWELancerEnv, command: str) -> str:
    return step(env, {"type": "shell", "command": command, "timeout": 120})[0]


def submit_fails(env: SWELancerEnv, *reasons: str) -> str:
    """Submit: no reward, a failed grading (not an infrastructure error) whose reason holds
    every one of ``reasons``; the reason."""
    text, reward, terminated, info = step(env, {"type": "submit"})
    grade = info["grade"]
    assert terminated and reward == 0.0 and not grade["passed"], text
    assert grade["infra_error"] is None and "infra_error" not in info, text
    for reason in reasons:
        assert reason in grade["reason"] and reason in text, text
    return str(grade["reason"])


def test_a_tree_1100_folders_deep(backend: tuple[str, dict[str, Any]]) -> None:
    with episode(backend) as env:
        assert "made" in shell(env, DEEP_1100)
        assert "made" in shell(env, f"cd server && {DEEP_1100}")  # and under a path that counts
        text, reward, terminated, info = step(env, {"type": "user_tool"})
        assert reward == 0.0 and not terminated and text
        if backend[0] == "docker":  # its app runs from a copy of the tree, which stops there
            assert "more than 256 folders deep" in text, text
        submit_fails(env, "more than 256 folders deep", "/…/d (257 levels)")


def test_a_tree_over_the_disk_quota(backend: tuple[str, dict[str, Any]]) -> None:
    with episode(backend, tree_limits=QUOTA.model_dump()) as env:
        sandbox: Any = env.sandbox
        if backend[0] == "docker":
            assert sandbox.tree_limits == QUOTA  # the backend's setting reached the sandbox
        else:  # the local backend's maker passes no tree_limits yet: set on the live sandbox
            sandbox.tree_limits = QUOTA
        assert "[disk quota" not in shell(env, "echo under")
        out = shell(env, "head -c 48M /dev/zero > server/blob.bin && echo wrote")
        assert out.startswith("wrote\n"), out
        assert "[disk quota: the work tree" in out and "holds more than 32 MiB" in out, out
        assert "server (48 MiB)" in out, out
        text, reward, terminated, _ = step(env, {"type": "user_tool"})
        assert reward == 0.0 and not terminated and text
        submit_fails(env, "holds more than 32 MiB")


def test_a_fifo_where_the_build_reads_a_module(backend: tuple[str, dict[str, Any]]) -> None:
    with episode(backend) as env:
        out = shell(env, "rm frontend/lib/html.js && mkfifo frontend/lib/html.js && echo ok")
        assert out.startswith("ok"), out
        limit = env.task.limits.user_tool_timeout_s if env.task else 30
        started = time.monotonic()
        text, reward, terminated, _ = step(env, {"type": "user_tool"})
        took = time.monotonic() - started
        assert reward == 0.0 and not terminated and text
        assert took < limit + 30, f"the user tool took {took:.0f} s"
        submit_fails(env, "frontend/lib/html.js is a FIFO")
    assert "FIFO" in text, text
