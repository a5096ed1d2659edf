"""Running a task's app from a tree on a free loopback port.

Example:
    >>> with AppServer(load_app("tally"), tree) as server:  # doctest: +SKIP
    ...     print(server.url)
    http://127.0.0.1:41234
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from swelancer_env import appdeps
from swelancer_env.errors import AppStartError
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.limits import LimitGroup, ResourceLimits
from swelancer_env.tasks.model import App, Clock
from swelancer_env.tempdirs import force_rmtree, make_temp_dir

__all__ = ["AppServer", "free_port", "listen_socket"]

_FORWARDER = Path(__file__).with_name("sandbox") / "netfwd.py"
_DEFAULT_LIMITS = ResourceLimits()
_BUILD_TAIL_BYTES = 1 << 20  # of a failed build's output, read for its message


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listen_socket() -> socket.socket:
    """A listening TCP socket on the host's 127.0.0.1 and a free port, for an isolated app."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


class AppServer:
    """One running instance of an app, started from ``tree`` with its own data folder.

    The app runs the agent's code. With ``isolate`` (the default when bubblewrap works) it runs
    in bubblewrap: the system read-only, the tree and its data folder the only places it can
    write, and the task folders, the state cache and the host's temporary folder (where grading
    keeps the hidden tests and the JUnit report) hidden; and in a network namespace of its own,
    with nothing but a loopback. The browser reaches it through a listening socket on the
    host's ``127.0.0.1`` that the harness makes and hands to a forwarder inside the namespace
    (:mod:`swelancer_env.sandbox.netfwd`); the app itself reaches no host service.

    Args:
        app: the app.
        tree: the tree it runs from (its working directory).
        log_lines: lines of its log kept for messages.
        isolate: bubblewrap or not (default: when it works here).
        listener: a listening socket (:func:`listen_socket`) to serve on, kept open across
            restarts so that the app's address stays the same (the user tool's); by default
            the server makes one and closes it at :meth:`stop`. Unused without isolation.
        limits: memory, processes, CPU and file size for the app and what it starts (see
            :mod:`swelancer_env.sandbox.limits`; None: none).
        browser_socket: a listening Unix socket the app is served on too, for a browser in a
            network namespace of its own (:class:`~swelancer_env.sandbox.browser_box.AppLink`).
            Unused without isolation.
        clock: the task's clock: the app gets its zone as ``TZ`` and its instant as
            ``SWELANCER_NOW`` (and ``SWELANCER_TIMEZONE``); None: ``TZ`` is UTC.
        defer_check: :meth:`start` returns once the app answers, its check (a type check)
            still running; :meth:`finish_check` waits for it (a grading whose tests failed
            needs no check: its verdict is known). By default the start waits for both.
    """

    def __init__(
        self,
        app: App,
        tree: Path,
        log_lines: int = 40,
        isolate: bool | None = None,
        listener: socket.socket | None = None,
        limits: ResourceLimits | None = _DEFAULT_LIMITS,
        browser_socket: socket.socket | None = None,
        clock: Clock | None = None,
        defer_check: bool = False,
    ):
        self.app = app
        self.defer_check = defer_check
        self.tree = Path(tree)
        self.isolate = isolate
        self.port = 0
        self.url = ""
        self._log_lines = log_lines
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None
        self._listener = listener
        self._browser_socket = browser_socket
        self._own_listener: socket.socket | None = None
        self.limits = limits
        self.clock = clock
        self._group: LimitGroup | None = None
        #: how long the app's build took at the last start (0 without a build)
        self.build_seconds = 0.0
        self._check: subprocess.Popen[bytes] | None = None
        self._check_group: LimitGroup | None = None
        self._check_started = 0.0

    def start(self) -> AppServer:
        try:
            return self._start()
        except BaseException:
            self.stop()  # idempotent: nothing it made is left (its folder, a build's processes)
            raise

    def _start(self) -> AppServer:
        """Start the app and wait until its ready path answers 200.

        Raises:
            AppStartError: the app exited or did not become ready in time; the message holds
                the end of its log.
        """
        modules = appdeps.prepare(self.app)  # before anything is made that would need removing
        self._tmp = make_temp_dir("swelancer-app-")
        home = self._tmp / "home"
        home.mkdir()
        (home / "data").mkdir()
        prefix = self._prefix(home, modules)
        # isolated, the app sees its tree and home at fixed places, so that its messages (a
        # traceback in the user tool's report) hold no temporary path of this run
        seen_home = Path(isolation.AGENT_HOME) if prefix else home
        data_dir = seen_home / "data"
        listener: socket.socket | None = None
        if prefix:
            listener = self._listener
            if listener is None:
                listener = self._own_listener = listen_socket()
            self.port = int(listener.getsockname()[1])
        else:
            self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = self.app.start.format(port=self.port, data_dir=data_dir)
        argv = ["bash", "-c", f"exec {command}"]
        fds: tuple[int, ...] = ()
        if listener is not None:  # the app inside its own network, the forwarder in front
            fds = (listener.fileno(),)
            if self._browser_socket is not None:
                fds += (self._browser_socket.fileno(),)
            source = _FORWARDER.read_text(encoding="utf-8")
            argv = [*prefix, sys.executable, "-I", "-S", "-c", source]
            argv += [",".join(map(str, fds)), str(self.port), "bash", "-c", f"exec {command}"]
        # the app runs the agent's code: it gets a minimal environment, not the harness's
        # (which may hold API keys)
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(seen_home),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            **(self.clock.env() if self.clock is not None else {}),
            **isolation.passed_env(),
        }
        seen_modules = Path(isolation.AGENT_DEPS) if prefix and modules else modules
        env = appdeps.build_env(seen_modules, env)
        self._log = (self._tmp / "app.log").open("wb")
        self._start_check(prefix, env)  # alongside the build and the start: it reads the sources
        at_once = bool(self.app.build) and self.app.start_during_build
        if self.app.build and not at_once:
            self._build(prefix, env)
        if self.limits is not None:
            self._group = LimitGroup(self.limits, "app")
            argv = self._group.argv(argv)
        self._proc = self._popen(argv, env, fds)
        if at_once:
            self._build(prefix, env)  # a failure stops the app too
        try:
            self._wait_ready()
            if not self.defer_check:
                self.finish_check()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_check(self, prefix: list[str], env: dict[str, str]) -> None:
        """Start the app's check (a type check) in its tree, isolated like the app."""
        if not self.app.check:
            return
        assert self._tmp is not None
        argv = [*prefix, "bash", "-c", self.app.check]
        self._check_group = LimitGroup(self.limits, "check") if self.limits is not None else None
        self._check_started = time.perf_counter()
        with (self._tmp / "check.log").open("wb") as out:
            self._check = subprocess.Popen(
                self._check_group.argv(argv) if self._check_group is not None else argv,
                cwd=self.tree, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def finish_check(self) -> None:
        """Wait for the check started with the app (at once if it is over or there is none);
        its failure fails the start (``defer_check``: call it after :meth:`start`).

        Raises:
            AppStartError: the check failed or took longer than the build may.
        """
        proc = self._check
        if proc is None:
            return
        left = self.app.build_timeout_s - (time.perf_counter() - self._check_started)
        try:
            code: int | None = proc.wait(timeout=max(0.1, left))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        finally:
            self._check = None
            if self._check_group is not None:
                self._check_group.close()
                self._check_group = None
        if code == 0:
            return
        assert self._tmp is not None
        with (self._tmp / "check.log").open("rb") as out:
            out.seek(max(0, out.seek(0, os.SEEK_END) - _BUILD_TAIL_BYTES))
            lines = out.read().decode(errors="replace").splitlines()
        why = (
            f"did not finish within {self.app.build_timeout_s:.0f} s"
            if code is None
            else f"failed (exit {code})"
        )
        raise AppStartError(
            f"The {self.app.name} app's check (`{self.app.check}`) {why}. Its output ends "
            "with:\n" + "\n".join(lines[-self._log_lines :])
        )

    def _popen(
        self, argv: list[str], env: dict[str, str], fds: tuple[int, ...] = ()
    ) -> subprocess.Popen[bytes]:
        """A process of the app's (its build, the app itself) in the tree, output to its log."""
        return subprocess.Popen(
            argv, cwd=self.tree, pass_fds=fds, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def _build(self, prefix: list[str], env: dict[str, str]) -> None:
        """Run the app's build command in its tree, isolated like the app, before it starts.

        Raises:
            AppStartError: the build failed or took too long (with the end of its output).
        """
        assert self._log is not None and self._tmp is not None and self.app.build is not None
        argv = [*prefix, "bash", "-c", self.app.build]
        group = LimitGroup(self.limits, "build") if self.limits is not None else None
        started = time.perf_counter()
        # its own log (the app may be writing to app.log meanwhile), added to app.log after
        build_log = self._tmp / "build.log"
        with build_log.open("wb") as out:
            proc = subprocess.Popen(
                group.argv(argv) if group is not None else argv, cwd=self.tree, env=env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            code = proc.wait(timeout=self.app.build_timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        finally:
            if group is not None:
                group.close()
        self.build_seconds = time.perf_counter() - started
        with build_log.open("rb") as out:
            shutil.copyfileobj(out, self._log)
            out.seek(max(0, out.seek(0, os.SEEK_END) - _BUILD_TAIL_BYTES))
            output = out.read()
        self._log.flush()
        if code != 0:
            why = (
                f"did not finish within {self.app.build_timeout_s:.0f} s"
                if code is None
                else f"failed (exit {code})"
            )
            lines = output.decode(errors="replace").splitlines()
            tail = "\n".join(lines[-self._log_lines :])  # of its last _BUILD_TAIL_BYTES
            self.stop()
            raise AppStartError(
                f"The {self.app.name} app's build (`{self.app.build}`) {why}. "
                f"Its output ends with:\n{tail}"
            )

    def _prefix(self, home: Path, modules: Path | None = None) -> list[str]:
        isolate = isolation.bwrap_available() if self.isolate is None else self.isolate
        if not isolate:
            return []
        if not isolation.bwrap_available():
            raise AppStartError(
                "isolate=True but bubblewrap does not work here: apt-get install bubblewrap"
            )
        return isolation.bwrap_argv(
            self.tree,
            home,
            hide=isolation.hidden_paths(),
            keep=isolation.interpreter_paths(),
            network=False,
            tree_at=isolation.AGENT_TREE,
            deps=modules,
            home_at=isolation.AGENT_HOME,
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.app.ready_timeout_s
        ready = self.url + self.app.ready_path
        proc = self._proc
        while proc is not None:
            if proc.poll() is not None:
                raise AppStartError(
                    f"The {self.app.name} app exited with code {proc.returncode} before "
                    f"it was ready{self.killed_why()}. Its log ends with:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(ready, timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError,
                    http.client.HTTPException, ValueError):  # fmt: skip
                pass  # not ready: also an answer that is not HTTP (the app is the agent's code)
            if time.monotonic() > deadline:
                raise AppStartError(
                    f"The {self.app.name} app did not answer {self.app.ready_path} within "
                    f"{self.app.ready_timeout_s:.0f} s. Its log ends with:\n{self.log_tail()}"
                )
            time.sleep(0.02)

    def log_tail(self) -> str:
        """The last lines of the app's output."""
        if self._tmp is None or not (self._tmp / "app.log").exists():
            return ""
        text = (self._tmp / "app.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-self._log_lines :])

    def killed_why(self) -> str:
        """`` (out of memory: ...)`` when the kernel killed the app's processes for its limit."""
        group = self._group
        if group is not None and group.oom_kills():
            return f" (the kernel killed it: out of memory, its limit is {group.describe()})"
        return ""

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """Kill the app's whole process group and remove its data. Idempotent."""
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait()
            self._proc = None
        if self._group is not None:
            self._group.close()  # what the app left behind, however detached
            self._group = None
        if self._check is not None:  # a start that failed before its check finished
            try:
                os.killpg(self._check.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._check.wait()
            self._check = None
        if self._check_group is not None:
            self._check_group.close()
            self._check_group = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
        if self._own_listener is not None:
            self._own_listener.close()
            self._own_listener = None
        if self._tmp is not None:
            force_rmtree(self._tmp)
            self._tmp = None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
