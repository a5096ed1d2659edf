"""Short-lived harness containers: where grading and the user tool run the agent's code.

A :class:`HarnessContainer` is made from the sandbox image with the sandbox's limits (``--network
none``, memory without swap, CPUs, pids, ``docker-init``, a read-only root, no capabilities,
``no-new-privileges``) and the ``swelancer-env`` labels (plus ``swelancer-env.role``), so
:func:`swelancer_env.backends.docker.sandbox.janitor` finds one a crashed run left. Its main process
sleeps as ``nobody``: neither the agent's processes nor root's (which have no ``CAP_KILL``) can
end it, so "kill every process of my user" is a safe way to stop the app or the browser.

The harness reaches in only through the engine: ``exec`` (attached, with a deadline),
``put_archive`` into a bind-mounted folder, ``get_archive`` out of one. A read-only root takes
no archive, and the engine cannot see into a tmpfs.

Example:
    >>> box = HarnessContainer(config, role="grade", task_id="t", binds={"/tmp/x": ("/x", "ro")})
    >>> box.exec(["id", "-u"], user="agent", timeout=10).output  # doctest: +SKIP
    '1000\\n'
    >>> box.remove()  # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import os
import select
import struct
import tarfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from swelancer_env.appdeps import build_env, has_deps, prepare
from swelancer_env.backends.docker.config import DEPS_AT, DockerConfig
from swelancer_env.backends.docker.sandbox import LABEL, _remove_container, current_run_id
from swelancer_env.errors import SandboxError
from swelancer_env.sandbox import treeio
from swelancer_env.sandbox.treewalk import TreeLimits, TreeWalk
from swelancer_env.tasks.model import App

__all__ = [
    "APPCTL",
    "APP_DIR",
    "APP_ENV",
    "DEPS_AT",
    "deps_binds",
    "APP_PORT",
    "APP_RUN_DIR",
    "SRC",
    "ExecResult",
    "HarnessContainer",
    "PutEntry",
    "RunningExec",
    "app_tmpfs",
    "start_request",
    "tree_entries",
]

#: the in-container app keeper's source (run with ``python3 -c``)
APPCTL = (Path(__file__).with_name("appctl.py")).read_text(encoding="utf-8")
#: where the app listens inside (its loopback; the container has no other network)
APP_PORT = 8000
#: the submitted tree (read-only bind) and the app's copy of it (the agent's tmpfs)
SRC, APP_DIR = "/work/src", "/work/app"
#: the app's folder of data, log and home inside the container
APP_RUN_DIR = "/tmp/swelancer-app"
#: the app's environment inside the container (the image's PATH)
APP_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "TZ": "UTC",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}
_NOBODY = "65534:65534"
_MAX_OUTPUT = 256_000  # characters of an exec's output kept (the tail)


class ExecResult(BaseModel):
    """What a command run with :meth:`HarnessContainer.exec` did."""

    exit_code: int | None  # None: still running at the deadline
    output: str
    timed_out: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class PutEntry:
    """One member of an archive put into a container: a file (``data``) or a folder (None)."""

    name: str
    data: bytes | None = None
    mode: int = 0o644
    uid: int = 0
    gid: int = 0


#: the bounds of a task's folder put into a container (its hidden tests: the harness's own)
_PUT_LIMITS = TreeLimits(max_depth=64, max_entries=100_000, max_bytes=1 << 30)


def tree_entries(folder: Path, prefix: str, mode: int = 0o644) -> list[PutEntry]:
    """The folders and regular files under ``folder`` as entries under ``prefix`` (root-owned).

    Raises:
        SandboxError: the folder is past :data:`_PUT_LIMITS` (deeper than 64, ...).
    """
    entries = [PutEntry(prefix, None, 0o755)]
    walk = TreeWalk(folder, _PUT_LIMITS, sort=True)
    for entry in walk:
        if entry.kind == "dir":
            entries.append(PutEntry(f"{prefix}/{entry.path}", None, 0o755))
        elif entry.kind == "file" and not entry.name.endswith(".pyc"):
            data = treeio.read_file(entry.dir_fd, entry.name, _PUT_LIMITS.max_bytes)
            entries.append(PutEntry(f"{prefix}/{entry.path}", data, mode))
    if walk.over is not None:
        raise SandboxError(f"{folder}: {walk.problem('it')}")
    return entries


def app_tmpfs(config: DockerConfig) -> dict[str, str]:
    """The tmpfs the app's copy lives in: the agent's, executable, as big as ``/tmp``."""
    return {APP_DIR: f"size={config.tmp_size},uid=1000,gid=1000,mode=0755,exec"}


def deps_binds(app: App | None) -> dict[Path, tuple[str, str]]:
    """The read-only mount of ``app``'s prepared ``node_modules`` at :data:`DEPS_AT` (installed
    on the host once, if not yet); none for an app without npm dependencies."""
    modules = prepare(app) if app is not None else None
    return {modules: (DEPS_AT, "ro")} if modules is not None else {}


def deps_env(app: App | None, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with ``app``'s npm tools (at :data:`DEPS_AT`) on ``PATH`` and ``NODE_PATH``."""
    return build_env(Path(DEPS_AT) if app is not None and has_deps(app) else None, dict(base))


def start_request(
    app: App, timeout: float, restart: bool = False, limits: TreeLimits | None = None
) -> dict[str, Any]:
    """The app keeper's ``start`` request for ``app`` on :data:`APP_PORT` (its build first).

    ``limits``: the bounds of the tree it copies (default :class:`TreeLimits`'s; the config's
    ``tree_limits``): past one, or with a FIFO, socket or device in it, the app is not started
    and the answer says why.
    """
    return {
        "op": "start",
        "src": SRC,
        "dst": APP_DIR,
        "build": app.build_and_check,  # the check (a type check) alongside the build
        "build_timeout": app.build_timeout_s,
        "start_during_build": app.start_during_build,
        "command": app.start.format(port=APP_PORT, data_dir=f"{APP_RUN_DIR}/data"),
        "ready_url": f"http://127.0.0.1:{APP_PORT}{app.ready_path}",
        "timeout": min(app.ready_timeout_s, timeout)
        + (app.build_timeout_s if app.build_and_check else 0),
        "run_dir": APP_RUN_DIR,
        "env": deps_env(app, APP_ENV),
        "restart": restart,
        "limits": (limits or TreeLimits()).model_dump(),
    }


class HarnessContainer:
    """A started container for the harness's own work; :meth:`remove` it when done.

    Args:
        config: the image and limits (a :class:`DockerConfig`; its shell settings are
            not used).
        role: ``"grade"`` or ``"user_tool"``, put on the ``swelancer-env.role`` label.
        task_id: the task label.
        binds: host folder -> (container path, ``"ro"`` or ``"rw"``).
        tmpfs: container path -> mount options, beside ``/tmp`` and ``/home/agent``.
        run_id: the run label (default :func:`current_run_id`).

    Raises:
        SandboxError: the engine is unreachable or the container did not start.
    """

    def __init__(
        self,
        config: DockerConfig,
        *,
        role: str,
        task_id: str,
        binds: Mapping[Path, tuple[str, str]] | Mapping[str, tuple[str, str]],
        tmpfs: Mapping[str, str] | None = None,
        run_id: str | None = None,
    ) -> None:
        from swelancer_env.backends.docker.engine import docker_client

        self.client = docker_client()
        self.config = config
        image = config.image
        if image is None:
            from swelancer_env.backends.docker.image import build_image

            image = build_image()
        self.image = image
        mounts = {
            "/tmp": f"size={config.tmp_size},mode=1777",
            "/home/agent": "size=64m,uid=1000,gid=1000,mode=0700",
            **(tmpfs or {}),
        }
        host_config = self.client.api.create_host_config(
            binds={str(h): {"bind": c, "mode": m} for h, (c, m) in binds.items()},
            network_mode="none",
            mem_limit=config.memory,
            memswap_limit=config.memory,
            nano_cpus=int((config.harness_cpus or os.cpu_count() or 1) * 1e9),
            pids_limit=config.pids_limit,
            init=True,
            read_only=True,
            tmpfs=mounts,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
        )
        labels = {
            LABEL: "1",
            f"{LABEL}.run": run_id or current_run_id(),
            f"{LABEL}.task": task_id,
            f"{LABEL}.role": role,
        }
        self.id: str | None = None
        try:
            created = self.client.api.create_container(
                image,
                ["sleep", "infinity"],
                user=_NOBODY,
                labels=labels,
                host_config=host_config,
                network_disabled=True,
            )
            self.id = created["Id"]
            self.client.api.start(self.id)
        except Exception as exc:
            if self.id is not None:
                self.remove()
            hint = (
                "; build it with `python -m swelancer_env.backends.docker.image`"
                if "No such image" in str(exc)
                else ""
            )
            raise SandboxError(f"could not start a container from {image}: {exc}{hint}") from exc

    # -- operations --------------------------------------------------------------------------

    def exec(
        self,
        argv: list[str],
        *,
        user: str,
        timeout: float,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
    ) -> ExecResult:
        """Run ``argv`` to its end (or ``timeout``), its stdout and stderr together.

        At the deadline the command is left running (the caller removes the container or kills
        it) and ``timed_out`` is set.

        Raises:
            SandboxError: the engine refused the exec.
        """
        return self.start(argv, user=user, env=env, workdir=workdir).result(timeout)

    def start(
        self,
        argv: list[str],
        *,
        user: str,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        stdin: bool = False,
    ) -> RunningExec:
        """Start ``argv`` and return at once; ``stdin``: :meth:`RunningExec.send` writes to it.

        Raises:
            SandboxError: the engine refused the exec.
        """
        cid = self._cid()
        try:
            ex = self.client.api.exec_create(
                cid, argv, stdin=stdin, stdout=True, stderr=True, tty=False, user=user,
                workdir=workdir, environment=dict(env or {}),
            )  # fmt: skip
            raw: Any = self.client.api.exec_start(ex["Id"], socket=True)
        except Exception as exc:
            raise SandboxError(f"could not run {argv[0]} in container {cid[:12]}: {exc}") from exc
        return RunningExec(self.client, ex["Id"], raw)

    def appctl(
        self, request: Mapping[str, Any], timeout: float, ready: RunningExec | None = None
    ) -> dict[str, Any]:
        """Ask the in-container app keeper (:mod:`swelancer_env.backends.docker.appctl`), as ``agent``.

        ``ready``: a keeper started ahead by :meth:`start_appctl` takes the request (one exec
        less: about a quarter of a second); when it cannot, a new one does.

        Returns its answer; ``{"ok": False, "infra": True, "error": ...}`` when it gave none.
        """
        line = (json.dumps(dict(request)) + "\n").encode()
        res: ExecResult | None = None
        if ready is not None:
            try:
                ready.send(line)
                res = ready.result(timeout)
            except SandboxError:
                ready.close()
        if res is None:
            res = self.start_appctl(request).result(timeout)
        for line_out in reversed(res.output.splitlines()):
            if line_out.startswith("{"):
                try:
                    answer = json.loads(line_out)
                except json.JSONDecodeError:
                    continue
                if isinstance(answer, dict):
                    return answer
        why = "did not answer in time" if res.timed_out else f"exited {res.exit_code}"
        return {
            "ok": False,
            "infra": True,
            "error": f"the app keeper {why}: {res.output[-1500:]}",
            "log": "",
        }

    def start_appctl(self, request: Mapping[str, Any] | None = None) -> RunningExec:
        """Start the app keeper with ``request``, or (None) waiting for one on its stdin.

        Raises:
            SandboxError: the engine refused the exec.
        """
        arg = json.dumps(dict(request)) if request is not None else "-"
        return self.start(
            ["python3", "-c", APPCTL, arg],
            user="agent",
            env={"PYTHONDONTWRITEBYTECODE": "1"},
            workdir="/",
            stdin=request is None,
        )

    def put(self, dest: str, entries: Iterable[PutEntry]) -> None:
        """Extract ``entries`` (names relative to ``dest``) into ``dest``, a bind-mounted folder.

        Raises:
            SandboxError: the engine refused the archive.
        """
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
            now = time.time()
            for e in entries:
                info = tarfile.TarInfo(e.name)
                info.uid, info.gid, info.mode, info.mtime = e.uid, e.gid, e.mode, now
                if e.data is None:
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                else:
                    info.size = len(e.data)
                    tar.addfile(info, io.BytesIO(e.data))
        try:
            ok = self.client.api.put_archive(self._cid(), dest, buf.getvalue())
        except Exception as exc:
            raise SandboxError(f"could not copy files into {dest} in the container: {exc}") from exc
        if not ok:
            raise SandboxError(f"the engine refused to copy files into {dest} in the container")

    def get(self, path: str, max_bytes: int = 256 << 20) -> dict[str, bytes]:
        """The regular files under ``path`` (a bind-mounted folder), by path relative to it.

        Returns an empty mapping when ``path`` does not exist. Links, devices and anything past
        ``max_bytes`` in all are left out.

        Raises:
            SandboxError: the engine failed otherwise.
        """
        import docker.errors

        try:
            stream, _ = self.client.api.get_archive(self._cid(), path)
            buf = io.BytesIO()
            for chunk in stream:
                buf.write(chunk)
                if buf.tell() > max_bytes + (1 << 20):
                    break
        except docker.errors.NotFound:
            return {}
        except Exception as exc:
            raise SandboxError(f"could not copy {path} out of the container: {exc}") from exc
        buf.seek(0)
        files: dict[str, bytes] = {}
        total = 0
        top = os.path.basename(path.rstrip("/"))
        try:
            with tarfile.open(fileobj=buf, mode="r:") as tar:
                for member in tar:
                    if not member.isreg():
                        continue
                    name = member.name
                    name = name[len(top) + 1 :] if name.startswith(top + "/") else name
                    total += member.size
                    if total > max_bytes or not name:
                        continue
                    f = tar.extractfile(member)
                    if f is not None:
                        files[name] = f.read()
        except tarfile.ReadError:
            pass  # cut short at max_bytes: what was read is kept
        return files

    def remove(self) -> None:
        """Remove the container and everything running in it. Idempotent."""
        cid, self.id = self.id, None
        if cid is not None:
            _remove_container(cid)

    def _cid(self) -> str:
        if self.id is None:
            raise SandboxError("this harness container was removed")
        return self.id


class RunningExec:
    """A command started in a container by :meth:`HarnessContainer.start`."""

    def __init__(self, client: Any, exec_id: str, raw: Any) -> None:
        self.client, self.exec_id, self.raw, self.sock = client, exec_id, raw, raw._sock
        self.started = time.perf_counter()

    def send(self, data: bytes) -> None:
        """Write ``data`` to its stdin (started with ``stdin=True``).

        Raises:
            SandboxError: the command's stdin is closed (it ended).
        """
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise SandboxError(f"could not write to the command's stdin: {exc}") from exc

    def running(self) -> bool:
        """Whether it still runs (one question to the engine; False if the engine forgot it)."""
        try:
            return bool(self.client.api.exec_inspect(self.exec_id).get("Running"))
        except Exception:  # noqa: BLE001 - the engine does not know it: not usable
            return False

    def result(self, timeout: float) -> ExecResult:
        """Read its output to its end or ``timeout`` s from now; then let go of its stream
        (at the deadline the command is left running, and ``timed_out`` set)."""
        try:
            payload, ended = _read_frames(self.sock, time.monotonic() + timeout)
        finally:
            self.close()
        code: int | None = None
        if ended:
            for _ in range(100):  # the engine records the exit code just after the stream ends
                info = self.client.api.exec_inspect(self.exec_id)
                if not info.get("Running"):
                    code = info.get("ExitCode")
                    break
                time.sleep(0.002)
        text = payload.decode("utf-8", errors="replace")[-_MAX_OUTPUT:]
        return ExecResult(
            exit_code=code,
            output=text,
            timed_out=not ended,
            seconds=time.perf_counter() - self.started,
        )

    def close(self) -> None:
        """Let go of its stream (the command goes on, or gets EOF on stdin). Idempotent."""
        for closer in (self.raw.close, self.sock.close):
            try:
                closer()
            except OSError:
                pass


def _read_frames(sock: Any, deadline: float) -> tuple[bytes, bool]:
    """Read an attached exec's stream to its end or the deadline: (payload, ended)."""
    sock.setblocking(False)
    frames, out = bytearray(), bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return bytes(out), False
        if not select.select([sock], [], [], remaining)[0]:
            continue
        try:
            data = sock.recv(1 << 16)
        except BlockingIOError:
            continue
        except OSError:
            return bytes(out), True
        if not data:
            return bytes(out), True
        frames += data
        while len(frames) >= 8:  # header: stream, 0, 0, 0, payload length
            size = struct.unpack_from(">I", frames, 4)[0]
            if len(frames) < 8 + size:
                break
            out += frames[8 : 8 + size]
            del frames[: 8 + size]
        if len(out) > 4 * _MAX_OUTPUT:
            del out[: len(out) - _MAX_OUTPUT]
