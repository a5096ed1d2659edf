"""The gold fix of a task: the reverse of its ``bug.patch``, applied to the starting state."""

from __future__ import annotations

import subprocess
from pathlib import Path

from swelancer_env.errors import TaskFormatError
from swelancer_env.sandbox.worktree import StartingState, apply_patch, diff_tree, git_env
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import temp_dir

__all__ = ["gold_changes", "gold_diff", "patch_diff"]


def patch_diff(task: Task, patch: str, reverse: bool = False) -> str:
    """The diff (as ``Sandbox.diff`` would give it) of the starting state with ``patch`` applied."""
    state = StartingState.get(task)
    with temp_dir("swelancer-gold-") as d:
        tree, git = Path(d) / "tree", Path(d) / "private.git"
        state.materialize(tree, git)
        error = apply_patch(tree, patch, reverse=reverse)
        if error:
            raise TaskFormatError(
                f"task {task.id}: a patch does not apply to the starting state: {error}"
            )
        return diff_tree(tree, git, task.acceptable_paths)


def gold_diff(task: Task) -> str:
    """The gold fix as a diff against the starting state."""
    return patch_diff(task, task.bug_patch, reverse=True)


def gold_changes(task: Task) -> dict[str, tuple[str | None, str | None]]:
    """For each file the gold fix touches: (text at the starting state, text after the fix).

    ``None`` stands for a file that does not exist on that side.
    """
    state = StartingState.get(task)
    with temp_dir("swelancer-gold-") as d:
        before, after = Path(d) / "before", Path(d) / "after"
        state.materialize(before, Path(d) / "b.git")
        state.materialize(after, Path(d) / "a.git")
        error = apply_patch(after, task.bug_patch, reverse=True)
        if error:
            raise TaskFormatError(f"task {task.id}: bug.patch does not reverse cleanly: {error}")
        names = subprocess.run(
            ["git", "apply", "--numstat", "-"], cwd=after, input=task.bug_patch.encode(),
            capture_output=True, env=git_env(), check=True,
        ).stdout.decode().splitlines()  # fmt: skip
        changes: dict[str, tuple[str | None, str | None]] = {}
        for line in names:
            path = line.split("\t", 2)[2]
            old, new = before / path, after / path
            changes[path] = (
                old.read_text() if old.exists() else None,
                new.read_text() if new.exists() else None,
            )
        return changes
