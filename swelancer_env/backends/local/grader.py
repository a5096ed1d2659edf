"""The local backend's grader: the app and the hidden tests in bubblewrap on this machine.

The app starts from the graded tree in bubblewrap, in a network namespace of its own; the hidden
tests run with pytest and Playwright in a bubblewrap of their own: the system and the Python
install read-only, the task folders, the app's tree and the host's temporary folders hidden,
only their run folder writable, and a network namespace in which the app's address is the only
one that answers (:mod:`~swelancer_env.sandbox.browser_box`), with limits of their own apart
from the app's. The Python that runs the tests is checked first for startup files no package
shipped (:mod:`~swelancer_env.grading.interpreter`).

The hidden tests' pytest starts before it is needed: it starts Playwright and Chromium and waits
(the plugin's ``run_when_told``) for the harness to put the tests in its run folder and say go.
After each grading (and at :meth:`LocalGrader.warm_up`, which the env calls at reset) the next
one starts, so that a grading waits for the app and the tests alone; each serves one grading.
The waiting ones are the process's, not an env's: the graders of one process with the same
settings share one (:class:`_SparePool`), so N envs in a rollout worker hold one idle Python,
Node and Chromium (about 200 MB) rather than N; when two of them grade at once, the second
starts its own.

Layout::

    $TMPDIR/swelancer-grade-<random>/tree/   the starting state with the diff applied: the app
                                             runs from it
    $TMPDIR/swelancer-grade-run-<random>/run/   the hidden tests' sandbox sees only this (and
                                             the system):
        tests/          a copy of the task's hidden tests (put in at the grading)
        plugins/        the grading plugin, importable without the package
        app.sock        the app's address for the tests' network namespace
        pytest.ini, junit.xml, infra.txt, home/
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swelancer_env.appserver import AppServer
from swelancer_env.browser.discovery import find_chromium
from swelancer_env.errors import AppStartError, BrowserNotFoundError, InfrastructureError
from swelancer_env.grading import plugin as plugin_module
from swelancer_env.grading.grader import (
    APP_URL_FILE,
    WARM_START,
    Grader,
    apply_submission,
    blame_start_failure,
    check_decides,
    pytest_args,
    read_report,
    regression_args,
    stage_regression,
)
from swelancer_env.grading.interpreter import check_interpreter
from swelancer_env.grading.result import GradeResult
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.browser_box import AppLink, browser_bwrap
from swelancer_env.sandbox.limits import LimitGroup, ResourceLimits
from swelancer_env.sandbox.worktree import StartingState
from swelancer_env.tasks.loader import app_of
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import force_rmtree, make_temp_dir

__all__ = ["GRADING_LIMITS", "LocalGrader"]

_PLUGIN_NAME = "swelancer_grading_plugin"  # the plugin's copy in a run folder
#: the hidden tests' pytest and its Chromium (which renders the agent's pages)
GRADING_LIMITS = ResourceLimits(memory=4 << 30, pids=2048)


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

    def go(self, task: Task, settings: dict[str, Any]) -> None:
        """Run the tests now in ``run/tests`` with ``settings`` (see
        :meth:`Grader.run_settings`), within ``task``'s grading time from now."""
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        self.timeout = task.limits.grading_timeout_s
        self.started = time.perf_counter()
        line = json.dumps(settings) + "\n"
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
            force_rmtree(self.folder)


class _SparePool:
    """The waiting pytest runs of one process for graders of the same settings: at most
    :attr:`size` wait at once, whatever the number of graders (envs) using it. Emptied when the
    last of its graders closes (or is dropped, or at the interpreter's exit)."""

    size = 1

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.pid = os.getpid()
        self.spares: list[_PytestRun] = []
        self.users: set[int] = set()
        self.lock = threading.Lock()

    def join(self, user: int) -> None:
        with self.lock:
            self.users.add(user)

    def leave(self, user: int) -> None:
        """``user`` is done with the pool; the last one out ends the spares."""
        if os.getpid() != self.pid:  # a forked child's copy: the spares are the parent's
            return
        with self.lock:
            self.users.discard(user)
            if self.users:
                return
            spares, self.spares = self.spares, []
            with _pools_lock:
                if _pools.get(self.key) is self:
                    del _pools[self.key]
        for spare in spares:
            spare.discard()

    def fill(self, start: Callable[[], _PytestRun]) -> None:
        """Start a spare if fewer than :attr:`size` wait (one that died is replaced)."""
        with self.lock:
            for dead in [s for s in self.spares if not s.alive()]:
                self.spares.remove(dead)
                dead.discard()
            if len(self.spares) < self.size:
                self.spares.append(start())

    def take(self) -> _PytestRun | None:
        with self.lock:
            return self.spares.pop(0) if self.spares else None


#: this process's pools by their graders' settings
_pools: dict[tuple[Any, ...], _SparePool] = {}
_pools_lock = threading.Lock()


def _pool(key: tuple[Any, ...]) -> _SparePool:
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or pool.pid != os.getpid():
            pool = _pools[key] = _SparePool(key)
        return pool


class LocalGrader(Grader):
    """Grades diffs against a task's hidden tests on this machine (the local backend's).

    Args:
        chromium: the Chromium executable (else found).
        partial_credit: run every hidden test (else stop at the first failure).
        isolate: run the hidden tests and the app in bubblewrap (default: when it works here;
            without it, a warning at the sandbox says nothing is isolated).
        warm: keep the next grading's pytest, Playwright and Chromium started (a spare): after
            each grading, and from :meth:`warm_up`. A grading then waits only for the app and
            the tests themselves. A spare is used once, and costs an idle Python, Node and
            Chromium (about 200 MB of memory of its own); the graders of one process with the
            same settings share one (see the module's docstring) until the last one closes.
        warm_browser: the waiting pytest has Playwright's driver and Chromium started too
            (about 250 MB idle instead of 40); off, they start once it is told to run, while
            the app starts.
        regression: also run the app's regression tests that the diff's lines touch (see
            :meth:`Grader.regression_tests`).
    """

    def __init__(
        self,
        chromium: str | None = None,
        partial_credit: bool = False,
        isolate: bool | None = None,
        warm: bool = True,
        regression: bool = True,
        max_failures: int | None = None,
        settle: bool = True,
        warm_browser: bool = False,
    ):
        super().__init__(partial_credit=partial_credit, regression=regression, settle=settle)
        #: with partial credit: stop the run at that many tests not passed
        self.max_failures = max_failures
        self.chromium = chromium
        self.isolate = isolate
        self.warm = warm
        self.warm_browser = warm_browser
        self._pool: _SparePool | None = None
        self._finalizer: weakref.finalize | None = None

    def _spares(self) -> _SparePool:
        """The pool of this process for this grader's settings (joined on first use)."""
        key = (self.chromium, self.partial_credit, self.max_failures, self.isolate,
               self.warm_browser)  # fmt: skip
        pool = self._pool
        if pool is None or pool.pid != os.getpid():
            pool = self._pool = _pool(key)
            pool.join(id(self))
            # a grader dropped without close(), or alive at the interpreter's exit, leaves it
            self._finalizer = weakref.finalize(self, pool.leave, id(self))
        return pool

    def close(self) -> None:
        """Leave the pool of spares (the last grader out ends them; see ``warm``). The grader
        stays usable; safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()  # pool.leave, once
        self._pool = self._finalizer = None

    def warm_up(self, task: Task) -> None:
        """Start what a grading of ``task`` will need, in the background, unless it is ready
        (the env calls it at reset: the spare warms while the agent works)."""
        if not self.warm:
            return
        with contextlib.suppress(InfrastructureError, BrowserNotFoundError):  # told later
            self._spares().fill(self._start_pytest)

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
        suite, regression = self.regression_tests(task, diff)
        if suite is not None and regression:
            stage_regression(suite, run)
            result.regression_tests = regression
        # pytest, Playwright and Chromium are started (or start) while the app builds and
        # starts: the tests wait for its address in a file (written once it answers)
        tests_run.go(task, self.run_settings(task, regression_args(regression)))
        link = tests_run.link
        try:
            server = AppServer(
                app, tree, isolate=self.isolate,
                listener=link.tcp if link is not None else None,
                browser_socket=link.unix if link is not None else None, clock=task.clock,
                defer_check=True,
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
            # the app's check (a type check) ran alongside the tests: it is waited for only
            # if it can still fail a grading whose tests passed
            if check_decides(result, self.partial_credit):
                try:
                    server.finish_check()
                except AppStartError as e:
                    result.tests = []
                    blame_start_failure(
                        result, str(e), diff, lambda: self._starting_state_starts(task),
                        "the app's check failed",
                    )  # fmt: skip
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
            force_rmtree(d)

    def _isolated(self) -> bool:
        return isolation.bwrap_available() if self.isolate is None else self.isolate

    def _take_pytest(self) -> _PytestRun:
        """The spare pytest if it still waits, else one started now.

        Raises:
            InfrastructureError: the Python cannot be trusted.
            BrowserNotFoundError: no Chromium.
        """
        check_interpreter()
        spare = self._spares().take() if self.warm else None
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
            "TZ": "UTC",  # Chromium's own zone; a task in another one overrides it per context
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            # only the grading plugin: no plugin installed beside pytest joins the run (faster
            # by about half a second, and nothing else decides how the hidden tests run)
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONPATH": str(run / "plugins"),
            "SWELANCER_APP_URL_FILE": str(run / APP_URL_FILE),
            "SWELANCER_CHROMIUM": chromium,
            "SWELANCER_INFRA_FILE": str(run / "infra.txt"),
            "SWELANCER_WARM_BROWSER": "1" if self.warm_browser else "0",
            **isolation.passed_env(),
        }
        if "PLAYWRIGHT_BROWSERS_PATH" in os.environ:
            env["PLAYWRIGHT_BROWSERS_PATH"] = os.environ["PLAYWRIGHT_BROWSERS_PATH"]
        args = pytest_args(
            str(run / "junit.xml"), str(run / "pytest.ini"), str(run),
            plugin=_PLUGIN_NAME, stop_early=not self.partial_credit,
            max_failures=self.max_failures,
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
            force_rmtree(folder)
            raise
