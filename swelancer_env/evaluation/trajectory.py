"""Writing one episode's trajectory: ``trajectories/<task>/<attempt>.jsonl`` and its PNGs.

Line 1 is the header (:class:`~swelancer_env.evaluation.records.TrajectoryHeader`), then one
line per env step (:class:`~swelancer_env.evaluation.records.StepRecord`, with the model calls
made before it), and last the end (:class:`~swelancer_env.evaluation.records.TrajectoryEnd`,
with the calls made after the last step), so that every model call is in the file. A file of
an older version has no end line.

The file is written as ``<attempt>.jsonl.partial`` and renamed when the episode ends, so a
file without the suffix is whole; a resumed run writes a crashed episode's file anew.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.records import StepRecord, TrajectoryEnd, TrajectoryHeader

__all__ = ["TrajectoryWriter", "read_trajectory", "read_trajectory_end", "trajectory_path"]

_WHAT = "a trajectory file (DIR/trajectories/<task_id>/<attempt>.jsonl)"


def trajectory_path(run_dir: Path, task_id: str, attempt: int) -> Path:
    return Path(run_dir) / "trajectories" / task_id / f"{attempt}.jsonl"


class TrajectoryWriter:
    """Appends a header, then one line per step; screenshots as PNGs beside the file."""

    def __init__(self, run_dir: Path, task_id: str, attempt: int):
        self.path = trajectory_path(run_dir, task_id, attempt)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.attempt = attempt
        self.has_header = False
        self._f = self.partial.open("w", encoding="utf-8")

    def header(self, header: TrajectoryHeader) -> None:
        self._write(header.model_dump_json())
        self.has_header = True

    def step(self, record: StepRecord, screenshot: np.ndarray | None = None) -> None:
        if screenshot is not None and np.any(screenshot):
            from PIL import Image

            name = f"{self.attempt}-step{record.step:03d}.png"
            Image.fromarray(np.asarray(screenshot, dtype=np.uint8)).save(
                self.path.parent / name, format="PNG", optimize=True
            )
            record = record.model_copy(update={"screenshot": name})
        self._write(record.model_dump_json())

    def end(self, end: TrajectoryEnd) -> None:
        self._write(end.model_dump_json())

    def _write(self, line: str) -> None:
        self._f.write(line + "\n")
        self._f.flush()

    def close(self) -> Path:
        """End the file and give it its final name."""
        if not self._f.closed:
            os.fsync(self._f.fileno())
            self._f.close()
            os.replace(self.partial, self.path)
        return self.path


def read_trajectory(path: Path) -> tuple[TrajectoryHeader, list[StepRecord], int | None]:
    """The header and steps of a trajectory file, and the number of a torn last line (the
    write a crash interrupted) that was left out, if any.

    Raises:
        ConfigError: the file cannot be read, is empty, or has a bad line (named ``file:line``);
            only a last line that is not valid JSON is forgiven.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot be read ({e}); pass {_WHAT}") from None
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise ConfigError(f"{path}: empty; expected {_WHAT} with a header on line 1")
    rows: list[tuple[int, Any]] = []
    torn: int | None = None
    for i, (n, line) in enumerate(numbered):
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as e:
            if 0 < i == len(numbered) - 1:
                torn = n
                break
            raise ConfigError(
                f"{path}:{n}: not valid JSON ({e.msg} at column {e.colno}); only the last line "
                "of a crashed run may be torn. Repair or delete the line."
            ) from None
    header = _parse(TrajectoryHeader, rows[0], path, "a trajectory header")
    steps = [_parse(StepRecord, row, path, "a step record") for row in rows[1:] if not _is_end(row)]
    return header, steps, torn


def _is_end(row: tuple[int, Any]) -> bool:
    return isinstance(row[1], dict) and row[1].get("kind") == "end"


def read_trajectory_end(path: Path) -> TrajectoryEnd | None:
    """The end line of a trajectory file (the calls after its last step), or None when the
    file has none (an older version, or a crash before the episode ended)."""
    for line in reversed(Path(path).read_text(encoding="utf-8").splitlines()):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                return None
            if isinstance(obj, dict) and obj.get("kind") == "end":
                return TrajectoryEnd.model_validate(obj)
            return None
    return None


def _parse(model: Any, row: tuple[int, Any], path: Path, what: str) -> Any:
    n, obj = row
    try:
        return model.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(line)"
        raise ConfigError(
            f"{path}:{n}: not {what} ({where}: {first['msg']}). Pass a trajectory written by "
            "`swelancer-env eval`: a header on line 1, then one step per line."
        ) from None
