"""Grading an official IC task in two fresh containers of the official image: the submission's
app in one, the hidden tests in the other (see the package's docstring for why).

1. the starting state plus the agent's diff (acceptable paths only) is made on the host;
2. the *app container* starts with that tree mounted at the repository's place and the tests
   folder shown empty, and runs ``app_command`` in the background (as root, as the official
   harness does): the submission's code runs here, and only here;
3. the *tests container* starts in the app container's network namespace (the tests reach the
   app at the loopback addresses the official tests use), with the repository's folder shown
   empty and a folder of the harness's mounted at ``/grade``; ``test_command`` runs there, and
   pytest writes its JUnit report to ``/grade/junit.xml`` (``PYTEST_ADDOPTS``);
4. both containers are removed, and the verdict is read from the report, without following a
   link (defence in depth: only the harness's own processes could have written there).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swelancer_env.errors import ConfigError, SandboxError
from swelancer_env.grading.grader import Grader, apply_submission
from swelancer_env.grading.junit import parse_junit
from swelancer_env.sandbox import treeio
from swelancer_env.tasks.model import Task

if TYPE_CHECKING:
    from swelancer_env.backends.official import OfficialBackend

__all__ = ["GRADE_DIR", "OfficialGrader"]

#: a JUnit report larger than this is not read
MAX_REPORT = 16 << 20
#: where the harness's report folder is mounted, in the tests container only
GRADE_DIR = "/grade"


class OfficialGrader(Grader):
    """Grades a diff with the official image: the app and the tests in containers of their own;
    the verdict from the JUnit report of the tests' pytest."""

    def __init__(self, backend: OfficialBackend, partial_credit: bool = False) -> None:
        super().__init__(partial_credit=partial_credit)
        self.backend = backend

    def _grade_in(self, tmp: Path, task: Task, diff: str, result: Any) -> None:
        from docker.errors import DockerException

        cfg, backend = self.backend.config, self.backend
        tree, grade = tmp / "tree", tmp / "grade"
        boxes: list[Any] = []  # the tests container first: it lives in the app's network
        try:
            try:
                image = backend.image_for(task)
                state = backend.starting_state(task, image)
                result.infra_error = apply_submission(task, diff, tree, state=state)
                if result.infra_error:
                    return
                grade.mkdir(mode=0o777)
                grade.chmod(0o777)  # whatever uid the engine maps the container's root to
                app = backend._run(
                    image, task, {str(tree): {"bind": cfg.repo_path, "mode": "rw"}},
                    hide=(cfg.tests_path,),
                )  # fmt: skip
                boxes.insert(0, app)
                backend._exec(app, cfg.app_command, 0, detach=True)
                tests = backend._run(
                    image, task, {str(grade): {"bind": GRADE_DIR, "mode": "rw"}},
                    hide=(cfg.repo_path,), network_of=app,
                )  # fmt: skip
                boxes.insert(0, tests)
            except (SandboxError, ConfigError, OSError, DockerException) as e:
                result.infra_error = f"the grading containers could not start: {e}"
                return
            started = time.perf_counter()
            addopts = f"--junitxml={GRADE_DIR}/junit.xml -p no:cacheprovider" + (
                "" if self.partial_credit else " -x"
            )
            try:
                code, _ = backend._exec(
                    tests, cfg.test_command, task.limits.grading_timeout_s,
                    env={"PYTEST_ADDOPTS": addopts}, workdir=cfg.tests_path,
                )  # fmt: skip
            except DockerException as e:  # nothing of the submission's runs in that container
                result.infra_error = f"the tests container failed: {e}"
                return
            result.pytest_seconds = time.perf_counter() - started
        finally:
            for box in boxes:
                box.remove(force=True)
        if code == 124:
            result.reason = f"the tests did not finish within {task.limits.grading_timeout_s:.0f} s"
        _read_report(grade, tmp / "junit.xml", code, result)


def _read_report(grade: Path, own: Path, code: int, result: Any) -> None:
    """The verdict from ``grade/junit.xml``, refused when it is not a regular file; copied to
    ``own`` (a path of the harness's) and parsed from there."""
    fd = treeio.open_tree(grade)
    try:
        report = treeio.read_file(fd, "junit.xml", MAX_REPORT)
    except FileNotFoundError:
        result.reason = result.reason or (
            f"the test command wrote no JUnit report (exit {code}): nothing to count as passed"
        )
        return
    except OSError as e:  # a link, a FIFO, a folder
        result.reason = f"the JUnit report is not a regular file: {e}"
        return
    finally:
        os.close(fd)
    own.write_bytes(report)
    try:
        result.tests = parse_junit(own)
    except ValueError as e:
        result.reason = f"the JUnit report could not be read ({e})"
