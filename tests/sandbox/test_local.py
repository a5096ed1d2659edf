"""The local sandbox end to end: a fake app's starting state, a real bash, real git."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from swelancer_env.errors import SandboxError
from swelancer_env.sandbox.local import LocalSandbox
from swelancer_env.sandbox.worktree import StartingState, build_starting_state
from swelancer_env.tasks.model import Task

BUG_PATCH = """\
diff --git a/src/calc.py b/src/calc.py
--- a/src/calc.py
+++ b/src/calc.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a + b
+    return a - b
"""


@pytest.fixture
def state(tmp_path: Path) -> StartingState:
    app = tmp_path / "apps" / "demo"
    (app / "src").mkdir(parents=True)
    (app / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (app / "README.md").write_text("# demo\n")
    task = Task(
        id="demo-1", app="demo", variant="ic_swe", price=250, title="Adding subtracts",
        category="money", bug_patch=BUG_PATCH,
    )  # fmt: skip
    return build_starting_state(task, app, tmp_path / "cache")


def wait_for_count(marker: str, count: int) -> bool:
    """Whether ``count`` processes with ``marker`` run within 5 s (a fork takes a moment)."""
    deadline = time.monotonic() + 5
    while len(live_with(marker)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(live_with(marker)) == count


def live_with(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state not in "ZX":
            found.append(int(name))
    return found


def test_episode_in_a_local_sandbox(state: StartingState, tmp_path: Path) -> None:
    sandbox = LocalSandbox(state, temp_root=tmp_path)
    try:
        assert sandbox.root.name.startswith("swelancer-demo-1-")
        sandbox.start()
        assert sandbox.is_alive()
        assert sandbox.workdir == str(sandbox.tree)
        assert sandbox.run("pwd", timeout=5).output == f"{sandbox.tree}\n"
        assert sandbox.run("git log --oneline | wc -l", timeout=5).output.strip() == "1"
        assert sandbox.run("git status --porcelain", timeout=5).output == ""
        assert sandbox.run("ls -A", timeout=5).output.split() == [".git", "README.md", "src"]
        sandbox.run(
            "sed -i 's/a - b/a + b/' src/calc.py && mkdir -p .swelancer && echo x > .swelancer/log",
            5,
        )
        diff = sandbox.diff()
        assert "-    return a - b\n+    return a + b" in diff and ".swelancer" not in diff
        assert sandbox.diff(["README.md"]) == ""
    finally:
        sandbox.stop()
    sandbox.stop()
    assert not sandbox.root.exists()
    assert not sandbox.is_alive()
    with pytest.raises(SandboxError):
        sandbox.run("true", timeout=5)


def test_shell_environment_is_clean(state: StartingState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWELANCER_TEST_SECRET", "hunter2")
    with LocalSandbox(state) as sandbox:
        out = sandbox.run("env", timeout=5).output
        home = sandbox.run("echo $HOME", timeout=5).output.strip()
    assert "hunter2" not in out
    for line in (
        "TERM=dumb",
        "PAGER=cat",
        "GIT_PAGER=cat",
        "GIT_CONFIG_NOSYSTEM=1",
        "PYTHONDONTWRITEBYTECODE=1",
    ):
        assert line in out.splitlines()
    assert home == str(sandbox.home) and Path(home).parent == sandbox.root


def test_stop_leaves_no_folder_and_no_process(state: StartingState, tmp_path: Path) -> None:
    mark = f"1000.{random.randrange(10**8, 10**9)}"
    with LocalSandbox(state, temp_root=tmp_path) as sandbox:
        sandbox.run(f"sleep {mark} & (setsid sleep {mark} &) ; chmod -R a-w .", timeout=5)
        assert wait_for_count(mark, 2)
    assert live_with(mark) == []
    assert not sandbox.root.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith("swelancer-")] == []


def test_each_sandbox_gets_its_own_copy(state: StartingState) -> None:
    with LocalSandbox(state) as a, LocalSandbox(state) as b:
        a.run("echo changed > README.md", timeout=5)
        assert b.run("cat README.md", timeout=5).output == "# demo\n"
        assert (state.tree / "README.md").read_text() == "# demo\n"
