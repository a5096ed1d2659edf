"""``results.jsonl``: one :class:`EpisodeResult` per line, appended as each episode ends.

An append is one write, flushed and fsynced, so a run killed at any moment (``kill -9``)
loses at most the episodes that were running and never leaves half a line that a resumed run
would write after: :func:`repair` cuts a torn last line first. A resumed run runs the
infra and config errors again: :func:`drop_results` first takes their lines out, in one atomic
rewrite, so that each episode keeps one line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from pathlib import Path

from swelancer_env.evaluation.atomic import write_text_atomic
from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["append_result", "drop_results", "read_results", "repair"]


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


def drop_results(path: Path, keys: Collection[tuple[str, int]]) -> int:
    """Rewrite ``path`` (atomically) without the lines of the episodes ``keys`` (task id,
    attempt); every other line is kept as it was. Returns the lines dropped."""
    if not path.exists() or not keys:
        return 0
    kept, dropped = [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True):
        try:
            data = json.loads(line)
            drop = (data["task_id"], data.get("attempt", 0)) in keys
        except (ValueError, KeyError, TypeError, AttributeError):
            drop = False  # unreadable: kept as it is
        if drop:
            dropped += 1
        else:
            kept.append(line)
    if dropped:
        write_text_atomic(path, "".join(kept))
    return dropped
