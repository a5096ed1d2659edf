"""The episode's disk quota: what the agent's folders hold, checked after each shell command.

The agent's tree (and, on the local backend, its home) is on the host's disk, and nothing in the
kernel bounds it but the file size rlimit. :class:`DiskQuota` measures those folders with the
bounded walk of :mod:`~swelancer_env.sandbox.treewalk` against the episode's
:class:`~swelancer_env.sandbox.treewalk.TreeLimits` (bytes, entries, depth), and the sandboxes put
what it finds in the observation of each shell step while it holds (``[disk quota: ...]``) and
refuse a submission then.

A walk costs a few milliseconds on a bundled task's tree, more than a shell step's whole budget,
so it runs only when it could find something: when the file system under the folders grew (in
bytes or in files) by more than the room left under the quota since the last walk, when the last
walk found the quota passed (until the tree changes), or once every :data:`RECHECK_S` seconds.
The file system's counters see every writer, not just the agent, so they can only make a walk
run early; what they miss (a sparse file, hard links: length without blocks) the periodic walk
and the check at submission (``force``) see.

Example:
    >>> folders = [("the work tree", tree), ("the home folder", home)]
    >>> quota = DiskQuota(folders, TreeLimits(max_bytes=1 << 30))  # doctest: +SKIP
    >>> quota.note()  # after a command; None while under the quota  # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from swelancer_env.sandbox.treewalk import TreeLimits, TreeWalk

__all__ = ["RECHECK_S", "DiskQuota"]

#: seconds after which a shell step walks the folders whatever the file system's counters say
RECHECK_S = 30.0


class DiskQuota:
    """The quota of an episode's folders (its work tree first), checked cheaply and often.

    Args:
        folders: the agent's folders on the host, each with its name in messages (``"the work
            tree"``); the first one's file system is watched.
        limits: the bounds; ``max_bytes`` is the quota, over all the folders.
        what: how a message names them all (default: the first one's name).
    """

    def __init__(
        self,
        folders: Sequence[tuple[str, Path]],
        limits: TreeLimits,
        what: str | None = None,
    ) -> None:
        self.folders = [(name, Path(path)) for name, path in folders]
        self.limits = limits
        self.what = what or self.folders[0][0]
        self._fs: tuple[int, int] | None = None  # the file system's (bytes, files) at the walk
        self._room = (0, 0)  # bytes and entries left under the quota at the walk
        self._walked: float | None = None
        self._problem: str | None = None

    def check(self, force: bool = False) -> str | None:
        """What is over the quota, in words for the agent, or None. Never raises.

        ``force``: walk whatever the file system's counters say (at a submission).
        """
        try:
            return self._check(force)
        except Exception:  # noqa: BLE001 - a quota check never fails a step
            return self._problem

    def note(self) -> str | None:
        """The line a shell step's output ends with while the quota is passed, or None."""
        problem = self.check()
        if problem is None:
            return None
        return f"[disk quota: {problem}; a submission is refused until it is back under it]"

    def _check(self, force: bool) -> str | None:
        fs = _fs_used(self.folders[0][1])
        if not force and self._walked is not None and fs is not None and self._fs is not None:
            grew = (fs[0] - self._fs[0], fs[1] - self._fs[1])
            if self._problem is None:
                if (
                    grew[0] < self._room[0]
                    and grew[1] < self._room[1]
                    and time.monotonic() - self._walked < RECHECK_S
                ):
                    return None
            elif fs == self._fs and time.monotonic() - self._walked < RECHECK_S:
                return self._problem  # nothing changed on the disk since the walk said it
        self._walked = time.monotonic()
        self._fs = fs
        self._problem = self.measure()
        return self._problem

    def measure(self) -> str | None:
        """Walk the folders now: what is over the quota, or None."""
        limits = self.limits
        entries = size = 0
        for name, folder in self.folders:
            room = limits.model_copy(
                update={
                    "max_entries": max(1, limits.max_entries - entries),
                    "max_bytes": max(0, limits.max_bytes - size),
                }
            )
            walk = TreeWalk(folder, room)
            for _ in walk:
                pass
            entries += walk.entries
            size += walk.bytes
            if walk.over is not None:
                walk.limits = limits  # the message names the episode's quota, not the rest
                return walk.problem(name if walk.over == "depth" else self.what)
        self._room = (limits.max_bytes - size, limits.max_entries - entries)
        return None


def _fs_used(folder: Path) -> tuple[int, int] | None:
    """Bytes and files in use on ``folder``'s file system (None if it cannot be asked)."""
    try:
        v = os.statvfs(folder)
    except OSError:
        return None
    return (v.f_blocks - v.f_bfree) * v.f_frsize, v.f_files - v.f_ffree
