"""Temporary folders that a crashed run's janitor can find and remove, and only ours.

Every temporary folder the harness makes (a sandbox, a user tool session, an app's data, a
grading run) is made by :func:`make_temp_dir`: a ``swelancer-*`` folder in the temporary folder
with a marker file naming the process that made it (pid, its start time, the host). When that
process is gone, however it ended (``kill -9`` included), ``swelancer-env janitor`` removes the
folder (:func:`remove_stale_temp_dirs`); a folder without the marker, or whose maker still runs,
is never touched.

Example:
    >>> folder = make_temp_dir("swelancer-grade-")  # doctest: +SKIP
    >>> remove_stale_temp_dirs()  # doctest: +SKIP
    0
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "MARKER",
    "make_temp_dir",
    "force_rmtree",
    "remove_stale_temp_dirs",
    "stale_temp_dirs",
    "start_time",
    "temp_dir",
]

#: the file in each of our temporary folders that names the process that made it
MARKER = ".swelancer-owner"


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (tells a reused pid apart)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def make_temp_dir(prefix: str, dir: str | os.PathLike[str] | None = None) -> Path:
    """``tempfile.mkdtemp(prefix=prefix, dir=dir)``, marked as this process's."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    owner = {"pid": os.getpid(), "start": start_time(os.getpid()), "host": socket.gethostname()}
    (path / MARKER).write_text(json.dumps(owner), encoding="utf-8")
    return path


@contextlib.contextmanager
def temp_dir(prefix: str, dir: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """A marked temporary folder (:func:`make_temp_dir`), removed when the block ends."""
    path = make_temp_dir(prefix, dir)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


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
    found = []
    for folder in sorted(base.glob("swelancer-*")):
        if folder.is_dir() and not folder.is_symlink() and _owner_gone(folder):
            found.append(folder)
    return found


def force_rmtree(folder: str | os.PathLike[str]) -> None:
    """``shutil.rmtree``, also of what the agent made read-only (``chmod -w``); never raises."""
    shutil.rmtree(folder, onerror=_force_remove)


def _force_remove(func: object, path: str, exc_info: object) -> None:
    try:
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def remove_stale_temp_dirs(root: str | os.PathLike[str] | None = None) -> int:
    """Remove :func:`stale_temp_dirs`; how many were removed."""
    removed = 0
    for folder in stale_temp_dirs(root):
        force_rmtree(folder)
        removed += not folder.exists()
    return removed
