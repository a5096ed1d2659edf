"""An app's regression suite: its own end-to-end tests, run besides a task's hidden tests.

The suite of app ``A`` lives at ``<root>/regression/A/tests/`` (pytest + Playwright, the same
fixtures as hidden tests: :mod:`swelancer_env.grading.plugin`), apart from the app's source, so
that it never enters the agent's sandbox. Every test passes on the app's clean tree. Grading a
task runs, after the task's fail-to-pass tests, the suite's tests that exercise what the
submission changed (pass-to-pass; see :mod:`swelancer_env.grading.coverage`), so that a fix which
breaks something nearby fails.

The suite runs as a task of its own (:func:`suite_task`: the clean app, no bug) through the same
grader as every task.
"""

from __future__ import annotations

from pathlib import Path

from swelancer_env.errors import TaskFormatError
from swelancer_env.tasks.loader import app_of, tasks_roots
from swelancer_env.tasks.model import Task

__all__ = ["suite_folder", "suite_task"]


def suite_folder(app: str, root: Path | None = None) -> Path | None:
    """``<root>/regression/<app>`` (the first tasks root that has it), or None."""
    for r in [root] if root is not None else tasks_roots():
        folder = Path(r) / "regression" / app
        if (folder / "tests").is_dir():
            return folder.resolve()
    return None


def suite_task(app: str, root: Path | None = None) -> Task:
    """The regression suite of ``app`` as a task: the app's clean tree (no bug), the suite's
    tests as its hidden tests.

    Raises:
        TaskFormatError: ``app`` has no regression suite.
    """
    folder = suite_folder(app, root)
    if folder is None:
        where = ", ".join(str(Path(r) / "regression" / app / "tests") for r in tasks_roots())
        raise TaskFormatError(f"app {app!r} has no regression suite (looked in {where})")
    task = Task(
        id=f"{app}-regression",
        app=app,
        variant="ic_swe",
        price=1,
        title=f"the regression suite of {app}",
        folder=folder,
    )
    # the app's clock, as every task of the app runs at (and so its regression tests)
    now = app_of(task).clock_now
    if now is not None:
        task.clock = task.clock.model_copy(update={"now": now})
    return task
