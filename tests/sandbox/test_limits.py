"""Limits of the local backend: bombs end inside their group, the harness and the next shell work."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from swelancer_env.backends.local.sandbox import LocalSandbox
from swelancer_env.sandbox.limits import LimitGroup, ResourceLimits, cgroup_mechanism
from swelancer_env.sandbox.worktree import StartingState, build_starting_state
from swelancer_env.tasks.model import Task

LIMITS = {"memory": 256 << 20, "pids": 64, "file_size": 16 << 20, "cpu_seconds": 30}


@pytest.fixture
def state(tmp_path: Path) -> StartingState:
    app = tmp_path / "apps" / "demo"
    app.mkdir(parents=True)
    (app / "README.md").write_text("# demo\n")
    task = Task(
        id="demo-1",
        app="demo",
        variant="ic_swe",
        price=250,
        title="Demo",
        category="application_logic",
    )
    return build_starting_state(task, app, tmp_path / "cache")


def _timed(sandbox: LocalSandbox, command: str, timeout: float = 20):
    started = time.monotonic()
    result = sandbox.run(command, timeout=timeout)
    return result, time.monotonic() - started


def test_this_machine_gives_a_cgroup() -> None:
    # CI runs as root on a machine with writable cgroups: the strong mechanism must be the one
    assert cgroup_mechanism() in ("cgroup2", "cgroup1")


def test_a_fork_bomb_is_stopped_and_the_shell_goes_on(state: StartingState) -> None:
    with LocalSandbox(state, limits=LIMITS) as sandbox:
        result, took = _timed(sandbox, "bomb() { bomb | bomb & }; bomb; sleep 1; echo returned")
        assert took < 15, took
        assert "fork(s) were refused" in result.output and "was killed" in result.output
        # (the shell may still be reaping the bomb's zombies: its first fork can be retried)
        after, took = _timed(sandbox, "echo alive; ps -e --no-headers | wc -l")
        assert after.exit_code == 0 and "alive\n" in after.output, after.output
        assert int(after.output.split()[-1]) < 10  # the bomb is gone
        assert took < 10


def test_a_memory_bomb_is_killed_and_reported(state: StartingState) -> None:
    with LocalSandbox(state, limits=LIMITS) as sandbox:
        bomb = "python3 -c 'x = []\nwhile True: x.append(bytearray(16 << 20))'; echo exit=$?"
        result, took = _timed(sandbox, bomb)
        assert took < 15, took
        assert result.oom_killed and "exit=137" in result.output
        assert "[out of memory: the sandbox's memory limit (0.25 GiB" in result.output
        assert _timed(sandbox, "echo alive")[0].output == "alive\n"


def test_a_disk_fill_stops_at_the_largest_file(state: StartingState) -> None:
    with LocalSandbox(state, limits=LIMITS) as sandbox:
        result, took = _timed(sandbox, "head -c 100M /dev/zero > big.bin; echo exit=$?")
        assert took < 15 and "File size limit exceeded" in result.output
        assert (sandbox.tree / "big.bin").stat().st_size == 16 << 20
        assert _timed(sandbox, "echo alive")[0].output == "alive\n"


def test_an_output_flood_is_capped(state: StartingState) -> None:
    with LocalSandbox(state, limits=LIMITS, output_limit=10_000) as sandbox:
        result, took = _timed(sandbox, "yes flood | head -c 200000000; echo done")
        assert took < 15 and len(result.output) < 12_000
        assert result.output.rstrip().endswith("done")


def test_the_group_is_gone_after_stop_and_a_new_sandbox_works(state: StartingState) -> None:
    sandbox = LocalSandbox(state, limits=LIMITS)
    sandbox.start()
    sandbox.run("sleep 1000 & setsid sleep 1000 &", timeout=5)
    group = sandbox._group
    assert group is not None and group.dirs
    dirs = list(group.dirs)
    sandbox.stop()
    assert not any(d.exists() for d in dirs)
    with LocalSandbox(state, limits=LIMITS) as again:
        assert again.run("echo fresh", timeout=5).output == "fresh\n"


def test_without_a_cgroup_rlimits_still_bound_files(tmp_path: Path) -> None:
    import subprocess

    group = LimitGroup(ResourceLimits(memory=None, pids=None, file_size=1 << 20), "rl")
    try:
        assert group.dirs == [] and group.mechanism == "rlimit"
        proc = subprocess.run(
            group.argv(["sh", "-c", f"head -c 5M /dev/zero > {tmp_path}/f"]), check=False
        )
        assert proc.returncode != 0 and (tmp_path / "f").stat().st_size == 1 << 20
    finally:
        group.close()
