"""``results.jsonl``: one :class:`EpisodeResult` per line, appended as each episode ends.

An append is one write, flushed and fsynced, so a run killed at any moment (``kill -9``)
loses at most the episodes that were running and never leaves half a line that a resumed run
would write after: :func:`repair` cuts a torn last line first.
"""

from __future__ import annotations

import os
from pathlib import Path

from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["append_result", "read_results", "repair"]


def append_result(path: Path, result: EpisodeResult) -> None:
    """Append one result line with a single write, flushed to disk."""
    data = (result.model_dump_json() + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_results(path: Path) -> list[EpisodeResult]:
    """The complete lines of a ``results.jsonl`` (a torn or unreadable line is skipped)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(EpisodeResult.model_validate_json(line))
        except ValueError:
            continue
    return out


def repair(path: Path) -> int:
    """Cut a torn last line (a write the crash interrupted); returns the bytes cut."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as f:
        f.truncate(keep)
        f.flush()
        os.fsync(f.fileno())
    return len(data) - keep
