"""Isolating the local sandbox's shell with bubblewrap (``bwrap``), when the machine has it.

The long-lived bash of a :class:`~swelancer_env.backends.local.sandbox.LocalSandbox` is started inside
``bwrap`` (only the shell: each command then costs what it costs without isolation). Inside:

- the system read-only: a root of bubblewrap's own, made read-only once set up, into which the
  system's folders (``/usr``, ``/etc``, ``/lib``...) are bound read-only and the host root's
  symlinks (``/bin -> usr/bin``) are copied; nothing else of the host's ``/`` is there. A fresh
  ``/dev``, ``/proc`` and ``/tmp``;
- the work tree and the shell's home writable, at fixed places for the agent's shell
  (``/swelancer/tree`` and ``/swelancer/home``: ``tree_at`` and ``home_at``), so that what it
  prints holds no random temporary path and an episode replays alike (the harness maps those
  paths onto the host's, as for Docker's ``/work/app``); for the app and grading, at their
  host paths. The folder that holds them on the host (the sandbox's, under the host's
  temporary folder) stays hidden: ``..`` of ``/swelancer/tree`` is ``/swelancer``, which holds
  the two mount points and nothing else;
- no network: new network namespace with only a loopback (``--unshare-all``), no
  ``--share-net``; new pid, ipc, uts, cgroup and user namespaces; all capabilities dropped; no
  nested user namespaces where bwrap can forbid them;
- an empty tmpfs over everything that could reveal a task's hidden tests, gold patch or another
  task's tree: the tasks root, this package's own checkout, the starting-state cache, the
  sandbox's own folder (its private git dir), the host's temporary folders (grading works
  there), ``/root``, ``/home``, ``/run`` (Docker's socket), Docker's storage, the Docker image
  build cache, and every other ``proc`` mount of the host (a build chroot's ``/proc`` would show
  the host's processes, their environments and, through ``/proc/<pid>/root``, their files; a
  system folder is bound with every mount under it). The Python that runs swelancer-env is bound
  back read-only when it lives under a hidden folder, so that the agent can run ``python`` and
  ``pytest``.

The shell is PID 1 of its pid namespace (``--as-pid-1``), so every process it starts, a
``setsid`` daemon too, stays its descendant, and killing it ends them all (as PID 1 it ignores
its own ``kill -9 $$``; ``exit`` ends it). It is in its own session (``--new-session``), so a
timeout kills what it started and never the ``bwrap`` above it. The shell's ``/tmp`` is private
and starts empty again when the shell is restarted.

Example:
    >>> if bwrap_available():  # doctest: +SKIP
    ...     argv = bwrap_argv(
    ...         tree, home, hidden_paths(extra=[sandbox_root]),
    ...         tree_at="/swelancer/tree", home_at="/swelancer/home",
    ...     )
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from swelancer_env.sandbox.bash_session import PopenTransport, kill_session_processes

__all__ = [
    "INSTALL_HINT",
    "BwrapTransport",
    "IsolationWarning",
    "bwrap_argv",
    "bwrap_available",
    "bwrap_path",
    "foreign_proc_mounts",
    "hidden_paths",
    "interpreter_paths",
    "passed_env",
]

#: how to make bubblewrap work, for messages
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`) and allow user namespaces "
    "(`sysctl kernel.unprivileged_userns_clone=1`; on Ubuntu >= 23.10 also "
    "`sysctl kernel.apparmor_restrict_unprivileged_userns=0`)"
)
# folders the agent has no business reading that may hold hidden tests, other tasks' trees,
# grading folders or a way out (Docker's socket and storage)
_SYSTEM_HIDDEN = (
    "/root",
    "/home",
    "/run",
    "/tmp",
    "/var/tmp",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/swelancer-docker",
)
#: where an isolated command (the agent's shell, the app it changed) sees the work tree and its
#: home: fixed, so that no random temporary path reaches what the agent reads
AGENT_TREE = "/swelancer/tree"
AGENT_HOME = "/swelancer/home"
#: where an isolated command sees the app's prepared ``node_modules`` (read-only): beside the
#: tree, so that Node's own lookup (esbuild, tsc, node) finds the packages from any file in it
AGENT_DEPS = "/swelancer/node_modules"
_IMAGE_CACHE = (
    "SWELANCER_IMAGE_CACHE",
    "/var/cache/swelancer-env",
)  # swelancer_env.backends.docker.image
# the top-level folders the isolated shell sees: the system's programs and settings, the only
# ones bound into its root. Every other one (/work, /srv, /mnt, /opt, /var, ...) is hidden (an
# empty tmpfs), so that another checkout of the tasks, a copy of them, or any data on this
# machine stays out of reach; the Python install is bound back where it lives, the tree and the
# home where the caller says (at their host paths, or at fixed places outside these folders).
_SYSTEM_VISIBLE = frozenset(
    {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc", "sys"}
)


def passed_env() -> dict[str, str]:
    """The harness's environment variables named in ``$SWELANCER_PASS_ENV`` (space- or
    comma-separated), for every process the harness starts with an environment of its own (the
    app, the hidden tests and their browser): a host tool that works through the environment,
    such as libfaketime's ``LD_PRELOAD`` and ``FAKETIME`` to run gradings at another host date.
    The researcher's setting: nothing the agent runs can set the harness's environment."""
    names = os.environ.get("SWELANCER_PASS_ENV", "").replace(",", " ").split()
    return {n: os.environ[n] for n in names if n in os.environ}


def _other_top_level() -> list[Path]:
    """The real folders directly under / that are not the system's (symlinks are left alone)."""
    try:
        entries = list(Path("/").iterdir())
    except OSError:
        return []
    return [
        e for e in entries if e.name not in _SYSTEM_VISIBLE and e.is_dir() and not e.is_symlink()
    ]


_BASE_OPTIONS = (
    "--unshare-all",  # user, ipc, pid, net (a loopback only), uts, cgroup
    "--unshare-user",  # explicit, so that --disable-userns is accepted
    "--cap-drop",
    "ALL",  # as root, bwrap would otherwise keep every capability (umount the hiding tmpfs)
    "--die-with-parent",
    "--new-session",
    "--as-pid-1",
)


class IsolationWarning(UserWarning):
    """The local sandbox runs the agent's shell without isolation (said once per process)."""


def bwrap_path() -> str | None:
    """The ``bwrap`` executable on ``PATH`` (or in ``/usr/bin``), if any."""
    found = shutil.which("bwrap")
    if found is None and os.access("/usr/bin/bwrap", os.X_OK):
        found = "/usr/bin/bwrap"
    return found


@functools.cache
def _probe() -> tuple[str, tuple[str, ...]] | None:
    """``(bwrap, options)`` if a trial sandbox runs, trying the strictest options first."""
    exe = bwrap_path()
    if exe is None:
        return None
    mounts = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for options in ((*_BASE_OPTIONS, "--disable-userns"), _BASE_OPTIONS):
        try:
            proc = subprocess.run(
                [exe, *options, *mounts, "true"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode == 0:
            return exe, options
    return None


def bwrap_available() -> bool:
    """Whether ``bwrap`` is installed and can make a sandbox here (cached for the process).

    Being installed is not enough: in some containers, or with AppArmor's restriction of
    unprivileged user namespaces, it cannot create the namespaces; a trial run decides.
    """
    return _probe() is not None


def _resolved(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p).resolve()
        if path != Path("/") and path not in out:
            out.append(path)
    return out


def _checkout_root() -> Path | None:
    """This package's repository checkout (an editable install): it holds ``tasks/``, tests."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() or (root / ".git").exists():
        return root
    return None


def _unescape(field: str) -> str:
    """A mount point from ``/proc/self/mountinfo`` (spaces and such come as ``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def foreign_proc_mounts(mountinfo: str = "/proc/self/mountinfo") -> list[Path]:
    """Mount points of ``proc`` file systems other than ``/proc`` (a chroot's, a build's)."""
    try:
        with open(mountinfo) as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields, sep, rest = line.partition(" - ")
        parts = fields.split()
        if not sep or len(parts) < 5 or rest.split(" ", 1)[0] != "proc":
            continue
        point = Path(_unescape(parts[4]))
        if point != Path("/proc") and Path("/proc") not in point.parents:
            found.append(point)
    return found


def hidden_paths(extra: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """The folders the isolated shell gets an empty tmpfs over (resolved, existing or not).

    Args:
        extra: more folders to hide (the sandbox's own folder, task folders elsewhere).
    """
    from swelancer_env.cache import cache_root
    from swelancer_env.tasks.loader import BUNDLED_TASKS, tasks_roots

    candidates: list[str | os.PathLike[str]] = [*tasks_roots(), BUNDLED_TASKS, cache_root()]
    candidates += _SYSTEM_HIDDEN
    repo = _checkout_root()
    candidates.append(repo if repo is not None else Path(__file__).resolve().parents[2] / "tasks")
    candidates += [tempfile.gettempdir(), Path.home(), os.environ.get(*_IMAGE_CACHE)]
    candidates += [*foreign_proc_mounts(), *_other_top_level(), *extra]
    return _resolved(candidates)


def interpreter_paths() -> list[Path]:
    """The Python running swelancer-env (venv and base install), bound back read-only if hidden."""
    exe_dir = Path(sys.executable).parent
    real_prefix = Path(os.path.realpath(sys.executable)).parents[1]
    return _resolved(
        [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, exe_dir, real_prefix]
    )


def _under(path: Path, folders: Iterable[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def _agent_path(name: str, path: str) -> Path:
    """``path`` checked as a place to show a folder at: absolute, plain, out of the system's."""
    dest = Path(path)
    if (
        not dest.is_absolute()
        or str(dest) != posixpath.normpath(path)
        or len(dest.parts) < 2
        or dest.parts[1] in _SYSTEM_VISIBLE
    ):
        raise ValueError(
            f"{name}={path!r}: give an absolute, normalized path outside the system's folders "
            f"({', '.join(sorted(_SYSTEM_VISIBLE))}), such as /swelancer/tree"
        )
    return dest


def _system_root(reserved: Iterable[str]) -> tuple[list[str], list[Path]]:
    """The mounts of the system's top-level folders (read-only) and of ``/``'s symlinks.

    Returns the ``bwrap`` arguments and the folders bound. A name in ``reserved`` (the top
    folder of a place the caller shows its own folder at) is left out.
    """
    try:
        entries = sorted(Path("/").iterdir())
    except OSError:
        entries = [Path("/", name) for name in sorted(_SYSTEM_VISIBLE)]
    argv: list[str] = []
    bound: list[Path] = []
    for entry in entries:
        if entry.name in ("dev", "proc") or entry.name in reserved:
            continue  # /dev and /proc are made fresh
        if entry.is_symlink():
            argv += ["--symlink", os.readlink(entry), str(entry)]
        elif entry.name in _SYSTEM_VISIBLE and entry.is_dir():
            bound.append(entry)
            argv += ["--ro-bind", str(entry), str(entry)]
    return argv, bound


def bwrap_argv(
    tree: Path,
    home: Path,
    hide: Sequence[Path],
    keep: Sequence[Path] = (),
    *,
    writable: Sequence[Path] = (),
    network: bool = False,
    options: Sequence[str] | None = None,
    exe: str | None = None,
    tree_at: str | None = None,
    home_at: str | None = None,
    deps: Path | None = None,
) -> list[str]:
    """The ``bwrap ...`` prefix that runs a command isolated, with ``tree`` and ``home`` writable.

    The root is bubblewrap's own, read-only at the end: the system's folders are bound into it
    read-only, and nothing else of the host's ``/`` is there but its symlinks.

    Args:
        tree: the work tree (bound read-write; the starting directory).
        home: the shell's home (bound read-write).
        hide: folders to cover with an empty tmpfs (an inner one of a hidden folder is skipped).
        keep: folders bound back read-only when not otherwise shown (the Python install).
        writable: more folders bound read-write at their own paths (an app's data folder).
        network: keep the host's network (for an app server a browser outside must reach);
            the agent's shell never gets it.
        options: namespace options (default: those the trial run accepted).
        exe: the bwrap executable (default: the one found).
        tree_at: where the command sees ``tree`` (default: its host path). A fixed place
            (``/swelancer/tree``) keeps the host's random temporary path out of what it prints;
            it must lie outside the system's folders.
        home_at: where the command sees ``home`` (default: its host path).
        deps: an app's prepared ``node_modules``, shown read-only at :data:`AGENT_DEPS`.

    Raises:
        ValueError: ``tree_at`` or ``home_at`` is not an absolute, normalized path outside the
            system's folders, or one holds the other or a folder bound from the host.
    """
    if options is None or exe is None:
        probed = _probe()
        exe = exe or (probed[0] if probed else "bwrap")
        options = options if options is not None else (probed[1] if probed else _BASE_OPTIONS)
    tree, home = Path(tree).resolve(), Path(home).resolve()
    places = {
        "tree_at": _agent_path("tree_at", tree_at) if tree_at is not None else None,
        "home_at": _agent_path("home_at", home_at) if home_at is not None else None,
    }
    tree_dest, home_dest = places["tree_at"] or tree, places["home_at"] or home
    host_binds = [*_resolved(keep), *_resolved(writable)]
    for name, dest in places.items():
        others = [*host_binds, home_dest if name == "tree_at" else tree_dest]
        if dest is not None and any(_under(dest, [o]) or _under(o, [dest]) for o in others):
            raise ValueError(f"{name}={str(dest)!r} overlaps another folder the command is shown")
    reserved = {d.parts[1] for d in places.values() if d is not None}
    argv = [exe, *options, *(["--share-net"] if network else [])]
    system, shown = _system_root(reserved)
    argv += [*system, "--dev", "/dev", "--proc", "/proc"]
    # outer folders first; one that holds the tree or home is hidden too (both are bound back
    # below); a missing one needs no hiding: nothing would show it
    covered: list[Path] = []
    for folder in sorted(_resolved(hide), key=lambda p: len(p.parts)):
        if folder in (Path("/dev"), Path("/proc")) or _under(folder, covered):
            continue
        if folder.is_dir():
            covered.append(folder)
            argv += ["--tmpfs", str(folder)]
    kept: list[Path] = []
    for folder in sorted(_resolved(keep), key=lambda p: len(p.parts)):
        hidden = _under(folder, covered) or not _under(folder, shown)
        if hidden and not _under(folder, kept) and folder.is_dir():
            kept.append(folder)
            argv += ["--ro-bind", str(folder), str(folder)]
    # a hidden folder inside one bound back (the bundled tasks of a wheel, in the venv kept for
    # its Python) is hidden again on top of it
    for folder in sorted(_resolved(hide), key=lambda p: len(p.parts)):
        if _under(folder, kept) and folder not in kept and folder.is_dir():
            argv += ["--tmpfs", str(folder)]
    for folder in _resolved(writable):
        argv += ["--bind", str(folder), str(folder)]
    argv += ["--bind", str(home), str(home_dest), "--bind", str(tree), str(tree_dest)]
    if deps is not None:
        argv += ["--ro-bind", str(Path(deps).resolve()), AGENT_DEPS]
    # the mount points are made: nothing more can be added to the root
    argv += ["--remount-ro", "/", "--chdir", str(tree_dest)]
    return argv


class BwrapTransport(PopenTransport):
    """A bash inside ``bwrap``: kills through the shell's host pid, never the ``bwrap`` above it.

    The shell is PID 1 of its pid namespace, so everything the agent starts, however detached,
    is its descendant; a timeout kills those, and :meth:`close` kills the shell (the kernel then
    kills whatever is left in the namespace) and ``bwrap``.

    Args:
        cwd: the shell's starting directory (the work tree).
        env: the shell's whole environment.
        argv: the ``bwrap`` prefix (:func:`bwrap_argv`).
    """

    def __init__(
        self, cwd: str | os.PathLike[str], env: Mapping[str, str], argv: Sequence[str]
    ) -> None:
        super().__init__(cwd, env, argv_prefix=argv, subreaper=False)
        self._shell_pid: int | None = None

    def shell_pid(self) -> int | None:
        """The host pid of the bash inside (the first process in a new pid namespace)."""
        if self._shell_pid is not None:
            return self._shell_pid
        try:
            own_ns = os.readlink("/proc/self/ns/pid")
        except OSError:
            return None
        queue = [self.pid]
        while queue:
            pid = queue.pop(0)
            try:
                if os.readlink(f"/proc/{pid}/ns/pid") != own_ns:
                    self._shell_pid = pid
                    return pid
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    queue += [int(c) for c in f.read().split()]
            except (OSError, ValueError):
                continue
        return None

    def kill_command(self) -> int | None:
        shell = self.shell_pid()
        if shell is None:
            return None
        # no marker: bwrap itself carries it in its environment, and everything in the
        # namespace is a descendant of the shell anyway
        return kill_session_processes(shell, None, include_root=False)
