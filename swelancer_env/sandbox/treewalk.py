"""Walking and removing a tree the agent controls: iteratively, within bounds, never through a link.

Every path in a work tree is the agent's at every moment (see :mod:`~swelancer_env.sandbox.treeio`),
and so is its shape: one shell command makes a tree 100,000 folders deep, or a million files, or
a named pipe where a source file was. So the harness walks a tree only through here:

- :class:`TreeWalk` goes through a tree with an explicit stack (no recursion: any depth is fine
  for the harness's Python), holding one descriptor per level and opening each folder relative
  to its parent's with ``O_NOFOLLOW | O_DIRECTORY``: a folder swapped for a link while it walks
  is not entered. It stops at the first bound of :class:`TreeLimits` it passes (depth, entries,
  bytes of regular files) and says which, where; FIFOs, sockets and devices are listed apart.
- :func:`remove_tree` and :func:`empty_folder` remove a tree of any depth, also what its owner
  made read-only, relative to folder descriptors (at most :data:`MAX_OPEN` open: a folder deeper
  than that is first moved up into the folder being emptied), and never raise. ``shutil.rmtree``
  recurses once per level on Python 3.11: a tree 1,000 folders deep makes it raise
  ``RecursionError``, whatever ``ignore_errors`` says.

Example:
    >>> walk = TreeWalk(tree, TreeLimits(max_depth=64))  # doctest: +SKIP
    >>> files = [e.path for e in walk if e.kind == "file"]  # doctest: +SKIP
    >>> walk.over, walk.problem()  # doctest: +SKIP
    ('depth', 'the work tree is more than 64 folders deep (at d/d/d/…/d (65 levels)), ...')
    >>> tree_problem(tree)  # before a build: a bound passed, a FIFO  # doctest: +SKIP
    'the work tree holds a FIFO (named pipe) at src/app.js, ...'
    >>> remove_tree(tree)  # doctest: +SKIP
    True
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
import uuid
from collections.abc import Collection, Iterator

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEPTH_CAP",
    "MAX_OPEN",
    "Entry",
    "TreeLimits",
    "TreeWalk",
    "empty_folder",
    "human_bytes",
    "open_subpath",
    "remove_tree",
    "short_path",
    "tree_problem",
]

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
#: the deepest a walk may go: it holds one descriptor per level
DEPTH_CAP = 512
#: folder descriptors :func:`empty_folder` holds at most
MAX_OPEN = 64
_CHUNK = 4096  # names read from a folder at a time
_ROOT = os.geteuid() == 0  # may remove anything: no mode to change first
_SPECIALS = {
    stat.S_IFIFO: "FIFO (named pipe)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


class TreeLimits(BaseModel):
    """Bounds of an episode's work tree: the harness walks no further, and says so.

    Attributes:
        max_depth: folders within folders, at most (the tree's own entries are at depth 1).
        max_entries: files, folders, links and others in all.
        max_bytes: sizes of its regular files in all (a sparse file counts its length): the
            episode's disk quota (:class:`~swelancer_env.sandbox.quota.DiskQuota`).

    Past one, the agent's shell steps say so and a submission is refused with the reason; every
    walk of the tree (the submission's, the user tool's copy) stops there.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_depth: int = Field(256, ge=1, le=DEPTH_CAP)
    max_entries: int = Field(100_000, ge=1)
    max_bytes: int = Field(4 << 30, ge=0)


class Entry:
    """One entry of a walk. ``dir_fd`` (its folder) is open until the walk goes on.

    Setting ``descend = False`` on a folder's entry, before the walk goes on, keeps the walk
    out of it (as removing a name from ``os.walk``'s ``dirnames``).
    """

    __slots__ = ("_parent", "_st", "depth", "descend", "dir_fd", "kind", "name", "top")

    def __init__(
        self,
        name: str,
        parent: str,
        depth: int,
        dir_fd: int,
        kind: str,
        st: os.stat_result | None,
        top: str,
    ):
        self.name, self._parent, self.depth, self.dir_fd = name, parent, depth, dir_fd
        #: ``"dir"``, ``"file"``, ``"link"`` or ``"special"`` (a FIFO, socket or device)
        self.kind = kind
        self._st = st
        self.top = top  # the first component of its path (after the prefix)
        self.descend = True

    @property
    def path(self) -> str:
        """Its path from the walk's root (with the walk's ``prefix``), ``/``-separated."""
        return f"{self._parent}/{self.name}" if self._parent else self.name

    def stat(self) -> os.stat_result | None:
        """Its ``lstat`` (None if it is gone)."""
        if self._st is None:
            try:
                self._st = os.stat(self.name, dir_fd=self.dir_fd, follow_symlinks=False)
            except OSError:
                return None
        return self._st


class _Frame:
    __slots__ = ("depth", "dirs", "fd", "path", "top")

    def __init__(self, fd: int, path: str, depth: int, top: str):
        self.fd, self.path, self.depth, self.top = fd, path, depth, top
        self.dirs: Iterator[Entry] | None = None


def _dirent_kind(entry: os.DirEntry[str]) -> str:
    """The entry's kind from its directory record (no ``stat`` on most file systems)."""
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    if entry.is_symlink():
        return "link"
    return "file" if entry.is_file(follow_symlinks=False) else "special"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "link"
    return "special"


class TreeWalk:
    """An iterable walk of the tree at ``root`` within ``limits``; its counts once it ends.

    Each folder's entries come with the files (and links, and specials) first, then each
    folder followed by what is in it (``os.walk``'s order, depth first). A link is an entry and
    is never followed. The walk stops, without raising, at the first bound it passes: then
    :attr:`over` names it (``"depth"``, ``"entries"``, ``"bytes"``) and :attr:`where` is the
    path where it did, and the entry past the bound is not given.

    Args:
        root: the tree's root folder (a path, opened without following a link at its end, or
            an open folder descriptor, which stays the caller's).
        limits: the bounds (default :class:`TreeLimits`'s).
        skip: names left out (not given, not counted, not entered) wherever they are.
        skip_top: names left out at the root only.
        sort: give each folder's entries sorted by name.
        sizes: ``lstat`` every entry that is not a folder, so that bytes are counted and
            specials told apart (off: only the folder entry's type, and no bytes bound).
        prefix: the root's own path in a larger tree (``"server"``): paths and depths are
            given from there (``server/app.py`` at depth 2).
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | int,
        limits: TreeLimits | None = None,
        *,
        skip: Collection[str] = (),
        skip_top: Collection[str] = (),
        sort: bool = False,
        sizes: bool = True,
        prefix: str = "",
    ):
        self.root = root
        self.prefix = prefix.strip("/")
        self.limits = limits or TreeLimits()
        self.skip, self.skip_top = frozenset(skip), frozenset(skip_top)
        self.sort, self.sizes = sort, sizes
        #: entries given (every kind); bytes of the regular files among them; deepest depth
        self.entries = self.bytes = self.depth = 0
        #: the bound passed (``"depth"``, ``"entries"``, ``"bytes"``), or None
        self.over: str | None = None
        #: where the bound was passed (a path relative to the root)
        self.where = ""
        #: FIFOs, sockets and devices: how many, and the first few as (path, what it is)
        self.specials = 0
        self.special: list[tuple[str, str]] = []
        #: folders that could not be opened (gone, swapped for a link, unreadable)
        self.unreadable = 0
        #: per first component of the path: [entries, bytes] (what to delete first)
        self.tops: dict[str, list[int]] = {}
        self._started = False

    @property
    def ok(self) -> bool:
        """Whether the walk ended within its bounds."""
        return self.over is None

    def __iter__(self) -> Iterator[Entry]:
        if self._started:
            raise RuntimeError("a TreeWalk is walked once; make another")
        self._started = True
        try:
            fd = os.dup(self.root) if isinstance(self.root, int) else os.open(self.root, _DIR)
        except OSError:
            self.unreadable += 1
            return
        depth = len(self.prefix.split("/")) if self.prefix else 0
        frames = [_Frame(fd, self.prefix, depth, "")]
        try:
            while frames:
                frame = frames[-1]
                if frame.dirs is None:
                    files, dirs = self._list(frame)
                    frame.dirs = iter(dirs)
                    for item in files:
                        if not self._count(item):
                            return
                        yield item
                nxt = next(frame.dirs, None)
                if nxt is None:
                    os.close(frames.pop().fd)
                    continue
                entry = nxt
                if not self._count(entry):
                    return
                yield entry
                if entry.descend:
                    try:
                        child = os.open(entry.name, _DIR, dir_fd=frame.fd)
                    except OSError:
                        self.unreadable += 1  # swapped for a link or a file, gone, unreadable
                        continue
                    frames.append(_Frame(child, entry.path, entry.depth, entry.top))
        finally:
            for frame in frames:
                os.close(frame.fd)

    def _list(self, frame: _Frame) -> tuple[list[Entry], list[Entry]]:
        """The folder's entries (at most one past the entries bound): (not folders, folders)."""
        room = self.limits.max_entries - self.entries + 1
        top_level = frame.path == self.prefix
        skip = self.skip | (self.skip_top if top_level else frozenset())
        try:
            with os.scandir(frame.fd) as it:
                pairs = [
                    (e.name, _dirent_kind(e))
                    for e in itertools.islice((e for e in it if e.name not in skip), room)
                ]
        except OSError:
            self.unreadable += 1
            return [], []
        if self.sort:
            pairs.sort()
        depth = frame.depth + 1
        files, dirs = [], []
        for name, kind in pairs:
            top = frame.top or (f"{frame.path}/{name}" if frame.path else name)
            if kind == "dir":
                dirs.append(Entry(name, frame.path, depth, frame.fd, "dir", None, top))
                continue
            st = None
            if self.sizes:
                try:
                    st = os.stat(name, dir_fd=frame.fd, follow_symlinks=False)
                except OSError:
                    continue  # gone meanwhile
                kind = _kind(st.st_mode)  # a folder made meanwhile: given, not entered
            files.append(Entry(name, frame.path, depth, frame.fd, kind, st, top))
        return files, dirs

    def _count(self, entry: Entry) -> bool:
        """Count the entry; False (and why) when it passes a bound."""
        limits = self.limits
        size = entry._st.st_size if entry.kind == "file" and entry._st is not None else 0
        if entry.depth > limits.max_depth:
            self.over = "depth"
        elif self.entries + 1 > limits.max_entries:
            self.over = "entries"
        elif self.sizes and self.bytes + size > limits.max_bytes:
            self.over = "bytes"
        if self.over is not None:
            self.where = entry.path
            if self.over != "depth":  # the entry that passed it is named among the largest
                top = self.tops.setdefault(entry.top, [0, 0])
                top[0] += 1
                top[1] += size
            return False
        self.entries += 1
        self.bytes += size
        self.depth = max(self.depth, entry.depth)
        top = self.tops.setdefault(entry.top, [0, 0])
        top[0] += 1
        top[1] += size
        if entry.kind == "special":
            self.specials += 1
            if len(self.special) < 10:
                mode = entry._st.st_mode if entry._st is not None else 0
                self.special.append((entry.path, _SPECIALS.get(stat.S_IFMT(mode), "special file")))
        return True

    def largest(self, n: int = 3) -> str:
        """The ``n`` first components holding the most, as ``"data/ (3.9 GiB), ..."``."""
        by = 1 if self.over != "entries" else 0
        tops = sorted(self.tops.items(), key=lambda kv: kv[1][by], reverse=True)[:n]
        shown = []
        for name, (count, size) in tops:
            if by and size:
                shown.append(f"{name} ({human_bytes(size)})")
            elif not by and count:
                shown.append(f"{name} ({count:,} entries)")
        return ", ".join(shown)

    def problem(self, what: str = "the work tree") -> str | None:
        """What is wrong, in words for the agent (which bound, where), or None."""
        limits = self.limits
        if self.over == "depth":
            return (
                f"{what} is more than {limits.max_depth:,} folders deep (at "
                f"{short_path(self.where)}), deeper than the harness goes: delete the folders "
                "nested that deep"
            )
        largest = self.largest()
        most = f"; the most is under: {largest}" if largest else ""
        if self.over == "entries":
            return (
                f"{what} holds more than {limits.max_entries:,} files and folders{most}; "
                "remove what the fix does not need"
            )
        if self.over == "bytes":
            return (
                f"{what} holds more than {human_bytes(limits.max_bytes)} in its files{most}; "
                "delete what the fix does not need (data, builds, logs)"
            )
        return None


def tree_problem(
    root: str | os.PathLike[str] | int,
    limits: TreeLimits | None = None,
    *,
    skip: Collection[str] = (),
    skip_top: Collection[str] = (),
    what: str = "the work tree",
) -> str | None:
    """What keeps the harness from copying or building the tree at ``root``, in words for the
    agent: a bound of ``limits`` passed, or a FIFO, socket or device in it (a reader of one
    blocks); None if nothing. For a check before a build (the user tool's app)."""
    walk = TreeWalk(root, limits, skip=skip, skip_top=skip_top)
    for _ in walk:
        pass
    if walk.over is not None:
        return walk.problem(what)
    if walk.special:
        path, kind = walk.special[0]
        more = f" (and {walk.specials - 1:,} more)" if walk.specials > 1 else ""
        return (
            f"{what} holds a {kind} at {short_path(path)}{more}, which the app's build would "
            f"block on or fail at: delete it (rm {short_path(path)})"
        )
    return None


def open_subpath(root_fd: int, rel: str) -> int | None:
    """A descriptor of the folder ``rel`` below ``root_fd``, walked one component at a time
    without following a link; None if it is missing or not a folder all the way."""
    fd = os.dup(root_fd)
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        try:
            nxt = os.open(part, _DIR, dir_fd=fd) if part != ".." else -1
        except OSError:
            nxt = -1
        os.close(fd)
        if nxt < 0:
            return None
        fd = nxt
    return fd


def short_path(path: str, keep: int = 3) -> str:
    """A long path cut in its middle: ``a/b/c/…/z (1,100 levels)``."""
    parts = path.split("/")
    if len(parts) <= keep + 2 and len(path) <= 200:
        return path
    head = "/".join(p[:40] for p in parts[:keep])
    return f"{head}/…/{parts[-1][:40]} ({len(parts):,} levels)"


def human_bytes(n: int) -> str:
    """``n`` bytes in a unit a person reads (``3.9 GiB``, ``512 MiB``, ``12 KiB``)."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return (
                f"{value:.1f} {unit}"
                if value < 10 and value != int(value)
                else f"{value:.0f} {unit}"
            )
    return f"{n} bytes"


# -- removal ---------------------------------------------------------------------------------


class _Folder:
    """A folder being emptied: its descriptor, its name in its parent, what is left to do."""

    __slots__ = ("failed", "fd", "name", "pending", "progress")

    def __init__(self, fd: int, name: str | None):
        self.fd, self.name = fd, name
        self.pending: list[tuple[str, bool]] = []
        self.failed: set[str] = set()
        self.progress = True  # something went since the last listing: list again

    def next(self, keep: frozenset[str]) -> tuple[str, bool] | None:
        """The next name to remove (and whether it looks like a folder); None when done."""
        if not self.pending:
            if not self.progress:
                return None
            self.progress = False
            left = self.failed | keep
            try:
                with os.scandir(self.fd) as it:
                    self.pending = [
                        (e.name, e.is_dir(follow_symlinks=False))
                        for e in itertools.islice((e for e in it if e.name not in left), _CHUNK)
                    ]
            except OSError:
                return None
            if not self.pending:
                return None
            self.pending.reverse()
        return self.pending.pop()


def _writable(fd: int) -> None:
    """Give the folder's owner (us) back the rights to list and empty it (root needs none)."""
    if _ROOT:
        return
    try:
        mode = os.fstat(fd).st_mode
        if mode & 0o700 != 0o700:
            os.fchmod(fd, (mode | 0o700) & 0o7777)
    except OSError:
        pass


def _open_dir(name: str, parent: int) -> int:
    """Open the folder ``name`` in ``parent`` (never through a link), first giving its owner
    (us) back the right to read it if it was taken (``chmod 0``).

    Raises:
        OSError: not a folder (``ENOTDIR``, ``ELOOP``), gone, or not ours to open.
    """
    try:
        return os.open(name, _DIR, dir_fd=parent)
    except PermissionError:
        if _ROOT:
            raise
    # a descriptor of the folder itself that needs no right to read it, and its mode changed
    # through /proc (fchmod takes no such descriptor; chmod by name would follow a link)
    path_fd = os.open(
        name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent
    )
    try:
        mode = os.fstat(path_fd).st_mode
        os.chmod(f"/proc/self/fd/{path_fd}", (mode | 0o700) & 0o7777)
    finally:
        os.close(path_fd)
    return os.open(name, _DIR, dir_fd=parent)


def _unlink(folder: _Folder, name: str) -> bool | None:
    """Unlink ``name`` (not a folder): True if gone, False if it failed, None if a folder."""
    for attempt in (1, 2):
        try:
            os.unlink(name, dir_fd=folder.fd)
            return True
        except FileNotFoundError:
            return True
        except IsADirectoryError:
            return None
        except PermissionError:
            if attempt == 1:
                _writable(folder.fd)
                continue
            # Linux says EISDIR for a folder; others EPERM: look
            try:
                st = os.stat(name, dir_fd=folder.fd, follow_symlinks=False)
            except OSError:
                return False
            return None if stat.S_ISDIR(st.st_mode) else False
        except OSError:
            return False
    return False


def _empty(top_fd: int, keep: frozenset[str], budget: int) -> bool:
    moved = itertools.count()
    token = uuid.uuid4().hex[:8]
    stack = [_Folder(os.dup(top_fd), None)]
    _writable(top_fd)
    try:
        while stack and budget > 0:
            budget -= 1
            folder = stack[-1]
            item = folder.next(keep if len(stack) == 1 else frozenset())
            if item is None:
                stack.pop()
                os.close(folder.fd)
                if stack and folder.name is not None:
                    parent = stack[-1]
                    try:
                        os.rmdir(folder.name, dir_fd=parent.fd)
                        parent.progress = True
                    except FileNotFoundError:
                        pass
                    except OSError:
                        parent.failed.add(folder.name)
                continue
            name, looks_dir = item
            if not looks_dir:
                gone = _unlink(folder, name)
                if gone is not None:
                    if gone:
                        folder.progress = True
                    else:
                        folder.failed.add(name)
                    continue
            try:
                child = _open_dir(name, folder.fd)
            except OSError as e:
                if e.errno in (errno.ENOTDIR, errno.ELOOP):  # not a folder (any more)
                    gone = _unlink(folder, name)
                    if gone:
                        folder.progress = True
                    else:
                        folder.failed.add(name)
                elif e.errno != errno.ENOENT:
                    folder.failed.add(name)
                continue
            _writable(child)
            if len(stack) < MAX_OPEN:
                stack.append(_Folder(child, name))
                continue
            # too deep to hold another descriptor: move the folder up into the top one, which
            # lists it again later (a move within one tree, never out of it)
            os.close(child)
            try:
                os.rename(
                    name,
                    f".swl-rm-{token}-{next(moved)}",
                    src_dir_fd=folder.fd,
                    dst_dir_fd=stack[0].fd,
                )
                stack[0].progress = True
            except OSError:
                folder.failed.add(name)
    finally:
        for folder in stack:
            os.close(folder.fd)
    try:
        with os.scandir(top_fd) as it:
            return all(e.name in keep for e in it)
    except OSError:
        return False


def empty_folder(fd: int, keep: Collection[str] = (), budget: int = 50_000_000) -> bool:
    """Remove everything in the folder ``fd`` but the names ``keep`` (at its top). Never raises.

    Any depth, without recursion, relative to folder descriptors (never through a link), also
    what was made read-only. ``budget`` bounds the work (a process still filling the folder).

    Returns:
        Whether the folder now holds nothing but ``keep``.
    """
    try:
        return _empty(fd, frozenset(keep), budget)
    except Exception:  # noqa: BLE001 - removal never raises; what is left stays
        return False


def remove_tree(path: str | os.PathLike[str]) -> bool:
    """Remove what is at ``path``: a folder with all in it (:func:`empty_folder`), or a file or
    a link (not its target). Never raises.

    Returns:
        Whether nothing is at ``path`` any more.
    """
    path = os.fspath(path)
    try:
        fd = os.open(path, _DIR)
    except FileNotFoundError:
        return True
    except OSError as e:
        if e.errno not in (errno.ENOTDIR, errno.ELOOP):
            return False
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            return False
        return True
    try:
        emptied = empty_folder(fd)
    finally:
        os.close(fd)
    if not emptied:
        return False
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return not os.path.lexists(path)
