"""Grading a submission outside the agent's sandbox.

The agent's diff (acceptable paths only) is applied to a fresh copy of the starting state; the
app starts from that copy (in bubblewrap, in a network namespace of its own); the hidden tests
run with pytest and Playwright in a bubblewrap of their own: the system and the Python install
read-only, the task folders, the app's tree and the host's temporary folders hidden, only their
run folder writable, and a network namespace in which the app's address is the only one that
answers (:mod:`~swelancer_env.sandbox.browser_box`); the verdict is read by the harness, outside both, from JUnit XML. Nothing
the agent left in its sandbox (a process, a modified test, a forged log) takes part, and the
Python that runs the tests is checked first for startup files no package shipped
(:mod:`~swelancer_env.grading.interpreter`).

The hidden tests' pytest starts before it is needed: it starts Playwright and Chromium and waits
(the plugin's ``run_when_told``) for the harness to put the tests in its run folder and say go.
After each grading (and at :meth:`Grader.warm_up`, which the env calls at reset) the next one
starts, so that a grading waits for the app and the tests alone; each serves one grading.

Layout::

    $TMPDIR/swelancer-grade-<random>/tree/   the starting state with the diff applied: the app
                                             runs from it
    $TMPDIR/swelancer-grade-run-<random>/run/   the hidden tests' sandbox sees only this (and
                                             the system):
        tests/          a copy of the task's hidden tests (put in at the grading)
        plugins/        the grading plugin, importable without the package
        pytest.ini, junit.xml, infra.txt, home/
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from swelancer_env.appserver import AppServer
from swelancer_env.browser.discovery import find_chromium
from swelancer_env.errors import AppStartError, BrowserNotFoundError, InfrastructureError
from swelancer_env.grading import plugin as plugin_module
from swelancer_env.grading.interpreter import check_interpreter
from swelancer_env.grading.junit import parse_junit
from swelancer_env.grading.result import GradeResult
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.browser_box import AppLink, browser_bwrap
from swelancer_env.sandbox.limits import LimitGroup, ResourceLimits
from swelancer_env.sandbox.worktree import StartingState, apply_patch
from swelancer_env.tasks.loader import app_of
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import make_temp_dir

__all__ = [
    "Grader",
    "apply_submission",
    "blame_start_failure",
    "pytest_args",
    "read_report",
    "scrub_host_paths",
    "verdict",
]

PLUGIN = "swelancer_env.grading.plugin"
_PLUGIN_NAME = "swelancer_grading_plugin"  # the plugin's copy in a run folder
#: the hidden tests' pytest and its Chromium (which renders the agent's pages)
GRADING_LIMITS = ResourceLimits(memory=4 << 30, pids=2048)


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
        if not result.reason:
            result.reason = (
                "no hidden test ran"
                if total == 0
                else (f"{total - ok} of the {total} hidden tests run did not pass")
            )
    return result


#: the harness's own folders (grading runs, app data, user-tool sessions) under the temporary
#: folder: their random names never reach the agent
_HOST_FOLDER = re.compile(
    re.escape(tempfile.gettempdir().rstrip("/")) + r"/swelancer-[A-Za-z0-9_.-]+"
)


def scrub_host_paths(text: str) -> str:
    """``text`` with the harness's temporary folders replaced by ``<harness folder>``."""
    return _HOST_FOLDER.sub("<harness folder>", text)


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
    result: GradeResult, error: str, diff: str, starting_state_starts: Callable[[], bool]
) -> None:
    """The app did not start: the agent's fail if its change broke it, else infrastructure's."""
    if diff.strip() and starting_state_starts():
        result.reason = f"the app did not start with the submitted change: {error}"
    else:
        result.infra_error = error


def pytest_args(
    junit: str, ini: str, rootdir: str, plugin: str = PLUGIN, stop_early: bool = False
) -> list[str]:
    """What follows ``python -m pytest`` for a run of the hidden tests in ``<rootdir>/tests``.

    ``stop_early`` ends the run at the first test that does not pass: without partial credit
    the verdict is then known, and a failing test costs its waits in full.
    """
    return [
        "tests", "-p", plugin, "-p", "no:cacheprovider", "-c", ini, "--rootdir", rootdir,
        f"--junitxml={junit}", "-o", "junit_family=xunit1", "-q", "--no-header",
        *(["--maxfail=1"] if stop_early else []),
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


class _PytestRun:
    """The hidden tests' pytest in a run folder of its own (``<folder>/run``): started at once,
    it starts Playwright and Chromium and waits; :meth:`go` hands it the tests, :meth:`finish`
    reads its verdict, :meth:`discard` ends it and removes its folder."""

    def __init__(
        self, cmd: list[str], folder: Path, env: dict[str, str], link: AppLink | None = None
    ):
        self.folder, self.run = folder, folder / "run"
        #: the app's address, shared with the browser's network namespace (isolated runs)
        self.link = link
        self.timeout = 0.0
        self.group = LimitGroup(GRADING_LIMITS, "grading")
        self.started = time.perf_counter()
        self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            self.group.argv(cmd), cwd=self.run, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def go(self, task: Task) -> None:
        """Run the tests now in ``run/tests``, within ``task``'s grading time from now."""
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        self.timeout = task.limits.grading_timeout_s
        self.started = time.perf_counter()
        line = json.dumps({"app_wait_s": self.timeout}) + "\n"
        stdin, proc.stdin = proc.stdin, None  # communicate() must not touch it again
        with contextlib.suppress(BrokenPipeError):  # it died: finish() reports what it said
            stdin.write(line.encode())
            stdin.close()

    def finish(self, result: GradeResult) -> None:
        """Wait for the run (within the task's grading time) and fill ``result`` from it."""
        proc = self.proc
        assert proc is not None
        try:
            out, _ = proc.communicate(timeout=max(1.0, self.timeout - self.elapsed()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            result.reason = f"the hidden tests did not finish within {self.timeout:.0f} s"
        result.pytest_seconds = self.elapsed()
        infra_file = self.run / "infra.txt"
        infra = infra_file.read_text() if infra_file.exists() else ""
        read_report(result, self.run / "junit.xml", infra, out, proc.returncode)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def kill(self) -> None:
        """Kill it and all it started (if it still runs). Idempotent."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        self.group.close()

    def discard(self) -> None:
        """:meth:`kill`, and remove its folder. Idempotent."""
        try:
            self.kill()
        finally:
            if self.link is not None:
                self.link.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def _discard_spare(spare: list[_PytestRun]) -> None:
    while spare:
        spare.pop().discard()


class Grader:
    """Grades diffs against a task's hidden tests on this machine.

    Args:
        chromium: the Chromium executable (else found).
        partial_credit: run every hidden test (else stop at the first failure).
        isolate: run the hidden tests and the app in bubblewrap (default: when it works here;
            without it, a warning at the sandbox says nothing is isolated).
        warm: keep the next grading's pytest, Playwright and Chromium started (a spare): after
            each grading, and from :meth:`warm_up`. A grading then waits only for the app and
            the tests themselves. A spare is used once, and costs an idle Python, Node and
            Chromium (about 200 MB of memory of its own) until :meth:`close`.
    """

    def __init__(
        self,
        chromium: str | None = None,
        partial_credit: bool = False,
        isolate: bool | None = None,
        warm: bool = True,
    ):
        self.chromium = chromium
        self.partial_credit = partial_credit
        self.isolate = isolate
        self.warm = warm
        self._spare: list[_PytestRun] = []  # at most one; a list for the finalizer to empty
        self._spare_lock = threading.Lock()  # gradings may run in several threads at once
        # a grader dropped without close(), or alive at the interpreter's exit: no spare is left
        self._spare_finalizer = weakref.finalize(self, _discard_spare, self._spare)

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
        try:
            self._grade_in(tmp, task, diff, result)
        finally:
            self._discard(tmp)
        return result

    def close(self) -> None:
        """End the spare pytest (see ``warm``) and wait for the clean-up of finished gradings
        (see :meth:`_discard`). The grader stays usable; safe to call twice."""
        _discard_spare(self._spare)

    def warm_up(self, task: Task) -> None:
        """Start what a grading of ``task`` will need, in the background, unless it is ready
        (the env calls it at reset: the spare warms while the agent works)."""
        if not self.warm:
            return
        with self._spare_lock:
            if not self._spare:
                with contextlib.suppress(InfrastructureError, BrowserNotFoundError):  # told later
                    self._spare.append(self._start_pytest())

    def _discard(self, tmp: Path) -> None:
        """Remove a grading's folder once its verdict is read."""
        shutil.rmtree(tmp, ignore_errors=True)

    def _grade_in(self, tmp: Path, task: Task, diff: str, result: GradeResult) -> None:
        try:
            tests_run = self._take_pytest()
        except (InfrastructureError, BrowserNotFoundError) as e:
            result.infra_error = str(e)
            return
        try:
            self._grade_with(tests_run, tmp, task, diff, result)
        finally:
            tests_run.discard()
            self.warm_up(task)  # the next grading's pytest warms while the agent works

    def _grade_with(
        self, tests_run: _PytestRun, tmp: Path, task: Task, diff: str, result: GradeResult
    ) -> None:
        app = app_of(task)
        tree = tmp / "tree"
        result.infra_error = apply_submission(task, diff, tree)
        if result.infra_error:
            return
        run = tests_run.run
        shutil.copytree(task.tests_dir, run / "tests")
        # pytest, Playwright and Chromium are started (or start) while the app builds and
        # starts: the tests wait for its address in a file (written once it answers)
        tests_run.go(task)
        link = tests_run.link
        try:
            server = AppServer(
                app, tree, isolate=self.isolate,
                listener=link.tcp if link is not None else None,
                browser_socket=link.unix if link is not None else None,
            ).start()  # fmt: skip
        except AppStartError as e:
            tests_run.kill()
            blame_start_failure(result, str(e), diff, lambda: self._starting_state_starts(task))
            return
        try:
            url_file = run / APP_URL_FILE
            url_file.with_suffix(".tmp").write_text(server.url + "\n")
            url_file.with_suffix(".tmp").rename(url_file)
            tests_run.finish(result)
        finally:
            server.stop()

    def _starting_state_starts(self, task: Task) -> bool:
        d = make_temp_dir("swelancer-grade-check-")
        try:
            tree = d / "tree"
            StartingState.get(task).materialize_tree(tree)
            try:
                AppServer(app_of(task), tree).start().stop()
                return True
            except AppStartError:
                return False
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def _isolated(self) -> bool:
        return isolation.bwrap_available() if self.isolate is None else self.isolate

    def _take_pytest(self) -> _PytestRun:
        """The spare pytest if it still waits, else one started now.

        Raises:
            InfrastructureError: the Python cannot be trusted.
            BrowserNotFoundError: no Chromium.
        """
        check_interpreter()
        with self._spare_lock:
            spare = self._spare.pop() if self._spare else None
        if spare is not None and spare.alive():
            return spare
        if spare is not None:  # it died while it waited: a new one tells why, if it does again
            spare.discard()
        return self._start_pytest()

    def _start_pytest(self) -> _PytestRun:
        """A pytest in a new run folder, that starts Playwright and Chromium and waits for
        :meth:`_PytestRun.go` (the Python is checked when it is taken)."""
        chromium = str(find_chromium(self.chromium))
        folder = make_temp_dir("swelancer-grade-run-")
        run = folder / "run"
        (run / "plugins").mkdir(parents=True)
        shutil.copyfile(plugin_module.__file__, run / "plugins" / f"{_PLUGIN_NAME}.py")
        (run / "home").mkdir()
        (run / "pytest.ini").write_text("[pytest]\n")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(run / "home"),
            "TMPDIR": str(run / "home"),  # Playwright's artifacts go with the run
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            # only the grading plugin: no plugin installed beside pytest joins the run (faster
            # by about half a second, and nothing else decides how the hidden tests run)
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONPATH": str(run / "plugins"),
            "SWELANCER_APP_URL_FILE": str(run / APP_URL_FILE),
            "SWELANCER_CHROMIUM": chromium,
            "SWELANCER_INFRA_FILE": str(run / "infra.txt"),
        }
        if "PLAYWRIGHT_BROWSERS_PATH" in os.environ:
            env["PLAYWRIGHT_BROWSERS_PATH"] = os.environ["PLAYWRIGHT_BROWSERS_PATH"]
        args = pytest_args(
            str(run / "junit.xml"), str(run / "pytest.ini"), str(run),
            plugin=_PLUGIN_NAME, stop_early=not self.partial_credit,
        )  # fmt: skip
        cmd = [sys.executable, "-s", "-c", WARM_START.format(plugin=_PLUGIN_NAME), *args]
        link: AppLink | None = None
        try:
            if self._isolated():
                # the hidden tests' sandbox (only ``run`` writable, the Python and Chromium
                # read-only) has no network: it reaches the app, at its address, and nothing else
                link = AppLink(run)
                env["SWELANCER_APP_PORT"] = str(link.port)
                cmd = [*browser_bwrap(run, run / "home", chromium), *link.reach_argv(), *cmd]
            return _PytestRun(cmd, folder, env, link)
        except BaseException:
            if link is not None:
                link.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
