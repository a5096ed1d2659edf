"""The user tool: the reporter's reproduction steps, run in a browser against the agent's code.

An action ``{"type": "user_tool"}`` starts the app from the agent's current work tree, has a
person-like "user" follow the task's reproduction steps in Chromium, and returns what happened:
each step and whether it worked, what the user saw, console errors, failed requests, page
errors, the final URL and screenshots. It never gives a verdict: it shows what a user sees.

Writing ``user_tool.py`` (task authors)::

    \"\"\"Reproduction steps: <what the reporter did>.\"\"\"

    def reproduce(user):
        user.login("alice@tally.test")          # a step: the login form, password "password"
        with user.step("Open the report 'Q3 offsite'"):
            user.page.get_by_text("Q3 offsite").click()
        with user.step("Read the total"):
            user.note("Total shown: " + user.page.get_by_test_id("report-total").inner_text())

``user`` has:

- ``user.page``: a Playwright sync ``Page`` in a fresh browser context (no cookies, no storage);
  every action times out after 3 s (navigation 5 s) so that a hang fails fast.
- ``user.url(path="/")``: the app's address for ``path``.
- ``user.step(description)``: a context manager for one thing the user does. It records whether
  the step worked (or the error), and takes a screenshot after it. A failed step ends the run,
  like a user who got stuck: the report says which step failed and why.
- ``user.login(email, password="password")``: a step that opens ``/`` and fills the login form
  (test ids ``login-email``, ``login-password``, ``login-submit``).
- ``user.note(text)``: a line the user sees, shown in the report under the current step.

The script is read from the task folder, never from the work tree; it must not assert anything
(the hidden tests decide). Its prints go nowhere the agent sees.

Per call (``UserToolSession.run``): the app restarts only when the tree changed (paths, mtimes
and sizes, without ``.git`` and ``.swelancer``), else its data is reset with ``POST
/api/dev/reset`` (or, if that fails, it restarts); Chromium stays warm in a worker process
(``swelancer_env.browser.worker``) and each call gets a new context with a Playwright trace.
Files go to ``<tree>/.swelancer/user_tool/<call>/``: ``step-NN.png``, ``trace.zip``,
``events.jsonl``, ``console.log`` and ``report.txt``. A call that passes
``task.limits.user_tool_timeout_s`` is stopped and returns what was recorded until then.

A backend fills in where the browser and the app run (:class:`UserToolSession` is the template;
``swelancer_env.backends.local.user_tool.LocalUserToolSession`` and
``swelancer_env.backends.docker.user_tool.DockerUserToolSession`` are the two that exist).

Example:
    >>> session = LocalUserToolSession(task, sandbox)  # doctest: +SKIP
    >>> report = session.run(viewport=(1280, 800))  # doctest: +SKIP
    >>> print(report.text())  # doctest: +SKIP
    >>> session.close()  # doctest: +SKIP
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import os
import time
from pathlib import Path, PurePosixPath
from typing import Any

from swelancer_env.browser.report import UserToolReport, scrub
from swelancer_env.browser.worker import DEFAULT_VIEWPORT, TRACE_MODES
from swelancer_env.browser.worker_client import WorkerClient, WorkerDied
from swelancer_env.errors import ConfigError, EpisodeError
from swelancer_env.sandbox import treeio
from swelancer_env.sandbox.base import OUTPUT_DIR
from swelancer_env.tasks.loader import app_of
from swelancer_env.tasks.model import Task
from swelancer_env.tempdirs import force_rmtree, make_temp_dir

__all__ = ["RESET_PATH", "UserToolReport", "UserToolSession", "tree_fingerprint"]

#: posted before a call that reuses a running app, to give it fresh data (as the grader does)
RESET_PATH = "/api/dev/reset"
_WIDTHS, _HEIGHTS = (320, 3840), (240, 2160)
#: a file of a call larger than this (a trace of a page that never stops) is not handed over
MAX_OUTPUT_FILE = 256 << 20
_DEFAULT_SCRIPT = """
def reproduce(user):
    with user.step("Open the app's home page"):
        user.page.goto(user.url("/"))
"""


def tree_fingerprint(tree: Path) -> str:
    """A hash of every path, mtime and size under ``tree``, without ``.git`` and ``.swelancer``."""
    # the bounded walk (no recursion, no link followed): a tree past its bounds is hashed as
    # far as the walk went, and where it stopped
    from swelancer_env.sandbox.treewalk import TreeWalk

    digest = hashlib.blake2b(digest_size=16)
    walk = TreeWalk(tree, skip=(".git", OUTPUT_DIR), sort=True)
    for entry in walk:
        if entry.kind == "dir":  # a folder as deep as the walk goes is named, not entered
            if entry.depth >= walk.limits.max_depth:
                entry.descend = False
                digest.update(f"deep {entry.path}\n".encode("utf-8", "surrogateescape"))
            continue
        st = entry.stat()
        if st is not None:
            line = f"{entry.path}\0{st.st_mtime_ns}\0{st.st_size}\0{st.st_mode}\n"
            digest.update(line.encode("utf-8", "surrogateescape"))
    if walk.over is not None:
        digest.update(f"over {walk.over} at {walk.where}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


# -- the session -----------------------------------------------------------------------------


class UserToolSession(abc.ABC):
    """The user tool of one episode: a warm browser, and the app of the current work tree.

    Args:
        task: the task (its ``user_tool.py`` and ``limits.user_tool_timeout_s`` are used).
        sandbox: anything with ``tree`` (host path of the work tree) and ``workdir`` (the
            same folder as the agent's shell sees it).
        chromium: the Chromium executable (else ``find_chromium``).
        trace: the Playwright trace of each call (``trace.zip``): ``"actions"`` (the actions,
            console and network), ``"snapshots"`` (adds a DOM snapshot per action: the trace
            viewer shows every state; about a quarter more per call), ``"full"`` (adds the
            screencast: slower), or ``"off"``.

    Raises:
        BrowserNotFoundError: no Chromium (at construction).
    """

    def __init__(
        self,
        task: Task,
        sandbox: Any,
        chromium: str | os.PathLike[str] | None = None,
        trace: str = "actions",
    ):
        if trace not in TRACE_MODES:
            raise ConfigError(f"trace {trace!r} is not known; use one of {TRACE_MODES}")
        # the task's clock stands at its instant from now on: the app started for the
        # session and every run's pages read the same time
        self.task = task.model_copy(update={"clock": task.clock.anchored()})
        self.trace = trace
        self.sandbox = sandbox
        self.executable = self._browser(chromium)
        self.app = app_of(task)
        self.source = task.user_tool or (
            (task.folder / "user_tool.py").read_text(encoding="utf-8")
            if task.folder is not None and (task.folder / "user_tool.py").is_file()
            else ""
        )
        self.calls = 0
        self._tmp = make_temp_dir("swelancer-usertool-")
        self._worker: WorkerClient | None = None
        self._fingerprint = ""
        self._closed = False
        self._out_fd: int | None = None
        self._last_call = 0  # the last call's number: numbers only grow, also without a folder
        self._owner: tuple[int, int] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def prewarm(self) -> None:
        """Start the browser worker now, without waiting (e.g. at reset): the first call is warm.

        Its launch goes on in the worker process while the caller does other things.
        """
        if self._closed:
            raise EpisodeError("this UserToolSession was closed; make a new one")
        if self._worker is None:
            self._worker = self._new_worker()

    def close(self) -> None:
        """Stop the worker (and its Chromium) and the app. Idempotent."""
        self._closed = True
        self._stop_worker(graceful=True)
        self._stop_app()
        if self._out_fd is not None:
            os.close(self._out_fd)
            self._out_fd = None
        force_rmtree(self._tmp)

    def __enter__(self) -> UserToolSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stop_worker(self, graceful: bool) -> None:
        if self._worker is not None:
            self._worker.close(graceful=graceful)
            self._worker = None

    # -- a call ------------------------------------------------------------------------

    def run(self, viewport: tuple[int, int] | list[int] | None = None) -> UserToolReport:
        """Run the reproduction steps against the current tree; never raises for the agent's code.

        Raises:
            InfrastructureError: Chromium could not start.
            EpisodeError: the session was closed.
        """
        if self._closed:
            raise EpisodeError("this UserToolSession was closed; make a new one")
        started = time.perf_counter()
        limit = self.task.limits.user_tool_timeout_s
        deadline = time.monotonic() + limit
        self.calls += 1
        out = self._output_dir(Path(self.sandbox.tree))
        call = int(out.name)
        agent_dir = PurePosixPath(str(self.sandbox.workdir)) / OUTPUT_DIR / "user_tool" / str(call)
        vp = tuple(viewport) if viewport is not None else DEFAULT_VIEWPORT
        report = UserToolReport(
            call=call, viewport=(int(vp[0]), int(vp[1])), screenshots_dir=str(agent_dir)
        )
        if self._out_fd is None:
            report.warnings.append(
                f"this call's files are not in {agent_dir}: something in the work tree kept "
                f"replacing {OUTPUT_DIR}/user_tool while the user tool made the folder"
            )
        try:
            self._run(report, out, agent_dir, deadline, limit)
        finally:
            report.seconds = time.perf_counter() - started
            self._save(report, out, agent_dir)
            self._output_done(out)
        return report

    # -- what a backend provides: the browser, the app, the output folder ----------------
    # The local backend's session (swelancer_env.backends.local.user_tool) runs them on this
    # machine, in bubblewrap; the Docker backend's (swelancer_env.backends.docker.user_tool) in
    # a container.

    @abc.abstractmethod
    def _browser(self, chromium: str | os.PathLike[str] | None) -> Path:
        """The Chromium the worker launches (as the worker sees it)."""

    @abc.abstractmethod
    def _new_worker(self) -> WorkerClient:
        """Spawn a browser worker where the backend runs browsers; it starts launching at once.

        Raises:
            InfrastructureError: the browser's environment cannot be trusted or made.
        """

    @abc.abstractmethod
    def _ensure_app(self, report: UserToolReport, deadline: float) -> bool:
        """Have an app with fresh data serving the current tree (restarted when the tree
        changed, see :func:`tree_fingerprint`), its address in ``report.app_url``; False, and
        why in ``report``, if not."""

    @abc.abstractmethod
    def _stop_app(self) -> None:
        """Stop the app, if it runs (idempotent)."""

    @abc.abstractmethod
    def _app_log_mark(self) -> int:
        """How many lines the app's log has now."""

    @abc.abstractmethod
    def _app_alive(self) -> bool:
        """Whether the app still runs."""

    @abc.abstractmethod
    def _app_log_since(self, mark: int, lines: int = 20) -> str:
        """The app's log lines after ``mark`` (the last ``lines`` of them)."""

    def _app_exit_reason(self) -> str:
        """`` (out of memory: ...)`` when the app was killed for a limit, else ``""``."""
        return ""

    def _output_dir(self, tree: Path) -> Path:
        """Make ``<tree>/.swelancer/user_tool/<next call>/``, walking the tree by descriptors.

        Nothing is opened by path inside the tree (see :mod:`~swelancer_env.sandbox.treeio`):
        a link or file the agent put where a folder goes is removed, and the call's folder is
        held open (``self._out_fd``) for the writes of this call. It stays the harness's until
        the call is over (:meth:`_output_done` hands it to the tree's owner).

        If the agent's code keeps replacing those folders while the harness makes them, the
        call still runs, with its files in the harness's private folder only (``_out_fd`` is
        None then and :meth:`run` says so in the report): the agent's own race costs it the
        files in the tree, never the step.
        """
        self._owner = treeio.tree_owner(tree)
        for _ in range(3):
            try:
                out = self._make_output_dir(tree)
                break
            except OSError:
                continue  # something in the tree changed under us: once more
        else:
            out = tree / OUTPUT_DIR / "user_tool" / str(self._last_call + 1)
        self._last_call = int(out.name)
        self._private(out).mkdir(parents=True, exist_ok=True)
        return out

    def _make_output_dir(self, tree: Path) -> Path:
        root = treeio.open_tree(tree)
        top = base = -1
        try:
            top = treeio.subdir(root, OUTPUT_DIR, self._owner)
            with contextlib.suppress(FileExistsError):  # keeps `git status` in the tree quiet
                fd = os.open(".gitignore", treeio.NEW_FILE, 0o644, dir_fd=top)
                try:
                    os.write(fd, b"*\n")
                    if self._owner is not None:
                        os.fchown(fd, *self._owner)
                finally:
                    os.close(fd)
            base = treeio.subdir(top, "user_tool", self._owner)
            made = max((int(n) for n in os.listdir(base) if n.isdigit()), default=0)
            call = 1 + max(made, self._last_call)
            while True:
                try:
                    os.mkdir(str(call), 0o755, dir_fd=base)
                    break
                except FileExistsError:
                    call += 1
            if self._out_fd is not None:
                os.close(self._out_fd)
            self._out_fd = os.open(str(call), treeio.DIR_FLAGS, dir_fd=base)
        finally:
            for fd in (base, top, root):
                if fd >= 0:
                    os.close(fd)
        return tree / OUTPUT_DIR / "user_tool" / str(call)

    def _private(self, out: Path) -> Path:
        """The harness's own folder of the call ``out``: the worker writes there, never in the tree."""
        return self._tmp / "calls" / out.name

    def _worker_out(self, out: Path) -> str:
        """The output folder as the worker names it (harness-private)."""
        return str(self._private(out))

    def _fetch(self, out: Path) -> None:
        """Bring the worker's files into the call's private folder (by default they are
        there already: the worker wrote them on this machine)."""
        return

    def _collect(self, out: Path) -> Path:
        """Copy the call's files into the tree (through the held folder); the events file to read.

        The harness reads events and screenshots from its private copy, never from the tree.
        """
        self._fetch(out)
        private = self._private(out)
        with contextlib.suppress(OSError):
            for entry in os.scandir(private):
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                if entry.stat(follow_symlinks=False).st_size > MAX_OUTPUT_FILE:
                    continue
                with contextlib.suppress(OSError):
                    self._write_bytes(entry.name, Path(entry.path).read_bytes())
        return private / "events.jsonl"

    def _write_out(self, out: Path, name: str, text: str) -> None:
        """Write one file of the report into the output folder (and the private copy)."""
        data = text.encode("utf-8")
        (self._private(out) / name).write_bytes(data)
        self._write_bytes(name, data)

    def _write_bytes(self, name: str, data: bytes) -> None:
        if self._out_fd is not None:
            treeio.write_file(self._out_fd, name, data, self._owner)

    def _output_done(self, out: Path) -> None:
        """Hand the call's folder to the tree's owner; nothing more goes in."""
        fd, self._out_fd = self._out_fd, None
        if fd is None:
            return
        try:
            if self._owner is not None:
                os.fchown(fd, *self._owner)
        finally:
            os.close(fd)

    def _run(
        self,
        report: UserToolReport,
        out: Path,
        agent_dir: PurePosixPath,
        deadline: float,
        limit: float,
    ) -> None:
        w, h = report.viewport
        if not (_WIDTHS[0] <= w <= _WIDTHS[1] and _HEIGHTS[0] <= h <= _HEIGHTS[1]):
            report.error = (
                f"viewport [{w}, {h}] is out of range: use a width of {_WIDTHS[0]}-"
                f"{_WIDTHS[1]} and a height of {_HEIGHTS[0]}-{_HEIGHTS[1]} pixels"
            )
            return
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            report.timings[name] = round(now - mark, 3)
            mark = now

        if self._worker is None:  # launching overlaps the app's start
            self._worker = self._new_worker()
        app_ready = self._ensure_app(report, deadline)
        lap("app")
        if not app_ready:
            return
        log_from = self._app_log_mark()
        self._worker.wait_launched(deadline)
        lap("browser_launch_wait")
        if time.monotonic() >= deadline:
            report.timed_out = True
            report.error = f"the app took the whole {limit:.0f} s limit to start"
            return
        if not self.source.strip():
            report.warnings.append(
                "this task has no reproduction steps; the user only opened the app's home page"
            )
        request = {
            "op": "run",
            "source": self.source or _DEFAULT_SCRIPT,
            "base_url": report.app_url,
            "out_dir": self._worker_out(out),
            "viewport": list(report.viewport),
            "trace": self.trace,
            "action_timeout_ms": 3000,
            "navigation_timeout_ms": 5000,
            # the task's instant and zone: the page's clock starts there whatever the date
            "clock": self.task.clock.reading(),
        }
        reply = self._request(request, deadline)
        lap("run")
        report.read_events(self._collect(out), agent_dir)
        lap("collect")
        if reply is None:  # the time limit: the worker was killed, its events remain
            report.timed_out = True
            report.cut_short(f"the run was stopped at the user tool's {limit:.0f} s limit")
        elif not reply.get("ok"):
            report.cut_short(f"the browser stopped during the run: {reply.get('error')}")
        else:
            report.final_url = reply.get("final_url")
            report.timings.update({f"worker_{k}": v for k, v in reply.get("timings", {}).items()})
            if reply.get("trace"):
                report.trace_path = str(agent_dir / reply["trace"])
        alive = self._app_alive()
        if not alive or any((r.status or 0) >= 500 for r in report.failed_requests):
            if not alive:
                why = self._app_exit_reason()
                report.warnings.append("the app exited during the run" + why)
            report.app_log = scrub(self._app_log_since(log_from))

    def _request(self, request: dict[str, Any], deadline: float) -> dict[str, Any] | None:
        """Send a run; None on the time limit. A broken browser is relaunched once."""
        for attempt in (1, 2):
            worker = self._worker or self._new_worker()
            self._worker = worker
            try:
                worker.wait_launched(deadline)
                worker.send(request)
                reply = worker.receive(deadline)
            except WorkerDied as e:
                self._stop_worker(graceful=False)
                if attempt == 2:
                    return {"ok": False, "error": str(e)}
                continue
            if reply is None:
                self._stop_worker(graceful=False)
                return None
            if reply.get("ok") or attempt == 2:
                return reply
            self._stop_worker(graceful=False)  # the browser broke between calls: relaunch
        return None

    def _save(self, report: UserToolReport, out: Path, agent_dir: PurePosixPath) -> None:
        """Write report.txt and console.log beside the screenshots."""
        with contextlib.suppress(OSError):
            if self.source.strip():
                self._write_out(out, "user_tool.py", self.source)
                report.script_path = str(agent_dir / "user_tool.py")
            self._write_out(out, "console.log", report.console_log())
            report.console_log_path = str(agent_dir / "console.log")
            report.events_path = (
                str(agent_dir / "events.jsonl")
                if (self._private(out) / "events.jsonl").exists()
                else None
            )
            report.report_path = str(agent_dir / "report.txt")
            self._write_out(out, "report.txt", report.text() + "\n")
