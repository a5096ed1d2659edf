"""The Docker sandbox: the episode's shell in a container with no network and hard limits.

The work tree stays on the host (so edits, diffs and the user tool work as on the local backend)
and is bind-mounted at ``/work/app``, owned by the container's ``agent`` user (uid 1000). The
container: ``--network none``, memory (no swap), CPU and pid limits, ``docker-init`` as PID 1, a
read-only root with size-capped tmpfs at ``/tmp`` and ``/home/agent``, no capabilities beyond
those the warden needs, ``no-new-privileges``, and ``swelancer-env`` labels so that
:func:`janitor` finds what a crashed run left behind.

One persistent bash runs through one attached exec (see :mod:`swelancer_env.backends.docker.shell`); a
command past its timeout is ended with every process it started, ``setsid`` daemons included, by
the container's warden. Out-of-memory kills are read from the container's memory cgroup
(``oom_kill`` in ``memory.oom_control`` on cgroup v1, ``memory.events`` on v2), and forks refused
at the process limit from its pids cgroup (``max`` in ``pids.events``, v1 and v2): a step that met
the limit ends with every process it started killed, and says so.

The tree, on the host's disk, has the episode's disk quota (the config's ``tree_limits``): a
shell step after which it holds more says so at the end of its output
(:class:`~swelancer_env.sandbox.quota.DiskQuota`, measured from the host), and
:meth:`DockerSandbox.diff` refuses the submission while it does. ``/tmp`` and the home are tmpfs
of a fixed size.

Example:
    >>> from swelancer_env.sandbox.worktree import StartingState
    >>> with DockerSandbox(StartingState.get(task), memory="1g") as box:  # doctest: +SKIP
    ...     box.run("id -u && ls /sys/class/net", timeout=10).output
    '1000\\nlo\\n'
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swelancer_env.appdeps import build_env
from swelancer_env.backends.docker.config import DEPS_AT, DockerConfig, _config
from swelancer_env.errors import SandboxError, SubmissionTooLarge
from swelancer_env.sandbox.base import CommandResult, DiffLimits, Sandbox
from swelancer_env.sandbox.bash_session import BashSession, ShellTransport
from swelancer_env.sandbox.quota import DiskQuota
from swelancer_env.sandbox.treewalk import DEPTH_CAP, TreeLimits, TreeWalk
from swelancer_env.tempdirs import force_rmtree, make_temp_dir

#: the image's own PATH (Debian's default), which the app's npm tools go in front of
_IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

if TYPE_CHECKING:
    import docker

    from swelancer_env.backends.docker.shell import Warden
    from swelancer_env.sandbox.worktree import StartingState

__all__ = ["DockerSandbox", "current_run_id", "janitor"]

LABEL = "swelancer-env"
WORKDIR = "/work/app"
AGENT_UID = 1000
_run_id: str | None = None
_run_id_lock = threading.Lock()


def current_run_id() -> str:
    """This process's run id (``$SWELANCER_RUN_ID``, else made once): a label on its containers."""
    global _run_id
    with _run_id_lock:
        if _run_id is None:
            _run_id = os.environ.get("SWELANCER_RUN_ID") or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        return _run_id


class DockerSandbox(Sandbox):
    """A work tree on the host and one persistent bash in a locked-down container.

    The tree is copied (and handed to uid 1000) on construction; :meth:`start` starts the
    container and its shell; :meth:`stop` removes both and the folder.

    Args:
        state: the task's starting state, copied into a new temporary folder.
        config: the settings; ``options`` (the same fields as keywords) override it.
        run_id: the run id put on the container's labels (default :func:`current_run_id`).
        task_id: the task id label (default ``state.task_id``).
        temp_root: where to make the folder (default: the system's temporary folder).
        deps: the app's prepared ``node_modules`` (:func:`swelancer_env.appdeps.prepare`),
            mounted read-only with its tools on ``PATH``, so that the agent can build.
    """

    workdir = WORKDIR

    def __init__(
        self,
        state: StartingState,
        config: DockerConfig | None = None,
        *,
        run_id: str | None = None,
        task_id: str | None = None,
        temp_root: Path | None = None,
        deps: Path | None = None,
        **options: Any,
    ) -> None:
        self.config = _config(config, options)
        #: the app's prepared ``node_modules`` on the host, mounted read-only at ``DEPS_AT``
        self.deps = deps
        #: where the tree is in the container (the config's ``workdir``)
        self.workdir = self.config.workdir
        self.state = state
        self.run_id = run_id or current_run_id()
        self.task_id = task_id or state.task_id
        self.root = make_temp_dir(f"swelancer-docker-{self.task_id}-", dir=temp_root)
        self.tree = self.root / "tree"
        self.private_git = self.root / "private.git"
        #: the tree's disk quota, checked after each command
        self.quota = DiskQuota([("the work tree", self.tree)], self.config.tree_limits)
        self.container_id: str | None = None
        self._session: BashSession | None = None
        self._warden: Warden | None = None
        self._oom_path: Path | None = None
        self._oom_seen = 0
        self._pids_path: Path | None = None  # the container's pids.events on this host
        self._forks_seen = 0
        self._started = self._stopped = False
        # the shell's user: uid 1000 owns the tree; a non-root harness cannot give it away, so
        # its shell runs as the harness's own uid instead
        self._uid = AGENT_UID if os.geteuid() == 0 else os.geteuid()
        self._user = self.config.user if os.geteuid() == 0 else f"{os.geteuid()}:{os.getegid()}"
        # The container starts while the tree is copied: a bind mount needs only the folder.
        self._launch_error: BaseException | None = None
        self._launcher = threading.Thread(target=self._launch, name="swl-docker-launch")
        try:
            self.tree.mkdir()
            self._launcher.start()
            state.materialize(self.tree, self.private_git)
            if os.geteuid() == 0:
                _chown_tree(self.tree, AGENT_UID)
        except BaseException:
            self.stop()
            raise

    def shell_env(self) -> dict[str, str]:
        """Variables the shell gets on top of the image's (``PATH``, ``LANG``)."""
        tools = build_env(Path(DEPS_AT), {"PATH": _IMAGE_PATH}) if self.deps else {}
        return {
            **tools,
            "HOME": "/home/agent",
            "USER": "agent",
            "LOGNAME": "agent",
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "PAGER": "cat",
            "GIT_PAGER": "cat",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "TMPDIR": "/tmp",
            **self.config.env,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the container and its shell (the tree was copied on construction).

        Raises:
            SandboxError: the engine is unreachable, the image is missing, or the shell did not
                start; everything made so far is removed first.
        """
        if self._stopped:
            raise SandboxError("this Docker sandbox was stopped; make a new one")
        if self._started:
            return
        self._started = True
        try:
            self._launcher.join()
            if self._launch_error is not None:
                raise self._launch_error
            self._start_shell()
        except BaseException:
            self.stop()
            raise

    def _launch(self) -> None:
        """Create and start the container (in a thread, while the tree is copied)."""
        try:
            self._create_container()
        except BaseException as exc:  # handed to start()
            self._launch_error = exc

    def _create_container(self) -> None:
        from swelancer_env.backends.docker.engine import docker_client
        from swelancer_env.backends.docker.shell import CONTROL_DIR, WARDEN_SCRIPT, Warden

        cfg = self.config
        client = docker_client()
        image = cfg.image
        if image is None:
            from swelancer_env.backends.docker.image import build_image

            image = build_image()
        uid = self._uid
        control = self.root / "control"
        control.mkdir(mode=0o700)
        (control / "warden.sh").write_text(WARDEN_SCRIPT)
        self._warden = Warden(control)
        host_config = client.api.create_host_config(
            binds={
                str(self.tree): {"bind": cfg.workdir, "mode": "rw"},
                str(control): {"bind": CONTROL_DIR, "mode": "rw"},
                **({str(self.deps): {"bind": DEPS_AT, "mode": "ro"}} if self.deps else {}),
            },
            network_mode="none",
            mem_limit=cfg.memory,
            memswap_limit=cfg.memory,
            nano_cpus=int(cfg.cpus * 1e9),
            pids_limit=cfg.pids_limit,
            init=True,
            read_only=True,
            tmpfs={
                "/tmp": f"size={cfg.tmp_size},mode=1777",
                "/home/agent": f"size=64m,uid={uid},gid={uid},mode=0700",
                **{path: "size=64k,mode=0555" for path in cfg.hide},  # shown empty
            },
            cap_drop=["ALL"],
            # the warden's: signal any process, open its FIFOs, run at nice -20
            cap_add=["KILL", "DAC_OVERRIDE", "SYS_NICE"],
            security_opt=["no-new-privileges"],
        )
        labels = {LABEL: "1", f"{LABEL}.run": self.run_id, f"{LABEL}.task": self.task_id}
        try:
            created = client.api.create_container(
                image,
                ["bash", "--noprofile", "--norc", f"{CONTROL_DIR}/warden.sh"],
                user="0",
                working_dir=cfg.workdir,
                labels=labels,
                host_config=host_config,
                network_disabled=True,
            )
            self.container_id = created["Id"]
            client.api.start(self.container_id)
        except Exception as exc:
            hint = (
                "; build it with `python -m swelancer_env.backends.docker.image`"
                if "No such image" in str(exc)
                else ""
            )
            raise SandboxError(f"could not start a container from {image}: {exc}{hint}") from exc
        self._oom_path, self._pids_path = _counter_paths(client, self.container_id)
        self._oom_seen = self._oom_count()
        self._forks_seen = self._forks_count()

    def _start_shell(self) -> None:
        from swelancer_env.backends.docker.engine import docker_client, engine_url
        from swelancer_env.backends.docker.shell import ApiExecTransport, CliExecTransport

        cfg, client = self.config, docker_client()
        user = self._user
        if self.container_id is None:  # pragma: no cover - _launch sets it or fails
            raise SandboxError("the container did not start")
        env = self.shell_env()
        cid, warden = self.container_id, self._warden
        url = engine_url()

        def factory() -> ShellTransport:
            if cfg.exec_transport == "cli":
                return CliExecTransport(client, cid, user, cfg.workdir, env, warden, engine=url)
            return ApiExecTransport(client, cid, user, cfg.workdir, env, warden)

        self._session = BashSession(factory, output_limit=cfg.output_limit)
        self._session.start()

    def stop(self) -> None:
        """Remove the container (killing all in it) and the temporary folders. Idempotent."""
        self._stopped = True
        if self._launcher.ident is not None:
            self._launcher.join()
        session, self._session = self._session, None
        try:
            if session is not None:
                transport = session.transport
                if transport is not None:
                    transport.doomed = True  # type: ignore[attr-defined]
                session.close()
        finally:
            if self._warden is not None:
                self._warden.close()
                self._warden = None
            cid, self.container_id = self.container_id, None
            try:
                if cid is not None:
                    _remove_container(cid)
            finally:
                if self.root.exists():
                    force_rmtree(self.root)

    def is_alive(self) -> bool:
        return self._session is not None and self._session.is_alive()

    @property
    def tree_limits(self) -> TreeLimits:
        """The tree's disk quota and bounds (the config's ``tree_limits``, or as set since)."""
        return self.quota.limits

    @tree_limits.setter
    def tree_limits(self, limits: TreeLimits) -> None:
        self.quota = DiskQuota([("the work tree", self.tree)], limits)

    # -- operations --------------------------------------------------------------------------

    def run(self, command: str, timeout: float) -> CommandResult:
        """Run ``command`` in the container's persistent shell (see :meth:`Sandbox.run`).

        An out-of-memory kill in the container during the command sets ``oom_killed`` and adds a
        line to the output; so does a fork the process limit refused (``[process limit: ...]``),
        after every process the shell started was killed (a fork bomb goes on after its command
        returned).

        Raises:
            SandboxError: the sandbox is not started, or its shell cannot be restarted.
        """
        if self._session is None:
            raise SandboxError("the Docker sandbox is not running; call start() first")
        result = self._session.run(command, timeout)
        count = self._oom_count()
        if count > self._oom_seen:
            kills, self._oom_seen = count - self._oom_seen, count
            note = (
                f"[out of memory: the container's memory limit ({self.config.memory}) was "
                f"reached and the kernel killed {kills} process(es)]\n"
            )
            text = result.output
            text += note if not text or text.endswith("\n") else "\n" + note
            result = result.model_copy(update={"output": text, "oom_killed": True})
        forks = self._forks_count()
        if forks > self._forks_seen:
            transport = self._session.transport
            if transport is not None:
                transport.kill_command()
            after = max(forks, self._forks_count())  # the bomb's last forks, refused meanwhile
            note = (
                f"[process limit: the container may run {self.config.pids_limit} processes at "
                f"once; {after - self._forks_seen} fork(s) were refused, and every process the "
                "shell had started was killed]\n"
            )
            self._forks_seen = after
            text = result.output
            text += note if not text or text.endswith("\n") else "\n" + note
            result = result.model_copy(update={"output": text})
        quota = self.quota.note()
        if quota is not None:
            text = result.output
            text += ("" if not text or text.endswith("\n") else "\n") + quota + "\n"
            result = result.model_copy(update={"output": text})
        return result

    def diff(self, paths: list[str] | None = None, limits: DiffLimits | None = None) -> str:
        """The agent's change (see :meth:`Sandbox.diff`), once the tree is within its quota
        and the tree under ``paths`` within the config's ``tree_limits``.

        Raises:
            SubmissionTooLarge: over the diff's ``limits``, over the quota, past the tree's
                bounds, or a FIFO, socket or device under ``paths``.
            SandboxError: the sandbox was stopped, or git failed.
        """
        from swelancer_env.sandbox.worktree import diff_tree

        if self._stopped:
            raise SandboxError("this sandbox was stopped; its tree is gone")
        problem = self.quota.check(force=True)
        if problem is not None:
            raise SubmissionTooLarge(problem)
        return diff_tree(self.tree, self.private_git, paths, limits, self.quota.limits)

    def adopt(self, diff: str) -> None:
        """As :meth:`Sandbox.adopt`; what it wrote is handed to the shell's user, as the rest
        of the tree."""
        super().adopt(diff)
        if os.geteuid() == 0:
            _chown_tree(self.tree, self._uid)

    # -- internals ---------------------------------------------------------------------------

    def _oom_count(self) -> int:
        """The container's ``oom_kill`` counter: from the host's cgroup files, else the warden."""
        return self._counter(self._oom_path, "oom_kill", "oom", self._oom_seen)

    def _forks_count(self) -> int:
        """How many forks the container's process limit refused (``pids.events``: ``max``)."""
        return self._counter(self._pids_path, "max", "pids", self._forks_seen)

    def _counter(self, path: Path | None, key: str, request: str, last: int) -> int:
        """A cgroup counter: ``key``'s line of the host file at ``path``, else the warden's
        answer to ``request``, else ``last`` (nothing new)."""
        if path is not None:
            try:
                return _parse_counter(path.read_text(), key)
            except OSError:
                pass
        if self._warden is not None:
            answer = self._warden.call(request, 2.0)
            head, _, value = (answer or "").partition(" ")
            if head == request and value.lstrip("-").isdigit():
                return max(0, int(value))
        return last


#: the bounds of a fresh copy of a starting state (the harness's own: only a sanity bound)
_STATE_LIMITS = TreeLimits(max_depth=DEPTH_CAP, max_entries=5_000_000, max_bytes=1 << 50)


def _chown_tree(tree: Path, uid: int) -> None:
    """Hand a fresh copy of a starting state (before the agent's shell starts) to ``uid``."""
    os.lchown(tree, uid, uid)
    for entry in TreeWalk(tree, _STATE_LIMITS, sizes=False):
        os.chown(entry.name, uid, uid, dir_fd=entry.dir_fd, follow_symlinks=False)


def _parse_counter(text: str, name: str) -> int:
    """The number on ``name``'s line of a cgroup counter file (``oom_kill 2``, ``max 0``)."""
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return 0


def _counter_paths(
    client: docker.DockerClient, container_id: str
) -> tuple[Path | None, Path | None]:
    """The host files of the container's ``oom_kill`` and forks-refused counters (memory
    cgroup, pids cgroup; v1 or v2), each None when this host cannot see it."""
    try:
        pid = int(client.api.inspect_container(container_id)["State"]["Pid"])
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except (OSError, KeyError, ValueError, TypeError):
        return None, None
    found: dict[str, Path] = {}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        folder = path.lstrip("/")
        candidates: dict[str, Path] = {}
        if controllers == "" and folder:  # v2: one folder holds both files
            candidates["oom"] = Path("/sys/fs/cgroup", folder, "memory.events")
            candidates["pids"] = Path("/sys/fs/cgroup", folder, "pids.events")
        if "memory" in controllers.split(","):
            candidates["oom"] = Path("/sys/fs/cgroup/memory", folder, "memory.oom_control")
        if "pids" in controllers.split(","):
            candidates["pids"] = Path("/sys/fs/cgroup/pids", folder, "pids.events")
        for kind, candidate in candidates.items():
            if kind not in found and candidate.is_file():
                found[kind] = candidate
    return found.get("oom"), found.get("pids")


def _remove_container(container_id: str) -> None:
    import docker.errors

    from swelancer_env.backends.docker.engine import docker_client

    for attempt in range(3):
        try:
            docker_client().api.remove_container(container_id, force=True, v=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            if "removal of container" in str(exc) and "already in progress" in str(exc):
                return
            if attempt == 2:
                raise SandboxError(
                    f"could not remove container {container_id[:12]}: {exc}; remove it with "
                    f"`docker rm -f {container_id[:12]}` or swelancer_env.backends.docker.sandbox.janitor()"
                ) from exc
            time.sleep(0.2)


def janitor(run_id: str | None = None) -> int:
    """Remove every container with the ``swelancer-env`` label (only run ``run_id``'s if given).

    Returns:
        How many containers were removed.

    Raises:
        SandboxError: the engine is unreachable, or a container could not be removed.
    """
    from swelancer_env.backends.docker.engine import docker_client

    label = f"{LABEL}.run={run_id}" if run_id is not None else LABEL
    containers = docker_client().api.containers(all=True, filters={"label": label}, quiet=True)
    for c in containers:
        _remove_container(c["Id"])
    return len(containers)
