"""Writing one episode's trajectory: ``trajectories/<task>/<attempt>.jsonl`` and its PNGs.

The file is written as ``<attempt>.jsonl.partial`` and renamed when the episode ends, so a
file without the suffix is whole; a resumed run writes a crashed episode's file anew.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from swelancer_env.evaluation.records import StepRecord, TrajectoryHeader

__all__ = ["TrajectoryWriter", "trajectory_path"]


def trajectory_path(run_dir: Path, task_id: str, attempt: int) -> Path:
    return Path(run_dir) / "trajectories" / task_id / f"{attempt}.jsonl"


class TrajectoryWriter:
    """Appends a header, then one line per step; screenshots as PNGs beside the file."""

    def __init__(self, run_dir: Path, task_id: str, attempt: int):
        self.path = trajectory_path(run_dir, task_id, attempt)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.attempt = attempt
        self._f = self.partial.open("w", encoding="utf-8")

    def header(self, header: TrajectoryHeader) -> None:
        self._write(header.model_dump_json())

    def step(self, record: StepRecord, screenshot: np.ndarray | None = None) -> None:
        if screenshot is not None and np.any(screenshot):
            from PIL import Image

            name = f"{self.attempt}-step{record.step:03d}.png"
            Image.fromarray(np.asarray(screenshot, dtype=np.uint8)).save(
                self.path.parent / name, format="PNG", optimize=True
            )
            record = record.model_copy(update={"screenshot": name})
        self._write(record.model_dump_json())

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
