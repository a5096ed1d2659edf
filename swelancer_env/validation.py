"""Proving a task's ground truth by grading it for real.

The checks of a task, each a real grading (or a real user-tool run):

- the starting state fails;
- the gold fix (the reverse of ``bug.patch``) passes, for manager tasks too;
- each proposal passes or fails as ``task.toml`` says, and a wrong one fails exactly the hidden
  tests its criterion names (``criteria`` cites them as ``test_...``): every hidden test is run
  for it, not stopping at the first failure;
- IC: each right fix of the task (``right_fixes/NAME.patch``: a correct fix written another way
  than the gold) passes;
- IC: each wrong fix of the task (``wrong_fixes/NAME.patch``) fails, and so does the gold fix
  with any one hunk left out (``gold without path:N``), unless ``redundant_hunks`` declares that
  hunk redundant (then it must pass): no partial fix passes;
- the user tool's reproduction runs to its end on the starting state.

``validate --repeat N`` runs them N times to find flaky tests.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.errors import TaskFormatError
from swelancer_env.grading.ablation import ablations
from swelancer_env.grading.gold import gold_diff, patch_diff
from swelancer_env.grading.result import GradeResult
from swelancer_env.tasks.model import Task

__all__ = ["Check", "cited_tests", "is_wrong_fix", "validate_task"]

#: the name prefixes of the checks that prove a wrong or partial fix fails
WRONG_FIX_PREFIXES = ("wrong fix ", "gold without ")


class Check(BaseModel):
    name: str
    expected: str  # "pass" | "fail" | "runs"
    got: str  # "pass" | "fail" | "error" | "runs"; "fail (other tests)" for an inexact criterion
    detail: str = ""
    infra_error: str | None = None
    #: every hidden test's (name, outcome, message), when the whole file was run
    tests: list[tuple[str, str, str]] = []

    @property
    def ok(self) -> bool:
        return self.expected == self.got


def cited_tests(criterion: str) -> set[str]:
    """The hidden test names a manager task's criterion cites (``test_...``)."""
    return set(re.findall(r"\btest_\w+", criterion))


def is_wrong_fix(check: Check) -> bool:
    """Whether ``check`` grades a wrong fix or a gold fix with a hunk left out."""
    return check.name.startswith(WRONG_FIX_PREFIXES)


def _short_name(name: str) -> str:
    return name.split("::")[-1].split("[")[0]


def _check(
    grader: LocalGrader,
    task: Task,
    name: str,
    diff: str | TaskFormatError,
    expected: str,
    cited: set[str] | None,
) -> Check:
    if isinstance(diff, TaskFormatError):  # a wrong fix that does not apply: fix the task
        return Check(name=name, expected=expected, got="error", detail=str(diff))
    g = grader.grade(task, diff)
    got = "error" if g.infra_error else ("pass" if g.passed else "fail")
    failing = [f"{t.name}: {t.outcome} {t.message[:300]}" for t in g.tests if t.outcome != "passed"]
    detail = g.infra_error or g.reason
    if got != expected and failing:
        detail += "\n" + "\n".join(failing)
    if got != expected and expected == "fail" and got == "pass":
        detail = f"all {len(g.tests)} hidden tests passed"
    if got == "fail" and cited is not None:
        got, detail = _exact(g, cited, detail)
    tests = [(t.name, t.outcome, t.message) for t in g.tests] if grader.partial_credit else []
    return Check(
        name=name, expected=expected, got=got, detail=detail, infra_error=g.infra_error,
        tests=tests,
    )  # fmt: skip


def _exact(g: GradeResult, cited: set[str], detail: str) -> tuple[str, str]:
    """A wrong proposal's failure, checked against its criterion: the failed tests must be
    exactly the cited ones."""
    failed = {_short_name(t.name) for t in g.tests if t.outcome != "passed"}
    if failed == cited:
        return "fail", detail
    why = []
    if cited - failed:
        why.append(f"cited but passed: {', '.join(sorted(cited - failed))}")
    if failed - cited:
        why.append(f"failed but not cited: {', '.join(sorted(failed - cited))}")
    return "fail (other tests)", "; ".join(why)


def _user_tool(task: Task, chromium: str | None) -> Check:
    from swelancer_env.backends.local import LocalBackend, LocalConfig
    from swelancer_env.backends.local.user_tool import LocalUserToolSession

    sandbox = LocalBackend(LocalConfig()).sandbox(task)
    # a generated task's reproduction is the failing test's steps: on the starting state it
    # stops where the bug shows (an element that never appears), so its steps are proven on
    # the fixed tree; a hand-written one runs through on the reporter's tree
    generated = (task.split or "").startswith("synth")
    try:
        if generated:
            from swelancer_env.grading.gold import gold_diff

            sandbox.adopt(gold_diff(task))
        session = LocalUserToolSession(task, sandbox, chromium=chromium, trace="off")
        try:
            report = session.run()
        finally:
            session.close()
    finally:
        sandbox.stop()
    failed = [f"step {s.index} {s.description!r}: {s.error}" for s in report.steps if s.error]
    problems = ([report.error] if report.error else []) + failed
    ran = report.finished and not problems
    detail = "; ".join(problems)[:1500] if problems else f"{len(report.steps)} steps"
    return Check(
        name="user tool", expected="runs", got="runs" if ran else "fails",
        detail=f"{detail} ({report.seconds:.1f} s{', on the gold fix' if generated else ''})",
    )  # fmt: skip


def _applied(task: Task, patch: str) -> str | TaskFormatError:
    try:
        return patch_diff(task, patch)
    except TaskFormatError as e:
        return e


#: one grading: (grader, check name, diff or why the patch does not apply, expected, cited tests)
Step = tuple[LocalGrader, str, str | TaskFormatError, str, set[str] | None]


def wrong_fix_plan(task: Task, grader: LocalGrader, gold: str) -> list[Step]:
    """The gradings that prove an IC task's wrong fixes fail: each of ``wrong_fixes/`` (in name
    order), then the gold fix without each hunk in turn (expected to pass only for a hunk
    ``redundant_hunks`` declares)."""
    plan: list[Step] = [
        (grader, f"right fix {name}", _applied(task, patch), "pass", None)
        for name, patch in sorted(task.right_fix_patches.items())
    ]
    plan += [
        (grader, f"wrong fix {name}", _applied(task, patch), "fail", None)
        for name, patch in sorted(task.wrong_fix_patches.items())
    ]
    for hunk, partial in ablations(gold):
        known = hunk in task.redundant_hunks or hunk in task.untested_hunks
        expected = "pass" if known else "fail"
        label = " (untested)" if hunk in task.untested_hunks else ""
        plan.append((grader, f"gold without {hunk}{label}", partial, expected, None))
    return plan


def validate_task(
    task: Task,
    chromium: str | None = None,
    workers: int = 1,
    verbose: bool = False,
    user_tool: bool = True,
    wrong_fixes: bool = True,
) -> list[Check]:
    """The checks of one task, in a fixed order (``workers`` gradings at once).

    ``verbose`` runs every hidden test of every grading (not stopping at the first failure) and
    keeps each one's outcome and message in ``Check.tests``. A wrong proposal's hidden tests are
    always all run: its criterion must name exactly those that fail. ``wrong_fixes=False``
    leaves out an IC task's wrong fixes and gold ablations.
    """
    grader = LocalGrader(chromium=chromium, partial_credit=verbose)
    every_test = LocalGrader(chromium=chromium, partial_credit=True)
    gold = gold_diff(task)
    plan: list[Step] = [
        (grader, "starting state", "", "fail", None),
        (grader, "gold fix", gold, "pass", None),
    ]
    if task.variant == "swe_manager":
        for p in task.proposals:
            if p.id == task.correct_proposal:
                plan.append((grader, f"proposal {p.id}", patch_diff(task, p.patch), "pass", None))
            else:
                cited = cited_tests(task.criteria.get(p.id, ""))
                step = (every_test, f"proposal {p.id}", patch_diff(task, p.patch), "fail", cited)
                plan.append(step)
    elif wrong_fixes:
        plan += wrong_fix_plan(task, grader, gold)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        checks = list(pool.map(lambda s: _check(s[0], task, *s[1:]), plan))
    if user_tool and task.user_tool.strip():
        checks.append(_user_tool(task, chromium))
    return checks
