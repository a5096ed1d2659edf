"""Grading in a fresh container: nothing of the agent's container takes part.

For each submission (the same ``grade(task, diff)`` as :class:`~swelancer_env.grading.grader.
Grader`): the starting state plus the diff is made on the host, in a temporary folder, while a new
container starts from the sandbox image (no network, the sandbox's limits and labels). Inside:

1. as soon as the container is up, the pytest plugin enters, by ``put_archive``, in
   ``/grade/run``: a folder only root can open; pytest starts there as root (no capabilities):
   it starts Playwright and the headless Chromium and waits for a line on its stdin; the hidden
   tests enter, and the line is sent; the tests wait for the app's address in a file;
2. meanwhile the submitted tree, bind-mounted read-only at ``/work/src``, is copied to
   ``/work/app`` (a tmpfs of the unprivileged ``agent``), built, and the app starts from it as
   ``agent``; its address (or ``error``) is put in the file;
3. the tests run, writing their JUnit report to ``/grade/run/out`` (root-only);
4. the harness reads the report out with ``get_archive``; the verdict is returned while the
   container and the folder are removed in the background.

Every grading has a container no other grading used. After a grading, the next container for the
same app is started in the background (a spare, with an empty folder of its own, and its pytest
and Chromium started), so the next grading does not wait for them; :meth:`DockerGrader.warm_up`
starts one before the first grading (the env calls it at reset). :meth:`DockerGrader.close`
removes the spares and waits for the removals (a grader that is dropped, and the interpreter's
exit, do the same).

The app's code can neither read the tests nor write the report: it runs as another user, and
the tests' folder is root's, mode 0700. App-start failures are blamed as the local grader does:
on the agent when the starting state starts, else on the infrastructure.

Example:
    >>> grader = DockerGrader(memory="2g")  # doctest: +SKIP
    >>> grader.grade(task, gold_diff(task)).passed  # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from swelancer_env.backends.docker.config import DockerConfig, _config
from swelancer_env.backends.docker.container import (
    APP_PORT,
    SRC,
    ExecResult,
    HarnessContainer,
    PutEntry,
    RunningExec,
    app_tmpfs,
    deps_binds,
    start_request,
    tree_entries,
)
from swelancer_env.backends.docker.image import HEADLESS_SHELL
from swelancer_env.errors import SandboxError
from swelancer_env.grading import plugin as plugin_module
from swelancer_env.grading.grader import (
    APP_URL_FILE,
    P2P_DIR,
    WARM_START,
    Grader,
    apply_submission,
    blame_start_failure,
    pytest_args,
    read_report,
    regression_args,
    regression_files,
)
from swelancer_env.grading.result import GradeResult
from swelancer_env.sandbox.worktree import StartingState
from swelancer_env.tasks.loader import app_of
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import force_rmtree, make_temp_dir, temp_dir

__all__ = ["PYTEST_ENV", "DockerGrader", "pytest_argv"]

_removals_pool: tuple[int, ThreadPoolExecutor] | None = None


def _removals() -> ThreadPoolExecutor:
    """Removes finished gradings' containers and folders off the verdict's path (about 0.15 s
    each). Its threads are joined at the interpreter's exit, after the removals still queued;
    a forked child (a pool's worker) makes its own."""
    global _removals_pool
    if _removals_pool is None or _removals_pool[0] != os.getpid():
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="swl-grade-remove")
        _removals_pool = (os.getpid(), pool)
    return _removals_pool[1]


GRADE_DIR = "/grade"
RUN = f"{GRADE_DIR}/run"
PLUGIN_MODULE = "swelancer_grading_plugin"
_PLUGIN_SOURCE = Path(plugin_module.__file__)


def _start_request(grader: Any, task: Task, limit: float) -> dict[str, Any]:
    """The app keeper's ``start`` request for ``task``'s app, at the task's clock and zone."""
    request = start_request(app_of(task), limit, limits=grader.config.tree_limits)
    request["env"] = {**request["env"], **task.clock.env()}
    return request


PYTEST_ENV = {
    "HOME": f"{RUN}/home",
    "TMPDIR": f"{RUN}/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
    # only the grading plugin: no plugin installed beside pytest joins the run (faster by about
    # half a second, and nothing else decides how the hidden tests run)
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "SWELANCER_APP_URL_FILE": f"{RUN}/{APP_URL_FILE}",
    "SWELANCER_CHROMIUM": HEADLESS_SHELL,
    "SWELANCER_INFRA_FILE": f"{RUN}/out/infra.txt",
}


def _run_folder() -> list[PutEntry]:
    """The run folder before the tests enter: the plugin, pytest.ini, and root-only home, tmp
    and out."""
    return [
        PutEntry("run", None, 0o700),
        PutEntry(f"run/{PLUGIN_MODULE}.py", _PLUGIN_SOURCE.read_bytes()),
        PutEntry("run/pytest.ini", b"[pytest]\n"),
        PutEntry("run/out", None, 0o700),
        PutEntry("run/home", None, 0o700),
        PutEntry("run/tmp", None, 0o700),
    ]


def pytest_argv(stop_early: bool) -> list[str]:
    """pytest started warm (see the plugin's ``run_when_told``): it waits for its line."""
    args = pytest_args(
        f"{RUN}/out/junit.xml", f"{RUN}/pytest.ini", RUN, PLUGIN_MODULE, stop_early=stop_early
    )
    return ["python3", "-s", "-c", WARM_START.format(plugin=PLUGIN_MODULE), *args]


class DockerGrader(Grader):
    """Grades diffs against a task's hidden tests, each in a new container.

    Args:
        config: image and limits (memory, CPUs, pids, ``/tmp`` size); ``options`` (the same
            fields as keywords) override it. The shell settings of the config are not used.
        partial_credit: reward the fraction of hidden tests passed.
        run_id: the run label of the containers (default: this process's).

    ``last_timings`` holds the phases of the latest grading, in seconds. A grading's container
    is removed in the background once its verdict is read, and a spare is started for the next
    grading of the same app: :meth:`close` removes the spares and waits for the removals.
    """

    def __init__(
        self,
        config: DockerConfig | None = None,
        *,
        partial_credit: bool = False,
        run_id: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(partial_credit=partial_credit)
        self.config = _config(config, options)
        self.regression = self.config.regression_tests
        self.settle = self.config.settle_early
        self.run_id = run_id
        self.last_timings: dict[str, float] = {}
        self._starts: set[str] = set()  # starting states whose app was seen to start
        self._launches: dict[Path, _Launch] = {}  # a grading folder -> its container
        self._spares: dict[tuple[str, ...], _Launch] = {}  # app's mounts -> the next container
        self._removals: list[Future[None]] = []
        self._lock = threading.Lock()
        # a grader dropped without close(), or alive at the interpreter's exit: no spare is left
        self._finalizer = weakref.finalize(self, _remove_spares, self._spares, self._lock)

    def close(self) -> None:
        """Remove the spare containers, and wait until the containers and folders of finished
        gradings are removed. The grader stays usable; safe to call twice."""
        _remove_spares(self._spares, self._lock)
        with self._lock:
            pending, self._removals = self._removals, []
        wait(pending)

    def _discard(self, tmp: Path) -> None:
        launch = self._launches.pop(tmp, None)
        with self._lock:
            self._removals = [f for f in self._removals if not f.done()]
            self._removals.append(_removals().submit(_remove, launch, tmp))
        if launch is not None:  # the next grading of this app need not wait for its container
            self._start_spare(launch.binds_extra, launch.app_name)

    def warm_up(self, task: Task) -> None:
        """Start the container (and its pytest and Chromium) for a grading of ``task``, in the
        background, unless one is ready."""
        self._start_spare(deps_binds(app_of(task)), task.app)

    def _start_spare(self, binds_extra: dict[Path, tuple[str, str]], app_name: str) -> None:
        """A spare container for the app of these mounts, unless one is there (or warm grading
        is off)."""
        if not self.config.warm_grading:
            return
        key = _Launch.key_of(binds_extra)
        with self._lock:
            if key not in self._spares:
                self._spares[key] = _Launch(
                    self, f"next {app_name} grading", binds_extra,
                    make_temp_dir("swelancer-grade-"), app_name,
                )  # fmt: skip

    def _launch(self, task: Task, tmp: Path) -> _Launch:
        """A spare container for ``task``'s app if one started, else one started now in
        ``tmp``."""
        extra = deps_binds(app_of(task))
        with self._lock:
            spare = self._spares.pop(_Launch.key_of(extra), None)
        if spare is not None and spare.failed():
            _removals().submit(_remove, spare, None)
            spare = None
        return spare or _Launch(self, task.id, extra, tmp, task.app)

    def _grade_in(self, tmp: Path, task: Task, diff: str, result: GradeResult) -> None:
        timings = self.last_timings = {}
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            timings[name] = round(now - mark, 3)
            mark = now

        launch = self._launches[tmp] = self._launch(task, tmp)  # removed by _discard
        # pytest, Playwright and Chromium start as soon as the container is up, while the tree
        # is made and the app builds and starts: the tests wait for its address in a file
        pool = ThreadPoolExecutor(1, thread_name_prefix="swl-grade-pytest")
        tests = pool.submit(self._pytest, launch, task, diff, result, timings)
        try:
            result.infra_error = apply_submission(task, diff, launch.folder / "tree")
            lap("tree")
            box = launch.wait()
            lap("container")
            if result.infra_error:
                return  # pytest ends with the container
            self._run(launch, box, task, diff, result, lap, tests)
        except SandboxError as e:
            result.infra_error = f"the grading container failed: {e}"
        finally:
            pool.shutdown(wait=False)  # after a failure, the exec ends with the container

    def _pytest(
        self,
        launch: _Launch,
        task: Task,
        diff: str,
        result: GradeResult,
        timings: dict[str, float],
    ) -> ExecResult:
        """Put the hidden tests (and the regression tests the diff needs) in the container and
        let its pytest run them (in a thread of ``_grade_in``)."""
        tests = launch.pytest()
        started = time.perf_counter()
        entries = tree_entries(task.tests_dir, "run/tests")
        suite, regression = self.regression_tests(task, diff)
        if suite is not None and regression:
            entries.append(PutEntry(f"run/{P2P_DIR}", None, 0o755))
            entries += [
                PutEntry(f"run/{P2P_DIR}/{name}", data, 0o644)
                for name, data in regression_files(suite).items()
            ]
            result.regression_tests = regression
        launch.wait().put(GRADE_DIR, entries)
        limit = task.limits.grading_timeout_s
        settings = self.run_settings(task, regression_args(regression))
        tests.send((json.dumps(settings) + "\n").encode())
        timings["tests_in"] = round(time.perf_counter() - started, 3)
        # past the deadline pytest is left running: the container is removed with it
        run = tests.result(limit)
        run.seconds = time.perf_counter() - started
        return run

    def _run(
        self,
        launch: _Launch,
        box: HarnessContainer,
        task: Task,
        diff: str,
        result: GradeResult,
        lap: Any,
        tests: Future[ExecResult],
    ) -> None:
        limit = task.limits.grading_timeout_s
        started = launch.appctl(_start_request(self, task, limit), timeout=limit)
        lap("app")
        url = f"http://127.0.0.1:{APP_PORT}\n" if started.get("ok") else "error\n"
        box.put(GRADE_DIR, [PutEntry(f"run/{APP_URL_FILE}", url.encode(), 0o600)])
        run = tests.result()
        if not started.get("ok"):
            error = f"The {task.app} app {started.get('error')}."
            if started.get("log"):
                error += f" Its log ends with:\n{started['log']}"
            if started.get("infra"):
                result.infra_error = error
            else:
                blame_start_failure(result, error, diff, lambda: self._starting_state_starts(task))
            return
        if not diff.strip():
            self._starts.add(StartingState.get(task).key)
        result.pytest_seconds = run.seconds
        lap("pytest")
        if run.timed_out:
            result.reason = f"the hidden tests did not finish within {limit:.0f} s"
        out = box.get(f"{RUN}/out", max_bytes=32 << 20)
        lap("report_out")
        local = make_temp_dir("swelancer-grade-out-")
        try:
            junit = local / "junit.xml"
            if "junit.xml" in out:
                junit.write_bytes(out["junit.xml"])
            infra = out.get("infra.txt", b"").decode(errors="replace")
            read_report(result, junit, infra, run.output, run.exit_code)
        finally:
            force_rmtree(local)

    def _starting_state_starts(self, task: Task) -> bool:
        """Whether the app starts from the starting state, in a container of its own."""
        key = StartingState.get(task).key
        if key in self._starts:
            return True
        with temp_dir("swelancer-grade-check-") as d:
            launch = _Launch(self, task.id, deps_binds(app_of(task)), Path(d), task.app)
            try:
                StartingState.get(task).materialize_tree(launch.folder / "tree")
                box = launch.wait()
                limit = task.limits.grading_timeout_s
                ok = bool(box.appctl(_start_request(self, task, limit), timeout=limit).get("ok"))
            except SandboxError:
                ok = False
            finally:
                launch.remove()
        if ok:
            self._starts.add(key)
        return ok


def _remove(launch: _Launch | None, folder: Path | None) -> None:
    """Remove a grading's container and folders (in the background)."""
    folders = [folder] if folder is not None else []
    try:
        if launch is not None:
            folders.append(launch.folder)
            launch.remove()
    finally:
        for path in set(folders):
            force_rmtree(path)


def _remove_spares(spares: dict[tuple[str, ...], _Launch], lock: threading.Lock) -> None:
    with lock:
        taken = list(spares.values())
        spares.clear()
    for spare in taken:
        _remove(spare, None)


class _Launch:
    """A grading container started in a thread, bound to a folder of its own: ``tree`` (the
    submission, read-only at ``/work/src``; it may be made while the container starts) and
    ``grade`` (``/grade``), and read-only to ``binds_extra`` (the app's npm dependencies)."""

    def __init__(
        self,
        grader: DockerGrader,
        label: str,
        binds_extra: dict[Path, tuple[str, str]],
        folder: Path,
        app_name: str,
    ) -> None:
        self.box: HarnessContainer | None = None
        self._pytest: RunningExec | None = None
        self._appctl: RunningExec | None = None  # the app keeper, waiting for its request
        self.error: BaseException | None = None
        self.folder, self.app_name, self.binds_extra = folder, app_name, binds_extra
        self.key = self.key_of(binds_extra)
        tree, grade_dir = folder / "tree", folder / "grade"
        tree.mkdir()
        grade_dir.mkdir()
        grade_dir.chmod(0o711)  # root inside may pass; ``run`` inside is root's alone
        binds = {tree: (SRC, "ro"), grade_dir: (GRADE_DIR, "rw"), **binds_extra}

        # the thread keeps no hold on the grader
        config, run_id, stop_early = grader.config, grader.run_id, not grader.partial_credit
        env = {**PYTEST_ENV, "SWELANCER_WARM_BROWSER": "1" if config.warm_browser else "0"}

        def run() -> None:
            try:
                self.box = box = HarnessContainer(
                    config, role="grade", task_id=label, binds=binds,
                    tmpfs=app_tmpfs(config), run_id=run_id,
                )  # fmt: skip
                box.put(GRADE_DIR, _run_folder())
                self._pytest = box.start(
                    pytest_argv(stop_early), user="0", env=env, workdir=RUN, stdin=True
                )
                self._appctl = box.start_appctl()
            except BaseException as exc:  # handed to wait()
                self.error = exc

        self._thread = threading.Thread(target=run, name="swl-grade-launch", daemon=True)
        self._thread.start()

    @staticmethod
    def key_of(binds_extra: dict[Path, tuple[str, str]]) -> tuple[str, ...]:
        return tuple(sorted(f"{h}:{c}:{m}" for h, (c, m) in binds_extra.items()))

    def failed(self) -> bool:
        """Whether it has already failed to start, or its pytest has ended while it waited."""
        if self._thread.is_alive():
            return False
        if self.box is None or self.error is not None or self._pytest is None:
            return True
        return not self._pytest.running()

    def pytest(self) -> RunningExec:
        """Its pytest, waiting for the tests (once the container is up).

        Raises:
            SandboxError: the container or pytest did not start.
        """
        self.wait()
        if self._pytest is None:  # pragma: no cover - run() sets it or an error
            raise SandboxError("pytest did not start in the grading container")
        return self._pytest

    def appctl(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Ask the app keeper: the one started with the container if it still waits."""
        box = self.wait()
        ready, self._appctl = self._appctl, None
        if ready is not None and not ready.running():
            ready.close()
            ready = None
        return box.appctl(request, timeout=timeout, ready=ready)

    def wait(self) -> HarnessContainer:
        self._thread.join()
        if self.error is not None:
            raise self.error
        if self.box is None:  # pragma: no cover - run() sets one or the other
            raise SandboxError("the grading container did not start")
        return self.box

    def remove(self) -> None:
        """Remove the container (once it has started, or failed to). Idempotent."""
        if self._thread is not threading.current_thread():
            self._thread.join()
        for name in ("_pytest", "_appctl"):
            running: RunningExec | None = getattr(self, name)
            setattr(self, name, None)
            if running is not None:
                running.close()
        box, self.box = self.box, None
        if box is not None:
            box.remove()
