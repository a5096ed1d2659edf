"""Grading a submission outside the agent's sandbox: the template every backend fills in.

The agent's diff (acceptable paths only) is applied to a fresh copy of the starting state; the
app starts from that copy, apart from the tests; the hidden tests run with pytest and
Playwright where the agent's code cannot reach them or their report; the verdict is read by the
harness, outside every sandbox, from JUnit XML, and fails closed (:func:`verdict`). Nothing the
agent left in its sandbox (a process, a modified test, a forged log) takes part.

:class:`Grader` holds what is the same on every backend: a grading that reaches no verdict with
the submitted change is an infrastructure error only if the harness cannot grade the starting
state either (the infra ceiling), and no message carries a host folder of the harness's. Where
the app and the tests run is the backend's:

- ``swelancer_env.backends.local.grader.LocalGrader``: bubblewrap on this machine, the app and
  the tests' browser each in a network namespace of its own;
- ``swelancer_env.backends.docker.grader.DockerGrader``: containers with no network;
- ``swelancer_env.backends.official.grader.OfficialGrader``: the official image, the app and the
  tests in two containers.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swelancer_env.grading.junit import parse_junit
from swelancer_env.grading.result import GradeResult
from swelancer_env.sandbox.worktree import StartingState, apply_patch
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import force_rmtree, make_temp_dir, scrub_host_paths

__all__ = [
    "APP_URL_FILE",
    "P2P_DIR",
    "PLUGIN",
    "WARM_START",
    "Grader",
    "apply_submission",
    "blame_start_failure",
    "pytest_args",
    "read_report",
    "regression_args",
    "regression_files",
    "scrub_host_paths",
    "stage_regression",
    "verdict",
]

PLUGIN = "swelancer_env.grading.plugin"


#: the folder (in a run folder) the chosen regression tests are copied into; their JUnit names
#: start with ``p2p.``
P2P_DIR = "p2p"
#: a regression test file's name in ``p2p/`` (apart from any hidden test file's module name)
P2P_PREFIX = "regression_"


def regression_args(tests: list[str]) -> list[str]:
    """pytest's node ids of regression tests (``test_x.py::test_y``) as staged by
    :func:`stage_regression`."""
    return [f"{P2P_DIR}/{P2P_PREFIX}{t}" for t in tests]


def regression_files(suite: Path) -> dict[str, bytes]:
    """The regression suite's files as they go into ``<run>/p2p``: each ``test_*.py`` renamed
    apart from the hidden tests' modules, ``conftest.py`` as it is (its shared code)."""
    files = {}
    for f in sorted((suite / "tests").iterdir()):
        if f.is_file() and f.suffix == ".py":
            name = f.name if f.name == "conftest.py" else P2P_PREFIX + f.name
            files[name] = f.read_bytes()
    return files


def stage_regression(suite: Path, run: Path) -> None:
    """Copy the regression suite's tests into ``run/p2p`` (:func:`regression_files`)."""
    dest = run / P2P_DIR
    dest.mkdir()
    for name, data in regression_files(suite).items():
        (dest / name).write_bytes(data)


def _regressions(result: GradeResult) -> list[str]:
    return [
        t.name.split("::")[-1]
        for t in result.tests
        if t.outcome != "passed" and t.name.startswith(P2P_DIR + ".")
    ]


def verdict(task: Task, result: GradeResult, partial_credit: bool = False) -> GradeResult:
    """Fill ``passed``, ``fraction_passed`` and ``earned`` from the test cases, failing closed."""
    total = len(result.tests)
    ok = sum(t.outcome == "passed" for t in result.tests)
    result.fraction_passed = ok / total if total else 0.0
    result.passed = result.infra_error is None and total > 0 and ok == total
    if result.infra_error is not None:
        result.earned = 0.0
    elif result.passed:
        result.earned = task.price
    else:
        result.earned = round(task.price * result.fraction_passed, 2) if partial_credit else 0.0
        broke = _regressions(result)
        if broke and not result.reason:
            result.reason = (
                f"the change broke what worked before it: the app's regression test"
                f"{'s' if len(broke) > 1 else ''} {', '.join(broke)} failed"
            )
        if not result.reason:
            result.reason = (
                "no hidden test ran"
                if total == 0
                else (f"{total - ok} of the {total} hidden tests run did not pass")
            )
    return result


def apply_submission(
    task: Task, diff: str, tree: Path, state: StartingState | None = None
) -> str | None:
    """Make ``tree``: the starting state (``state``, else the task's own) with ``diff``
    applied; the infra error if it does not apply."""
    (state or StartingState.get(task)).materialize_tree(tree)
    if diff.strip():
        applied = apply_patch(tree, diff)
        if applied:
            return f"the submission's diff did not apply to the starting state: {applied}"
    return None


def blame_start_failure(
    result: GradeResult, error: str, diff: str, starting_state_starts: Callable[[], bool],
    what: str = "the app did not start",
) -> None:  # fmt: skip
    """The app did not start (``what``: or what else of its start failed): the agent's fail if
    its change broke it, else infrastructure's."""
    if diff.strip() and starting_state_starts():
        result.reason = f"{what} with the submitted change: {error}"
    else:
        result.infra_error = error


def check_decides(result: GradeResult, partial_credit: bool) -> bool:
    """Whether the app's check (a type check), run alongside the hidden tests, can still change
    the verdict the tests gave: only if they would pay something (a failed check pays nothing).
    A failing grading does not wait for it."""
    if result.infra_error is not None or result.reason or not result.tests:
        return False
    ok = sum(t.outcome == "passed" for t in result.tests)
    return ok > 0 and (partial_credit or ok == len(result.tests))


def pytest_args(
    junit: str, ini: str, rootdir: str, plugin: str = PLUGIN, stop_early: bool = False,
    max_failures: int | None = None,
) -> list[str]:  # fmt: skip
    """What follows ``python -m pytest`` for a run of the hidden tests in ``<rootdir>/tests``.

    ``stop_early`` ends the run at the first test that does not pass: without partial credit
    the verdict is then known, and a failing test costs its waits in full. ``max_failures``
    ends it at that many (the factory's probe: past it, a candidate is rejected anyway).
    """
    return [
        "tests", "-p", plugin, "-p", "no:cacheprovider", "-c", ini, "--rootdir", rootdir,
        f"--junitxml={junit}", "-o", "junit_family=xunit1", "-q", "--no-header",
        *(["--maxfail=1"] if stop_early else [f"--maxfail={max_failures}"] if max_failures else []),
    ]  # fmt: skip


def read_report(
    result: GradeResult, junit: Path, infra: str, output: bytes | str, returncode: int | None
) -> None:
    """Fill ``result`` from the run's JUnit report and the plugin's infrastructure note.

    The browser's failure to start (``infra``) is infrastructure's; a missing report is too,
    unless ``result.reason`` already says why (the run timed out).
    """
    if infra.strip():
        result.infra_error = infra.strip()
        return
    try:
        result.tests = parse_junit(junit)
    except ValueError as e:
        if not result.reason:
            text = output.decode(errors="replace") if isinstance(output, bytes) else output
            result.infra_error = (
                f"pytest wrote no verdict ({e}); exit {returncode}; output ends:\n{text[-2000:]}"
            )


#: the file (in the run folder) the hidden tests read the app's address from
APP_URL_FILE = "app_url"
#: ``python -c`` this, then pytest's arguments: the plugin's warm start (see its docstring)
WARM_START = "import sys, {plugin} as p; sys.exit(p.run_when_told())"


class Grader(abc.ABC):
    """Grades diffs against a task's hidden tests, somewhere the agent's code cannot reach the
    verdict: the template each backend fills in (``LocalGrader``, ``DockerGrader``,
    ``OfficialGrader``).

    :meth:`grade` is the same for all: one grading in a temporary folder (:meth:`_grade_in`,
    the backend's), the infra ceiling, no host path in the messages, the verdict. A backend may
    also keep the next grading warm (:meth:`warm_up`, which the env calls at reset) and clean
    up after each (:meth:`_discard`) and at :meth:`close`.

    Args:
        partial_credit: run every hidden test and pay the fraction passed (else stop at the
            first failure: the verdict is then known).
    """

    def __init__(
        self,
        partial_credit: bool = False,
        regression: bool = True,
        regression_budget_s: float = 2.5,
        regression_most: int = 4,
        settle: bool = True,
    ):
        self.partial_credit = partial_credit
        #: a failing assertion of the hidden tests stops waiting once the page has settled
        #: (see ``swelancer_env.grading.plugin.SettlingExpect``); off: Playwright's full waits
        self.settle = settle
        #: run, besides an IC task's hidden tests, the app's regression tests that ran a line
        #: the diff changes (at most ``regression_most``, about ``regression_budget_s`` of
        #: recorded time, the most targeted first)
        self.regression = regression
        self.regression_budget_s = regression_budget_s
        self.regression_most = regression_most

    def run_settings(self, task: Task, extra_args: list[str]) -> dict[str, Any]:
        """What the waiting pytest of the grading plugin is told to run with (one JSON line)."""
        return {
            "app_wait_s": task.limits.grading_timeout_s,
            **task.clock.reading(),
            "extra_args": extra_args,
            "settle": self.settle,
        }

    def regression_tests(self, task: Task, diff: str) -> tuple[Path | None, list[str]]:
        """The regression suite's folder and the tests of it this grading runs (none for a
        manager task, whose wrong proposals fail exactly the hidden tests their criteria
        cite, for an app without a recorded suite, or for an empty diff)."""
        if not (self.regression and diff.strip() and task.variant == "ic_swe" and task.folder):
            return None, []
        from swelancer_env.grading.coverage import Coverage, select
        from swelancer_env.grading.regression import suite_folder

        folder = suite_folder(task.app, Path(task.folder).resolve().parents[1])
        if folder is None or folder == Path(task.folder).resolve():
            return None, []
        coverage = Coverage.load(folder)
        if coverage is None:
            return None, []
        chosen = select(
            coverage, diff, task.bug_patch, self.regression_budget_s, self.regression_most
        )
        return folder, chosen

    def grade(self, task: Task, diff: str) -> GradeResult:
        """Grade ``diff`` (a git diff against the starting state) on ``task``.

        A grading that could not reach a verdict with the submitted change is only called an
        infrastructure error if the harness cannot grade the task's starting state either (the
        "infra ceiling"): otherwise the submission's own code broke the run (its app flooded,
        hung or crashed the tests' browser or pytest), and that is a failed grading with the
        reason, never an error an agent could hide its failures behind. The submission is
        graded a second time first, so that a passing failure of the machine's is not blamed
        on it.
        """
        started = time.perf_counter()
        result = self._grade_once(task, diff)
        if result.infra_error is not None and diff.strip():
            # once more (a passing flake of the machine's), then the starting state
            result = self._grade_once(task, diff)
        if result.infra_error is not None and diff.strip():
            control = self._grade_once(task, "")
            if control.infra_error is None and control.tests:
                first = result.infra_error.strip().splitlines()[0] if result.infra_error else ""
                result.reason = (
                    "the hidden tests could not run to a verdict with the submitted change, "
                    "while the task's starting state grades normally, so the change caused it: "
                    + first[:500]
                )
                result.infra_error, result.tests = None, []
        result.seconds = time.perf_counter() - started
        result.reason = scrub_host_paths(result.reason)
        if result.infra_error is not None:
            result.infra_error = scrub_host_paths(result.infra_error)
        return verdict(task, result, self.partial_credit)

    def _grade_once(self, task: Task, diff: str) -> GradeResult:
        result = GradeResult(task_id=task.id, passed=False, price=task.price, diff_bytes=len(diff))
        tmp = make_temp_dir("swelancer-grade-")
        # the task's clock stands at its instant now: the app, the tests and their pages,
        # each handed it later, all read the same time
        task = task.model_copy(update={"clock": task.clock.anchored()})
        try:
            self._grade_in(tmp, task, diff, result)
        finally:
            self._discard(tmp)
        return result

    def close(self) -> None:
        """End what the grader keeps warm and wait for the clean-up of finished gradings. The
        grader stays usable; safe to call twice."""
        return

    def warm_up(self, task: Task) -> None:
        """Start what a grading of ``task`` will need, in the background (the env calls it at
        reset, so that it warms while the agent works). By default: nothing."""
        return

    def _discard(self, tmp: Path) -> None:
        """Remove a grading's folder once its verdict is read."""
        force_rmtree(tmp)

    @abc.abstractmethod
    def _grade_in(self, tmp: Path, task: Task, diff: str, result: GradeResult) -> None:
        """Grade ``diff`` on ``task`` (``tmp``: a folder of this grading's), filling ``result``:
        its tests from the run's JUnit report, or ``reason`` (the agent's failure without a
        report: the app did not start, the tests timed out), or ``infra_error``."""
