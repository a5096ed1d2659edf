"""Starting states and diffs, on a tiny fake app and real git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from swelancer_env.errors import TaskFormatError
from swelancer_env.sandbox.worktree import StartingState, build_starting_state, diff_tree, git_env
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
PNG = bytes(range(256)) * 4


def make_app(root: Path) -> Path:
    """A tiny app: a few text files, a binary file, an executable, a nested folder."""
    app = root / "apps" / "demo"
    (app / "src" / "lib").mkdir(parents=True)
    (app / "static").mkdir()
    (app / "app.toml").write_text('name = "demo"\nstart = "python -m http.server {port}"\n')
    (app / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (app / "src" / "lib" / "util.py").write_text("X = 1\n")
    (app / "static" / "logo.png").write_bytes(PNG)
    (app / "run.sh").write_text("#!/bin/sh\necho run\n")
    (app / "run.sh").chmod(0o755)
    (app / "__pycache__").mkdir()
    (app / "__pycache__" / "junk.pyc").write_bytes(b"junk")
    return app


def make_task(root: Path, patch: str = BUG_PATCH) -> Task:
    folder = root / "demo" / "demo-1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bug.patch").write_text(patch)
    return Task(
        id="demo-1", app="demo", variant="ic_swe", price=250, title="Adding subtracts",
        category="application_logic", folder=folder, bug_patch=patch,
    )  # fmt: skip


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=git_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture
def state(tmp_path: Path) -> StartingState:
    app = make_app(tmp_path)
    return build_starting_state(make_task(tmp_path), app, tmp_path / "cache")


@pytest.fixture
def sandbox_dirs(state: StartingState, tmp_path: Path) -> tuple[Path, Path]:
    tree, private = tmp_path / "sb" / "tree", tmp_path / "sb" / "private.git"
    state.materialize(tree, private)
    return tree, private


def test_starting_state_has_the_bug_and_one_commit(state: StartingState) -> None:
    tree = state.tree
    assert (tree / "src" / "calc.py").read_text() == "def add(a, b):\n    return a - b\n"
    assert (tree / "static" / "logo.png").read_bytes() == PNG
    assert os.access(tree / "run.sh", os.X_OK)
    assert not (tree / "__pycache__").exists()
    assert git("rev-list", "--count", "--all", cwd=tree) == "1"
    assert git("log", "--format=%s|%an|%cn|%ad", "--date=iso", cwd=tree).startswith(
        "Initial commit|swelancer-env|swelancer-env|2024-01-01"
    )
    assert git("remote", cwd=tree) == ""
    assert git("status", "--porcelain", cwd=tree) == ""
    private_head = git(f"--git-dir={state.private_git}", "rev-parse", "HEAD", cwd=tree)
    assert private_head == git("rev-parse", "HEAD", cwd=tree)


def test_commit_hash_is_deterministic(tmp_path: Path, state: StartingState) -> None:
    other = build_starting_state(make_task(tmp_path), make_app(tmp_path / "again"), tmp_path / "c2")
    assert other.root != state.root
    assert git("rev-parse", "HEAD", cwd=other.tree) == git("rev-parse", "HEAD", cwd=state.tree)


def test_cached_in_process_and_on_disk(tmp_path: Path, state: StartingState) -> None:
    app = tmp_path / "apps" / "demo"
    assert build_starting_state(make_task(tmp_path), app, tmp_path / "cache") == state
    (app / "src" / "lib" / "util.py").write_text("X = 2\n")
    changed = build_starting_state(make_task(tmp_path), app, tmp_path / "cache")
    assert changed.key != state.key and changed.root != state.root
    assert (changed.tree / "src" / "lib" / "util.py").read_text() == "X = 2\n"


def test_get_finds_the_app_beside_the_task_folder(tmp_path: Path) -> None:
    make_app(tmp_path)
    state = StartingState.get(make_task(tmp_path), cache=tmp_path / "cache")
    assert (state.tree / "src" / "calc.py").read_text().endswith("a - b\n")


def test_patch_that_does_not_apply_names_bug_patch(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    bad = BUG_PATCH.replace("return a + b", "return a * b")
    with pytest.raises(TaskFormatError, match=r"demo-1/bug\.patch: does not apply"):
        build_starting_state(make_task(tmp_path, bad), app, tmp_path / "cache")


def test_materialize_copies_tree_and_private_git(sandbox_dirs: tuple[Path, Path]) -> None:
    tree, private = sandbox_dirs
    assert (tree / "src" / "calc.py").read_text().endswith("a - b\n")
    assert (private / "HEAD").exists() and (tree / ".git" / "HEAD").exists()
    assert diff_tree(tree, private) == ""


def test_diff_has_edits_new_files_and_binaries(sandbox_dirs: tuple[Path, Path]) -> None:
    tree, private = sandbox_dirs
    (tree / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (tree / "src" / "new_module.py").write_text("NEW = True\n")
    (tree / "static" / "icon.bin").write_bytes(b"\x00\x01\x02" * 50)
    (tree / "static" / "logo.png").write_bytes(PNG[::-1])
    diff = diff_tree(tree, private)
    assert "+    return a + b" in diff
    assert "diff --git a/src/new_module.py b/src/new_module.py" in diff
    assert "+NEW = True" in diff
    assert "GIT binary patch" in diff and "static/icon.bin" in diff and "static/logo.png" in diff


def test_diff_leaves_out_output_folder_and_nested_git(sandbox_dirs: tuple[Path, Path]) -> None:
    tree, private = sandbox_dirs
    (tree / ".swelancer").mkdir()
    (tree / ".swelancer" / "screenshot.txt").write_text("shot")
    (tree / "src" / "calc.py").write_text("changed\n")
    (tree / ".git" / "forged").write_text("x")
    nested = tree / "vendor" / "lib"
    nested.mkdir(parents=True)
    git("init", "-q", cwd=nested)
    (nested / "code.py").write_text("y = 1\n")
    diff = diff_tree(tree, private)
    assert "src/calc.py" in diff
    assert ".swelancer" not in diff and "forged" not in diff and ".git/" not in diff
    assert "vendor" not in diff


def test_diff_limited_to_paths(sandbox_dirs: tuple[Path, Path]) -> None:
    tree, private = sandbox_dirs
    (tree / "src" / "calc.py").write_text("changed\n")
    (tree / "run.sh").write_text("changed\n")
    diff = diff_tree(tree, private, ["src"])
    assert "src/calc.py" in diff and "run.sh" not in diff
    assert diff_tree(tree, private, ["no/such/path"]) == ""


def test_diff_applies_to_a_fresh_copy(
    state: StartingState, sandbox_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    tree, private = sandbox_dirs
    (tree / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (tree / "src" / "lib" / "util.py").unlink()
    (tree / "static" / "logo.png").write_bytes(PNG[::-1])
    (tree / "docs").mkdir()
    (tree / "docs" / "latin1.txt").write_bytes("café\n".encode("latin-1"))
    diff = diff_tree(tree, private)
    diff.encode("utf-8")  # always valid UTF-8, even with a latin-1 file in it
    fresh = tmp_path / "fresh"
    state.materialize_tree(fresh)
    proc = subprocess.run(
        ["git", "apply", "--binary", "-"],
        cwd=fresh,
        input=diff.encode(),
        capture_output=True,
        env=git_env(),
    )
    assert proc.returncode == 0, proc.stderr
    for rel in ("src/calc.py", "static/logo.png", "docs/latin1.txt"):
        assert (fresh / rel).read_bytes() == (tree / rel).read_bytes()
    assert not (fresh / "src" / "lib" / "util.py").exists()


def test_gitattributes_filters_in_the_tree_do_not_run(
    sandbox_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    tree, private = sandbox_dirs
    pwned = tmp_path / "pwned"
    (tree / ".gitattributes").write_text("* filter=evil diff=evil\n")
    with (tree / ".git" / "config").open("a") as f:
        f.write(
            f'[filter "evil"]\n\tclean = touch {pwned}-clean; cat\n'
            "\tsmudge = cat\n\trequired = true\n"
            f'[diff "evil"]\n\ttextconv = touch {pwned}-textconv; cat\n'
            f"\tcommand = touch {pwned}-cmd\n"
            f"[core]\n\tfsmonitor = touch {pwned}-fsmonitor\n\thooksPath = {tmp_path}\n"
        )
    hook = tmp_path / "post-index-change"
    hook.write_text(f"#!/bin/sh\ntouch {pwned}-hook\n")
    hook.chmod(0o755)
    (tree / "src" / "calc.py").write_text("changed\n")
    diff = diff_tree(tree, private)
    assert "+changed" in diff
    assert sorted(p.name for p in tmp_path.glob("pwned*")) == []


def test_diff_over_the_cap_is_refused_before_git_reads_it(sandbox_dirs: tuple[Path, Path]) -> None:
    import time

    from swelancer_env.errors import SubmissionTooLarge

    tree, private = sandbox_dirs
    (tree / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    assert "return a + b" in diff_tree(tree, private, ["src"], limits=(10_000, 5))
    with open(tree / "src" / "huge.bin", "wb") as f:  # 200 MB, sparse: written in no time
        f.truncate(200 << 20)
    started = time.monotonic()
    with pytest.raises(SubmissionTooLarge, match=r"src/huge.bin is 209,715,200 bytes.*cap"):
        diff_tree(tree, private, ["src"], limits=(10_000, 5))
    assert time.monotonic() - started < 5  # git never hashed it
    (tree / "src" / "huge.bin").unlink()
    for i in range(30):  # each under the cap, together far over it
        (tree / "src" / f"part{i}.bin").write_bytes(os.urandom(5_000))
    with pytest.raises(SubmissionTooLarge, match="more than a diff of at most"):
        diff_tree(tree, private, ["src"], limits=(10_000, 50))
    for i in range(30):
        (tree / "src" / f"part{i}.bin").unlink()
    for i in range(3):  # within what the scan allows, but the diff itself is over the cap
        (tree / "src" / f"part{i}.bin").write_bytes(os.urandom(6_000))
    with pytest.raises(SubmissionTooLarge, match="diff is over the task's cap of 10,000 bytes"):
        diff_tree(tree, private, ["src"], limits=(10_000, 5))
    with pytest.raises(SubmissionTooLarge, match="changes 4 files, over the task's cap of 2"):
        diff_tree(tree, private, ["src"], limits=(100_000, 2))
    assert "part2.bin" in diff_tree(tree, private, ["src"], limits=(100_000, 5))
