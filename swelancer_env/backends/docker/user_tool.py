"""The user tool on the Docker backend: the app and Chromium in a container of their own.

The container (from the sandbox image, with the sandbox's limits, ``--network none`` and the
``swelancer-env`` labels, role ``user_tool``) sees the agent's tree read-only at ``/work/src``
and runs the app, as ``agent``, from a copy of it in ``/work/app`` (a tmpfs), made again when
the tree changed (:func:`~swelancer_env.browser.user_tool.tree_fingerprint`). The browser worker
(``worker.py``, copied in and run by path) runs as root (no capabilities) over an attached
``docker exec -i``: the same JSON lines as on this machine, with Debian's Chromium headless
shell. It writes into ``/ut/out/<call>``, a root-only folder the app cannot touch (the bind of
a folder of the harness's); after each call the harness reads the files there through
descriptors that never follow a link (root inside made them) and writes them into
``<tree>/.swelancer/user_tool/<call>/`` the same way, then hands them to the tree's owner.
Between calls the worker also answers for the app (alive, its data reset, its log's length)
over its pipe: an ``appctl`` exec is needed only to start the app, or to read its log after it
failed. Nothing is sent to the container's address: the app is reached from inside only.

Example:
    >>> session = DockerUserToolSession(task, docker_sandbox)  # doctest: +SKIP
    >>> print(session.run().text())  # doctest: +SKIP
    >>> session.close()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any

from swelancer_env.backends.docker.config import DockerConfig, _config
from swelancer_env.backends.docker.container import (
    APP_PORT,
    APP_RUN_DIR,
    SRC,
    HarnessContainer,
    PutEntry,
    app_tmpfs,
    deps_binds,
    start_request,
)
from swelancer_env.backends.docker.image import HEADLESS_SHELL
from swelancer_env.browser.report import UserToolReport, scrub
from swelancer_env.browser.user_tool import (
    MAX_OUTPUT_FILE,
    RESET_PATH,
    UserToolSession,
    tree_fingerprint,
)
from swelancer_env.browser.worker_client import WORKER_FILE, WorkerClient, WorkerDied
from swelancer_env.errors import InfrastructureError, SandboxError
from swelancer_env.sandbox import treeio

__all__ = ["DockerUserToolSession"]

IO_DIR = "/ut"
APP_URL = f"http://127.0.0.1:{APP_PORT}"
MAX_OUTPUT_ENTRIES = 1000  # files read back per call: more is not the worker's doing


class _ContainerWorker(WorkerClient):
    """A worker in the container; stopping it kills every root process there (the worker's)."""

    def __init__(
        self, box: HarnessContainer, executable: Path, tmp: Path, argv: list[str], trace: str
    ):
        self.box = box
        super().__init__(executable, tmp, argv, trace=trace)

    def close(self, graceful: bool = True) -> None:
        if not graceful:
            self._kill_inside()
        super().close(graceful=graceful)
        if graceful and self.proc.returncode != 0:
            self._kill_inside()

    def _kill_inside(self) -> None:
        # root has no CAP_KILL there: this reaches root's processes only (the worker, its
        # Playwright driver and Chromium), never the app (agent) nor the main process (nobody)
        with contextlib.suppress(SandboxError):
            if self.box.id is not None:
                self.box.exec(["bash", "-c", "kill -KILL -1"], user="0", timeout=10)


class DockerUserToolSession(UserToolSession):
    """The user tool of a Docker episode (see the module's docs).

    Args:
        task: the task.
        sandbox: the episode's sandbox: its ``tree``, ``workdir`` and, for a
            :class:`~swelancer_env.backends.docker.sandbox.DockerSandbox`, ``config`` (image and limits)
            and ``run_id``.
        trace: as for :class:`UserToolSession` (default: the config's ``user_tool_trace``).
        config: image and limits (default: the sandbox's); ``options`` override it.
        run_id: the containers' run label (default: the sandbox's).

    Raises:
        InfrastructureError: the ``docker`` command is missing (at the first call).
    """

    def __init__(
        self,
        task: Any,
        sandbox: Any,
        trace: str | None = None,
        config: DockerConfig | None = None,
        run_id: str | None = None,
        **options: Any,
    ) -> None:
        base = config or getattr(sandbox, "config", None)
        self.config = _config(base if isinstance(base, DockerConfig) else None, options)
        self.run_id = run_id or getattr(sandbox, "run_id", None)
        self._box: HarnessContainer | None = None
        self._app_pid: int | None = None
        self._log_mark = 0
        self._run_log: str | None = None  # the app's log of the latest run, read with its status
        super().__init__(task, sandbox, chromium=None, trace=trace or self.config.user_tool_trace)
        self._io = self._tmp / "io"
        self._io.mkdir()
        self._io.chmod(0o711)  # root inside may pass; what it makes there is root's alone

    # -- the container -----------------------------------------------------------------

    def _container(self) -> HarnessContainer:
        if self._box is None:
            box = HarnessContainer(
                self.config, role="user_tool", task_id=self.task.id,
                binds={
                    Path(self.sandbox.tree): (SRC, "ro"),
                    self._io: (IO_DIR, "rw"),
                    **deps_binds(self.app),
                },
                tmpfs=app_tmpfs(self.config), run_id=self.run_id,
            )  # fmt: skip
            try:
                box.put(
                    IO_DIR,
                    [
                        PutEntry("worker.py", WORKER_FILE.read_bytes()),
                        *(PutEntry(d, None, 0o700) for d in ("out", "home", "tmp")),
                    ],
                )
            except BaseException:
                box.remove()
                raise
            self._box = box
        return self._box

    def close(self) -> None:
        """Stop the worker, then remove the container (the app with it). Idempotent."""
        try:
            super().close()
        finally:
            box, self._box = self._box, None
            if box is not None:
                box.remove()

    # -- the browser -------------------------------------------------------------------

    def _browser(self, chromium: Any) -> Path:
        return Path(HEADLESS_SHELL)

    def _new_worker(self) -> WorkerClient:
        from swelancer_env.backends.docker.engine import engine_url

        docker = shutil.which("docker")
        if docker is None:
            raise InfrastructureError(
                "the user tool on the Docker backend talks to its browser through "
                "`docker exec -i`: install the docker command (apt-get install docker.io)"
            )
        box = self._container()
        url = engine_url()
        argv = [docker, *(["-H", url] if url else []), "exec", "-i", "-u", "0", "-w", IO_DIR]
        env = {
            "HOME": f"{IO_DIR}/home",
            "TMPDIR": f"{IO_DIR}/tmp",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONNOUSERSITE": "1",
        }
        for key, value in env.items():
            argv += ["-e", f"{key}={value}"]
        argv += [box._cid(), "python3", f"{IO_DIR}/worker.py"]
        return _ContainerWorker(box, self.executable, self._tmp, argv, self.trace)

    # -- the app -----------------------------------------------------------------------

    def _ensure_app(self, report: UserToolReport, deadline: float) -> bool:
        box = self._container()
        self._run_log = None
        fingerprint = tree_fingerprint(Path(self.sandbox.tree))
        why = "started"
        if self._app_pid is not None:
            if fingerprint != self._fingerprint:
                why = "restarted: files changed since the last call"
            else:
                status = self._worker_status(reset=True) or self._status(reset=True)
                if not status.get("alive"):
                    why = "restarted: it had exited"
                elif status.get("reset") == 200:
                    self._log_mark = int(status.get("log_lines") or 0)
                    report.app, report.app_url = "reused, its data reset", APP_URL
                    return True
                else:
                    why = f"restarted: POST {RESET_PATH} did not answer 200"
        self._app_pid, self._fingerprint = None, ""
        remaining = max(0.5, deadline - time.monotonic())
        request = start_request(self.app, remaining, restart=True, limits=self.config.tree_limits)
        request["env"] = {**request["env"], **self.task.clock.env()}
        answer = box.appctl(request, timeout=remaining + 10)
        if not answer.get("ok"):
            error = f"The {self.app.name} app {answer.get('error')}."
            if answer.get("log"):
                error += f" Its log ends with:\n{answer['log']}"
            report.app = "did not start"
            report.error = scrub(
                f"The app did not start, so the user could not try anything. {error}"
            )
            report.timed_out = time.monotonic() >= deadline
            return False
        self._app_pid, self._fingerprint, self._log_mark = int(answer["pid"]), fingerprint, 0
        report.app, report.app_url = why, APP_URL
        return True

    def _status(self, reset: bool = False, log_lines: int = 0) -> dict[str, Any]:
        if self._box is None or self._app_pid is None:
            return {"alive": False, "log": ""}
        request: dict[str, Any] = {
            "op": "status",
            "pid": self._app_pid,
            "run_dir": APP_RUN_DIR,
            "from_line": self._log_mark,
            "lines": log_lines,
        }
        if reset:
            request["reset_url"] = APP_URL + RESET_PATH
        return self._box.appctl(request, timeout=15)

    def _worker_status(self, reset: bool = False) -> dict[str, Any] | None:
        """The app's status from the browser worker beside it (``app_status``), in a few
        milliseconds; None when the worker is not up (an ``appctl`` exec answers then)."""
        worker = self._worker
        if worker is None or not worker.launched or self._app_pid is None:
            return None
        request: dict[str, Any] = {
            "op": "app_status",
            "pid": self._app_pid,
            "log": f"{APP_RUN_DIR}/app.log",
        }
        if reset:
            request["reset_url"] = APP_URL + RESET_PATH
        try:
            worker.send(request)
            reply = worker.receive(time.monotonic() + 10)
        except WorkerDied:
            reply = None
        if reply is None or not reply.get("ok"):  # stuck or gone: a new one, in step with us
            self._stop_worker(graceful=False)
            self._worker = self._new_worker()
            return None
        return reply

    def _stop_app(self) -> None:
        self._app_pid, self._fingerprint = None, ""  # the next start kills what is left

    def _app_log_mark(self) -> int:
        return self._log_mark

    def _app_alive(self) -> bool:
        status = self._worker_status()
        if status is not None:
            self._run_log = None  # read only if the report needs it (see _app_log_since)
            return bool(status.get("alive"))
        # no worker (it was stopped at the time limit): one exec for both questions
        status = self._status(log_lines=20)
        self._run_log = str(status.get("log", ""))
        return bool(status.get("alive"))

    def _app_log_since(self, mark: int, lines: int = 20) -> str:
        if self._run_log is not None and mark == self._log_mark:
            return "\n".join(self._run_log.splitlines()[-lines:])
        if self._box is None:
            return ""
        answer = self._box.appctl(
            {"op": "log", "run_dir": APP_RUN_DIR, "from_line": mark, "lines": lines}, timeout=15
        )
        return str(answer.get("log", ""))

    # -- the output folder (made and filled by the base class, through descriptors) ------

    def _worker_out(self, out: Path) -> str:
        return f"{IO_DIR}/out/{out.name}"

    def _fetch(self, out: Path) -> None:
        """Copy the call's files from ``/ut/out/<call>`` (on this machine: ``<io>/out/<call>``)
        into the harness's private folder: regular files only, each read through a descriptor
        that follows no link (root in the container, where Chromium runs, made them), at most
        ``MAX_OUTPUT_FILE`` bytes in all."""
        private = self._private(out)
        fds: list[int] = []
        try:
            fds.append(os.open(self._io, treeio.DIR_FLAGS))
            fds.append(os.open("out", treeio.DIR_FLAGS, dir_fd=fds[-1]))
            fds.append(os.open(out.name, treeio.DIR_FLAGS, dir_fd=fds[-1]))
            folder, total = fds[-1], 0
            with os.scandir(folder) as entries:
                for n, entry in enumerate(entries):
                    if n >= MAX_OUTPUT_ENTRIES:
                        break
                    if entry.name.startswith("."):
                        continue
                    with contextlib.suppress(OSError):
                        info = entry.stat(follow_symlinks=False)
                        if not stat.S_ISREG(info.st_mode) or total + info.st_size > MAX_OUTPUT_FILE:
                            continue
                        data = treeio.read_file(folder, entry.name, MAX_OUTPUT_FILE - total)
                        total += len(data)
                        (private / entry.name).write_bytes(data)
        except OSError:
            pass  # no folder: the worker wrote nothing (the report says what happened)
        finally:
            if len(fds) >= 2:  # removed by descriptor too: `out` may have become a link
                shutil.rmtree(out.name, ignore_errors=True, dir_fd=fds[1])
            for fd in fds:
                os.close(fd)
