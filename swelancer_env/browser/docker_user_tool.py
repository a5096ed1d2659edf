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
import errno
import os
import shutil
import stat
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from swelancer_env.browser.report import UserToolReport, scrub
from swelancer_env.browser.user_tool import RESET_PATH, UserToolSession, tree_fingerprint
from swelancer_env.browser.worker_client import WORKER_FILE, WorkerClient
from swelancer_env.docker.container import (
    APP_PORT,
    APP_RUN_DIR,
    SRC,
    HarnessContainer,
    PutEntry,
    app_tmpfs,
    start_request,
)
from swelancer_env.docker.image import HEADLESS_SHELL
from swelancer_env.errors import InfrastructureError, SandboxError
from swelancer_env.sandbox.base import OUTPUT_DIR
from swelancer_env.sandbox.docker import DockerSandboxConfig, _config

__all__ = ["DockerUserToolSession"]

IO_DIR = "/ut"
APP_URL = f"http://127.0.0.1:{APP_PORT}"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_PRIVATE = (".png", ".jsonl")  # kept by the harness too: it reads events and screenshots there


class _ContainerWorker(WorkerClient):
    """A worker in the container; stopping it kills every root process there (the worker's)."""

    def __init__(self, box: HarnessContainer, executable: Path, tmp: Path, argv: list[str]):
        self.box = box
        super().__init__(executable, tmp, argv)

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
            :class:`~swelancer_env.sandbox.docker.DockerSandbox`, ``config`` (image and limits)
            and ``run_id``.
        trace: as for :class:`UserToolSession`.
        config: image and limits (default: the sandbox's); ``options`` override it.
        run_id: the containers' run label (default: the sandbox's).

    Raises:
        InfrastructureError: the ``docker`` command is missing (at the first call).
    """

    def __init__(
        self,
        task: Any,
        sandbox: Any,
        trace: str = "snapshots",
        config: DockerSandboxConfig | None = None,
        run_id: str | None = None,
        **options: Any,
    ) -> None:
        base = config or getattr(sandbox, "config", None)
        self.config = _config(base if isinstance(base, DockerSandboxConfig) else None, options)
        self.run_id = run_id or getattr(sandbox, "run_id", None)
        self._box: HarnessContainer | None = None
        self._app_pid: int | None = None
        self._log_mark = 0
        self._out_fd: int | None = None
        self._run_log: str | None = None  # the app's log of the latest run, read with its status
        self._after_run: Future[dict[str, Any]] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="swl-ut-status")
        self._owner: tuple[int, int] | None = None
        super().__init__(task, sandbox, chromium=None, trace=trace)
        self._io = self._tmp / "io"
        self._io.mkdir()
        self._io.chmod(0o711)  # root inside may pass; what it makes there is root's alone

    # -- the container -----------------------------------------------------------------

    def _container(self) -> HarnessContainer:
        if self._box is None:
            box = HarnessContainer(
                self.config, role="user_tool", task_id=self.task.id,
                binds={Path(self.sandbox.tree): (SRC, "ro"), self._io: (IO_DIR, "rw")},
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
            if self._out_fd is not None:
                os.close(self._out_fd)
                self._out_fd = None

    # -- the browser -------------------------------------------------------------------

    def _browser(self, chromium: Any) -> Path:
        return Path(HEADLESS_SHELL)

    def _new_worker(self) -> WorkerClient:
        from swelancer_env.docker.engine import engine_url

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
        return _ContainerWorker(box, self.executable, self._tmp, argv)

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

    # -- the output folder -------------------------------------------------------------

    def _output_dir(self, tree: Path) -> Path:
        """Make the call's folder, walking the tree without following links (see module docs).

        The folder stays root's until the call is over, so nothing can be planted in it.
        """
        self._owner = _owner_of(tree)
        for _ in range(3):
            try:
                return self._make_output_dir(tree)
            except OSError:
                continue  # something in the tree changed under us: once more
        raise InfrastructureError(
            f"could not make the user tool's output folder in {tree / OUTPUT_DIR}; the tree's "
            f"{OUTPUT_DIR} folder keeps changing"
        )

    def _make_output_dir(self, tree: Path) -> Path:
        root = os.open(os.path.realpath(tree), _DIR_FLAGS)
        top = base = -1
        try:
            top = _subdir(root, OUTPUT_DIR, self._owner)
            with contextlib.suppress(FileExistsError):
                fd = os.open(".gitignore", _FILE_FLAGS | os.O_EXCL, 0o644, dir_fd=top)
                try:
                    os.write(fd, b"*\n")
                    if self._owner is not None:
                        os.fchown(fd, *self._owner)
                finally:
                    os.close(fd)
            base = _subdir(top, "user_tool", self._owner)
            call = 1 + max((int(n) for n in os.listdir(base) if n.isdigit()), default=0)
            while True:
                try:
                    os.mkdir(str(call), 0o755, dir_fd=base)
                    break
                except FileExistsError:
                    call += 1
            if self._out_fd is not None:
                os.close(self._out_fd)
            self._out_fd = os.open(str(call), _DIR_FLAGS, dir_fd=base)
        finally:
            for fd in (base, top, root):
                if fd >= 0:
                    os.close(fd)
        return tree / OUTPUT_DIR / "user_tool" / str(call)

    def _worker_out(self, out: Path) -> str:
        return f"{IO_DIR}/out/{out.name}"

    def _collect(self, out: Path) -> Path:
        if self._box is not None and self._app_pid is not None:
            self._after_run = self._pool.submit(self._status, log_lines=20)
        private = self._tmp / "calls" / out.name
        private.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {}
        if self._box is not None:
            with contextlib.suppress(SandboxError):
                files = self._box.get(f"{IO_DIR}/out/{out.name}", max_bytes=256 << 20)
        for name, data in files.items():
            if "/" in name or name.startswith("."):
                continue
            self._write_bytes(name, data)
            if name.endswith(_PRIVATE):
                (private / name).write_bytes(data)
        shutil.rmtree(self._io / "out" / out.name, ignore_errors=True)
        return private / "events.jsonl"

    def _write_out(self, out: Path, name: str, text: str) -> None:
        self._write_bytes(name, text.encode("utf-8"))

    def _write_bytes(self, name: str, data: bytes) -> None:
        if self._out_fd is None:
            return
        fd = os.open(name, _FILE_FLAGS, 0o644, dir_fd=self._out_fd)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def _output_done(self, out: Path) -> None:
        """Hand the call's folder and files to the tree's owner; nothing more goes in."""
        fd, self._out_fd = self._out_fd, None
        if fd is None:
            return
        try:
            if self._owner is not None:
                for name in os.listdir(fd):
                    with contextlib.suppress(OSError):
                        os.chown(name, *self._owner, dir_fd=fd, follow_symlinks=False)
                os.fchown(fd, *self._owner)
        finally:
            os.close(fd)


def _owner_of(tree: Path) -> tuple[int, int] | None:
    """The tree root's owner when a root harness should give what it makes to it."""
    if os.geteuid() != 0:
        return None
    st = os.stat(os.path.realpath(tree))
    if (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid()):
        return None
    return st.st_uid, st.st_gid


def _subdir(parent: int, name: str, owner: tuple[int, int] | None) -> int:
    """Open (making it if needed) the folder ``name`` in ``parent``; a link or file there goes."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        pass
    except OSError as e:
        if e.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        os.unlink(name, dir_fd=parent)  # a link or a file the agent left there
    os.mkdir(name, 0o755, dir_fd=parent)
    fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
    if owner is not None:
        os.fchown(fd, *owner)
    return fd
