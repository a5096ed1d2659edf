"""Checking a task's ground truth: the starting state fails, the gold fix passes, and (manager
tasks) exactly the correct proposal passes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel

from swelancer_env.grading.gold import gold_diff, patch_diff
from swelancer_env.grading.grader import Grader
from swelancer_env.tasks.model import Task

__all__ = ["Check", "validate_task"]


class Check(BaseModel):
    name: str
    expected: str  # "pass" | "fail"
    got: str  # "pass" | "fail" | "error"
    detail: str = ""
    infra_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.expected == self.got


def _check(grader: Grader, task: Task, name: str, diff: str, expected: str) -> Check:
    g = grader.grade(task, diff)
    got = "error" if g.infra_error else ("pass" if g.passed else "fail")
    failing = [f"{t.name}: {t.outcome} {t.message[:300]}" for t in g.tests if t.outcome != "passed"]
    detail = g.infra_error or g.reason
    if got != expected and failing:
        detail += "\n" + "\n".join(failing)
    if got != expected and expected == "fail" and got == "pass":
        detail = f"all {len(g.tests)} hidden tests passed"
    return Check(name=name, expected=expected, got=got, detail=detail, infra_error=g.infra_error)


def validate_task(task: Task, chromium: str | None = None, workers: int = 1) -> list[Check]:
    """The checks of one task, each graded for real (``workers`` at once), in a fixed order.

    A failing grade spends most of its time waiting for a page that never shows what a hidden
    test expects, so a few at once on two cores take little more than one.
    """
    grader = Grader(chromium=chromium)
    plan = [("starting state", "", "fail")]
    if task.variant == "ic_swe":
        plan.append(("gold fix", gold_diff(task), "pass"))
    else:
        for p in task.proposals:
            expected = "pass" if p.id == task.correct_proposal else "fail"
            plan.append((f"proposal {p.id}", patch_diff(task, p.patch), expected))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda step: _check(grader, task, *step), plan))
