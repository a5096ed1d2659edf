"""Checks of a task folder that need no grading: what ``validate`` runs before it grades.

- every hidden test file carries the canary (so that a leak of it can be found);
- the issue does not give the fix away: no added line of the gold fix, no path or file name
  the gold fix changes (a reporter sees the app, not its source);
- price, category and split are set, and the price is within
  :data:`~swelancer_env.tasks.pricing.TOLERANCE` times the price model's for the fix's work;
- every test name a manager task's criteria cite exists in its hidden tests;
- IC: every wrong fix (``wrong_fixes/NAME.patch``) has its description in ``task.toml``'s
  ``[wrong_fixes]`` and every description its patch; every ``redundant_hunks`` entry names a
  hunk of the gold fix (``path:N``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from swelancer_env.grading.ablation import hunk_names
from swelancer_env.grading.canary import contains_canary
from swelancer_env.tasks.model import Task

__all__ = ["LintProblem", "lint_task"]

#: an added line shorter than this (braces, ``return``, blank) says nothing about the fix
_MIN_LINE = 16


@dataclass(frozen=True)
class LintProblem:
    task_id: str
    what: str

    def __str__(self) -> str:
        return f"{self.task_id}: {self.what}"


def _test_names(task: Task) -> set[str]:
    names: set[str] = set()
    for path in sorted(task.tests_dir.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
        }
    return names


def _gold_changes(task: Task) -> tuple[list[str], list[str]]:
    """(the lines the gold fix adds, the paths it changes): ``bug.patch`` read in reverse."""
    removed, paths = [], []
    for line in task.bug_patch.splitlines():
        if line.startswith("--- a/"):
            paths.append(line[len("--- a/") :].strip())
        elif line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:].strip())  # the bug removes it: the fix adds it back
    return removed, paths


def lint_task(task: Task) -> list[LintProblem]:
    """Every problem found in ``task`` (an empty list: none)."""
    problems: list[LintProblem] = []

    def problem(what: str) -> None:
        problems.append(LintProblem(task.id, what))

    if task.folder is None:
        return [LintProblem(task.id, "not a task folder: nothing to lint")]
    for path in sorted(task.tests_dir.rglob("*.py")):
        if not contains_canary(path.read_text(encoding="utf-8", errors="replace")):
            problem(f"{path.relative_to(task.folder)} does not carry the canary")
    texts = {"task.toml title": task.title, "issue.md": task.issue, "user_tool.py": task.user_tool}
    texts |= {f"proposals/{p.id}.md": p.text for p in task.proposals}
    texts |= {
        str(path.relative_to(task.folder)): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(task.tests_dir.rglob("*.py"))
    }
    for name, text in texts.items():
        if "TODO:" in text:
            problem(f"{name} still has a TODO: placeholder of `swelancer-env new-task`")
    if task.category is None:
        problem("task.toml sets no category")
    if task.split is None:
        problem("task.toml sets no split (train, test or diamond)")
    if not task.price > 0:
        problem("task.toml sets no price")
    issue = task.issue
    added, paths = _gold_changes(task)
    for line in added:
        if len(line) >= _MIN_LINE and line in issue:
            problem(f"issue.md contains a line of the gold fix: {line[:80]!r}")
    for changed in paths:
        name = PurePosixPath(changed).name
        if changed in issue or re.search(rf"(?<![\w./-]){re.escape(name)}(?![\w-])", issue):
            problem(f"issue.md names {changed!r}, a file the gold fix changes")
    if task.variant == "swe_manager":
        names = _test_names(task)
        for proposal, criterion in sorted(task.criteria.items()):
            for cited in sorted(set(re.findall(r"\btest_\w+", criterion))):
                if cited not in names:
                    problem(f"the criterion of proposal {proposal} cites {cited}, no hidden test")
            if not re.search(r"\btest_\w+", criterion):
                problem(f"the criterion of proposal {proposal} cites no hidden test")
    problems += _lint_wrong_fixes(task)
    problems += _lint_price(task)
    return problems


def _lint_price(task: Task) -> list[LintProblem]:
    from swelancer_env.tasks.pricing import TOLERANCE, difficulty, model_price

    if task.official is not None or not task.bug_patch.strip():
        return []
    model = model_price(task)
    if model / TOLERANCE <= task.price <= model * TOLERANCE:
        return []
    return [LintProblem(task.id, (
        f"price ${task.price:,.0f} is {task.price / model:.1f} times the price model's "
        f"${model:,} for its work ({difficulty(task).describe()}): re-price it, or make the "
        "tests check the behaviours the price pays for (docs/TASKS.md, Pricing)"
    ))]  # fmt: skip


def _lint_wrong_fixes(task: Task) -> list[LintProblem]:
    problems = []
    for kind, described, patches in (
        ("wrong_fixes", task.wrong_fixes, task.wrong_fix_patches),
        ("right_fixes", task.right_fixes, task.right_fix_patches),
    ):
        what = (
            "why it is wrong (its class)"
            if kind == "wrong_fixes"
            else "how it differs from the gold"
        )
        for name in sorted(set(patches) - set(described)):
            problems.append(LintProblem(task.id, (
                f"{kind}/{name}.patch has no description: add `{name} = \"{what}\"` to "
                f"[{kind}] in task.toml"
            )))  # fmt: skip
        for name in sorted(set(described) - set(patches)):
            problems.append(LintProblem(task.id, (
                f"[{kind}] describes {name!r} but there is no {kind}/{name}.patch"
            )))  # fmt: skip
        for name, patch in sorted(patches.items()):
            if not patch.strip():
                problems.append(LintProblem(task.id, f"{kind}/{name}.patch is empty"))
    if task.redundant_hunks or task.untested_hunks:
        # the gold fix is bug.patch reversed: the same hunks, in the same order
        hunks = hunk_names(task.bug_patch)
        for field, names in (
            ("redundant_hunks", task.redundant_hunks),
            ("untested_hunks", task.untested_hunks),
        ):
            for name in names:
                if name not in hunks:
                    problems.append(LintProblem(task.id, (
                        f"{field} names {name!r}, not a hunk of the gold fix "
                        f"(it has {', '.join(hunks)})"
                    )))  # fmt: skip
    return problems
