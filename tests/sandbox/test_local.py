"""The local sandbox end to end: a fake app's starting state, a real bash, real git."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from swelancer_env.actions import StrReplaceAction
from swelancer_env.backends.local.sandbox import AGENT_HOME, AGENT_TREE, LocalSandbox
from swelancer_env.errors import SandboxError
from swelancer_env.sandbox.edits import apply_edit
from swelancer_env.sandbox.isolation import bwrap_available
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
        category="application_logic", bug_patch=BUG_PATCH,
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
        # isolated, the shell sees its tree at a fixed place; without bubblewrap, at the host's
        expected = AGENT_TREE if sandbox.isolation == "bwrap" else str(sandbox.tree)
        assert sandbox.workdir == expected
        assert sandbox.run("pwd", timeout=5).output == f"{expected}\n"
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
    if sandbox.isolation == "bwrap":
        assert home == AGENT_HOME == sandbox.agent_home
    else:
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


@pytest.mark.skipif(not bwrap_available(), reason="the fixed paths need bubblewrap")
def test_the_shell_sees_fixed_paths_so_episodes_replay_alike(state: StartingState) -> None:
    probe = 'pwd; echo $HOME; ls -d "$PWD"; git rev-parse --show-toplevel; cd nowhere'
    with (
        LocalSandbox(state, isolation="bwrap") as a,
        LocalSandbox(state, isolation="bwrap") as b,
    ):
        assert a.root != b.root
        seen = [box.run(probe, timeout=10).output for box in (a, b)]
        assert seen[0] == seen[1]
        assert seen[0].splitlines()[:4] == [AGENT_TREE, AGENT_HOME, AGENT_TREE, AGENT_TREE]
        assert "nowhere" in seen[0] and str(a.root) not in seen[0]
        assert a.workdir == b.workdir == AGENT_TREE
        assert a.shell_env()["HOME"] == AGENT_HOME
        assert all(str(a.root) not in v for v in a.shell_env().values())
        # the whole environment the shell sees is the same too (no random session marker)
        assert a.run("env | sort", timeout=5).output == b.run("env | sort", timeout=5).output
        # the host's folder of the sandbox stays out of reach: .. is the agent's /swelancer
        assert a.run("ls -A ..", timeout=5).output.split() == ["home", "tree"]
        gone = a.run(f"ls -d {a.root} {a.private_git} ../private.git 2>&1", timeout=5).output
        assert gone.count("No such file") == 3, gone
        # what the shell writes at $PWD/x, the harness finds at sandbox.tree / "x"
        a.run('echo from-shell > "$PWD/x" && echo home > ~/h', timeout=5)
        assert (a.tree / "x").read_text() == "from-shell\n"
        assert (a.home / "h").read_text() == "home\n"
        assert not (b.tree / "x").exists()
        # an edit with the agent's absolute path lands in the host tree, and says that path
        edit = StrReplaceAction(path=f"{AGENT_TREE}/src/calc.py", old_str="a - b", new_str="a + b")
        done = apply_edit(a.tree, a.workdir, edit)
        assert done.ok, done.output
        assert f"{AGENT_TREE}/src/calc.py" in done.output and str(a.tree) not in done.output
        assert a.run("cat src/calc.py", timeout=5).output.endswith("return a + b\n")
        assert "+    return a + b" in a.diff()
