"""The user tool on the Docker backend: the app and Chromium in a container of their own.

The container (from the sandbox image, with the sandbox's limits, ``--network none`` and the
``swelancer-env`` labels, role ``user_tool``) sees the agent's tree read-only at ``/work/src``
and runs the app, as ``agent``, from a copy of it in ``/work/app`` (a tmpfs), made again when
the tree changed (:func:`~swelancer_env.browser.user_tool.tree_fingerprint`). The browser worker
(``worker.py``, copied in and run by path) runs as root (no capabilities) over an attached
``docker exec -i``: the same JSON lines as on this machine, with Debian's Chromium headless
shell. It writes into ``/ut/out/<call>``, a root-only folder the app cannot touch; after each call the harness reads it out with ``get_archive`` and writes the files into
``<tree>/.swelancer/user_tool/<call>/`` through descriptors that never follow a link, then hands
them to the tree's owner. Nothing is sent to the container's address: the app is reached from
inside only.

Example:
    >>> session = DockerUserToolSession(task, docker_sandbox)  # doctest: +SKIP
    >>> print(session.run().text())  # doctest: +SKIP
    >>> session.close()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
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
from swelancer_env.browser.worker_client import WORKER_FILE, WorkerClient
from swelancer_env.errors import InfrastructureError, SandboxError

__all__ = ["DockerUserToolSession"]

IO_DIR = "/ut"
APP_URL = f"http://127.0.0.1:{APP_PORT}"


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
        self._after_run: Future[dict[str, Any]] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="swl-ut-status")
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
            self._pool.shutdown(wait=True)
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
                status = self._status(reset=True)
                if not status.get("alive"):
                    why = "restarted: it had exited"
                elif status.get("reset") == 200:
                    self._log_mark = int(status.get("log_lines", 0))
                    report.app, report.app_url = "reused, its data reset", APP_URL
                    return True
                else:
                    why = f"restarted: POST {RESET_PATH} did not answer 200"
        self._app_pid, self._fingerprint = None, ""
        remaining = max(0.5, deadline - time.monotonic())
        request = start_request(self.app, remaining, restart=True)
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

    def _stop_app(self) -> None:
        self._app_pid, self._fingerprint = None, ""  # the next start kills what is left

    def _app_log_mark(self) -> int:
        return self._log_mark

    def _app_alive(self) -> bool:
        # one exec for both questions asked after a run: alive, and the log of the run; it
        # was started beside the output's read-out (see _collect)
        pending, self._after_run = self._after_run, None
        status = pending.result() if pending is not None else self._status(log_lines=20)
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

    def _collect(self, out: Path) -> Path:
        if self._box is not None and self._app_pid is not None:
            self._after_run = self._pool.submit(self._status, log_lines=20)
        return super()._collect(out)

    def _fetch(self, out: Path) -> None:
        """Read the call's files out of the container into the harness's private folder."""
        private = self._private(out)
        files: dict[str, bytes] = {}
        if self._box is not None:
            with contextlib.suppress(SandboxError):
                files = self._box.get(f"{IO_DIR}/out/{out.name}", max_bytes=MAX_OUTPUT_FILE)
        for name, data in files.items():
            if "/" in name or name.startswith("."):
                continue
            (private / name).write_bytes(data)
        shutil.rmtree(self._io / "out" / out.name, ignore_errors=True)
