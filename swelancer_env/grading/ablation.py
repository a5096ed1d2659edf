"""Partial fixes made from the gold one: its unified git diff with one hunk left out.

A hunk is named ``path:N``, the N-th hunk (from 1) of that file's diff in the gold diff, in
the order git prints them. Leaving out a hunk of a file with several keeps the rest a valid
patch (the later hunks' new-side line numbers are shifted back); leaving out the only hunk of
a file drops that file's whole diff. A file's diff without hunks (a binary patch, a rename or
mode change alone) offers none to leave out.

Example:
    >>> diff = (
    ...     "diff --git a/x b/x\\n--- a/x\\n+++ b/x\\n@@ -1 +1 @@\\n-a\\n+b\\n"
    ...     "@@ -9 +9 @@\\n-c\\n+d\\n"
    ... )
    >>> [name for name, _ in ablations(diff)]
    ['x:1', 'x:2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["FileDiff", "ablations", "hunk_names", "split_diff", "without_hunk"]

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$")


@dataclass
class FileDiff:
    """One file's part of a git diff: its header lines and its hunks (each a list of lines,
    ``@@`` line first; lines keep their newlines)."""

    path: str
    header: list[str]
    hunks: list[list[str]] = field(default_factory=list)

    def text(self, hunks: list[list[str]] | None = None) -> str:
        return "".join(self.header) + "".join("".join(h) for h in (hunks or self.hunks))


def _path(header: list[str]) -> str:
    old = new = None
    for line in header:
        if line.startswith("+++ "):
            new = line[4:].rstrip("\n")
        elif line.startswith("--- "):
            old = line[4:].rstrip("\n")
    for name in (new, old):
        if name and name != "/dev/null":
            return name[2:] if name[:2] in ("a/", "b/") else name
    match = re.match(r"diff --git a/(.*) b/(.*)$", header[0].rstrip("\n"))
    return match.group(2) if match else header[0].rstrip("\n")


def split_diff(diff: str) -> list[FileDiff]:
    """The files of a unified git diff (``diff --git`` sections), each split into hunks."""
    files: list[FileDiff] = []
    current: FileDiff | None = None
    in_hunks = False
    for line in diff.splitlines(keepends=True):
        if line.startswith("diff --git "):
            if current is not None:
                current.path = _path(current.header)
            current, in_hunks = FileDiff(path="", header=[line]), False
            files.append(current)
        elif current is None:
            continue  # text before the first file (none in a git diff)
        elif line.startswith("@@ ") and _HUNK.match(line.rstrip("\n")):
            current.hunks.append([line])
            in_hunks = True
        elif in_hunks:
            current.hunks[-1].append(line)
        else:
            current.header.append(line)
    if current is not None:
        current.path = _path(current.header)
    return files


def hunk_names(diff: str) -> list[str]:
    """Every hunk of ``diff`` as ``path:N``, in order."""
    return [f"{f.path}:{i}" for f in split_diff(diff) for i in range(1, len(f.hunks) + 1)]


def _growth(hunk: list[str]) -> int:
    """Lines the hunk adds minus lines it removes."""
    body = hunk[1:]
    return sum(line.startswith("+") for line in body) - sum(line.startswith("-") for line in body)


def _shift(hunk: list[str], by: int) -> list[str]:
    m = _HUNK.match(hunk[0].rstrip("\n"))
    if m is None or by == 0:
        return hunk
    old_start, old_len, new_start, new_len, rest = m.groups()
    old = old_start + (f",{old_len}" if old_len is not None else "")
    new = str(int(new_start) - by) + (f",{new_len}" if new_len is not None else "")
    return [f"@@ -{old} +{new} @@{rest}\n", *hunk[1:]]


def without_hunk(diff: str, name: str) -> str:
    """``diff`` with the hunk ``name`` (``path:N``) left out, still a valid patch.

    Raises:
        KeyError: ``diff`` has no such hunk (the message lists those it has).
    """
    out = []
    found = False
    for f in split_diff(diff):
        if not name.startswith(f"{f.path}:") or not name[len(f.path) + 1 :].isdigit():
            out.append(f.text())
            continue
        n = int(name[len(f.path) + 1 :])
        if not 1 <= n <= len(f.hunks):
            out.append(f.text())
            continue
        found = True
        if len(f.hunks) == 1:
            continue  # its only hunk: the file's whole diff goes
        dropped = f.hunks[n - 1]
        kept = [
            _shift(h, _growth(dropped)) if i > n else h
            for i, h in enumerate(f.hunks, start=1)
            if i != n
        ]
        out.append(f.text(kept))
    if not found:
        raise KeyError(f"no hunk {name!r} in the diff; it has {', '.join(hunk_names(diff))}")
    return "".join(out)


def ablations(diff: str) -> list[tuple[str, str]]:
    """``(hunk name, diff without that hunk)`` for every hunk, or none when the whole diff is
    one hunk (leaving it out gives the starting state, which is checked on its own)."""
    names = hunk_names(diff)
    if len(names) < 2:
        return []
    return [(name, without_hunk(diff, name)) for name in names]
