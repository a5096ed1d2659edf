"""The episode's disk quota and the tree's bounds: said after a shell step, refused at submission,
and never an exception (the local sandbox, a real bash, real git)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from swelancer_env.backends.local.config import LocalConfig
from swelancer_env.backends.local.sandbox import LocalSandbox
from swelancer_env.errors import ConfigError, SubmissionTooLarge
from swelancer_env.sandbox.quota import DiskQuota
from swelancer_env.sandbox.treewalk import TreeLimits, remove_tree
from swelancer_env.sandbox.worktree import StartingState, build_starting_state, diff_tree
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
MiB = 1 << 20
#: a tree 1,100 folders deep, in one command (a hundred levels per mkdir: forks are slow here)
DEEP_1100 = (
    "(p=$(printf 'd/%.0s' $(seq 100)); for i in $(seq 11); do mkdir -p $p; cd $p; done); echo made"
)


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


@pytest.fixture
def sandbox(state: StartingState, tmp_path: Path):
    box = LocalSandbox(state, temp_root=tmp_path, tree_limits={"max_bytes": 8 * MiB})
    box.start()
    yield box
    box.stop()
    assert not box.root.exists()


def test_the_quota_is_said_after_the_step_that_passed_it(sandbox: LocalSandbox) -> None:
    assert "[disk quota" not in sandbox.run("echo hi", 10).output
    out = sandbox.run("head -c 12M /dev/zero > big.bin && mkdir -p d && echo done", 10).output
    assert out.startswith("done\n")
    assert "[disk quota: the work tree (with the home folder) holds more than 8 MiB" in out
    assert "the most is under: big.bin (12 MiB)" in out
    assert "a submission is refused until it is back under it" in out
    again = sandbox.run("true", 10).output  # said at every step while it holds
    assert "[disk quota" in again
    with pytest.raises(SubmissionTooLarge, match="holds more than 8 MiB"):
        sandbox.diff(["src"], (10_000, 5))
    out = sandbox.run("rm big.bin && sed -i 's/a - b/a + b/' src/calc.py", 10).output
    assert "[disk quota" not in out
    assert "return a + b" in sandbox.diff(["src"], (10_000, 5))


def test_the_home_counts_too(sandbox: LocalSandbox) -> None:
    out = sandbox.run("head -c 9M /dev/zero > ~/stash && echo ok", 10).output
    assert "[disk quota: the work tree (with the home folder) holds more than 8 MiB" in out


def test_too_many_files_and_too_deep_are_said_and_refused(state: StartingState, tmp_path) -> None:
    box = LocalSandbox(state, temp_root=tmp_path, tree_limits={"max_entries": 500})
    try:
        box.start()
        out = box.run("(mkdir many && cd many && touch $(seq 600)) && echo ok", 10).output
        assert "holds more than 500 files and folders; the most is under: many (" in out
        box.run("rm -rf many", 10)
        # 1,100 levels: past the walk's depth; the quota's counters need not see it, the
        # submission's walk does
        out = box.run(DEEP_1100, 60).output
        assert "made" in out
        with pytest.raises(SubmissionTooLarge, match="more than 256 folders deep"):
            box.diff(["src"], (10_000, 5))
    finally:
        box.stop()
    assert not box.root.exists()


def test_tree_limits_is_a_setting(state: StartingState, tmp_path: Path) -> None:
    assert LocalConfig().tree_limits == TreeLimits()
    assert LocalConfig(tree_limits={"max_bytes": 1}).tree_limits.max_bytes == 1
    assert TreeLimits().max_bytes == 4 << 30 and TreeLimits().max_depth == 256
    with pytest.raises(ConfigError, match="tree_limits"):
        LocalSandbox(state, temp_root=tmp_path, tree_limits={"max_depth": 0})
    box = LocalSandbox(state, temp_root=tmp_path)
    try:
        assert box.tree_limits == TreeLimits()
        box.tree_limits = TreeLimits(max_bytes=1)
        assert box.quota.limits.max_bytes == 1
    finally:
        box.stop()


def test_the_quota_walks_only_when_the_disk_could_have_passed_it(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 1000)
    quota = DiskQuota([("the tree", tmp_path)], TreeLimits(max_bytes=1 << 30))
    assert quota.check() is None
    walked = quota._walked
    for _ in range(50):  # the file system did not grow by a GiB: no walk
        assert quota.check() is None
    assert quota._walked == walked
    quota.limits = TreeLimits(max_bytes=500)  # a smaller quota: the room shrinks at the walk
    assert "more than 500 bytes" in (quota.check(force=True) or "")
    (tmp_path / "a").unlink()
    time.sleep(0.01)
    assert quota.check() is None  # the disk changed: walked again, and under


def test_the_submission_refuses_a_fifo_and_a_deep_tree_under_the_paths(
    tmp_path: Path, state
) -> None:
    tree, private = tmp_path / "sb" / "tree", tmp_path / "sb" / "private.git"
    state.materialize(tree, private)
    os.mkfifo(tree / "src" / "calc2.py")
    started = time.monotonic()
    with pytest.raises(SubmissionTooLarge, match=r"src/calc2.py is a FIFO \(named pipe\)"):
        diff_tree(tree, private, ["src"], limits=(10_000, 5))
    assert time.monotonic() - started < 5
    assert diff_tree(tree, private, ["README.md"], limits=(10_000, 5)) == ""  # elsewhere: fine
    (tree / "src" / "calc2.py").unlink()
    fd = os.open(tree / "src", os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(300):
        os.mkdir("n", dir_fd=fd)
        nxt = os.open("n", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)
    with pytest.raises(SubmissionTooLarge, match=r"more than 256 folders deep \(at src/n/n/…"):
        diff_tree(tree, private, ["src"], limits=(10_000, 5))
    assert diff_tree(tree, private, ["src"], (10_000, 5), TreeLimits(max_depth=400)) == ""
    assert remove_tree(tree / "src" / "n")
