"""The local sandbox: a work tree in a temporary folder and one persistent bash on the host.

Layout of the folder ``$TMPDIR/swelancer-<task>-<random>/``::

    tree/          the agent's work tree (the starting state, with its own one-commit .git)
    private.git/   the harness's git dir for computing the diff; the agent is not told of it
    home/          the shell's HOME

The agent never sees that folder's random name: the isolated shell sees its tree at
``/swelancer/tree`` (:data:`AGENT_TREE`, its ``workdir`` and starting directory) and its home at
``/swelancer/home`` (:data:`AGENT_HOME`), so that ``pwd``, ``$HOME``, error messages and
tracebacks are the same in every run of an episode, and a recorded trajectory replays step by
step. The harness works on the host paths (``tree``, ``home``); the edit tool and the user tool
map the agent's paths onto them. Without bubblewrap (``isolation="none"``) the shell sees the host
paths: reproducible observations need bubblewrap (or ``backend="docker"``).

Isolation (``isolation=``): with ``"auto"`` (the default) the shell runs inside bubblewrap when the
machine can run it (see :mod:`swelancer_env.sandbox.isolation`: the tree writable, the system
read-only, no network, the tasks, hidden tests, caches and temporary folders hidden); ``"bwrap"``
demands it; ``"none"`` runs the shell as the host user with no isolation, which a warning says once
per process. ``sandbox.isolation`` tells which one runs.

Limits (``limits=``, :class:`~swelancer_env.sandbox.limits.ResourceLimits`): the shell and all it
starts share a cgroup with a memory and a process limit where the machine lets the harness make
one, and rlimits (largest file, CPU seconds) always; an out-of-memory kill or a refused fork during
a command is said in its output, as on Docker. ``limits=None`` turns them off.

Disk (``tree_limits=``, :class:`~swelancer_env.sandbox.treewalk.TreeLimits`): the tree and the
home together may hold ``max_bytes`` (4 GiB by default) in ``max_entries`` files and folders,
``max_depth`` levels deep. A shell step after which they hold more says so at the end of its
output (:class:`~swelancer_env.sandbox.quota.DiskQuota`), and :meth:`LocalSandbox.diff` refuses
the submission while they do.

Example:
    >>> state = StartingState.get(task)  # doctest: +SKIP
    >>> with LocalSandbox(state) as sandbox:  # doctest: +SKIP
    ...     print(sandbox.run("git log --oneline", timeout=10).output)
    ...     patch = sandbox.diff(task.acceptable_paths)
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from swelancer_env.appdeps import build_env
from swelancer_env.errors import ConfigError, SandboxError, SubmissionTooLarge
from swelancer_env.sandbox.base import CommandResult, DiffLimits, Sandbox
from swelancer_env.sandbox.bash_session import (
    MARKER_VAR,
    BashSession,
    PopenTransport,
    ShellTransport,
)
from swelancer_env.sandbox.isolation import (
    AGENT_DEPS,
    AGENT_HOME,
    AGENT_TREE,
    INSTALL_HINT,
    BwrapTransport,
    IsolationWarning,
    bwrap_argv,
    bwrap_available,
    hidden_paths,
    interpreter_paths,
)
from swelancer_env.sandbox.limits import LimitGroup, ResourceLimits
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT
from swelancer_env.sandbox.quota import DiskQuota
from swelancer_env.sandbox.treewalk import TreeLimits
from swelancer_env.sandbox.worktree import StartingState, diff_tree
from swelancer_env.tempdirs import force_rmtree, make_temp_dir

__all__ = ["AGENT_HOME", "AGENT_TREE", "LocalSandbox"]


_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_MODES = ("auto", "bwrap", "none")
_DEFAULT_LIMITS = ResourceLimits()
_warn_lock = threading.Lock()
_warned = False


def _warn_unisolated(why: str) -> None:
    """Say once per process, plainly, what an unisolated local sandbox does not isolate."""
    global _warned
    with _warn_lock:
        if _warned:
            return
        _warned = True
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    warnings.warn(
        f"the local sandbox runs the agent's shell as {user} on this machine with no isolation "
        f"({why}): it can read any file this user can (including the hidden tests), write "
        "outside its work tree, reach the network, and see and signal this user's other "
        "processes; use "
        f"backend='docker', or {INSTALL_HINT}",
        IsolationWarning,
        stacklevel=3,
    )


class LocalSandbox(Sandbox):
    """A copy of a starting state in a temporary folder, with a bash session in it.

    The folder is made and filled on construction; :meth:`start` starts the shell; :meth:`stop`
    kills it (and all it started) and removes the folder.

    Args:
        state: the task's starting state (``StartingState.get(task)``).
        output_limit: characters of a command's output kept (head and tail).
        temp_root: where to make the folder (default: the system's temporary folder).
        env: variables added to (or replacing) the shell's environment.
        isolation: ``"auto"`` (bubblewrap if it runs here, else none), ``"bwrap"`` or ``"none"``.
        hide: more folders to hide from an isolated shell (task folders kept elsewhere).
        limits: memory, processes, CPU and file size for the shell and what it starts
            (default :class:`ResourceLimits`; a dict is accepted; None: none).
        deps: the app's prepared ``node_modules`` (:func:`swelancer_env.appdeps.prepare`),
            shown read-only, its tools on ``PATH``, so that the agent can build and type-check.
        tree_limits: the disk quota of the tree and home, and the bounds of a walk of the
            tree (default :class:`TreeLimits`; a dict is accepted). Settable later through
            :attr:`tree_limits`.

    Raises:
        ConfigError: an unknown ``isolation``, or ``"bwrap"`` where bubblewrap cannot run.
    """

    def __init__(
        self,
        state: StartingState,
        *,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        temp_root: Path | None = None,
        env: Mapping[str, str] | None = None,
        isolation: Literal["auto", "bwrap", "none"] = "auto",
        hide: Iterable[str | os.PathLike[str]] = (),
        limits: ResourceLimits | Mapping[str, Any] | None = _DEFAULT_LIMITS,
        deps: Path | None = None,
        tree_limits: TreeLimits | Mapping[str, Any] | None = None,
    ) -> None:
        if isolation not in _MODES:
            raise ConfigError(
                f"isolation must be one of {', '.join(map(repr, _MODES))}, got {isolation!r}"
            )
        if isolation == "bwrap" and not bwrap_available():
            raise ConfigError(
                "isolation='bwrap' was asked but bubblewrap cannot make a sandbox here: "
                f"{INSTALL_HINT}; or use isolation='auto' or backend='docker'"
            )
        #: ``"bwrap"`` or ``"none"``: how the agent's shell is isolated
        self.isolation: Literal["bwrap", "none"] = (
            "bwrap"
            if isolation == "bwrap" or (isolation == "auto" and bwrap_available())
            else "none"
        )
        if self.isolation == "none":
            _warn_unisolated(
                "isolation='none' was asked"
                if isolation == "none"
                else "bubblewrap cannot run here"
            )
        self._hide = list(hide)
        self.limits = (
            ResourceLimits.model_validate(limits)
            if limits is not None and not isinstance(limits, ResourceLimits)
            else limits
        )
        self._group: LimitGroup | None = None
        self._oom_seen = self._forks_seen = 0
        self.state = state
        self.root = make_temp_dir(f"swelancer-{state.task_id}-", dir=temp_root)
        self.tree = self.root / "tree"
        self.private_git = self.root / "private.git"
        self.home = self.root / "home"
        # what the shell sees: fixed places in bubblewrap, the host paths without it
        isolated = self.isolation == "bwrap"
        self.workdir = AGENT_TREE if isolated else str(self.tree)
        #: the shell's home as it sees it (``$HOME``)
        self.agent_home = AGENT_HOME if isolated else str(self.home)
        self._output_limit = output_limit
        self._extra_env = dict(env or {})
        self.deps = deps
        self._session: BashSession | None = None
        self._stopped = False
        try:
            self.tree_limits = TreeLimits.model_validate(tree_limits or {})
        except ValidationError as e:
            raise ConfigError(f"bad tree_limits {tree_limits!r}: {e}") from e
        try:
            state.materialize(self.tree, self.private_git)
            self.home.mkdir()
        except BaseException:
            force_rmtree(self.root)
            raise

    @property
    def tree_limits(self) -> TreeLimits:
        """The disk quota of the tree and home, and the bounds of a walk of the tree."""
        return self.quota.limits

    @tree_limits.setter
    def tree_limits(self, limits: TreeLimits) -> None:
        #: the disk quota of the tree and home, checked after each command
        folders = [("the work tree", self.tree), ("the home folder", self.home)]
        self.quota = DiskQuota(folders, limits, "the work tree (with the home folder)")

    def shell_env(self) -> dict[str, str]:
        """The shell's whole environment: nothing of the host's but a sane PATH.

        Paths in it are the shell's own (``HOME`` is :data:`AGENT_HOME` when isolated).
        """
        python_bin = os.path.dirname(sys.executable)
        path = _PATH if python_bin in _PATH.split(":") else f"{python_bin}:{_PATH}"
        seen = Path(AGENT_DEPS) if self.deps and self.isolation == "bwrap" else self.deps
        tools = build_env(seen, {"PATH": path})
        return {
            **tools,
            "HOME": self.agent_home,
            "USER": os.environ.get("USER", "agent"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "PAGER": "cat",
            "GIT_PAGER": "cat",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            # isolated, the host's temporary folder is hidden and /tmp is a private tmpfs
            "TMPDIR": "/tmp"
            if self.isolation == "bwrap"
            else os.environ.get("TMPDIR", tempfile.gettempdir()),
            **self._extra_env,
        }

    def bwrap_argv(self) -> list[str]:
        """The ``bwrap`` prefix that starts the isolated shell (a new one at each restart).

        The shell sees its tree and home at :data:`AGENT_TREE` and :data:`AGENT_HOME`, and not
        the session's random marker (``bwrap`` keeps it; the kill needs it no further down).
        """
        argv = bwrap_argv(
            self.tree,
            self.home,
            hidden_paths([self.root, *self._hide]),
            interpreter_paths(),
            tree_at=AGENT_TREE,
            home_at=AGENT_HOME,
            deps=self.deps,
        )
        return [*argv, "--unsetenv", MARKER_VAR]

    def start(self) -> None:
        """Start the shell in the work tree. Does nothing if it runs already.

        Raises:
            SandboxError: the sandbox was stopped, or bash did not start.
        """
        if self._stopped:
            raise SandboxError("this sandbox was stopped; make a new one")
        if self._session is not None:
            return
        env, cwd = self.shell_env(), self.tree
        if self.limits is not None and self._group is None:
            self._group = LimitGroup(self.limits, "shell")
        group = self._group

        def limited(argv: list[str]) -> list[str]:
            return group.argv(argv) if group is not None else argv

        factory: Callable[[], ShellTransport]
        if self.isolation == "bwrap":
            # the folders to hide are looked up again at each (re)start: mounts come and go
            factory = lambda: BwrapTransport(cwd, env, limited(self.bwrap_argv()))  # noqa: E731
        else:
            factory = lambda: PopenTransport(cwd, env, limited([]))  # noqa: E731
        session = BashSession(factory, self._output_limit)
        session.start()
        self._session = session

    def stop(self) -> None:
        """Kill the shell and everything it started; remove the folder. Idempotent."""
        self._stopped = True
        session, self._session = self._session, None
        try:
            if session is not None:
                session.close()
        finally:
            group, self._group = self._group, None
            if group is not None:
                group.close()
            if self.root.exists():
                force_rmtree(self.root)

    def is_alive(self) -> bool:
        return self._session is not None and self._session.is_alive()

    def run(self, command: str, timeout: float) -> CommandResult:
        """Run ``command`` in the persistent shell (see :meth:`BashSession.run`).

        Raises:
            SandboxError: the sandbox is not started or was stopped.
        """
        if self._session is None:
            raise SandboxError("the sandbox is not running: call start() first (or use `with`)")
        result = self._session.run(command, timeout)
        notes = self._limit_notes()
        quota = self.quota.note()
        if quota is not None:
            notes.append(quota)
        if not notes:
            return result
        text = result.output
        text += ("" if not text or text.endswith("\n") else "\n") + "\n".join(notes) + "\n"
        update: dict[str, Any] = {"output": text}
        if any(n.startswith("[out of memory") for n in notes):
            update["oom_killed"] = True
        return result.model_copy(update=update)

    def _limit_notes(self) -> list[str]:
        """What the cgroup saw during the command: out-of-memory kills, refused forks."""
        group = self._group
        if group is None or self._session is None:
            return []
        notes: list[str] = []
        kills, forks = group.oom_kills(), group.forks_refused()
        if kills > self._oom_seen:
            notes.append(
                f"[out of memory: the sandbox's memory limit ({group.describe().split(',')[0]}) "
                f"was reached and the kernel killed {kills - self._oom_seen} process(es)]"
            )
            self._oom_seen = kills
        if forks > self._forks_seen:
            # a fork bomb goes on after its command returned: end what the shell started
            transport = self._session.transport
            if transport is not None:
                transport.kill_command()
            notes.append(
                f"[process limit: the sandbox may run {self.limits.pids if self.limits else 0} "
                f"processes at once; {group.forks_refused() - self._forks_seen} fork(s) were "
                "refused, and every process the shell had started was killed]"
            )
            self._forks_seen = group.forks_refused()
        return notes

    def diff(self, paths: list[str] | None = None, limits: DiffLimits | None = None) -> str:
        """The agent's change (see :meth:`Sandbox.diff`), once the tree and home are within
        their quota and the tree under ``paths`` within :attr:`tree_limits`.

        Raises:
            SubmissionTooLarge: over the diff's ``limits``, over the quota, past the tree's
                bounds, or a FIFO, socket or device under ``paths``.
            SandboxError: the sandbox was stopped, or git failed.
        """
        if self._stopped:
            raise SandboxError("this sandbox was stopped; its tree is gone")
        problem = self.quota.check(force=True)
        if problem is not None:
            raise SubmissionTooLarge(problem)
        return diff_tree(self.tree, self.private_git, paths, limits, self.tree_limits)
