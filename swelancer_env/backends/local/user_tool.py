"""The local backend's user tool: the app and the browser in bubblewrap on this machine.

The app runs from the agent's tree in bubblewrap, in a network namespace of its own, restarted
only when the tree changed; the browser worker (with Playwright and Chromium) runs in a sandbox
of its own (:mod:`~swelancer_env.sandbox.browser_box`): a network namespace in which only the
app's address answers, and limits of its own. Where bubblewrap does not work, both run
unisolated (the sandbox warns once). See :class:`~swelancer_env.browser.user_tool.UserToolSession`
for what a call does and returns.

Example:
    >>> session = LocalUserToolSession(task, sandbox)  # doctest: +SKIP
    >>> print(session.run().text())  # doctest: +SKIP
    >>> session.close()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from swelancer_env.appserver import AppServer
from swelancer_env.browser.discovery import find_chromium
from swelancer_env.browser.report import UserToolReport, scrub
from swelancer_env.browser.user_tool import RESET_PATH, UserToolSession, tree_fingerprint
from swelancer_env.browser.worker_client import WORKER_FILE, WorkerClient
from swelancer_env.errors import AppStartError
from swelancer_env.grading.interpreter import check_interpreter
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.base import OUTPUT_DIR
from swelancer_env.sandbox.browser_box import (
    BROWSER_LIMITS,
    AppLink,
    browser_bwrap,
    only_origin_args,
)
from swelancer_env.sandbox.limits import LimitGroup
from swelancer_env.sandbox.treewalk import tree_problem
from swelancer_env.tasks.model import Task

__all__ = ["LocalUserToolSession"]


class LocalUserToolSession(UserToolSession):
    """The user tool of one local episode (see the module's docs and :class:`UserToolSession`
    for the arguments)."""

    def __init__(
        self,
        task: Task,
        sandbox: Any,
        chromium: str | os.PathLike[str] | None = None,
        trace: str = "actions",
    ):
        self._server: AppServer | None = None
        self._link: AppLink | None = None
        super().__init__(task, sandbox, chromium=chromium, trace=trace)

    def close(self) -> None:
        """Stop the worker (and its Chromium) and the app, and close the app's address.
        Idempotent."""
        super().close()
        if self._link is not None:
            self._link.close()
            self._link = None

    def _browser(self, chromium: str | os.PathLike[str] | None) -> Path:
        """The Chromium the worker launches."""
        return find_chromium(chromium)

    def _new_worker(self) -> WorkerClient:
        """Spawn a worker; it starts launching Chromium at once.

        Where bubblewrap works (as for the app), the worker, its Playwright driver and Chromium
        run in a sandbox of their own (:mod:`~swelancer_env.sandbox.browser_box`): a network
        namespace in which only the app's address answers, and limits of their own.

        Raises:
            InfrastructureError: this Python runs startup files no package shipped.
        """
        check_interpreter()
        if not isolation.bwrap_available():
            return WorkerClient(self.executable, self._tmp, trace=self.trace)
        link = self._app_link()
        home = self._tmp / "home"
        home.mkdir(exist_ok=True)
        group = LimitGroup(BROWSER_LIMITS, "browser")
        argv = [*browser_bwrap(self._tmp, home, self.executable), *link.reach_argv()]
        worker = self._tmp / WORKER_FILE.name  # the package's folder is hidden in the sandbox
        shutil.copyfile(WORKER_FILE, worker)
        argv += [sys.executable, "-s", str(worker)]
        try:
            return WorkerClient(
                self.executable, self._tmp, argv=group.argv(argv), trace=self.trace,
                chromium_args=only_origin_args(link.port), group=group,
            )  # fmt: skip
        except BaseException:
            group.close()
            raise

    def _app_link(self) -> AppLink:
        """The app's address for the session (made once: the app's restarts keep it)."""
        if self._link is None:
            self._link = AppLink(self._tmp)
        return self._link

    def _stop_app(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._fingerprint = ""

    def _app_log_mark(self) -> int:
        """How many lines the app's log has now."""
        return len(self._server.log_tail().splitlines()) if self._server is not None else 0

    def _app_alive(self) -> bool:
        return self._server is not None and self._server.is_alive()

    def _app_log_since(self, mark: int, lines: int = 20) -> str:
        """The app's log lines after ``mark`` (the last ``lines`` of them)."""
        if self._server is None:
            return ""
        return "\n".join(self._server.log_tail().splitlines()[mark:][-lines:])

    def _ensure_app(self, report: UserToolReport, deadline: float) -> bool:
        """Have an app with fresh data serving the current tree; False (and why) if not."""
        fingerprint = tree_fingerprint(Path(self.sandbox.tree))
        server = self._server
        why = "started"
        if server is not None:
            if not server.is_alive():
                why = "restarted: it had exited"
            elif fingerprint != self._fingerprint:
                why = "restarted: files changed since the last call"
            elif self._reset(server):
                report.app, report.app_url = "reused, its data reset", server.url
                return True
            else:
                why = f"restarted: POST {RESET_PATH} did not answer 200"
        self._stop_app()
        # a tree the build would block on (a FIFO where it reads a module) or that passes the
        # walk's bounds is refused, with what to delete, before anything runs from it
        problem = tree_problem(
            Path(self.sandbox.tree), getattr(self.sandbox, "tree_limits", None),
            skip_top=(".git", OUTPUT_DIR),
        )  # fmt: skip
        if problem is not None:
            report.app = "not started"
            report.error = (
                f"The app was not started, so the user could not try anything: {problem}."
            )
            return False
        remaining = max(0.5, deadline - time.monotonic())
        # the build and the start within the call's limit (a build that blocks, on a FIFO say,
        # ends with the call)
        app = self.app.model_copy(
            update={
                "ready_timeout_s": min(self.app.ready_timeout_s, remaining),
                "build_timeout_s": min(self.app.build_timeout_s, remaining),
            }
        )
        link = self._app_link()  # one address for the session: the app's restarts keep it
        server = AppServer(
            app, Path(self.sandbox.tree), log_lines=1_000_000,
            listener=link.tcp, browser_socket=link.unix, clock=self.task.clock,
        )  # fmt: skip
        try:
            server.start()
        except AppStartError as e:
            report.app = "did not start"
            report.error = scrub(f"The app did not start, so the user could not try anything. {e}")
            report.timed_out = time.monotonic() >= deadline
            return False
        # taken after the start: the app's build writes its output into the tree
        self._server, self._fingerprint = server, tree_fingerprint(Path(self.sandbox.tree))
        report.app, report.app_url = why, server.url
        return True

    @staticmethod
    def _reset(server: AppServer) -> bool:
        req = urllib.request.Request(
            server.url + RESET_PATH,
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def _app_exit_reason(self) -> str:
        return self._server.killed_why() if self._server is not None else ""
