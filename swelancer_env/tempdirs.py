"""Temporary folders that a crashed run's janitor can find and remove, and only ours.

Every temporary folder the harness makes (a sandbox, a user tool session, an app's data, a
grading run) is made by :func:`make_temp_dir`: a ``swelancer-*`` folder in the temporary folder
with a marker file naming the process that made it (pid, its start time, the host). When that
process is gone, however it ended (``kill -9`` included), ``swelancer-env janitor`` removes the
folder (:func:`remove_stale_temp_dirs`); a folder without the marker, or whose maker still runs,
is never touched. Removal (:func:`force_rmtree`) goes through
:func:`swelancer_env.sandbox.treewalk.remove_tree`: any depth, never through a link, never raising,
since what the agent (or the app it changed) made in a folder can be anything.

Example:
    >>> folder = make_temp_dir("swelancer-grade-")  # doctest: +SKIP
    >>> remove_stale_temp_dirs()  # doctest: +SKIP
    0
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from swelancer_env.sandbox.treewalk import empty_folder, remove_tree

__all__ = [
    "MARKER",
    "make_temp_dir",
    "force_rmtree",
    "remove_own_temp_dirs",
    "remove_stale_temp_dirs",
    "stale_temp_dirs",
    "start_time",
    "temp_dir",
]

#: the file in each of our temporary folders that names the process that made it
MARKER = ".swelancer-owner"


def scrub_host_paths(text: str) -> str:
    """``text`` with the harness's own folders under the temporary folder (grading runs, app
    data, user-tool sessions) replaced by ``<harness folder>``: their random names never reach
    the agent."""
    base = re.escape(tempfile.gettempdir().rstrip("/"))
    return re.sub(base + r"/swelancer-[A-Za-z0-9_.-]+", "<harness folder>", text)


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (tells a reused pid apart)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


#: folders :func:`make_temp_dir` has made and is still marking: a signal that stops it while
#: its marker is half written (empty) must not leave the folder for want of a readable owner
_marking: set[Path] = set()


def make_temp_dir(prefix: str, dir: str | os.PathLike[str] | None = None) -> Path:
    """``tempfile.mkdtemp(prefix=prefix, dir=dir)``, marked as this process's."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    _marking.add(path)
    try:
        owner = {"pid": os.getpid(), "start": start_time(os.getpid()),
                 "host": socket.gethostname()}  # fmt: skip
        (path / MARKER).write_text(json.dumps(owner), encoding="utf-8")
    finally:
        _marking.discard(path)
    return path


@contextlib.contextmanager
def temp_dir(prefix: str, dir: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """A marked temporary folder (:func:`make_temp_dir`), removed when the block ends."""
    path = make_temp_dir(prefix, dir)
    try:
        yield path
    finally:
        force_rmtree(path)


def _owner(folder: Path) -> tuple[int, int | None, str] | None:
    try:
        owner = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return int(owner["pid"]), owner.get("start"), owner.get("host")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_own_temp_dirs(root: str | os.PathLike[str] | None = None) -> int:
    """Remove every temporary folder this process made and still has, however far the code
    that made it got (a constructor stopped by a signal before its object existed): for a
    process that is about to exit. Its child processes (a copy still filling a folder) are
    killed first. How many were removed."""
    _kill_children()
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    me = (os.getpid(), start_time(os.getpid()), socket.gethostname())
    removed = 0
    for folder in _ours(base):
        if _owner(folder) == me or folder in _marking:
            removed += force_rmtree(folder)
    return removed


def _ours(base: Path) -> list[Path]:
    """The ``swelancer-*`` folders (not links) in ``base``; none if it cannot be listed."""
    try:
        return sorted(f for f in base.glob("swelancer-*") if f.is_dir() and not f.is_symlink())
    except OSError:
        return []


def _kill_children(wait: float = 2.0) -> None:
    """SIGKILL this process's children and wait (a little) until they are gone."""
    import signal
    import time

    me = str(os.getpid())
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[1].decode() == me:
                with contextlib.suppress(OSError):
                    os.kill(int(entry.name), signal.SIGKILL)
                    kids.append(int(entry.name))
    deadline = time.monotonic() + wait
    for pid in kids:
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG) != (0, 0):
                    break
            except ChildProcessError:
                break
            time.sleep(0.01)


def _owner_gone(folder: Path) -> bool:
    try:
        owner = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        pid, start, host = int(owner["pid"]), owner.get("start"), owner.get("host")
    except (OSError, ValueError, KeyError, TypeError):
        return False  # not ours, or not readable: leave it
    if host != socket.gethostname():
        return False  # a shared temporary folder: another machine's run
    now = start_time(pid)
    alive = now is not None and (start is None or now == start)
    return not alive


def stale_temp_dirs(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Our temporary folders in ``root`` (default: the temporary folder) whose maker is gone."""
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    return [folder for folder in _ours(base) if _owner_gone(folder)]


def force_rmtree(folder: str | os.PathLike[str]) -> bool:
    """Remove ``folder`` and all in it, of any depth and also what the agent made read-only
    (``chmod -w``), never through a link; never raises. Whether it is gone.

    The owner marker goes last: a folder that something still writes into (a copy a killed
    process left running) stays marked, so that a later janitor still knows it as ours.
    """
    path = os.fspath(folder)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return remove_tree(path)  # gone, or a link or a file: that alone goes
    try:
        marked = _has_marker(fd)
        if marked and not empty_folder(fd, keep=(MARKER,)):
            return False  # refilled meanwhile (or not ours to remove): keep the marker
    except Exception:  # noqa: BLE001 - removal never raises
        return False
    finally:
        os.close(fd)
    return remove_tree(path)


def _has_marker(fd: int) -> bool:
    try:
        st = os.stat(MARKER, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


def remove_stale_temp_dirs(root: str | os.PathLike[str] | None = None) -> int:
    """Remove :func:`stale_temp_dirs`; how many were removed."""
    removed = 0
    for folder in stale_temp_dirs(root):
        removed += force_rmtree(folder)
    return removed
