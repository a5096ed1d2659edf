"""Grading an official IC task: a fresh container of the official image, the starting state
plus the agent's diff mounted at the repository's place, the test command run, and the verdict
from the JUnit report pytest writes, read without following a link the container planted."""

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

__all__ = ["OfficialGrader"]

#: a JUnit report larger than this is not read
MAX_REPORT = 16 << 20


class OfficialGrader(Grader):
    """Grades a diff in a fresh container of the official image; the verdict from JUnit."""

    def __init__(self, backend: OfficialBackend, partial_credit: bool = False) -> None:
        super().__init__(partial_credit=partial_credit, warm=False)  # grades its own way
        self.backend = backend

    def _grade_in(self, tmp: Path, task: Task, diff: str, result: Any) -> None:
        cfg = self.backend.config
        tree, grade = tmp / "tree", tmp / "grade"
        try:
            image = self.backend.image_for(task)
            state = self.backend.starting_state(task, image)
            result.infra_error = apply_submission(task, diff, tree, state=state)
            if result.infra_error:
                return
            grade.mkdir()
            grade.chmod(0o777)
            box = self.backend._run(image, task, {
                str(tree): {"bind": cfg.repo_path, "mode": "rw"},
                str(grade): {"bind": "/grade", "mode": "rw"},
            })  # fmt: skip
        except (SandboxError, ConfigError, OSError) as e:
            result.infra_error = f"the grading container could not start: {e}"
            return
        started = time.perf_counter()
        try:
            addopts = "--junitxml=/grade/junit.xml -p no:cacheprovider" + (
                "" if self.partial_credit else " -x"
            )
            code, _ = self.backend._exec(
                box, cfg.test_command, task.limits.grading_timeout_s,
                env={"PYTEST_ADDOPTS": addopts},
            )  # fmt: skip
        finally:
            box.remove(force=True)
        result.pytest_seconds = time.perf_counter() - started
        if code == 124:
            result.reason = f"the tests did not finish within {task.limits.grading_timeout_s:.0f} s"
        # the container ran the agent's code as root: /grade/junit.xml may be anything
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
        own = tmp / "junit.xml"  # a copy in the harness's own folder, then parsed
        own.write_bytes(report)
        try:
            result.tests = parse_junit(own)
        except ValueError as e:
            result.reason = f"the JUnit report could not be read ({e})"
