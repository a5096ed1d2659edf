"""Memory, process, CPU and file-size limits for what the local backend runs of the agent's.

The Docker backend gets these from the engine. On the local backend the agent's shell, the app
the user tool starts and a grading run each get a :class:`LimitGroup`:

- a **cgroup** of their own where this machine lets the harness make one: cgroup v2 (``memory.max``,
  ``pids.max``; the group is killed whole with ``cgroup.kill``), else the v1 ``memory`` and
  ``pids`` hierarchies (``memory.limit_in_bytes``, ``pids.max``). A fork bomb then meets
  ``pids.max`` and a memory bomb the OOM killer, inside the group only; the kills are counted
  (``oom_kill``) and reported to the agent as on Docker;
- **rlimits** on every process, always (``prlimit``): the largest file it may write
  (``RLIMIT_FSIZE``: a disk fill stops there), CPU seconds (``RLIMIT_CPU``), no core dumps, and,
  where no memory cgroup could be made, the address space (``RLIMIT_AS``) and, for a harness that
  is not root, the number of processes of its user (``RLIMIT_NPROC``; root is exempt from it).

The process joins its groups before it execs the command (a two-line ``sh`` wrapper), so
nothing it starts escapes them. :meth:`LimitGroup.close` kills what is left in the group and
removes it.

Example:
    >>> group = LimitGroup(ResourceLimits(memory=2 << 30), "shell")  # doctest: +SKIP
    >>> subprocess.Popen(group.argv(["bash"]))  # doctest: +SKIP
    >>> group.oom_kills()  # doctest: +SKIP
    0
    >>> group.close()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.sandbox.treewalk import TreeLimits, TreeWalk
from swelancer_env.tempdirs import start_time

__all__ = ["LimitGroup", "ResourceLimits", "cgroup_mechanism", "remove_stale_groups"]

_ROOT = Path("/sys/fs/cgroup")
_PREFIX = "swelancer-"
#: the janitor's walk of a cgroup hierarchy: ours are at most 7 levels down
_GROUP_WALK = TreeLimits(max_depth=7, max_entries=10_000_000)
# joins the cgroup.procs files given first, then execs the rest (the prlimit command)
_JOIN = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"'


class ResourceLimits(BaseModel):
    """What one part of a local episode may use (``None``: no limit of that kind).

    Attributes:
        memory: bytes of memory (cgroup), or of address space per process without a cgroup.
        pids: processes and threads at once (cgroup), or of the harness's user without one
            (not for root).
        cpu_seconds: CPU seconds per process.
        file_size: bytes of the largest file a process may write.
    """

    model_config = ConfigDict(extra="forbid")

    memory: int | None = Field(default=4 << 30, gt=0)
    pids: int | None = Field(default=1024, gt=0)
    cpu_seconds: int | None = Field(default=3600, gt=0)
    file_size: int | None = Field(default=1 << 30, gt=0)


def _own_path(controller: str) -> str | None:
    """This process's cgroup path for ``controller`` (``""`` for v2's unified line)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3 and controller in parts[1].split(","):
            return parts[2]
        if len(parts) == 3 and controller == "" and parts[0] == "0" and parts[1] == "":
            return parts[2]
    return None


_probe_lock = threading.Lock()
_probed: dict[str, object] = {}


def cgroup_mechanism() -> Literal["cgroup2", "cgroup1", "rlimit"]:
    """Which kind of group this machine lets the harness make (probed once per process)."""
    with _probe_lock:
        if "mechanism" not in _probed:
            _probed["mechanism"] = _probe()
        return _probed["mechanism"]  # type: ignore[return-value]


def _probe() -> Literal["cgroup2", "cgroup1", "rlimit"]:
    try:
        group = _make("probe", ResourceLimits(memory=1 << 30, pids=64))
    except OSError:
        return "rlimit"
    mechanism = group.mechanism
    group.close()
    return mechanism


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


class LimitGroup:
    """The limits of one part of an episode (see the module's docs).

    Args:
        limits: what it may use.
        name: a word for the group's folder (``shell``, ``app``, ``grading``).
    """

    def __init__(self, limits: ResourceLimits, name: str):
        self.limits = limits
        self.mechanism: Literal["cgroup2", "cgroup1", "rlimit"] = "rlimit"
        self.dirs: list[Path] = []
        self._memory_dir: Path | None = None
        self._oom_file: Path | None = None
        self._pids_events: Path | None = None
        if (limits.memory or limits.pids) and cgroup_mechanism() != "rlimit":
            try:
                self._make_cgroups(_leaf(name))
            except OSError:
                self.close()
                self.dirs, self.mechanism = [], "rlimit"

    # -- making ------------------------------------------------------------------------

    def _make_cgroups(self, leaf: str) -> None:
        unified = _own_path("")
        if (_ROOT / "cgroup.controllers").is_file() and unified is not None:
            parent = _ROOT / unified.lstrip("/")
            folder = parent / leaf
            folder.mkdir()
            self.dirs.append(folder)
            controllers = (folder / "cgroup.controllers").read_text().split()
            if self.limits.memory and "memory" not in controllers:
                raise OSError("no memory controller in the cgroup")
            if self.limits.memory:
                (folder / "memory.max").write_text(str(self.limits.memory))
                with contextlib.suppress(OSError):
                    (folder / "memory.swap.max").write_text("0")
                self._oom_file = folder / "memory.events"
                self._memory_dir = folder
            if self.limits.pids and "pids" in controllers:
                (folder / "pids.max").write_text(str(self.limits.pids))
                self._pids_events = folder / "pids.events"
            self.mechanism = "cgroup2"
            return
        made = False
        for controller in ("memory", "pids"):
            want = self.limits.memory if controller == "memory" else self.limits.pids
            own = _own_path(controller)
            base = _ROOT / controller
            if not want or own is None or not _writable_dir(base / own.lstrip("/")):
                continue
            folder = base / own.lstrip("/") / leaf
            folder.mkdir()
            self.dirs.append(folder)
            if controller == "memory":
                (folder / "memory.limit_in_bytes").write_text(str(want))
                with contextlib.suppress(OSError):  # without swap accounting, no such file
                    (folder / "memory.memsw.limit_in_bytes").write_text(str(want))
                self._oom_file = folder / "memory.oom_control"
                self._memory_dir = folder
            else:
                (folder / "pids.max").write_text(str(want))
                self._pids_events = folder / "pids.events"
            made = True
        if not made:
            raise OSError("no writable cgroup hierarchy")
        self.mechanism = "cgroup1"

    # -- using -------------------------------------------------------------------------

    def argv(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the group, under the rlimits."""
        rl = ["--core=0"]
        if self.limits.file_size:
            rl.append(f"--fsize={self.limits.file_size}")
        if self.limits.cpu_seconds:
            rl.append(f"--cpu={self.limits.cpu_seconds}")
        if self.limits.memory and self._memory_dir is None:
            rl.append(f"--as={self.limits.memory}")
        if self.limits.pids and self._pids_events is None and os.geteuid() != 0:
            rl.append(f"--nproc={self.limits.pids}")
        prlimit = shutil.which("prlimit") or "prlimit"
        procs = [str(d / "cgroup.procs") for d in self.dirs]
        return ["sh", "-c", _JOIN, "sh", str(len(procs)), *procs, prlimit, *rl, "--", *argv]

    def oom_kills(self) -> int:
        """How many processes the kernel killed for the group's memory limit so far."""
        return _counter(self._read(self._oom_file), "oom_kill")

    def forks_refused(self) -> int:
        """How many times the group met its process limit (``pids.events``: ``max``)."""
        return _counter(self._read(self._pids_events), "max")

    def _read(self, path: Path | None) -> str:
        """A counter file's text, read through a descriptor kept open (read after each step)."""
        if path is None:
            return ""
        fds = self.__dict__.setdefault("_fds", {})
        try:
            fd = fds.get(path)
            if fd is None:
                fd = fds[path] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            return os.pread(fd, 4096, 0).decode(errors="replace")
        except OSError:
            return ""

    def describe(self) -> str:
        """The limits in words, for messages."""
        parts = []
        if self.limits.memory:
            parts.append(f"{self.limits.memory / (1 << 30):g} GiB of memory")
        if self.limits.pids and (self._pids_events is not None or os.geteuid() != 0):
            parts.append(f"{self.limits.pids} processes")
        if self.limits.cpu_seconds:
            parts.append(f"{self.limits.cpu_seconds} CPU seconds per process")
        if self.limits.file_size:
            parts.append(f"files of at most {self.limits.file_size / (1 << 20):g} MiB")
        return ", ".join(parts)

    def kill_all(self) -> None:
        """Kill every process in the group (cgroup only; rlimits have no group)."""
        for folder in self.dirs:
            kill = folder / "cgroup.kill"
            if kill.exists():
                with contextlib.suppress(OSError):
                    kill.write_text("1")
                continue
            for _ in range(20):  # v1: kill the members until none is left (forks race)
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                time.sleep(0.01)

    def close(self) -> None:
        """Kill what is left in the group and remove it. Idempotent."""
        for fd in self.__dict__.pop("_fds", {}).values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.kill_all()
        for folder in reversed(self.dirs):
            for _ in range(100):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # members not yet reaped
                    self.kill_all()
                    time.sleep(0.02)
        self.dirs = []


def _counter(text: str, key: str) -> int:
    """The value of ``key`` in a cgroup ``key value`` file (0 if absent)."""
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return 0


def _leaf(name: str) -> str:
    """``swelancer-<name>-<pid>-<start time>-<random>``: the janitor tells whose it is."""
    return f"{_PREFIX}{name}-{os.getpid()}-{start_time(os.getpid())}-{uuid.uuid4().hex[:8]}"


def _maker_gone(leaf: str) -> bool:
    parts = leaf.split("-")
    if len(parts) != 5 or not parts[2].isdigit():
        return False
    return str(start_time(int(parts[2]))) != parts[3]


def remove_stale_groups() -> int:
    """Kill what is in our cgroups whose maker is gone (a ``kill -9``'d run), and remove them.

    Returns:
        How many groups were removed.
    """
    found: list[Path] = []
    for top in [_ROOT, *(_ROOT / c for c in ("memory", "pids", "unified"))]:
        if not top.is_dir() or (top == _ROOT and not (top / "cgroup.controllers").is_file()):
            continue
        # folders only, 7 levels at most (where ours are), without following a link
        walk = TreeWalk(top, _GROUP_WALK, sizes=False)
        for entry in walk:
            if entry.kind != "dir":
                continue
            entry.descend = entry.depth < 7
            if entry.name.startswith(_PREFIX) and _maker_gone(entry.name):
                found.append(top / entry.path)
                entry.descend = False
    removed = 0
    for folder in found:
        group = LimitGroup.__new__(LimitGroup)
        group.dirs = [folder]
        group.close()
        removed += not folder.exists()
    return removed


def _make(name: str, limits: ResourceLimits) -> LimitGroup:
    group = LimitGroup.__new__(LimitGroup)
    group.limits = limits
    group.mechanism = "rlimit"
    group.dirs = []
    group._memory_dir = group._oom_file = group._pids_events = None
    try:
        group._make_cgroups(_leaf(name))
    except OSError:
        group.close()
        raise
    return group
