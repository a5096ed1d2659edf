"""Reading and writing inside a work tree the agent controls, without following its links.

Every path in the tree belongs to the agent at every moment: a file the harness is about to write
can be swapped for a symlink to a host file (a ``.pth`` in the harness's own virtualenv, say) by a
process the agent left running, between any check and the write. So the harness never passes a
path inside the tree to ``open``; it walks from a descriptor of the tree's root, one component at
a time, with ``O_NOFOLLOW`` and ``O_DIRECTORY``, and opens the last one relative to the folder
descriptor it holds:

- a folder it needs that is a link or a file is removed and made again (:func:`subdir`);
- a file it writes is removed first and then created with ``O_EXCL | O_NOFOLLOW`` (never opened
  as it is: that would follow a hard link or block on a FIFO), and handed to the tree's owner
  when a root harness writes someone else's tree (:func:`write_file`);
- a file it reads must be a regular file and is read up to a bound (:func:`read_file`).

Every writer of the harness into a tree goes through here: the user tool's output folder (both
backends), the edit tool's folder walk, the screenshots handed to the agent.

Example:
    >>> root = open_tree(tree)  # doctest: +SKIP
    >>> out = subdir_path(root, [".swelancer", "user_tool", "3"], owner=tree_owner(tree))  # doctest: +SKIP
    >>> write_file(out, "report.txt", b"...")  # doctest: +SKIP
    >>> os.close(out); os.close(root)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "DIR_FLAGS",
    "NEW_FILE",
    "NotARegularFile",
    "open_tree",
    "read_file",
    "subdir",
    "subdir_path",
    "tree_owner",
    "write_file",
]

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_TRIES = 5  # a name the agent keeps re-creating under us: give up after this many rounds


class NotARegularFile(OSError):
    """What was found at a name is not a regular file (a link, a FIFO, a device, a folder)."""


def tree_owner(tree: Path | str) -> tuple[int, int] | None:
    """Who should own what the harness makes in ``tree``: its root's owner, if that is not us.

    Only a root harness can (and must) give files away: on the Docker backend the tree belongs to
    the container's ``agent`` (uid 1000), whose shell could not otherwise change them.
    """
    if os.geteuid() != 0:
        return None
    try:
        st = os.stat(os.path.realpath(tree))
    except OSError:
        return None
    if (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid()):
        return None
    return st.st_uid, st.st_gid


def open_tree(tree: Path | str) -> int:
    """A descriptor of the tree's root folder (the harness made it; its parents are ours)."""
    return os.open(os.path.realpath(tree), DIR_FLAGS)


def _remove(name: str, dir_fd: int) -> None:
    """Remove what is at ``name`` (a link, a file, a FIFO; an empty folder), if anything."""
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        os.rmdir(name, dir_fd=dir_fd)
    except PermissionError:
        # Linux says EISDIR for a folder, some systems EPERM
        os.rmdir(name, dir_fd=dir_fd)


def subdir(parent: int, name: str, owner: tuple[int, int] | None = None) -> int:
    """Open the folder ``name`` in ``parent``, making it if needed; a link or file there goes.

    Raises:
        OSError: the agent kept replacing the name, or the folder cannot be made.
    """
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"{name!r} is not a single path component")
    for _ in range(_TRIES):
        try:
            return os.open(name, DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            pass
        except OSError as e:
            if e.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            _remove(name, parent)  # a link or a file the agent left there
        try:
            os.mkdir(name, 0o755, dir_fd=parent)
        except FileExistsError:
            continue  # made again under us: look once more
        try:
            fd = os.open(name, DIR_FLAGS, dir_fd=parent)
        except OSError:
            continue
        if owner is not None:
            os.fchown(fd, *owner)
        return fd
    raise OSError(errno.EAGAIN, f"{name} kept changing while the harness made it")


def subdir_path(root: int, parts: Iterable[str], owner: tuple[int, int] | None = None) -> int:
    """Walk (making what is missing) ``parts`` below the folder ``root``; the last one's fd."""
    fd = os.dup(root)
    try:
        for name in parts:
            nxt = subdir(fd, name, owner)
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_file(
    dir_fd: int,
    name: str,
    data: bytes,
    owner: tuple[int, int] | None = None,
    mode: int = 0o644,
) -> None:
    """Write ``data`` as a new regular file ``name`` in ``dir_fd``, replacing what was there.

    Whatever was at the name (a file, a link planted to a host path, a FIFO, a hard link to
    someone else's file) is removed, and a new file is created with ``O_EXCL | O_NOFOLLOW``, so
    the write lands in a file the harness made, in the folder it holds.

    Raises:
        OSError: the name kept coming back (the agent re-creates it in a loop), or it is a
            folder that is not empty.
    """
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"{name!r} is not a single path component")
    for _ in range(_TRIES):
        _remove(name, dir_fd)
        try:
            fd = os.open(name, NEW_FILE, mode, dir_fd=dir_fd)
        except FileExistsError:
            continue
        try:
            if owner is not None:
                os.fchown(fd, *owner)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return
    raise OSError(errno.EAGAIN, f"{name} kept being re-created while the harness wrote it")


def read_file(dir_fd: int, name: str, max_bytes: int) -> bytes:
    """Read the regular file ``name`` in ``dir_fd``: at most ``max_bytes``, never through a link.

    Raises:
        NotARegularFile: a link, a FIFO, a device or a folder is there.
        FileNotFoundError: nothing is there.
    """
    try:
        fd = os.open(name, _READ, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotARegularFile(errno.ELOOP, f"{name} is a symbolic link") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, f"{name} is not a regular file")
        chunks, left = [], max_bytes
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
