"""`swelancer-env run --agent human` as a person uses it: a real process reading its stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from swelancer_env.tasks import load_app, load_task

TASK = "tally-mgr-blank-merchant"


def _run(cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "run", "--agent", "human", "--task", TASK],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree_files() -> set[str]:
    """The names at the top of the task's work tree (the app's source)."""
    app = load_app(load_task(TASK).app)
    return {p.name for p in app.root.iterdir()}


def test_a_person_plays_a_manager_task_and_is_paid(tmp_path: Path, tree_files: set[str]) -> None:
    task = load_task(TASK)
    assert {"app.toml", "server", "frontend"} <= tree_files
    proc = _run(tmp_path, f"$ ls\nview app.toml\nchoose {task.correct_proposal}\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"== {TASK} (swe_manager, $500) ==" in out
    assert "shell(command='ls')" in out and "app.toml" in out  # the listing came back
    assert "view(path='app.toml')" in out and '1\tname = "tally"' in out
    assert f"choose_proposal(proposal_id='{task.correct_proposal}')" in out
    assert f"{TASK}: PASSED, earned ${task.price:,.0f} of ${task.price:,.0f} in 3 steps" in out


def test_end_of_input_gives_up_unsubmitted(tmp_path: Path) -> None:
    task = load_task(TASK)
    proc = _run(tmp_path, "")  # stdin closed at once: EOF at the first prompt
    assert proc.returncode == 0, proc.stderr
    assert f"{TASK}: not passed, earned $0 of ${task.price:,.0f} in 0 steps" in proc.stdout
    assert "PASSED" not in proc.stdout
