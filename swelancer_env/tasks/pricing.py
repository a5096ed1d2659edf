"""The price model: what a bundled task's job should pay, from the work its fix takes.

A task's difficulty is measured on its gold fix (``bug.patch`` reversed: for a manager task,
the correct proposal's change) and its hidden tests:

- ``lines``: lines added and removed;
- ``files`` and ``hunks``: how spread out the change is;
- ``layers``: how many of the server, the frontend's code and its styles it touches;
- ``behaviours``: the hidden tests, each one behaviour the fix must get right.

Their score (:data:`WEIGHTS`, hand-set so that more lines, more places and more layers weigh
more, each with diminishing returns) is standardised against the bundled tasks
(:data:`SCORE_MEAN`, :data:`SCORE_SD`, measured on the 47 of 2026-12-07) and mapped onto a
log-normal fitted to SWE-Lancer's published IC prices: median :data:`MEDIAN_PRICE`, spread
:data:`LOG_SD` (so that $250 falls near the 5th percentile), clipped to the range SWE-Lancer
paid ($250 to $32,000) and rounded as a client would post it. ``validate`` (and its lint) flags
a task whose price is more than :data:`TOLERANCE` times off the model's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from swelancer_env.grading.ablation import split_diff
from swelancer_env.tasks.model import Task

__all__ = [
    "Difficulty",
    "TOLERANCE",
    "difficulty",
    "layer_of",
    "model_price",
    "patch_difficulty",
    "price_for",
]

#: the score's weights: ln(1 + lines), ln(files), ln(hunks), layers - 1, behaviours
WEIGHTS = (1.0, 0.8, 0.5, 0.5, 0.1)
SCORE_MEAN = 2.84
SCORE_SD = 2.16
MEDIAN_PRICE = 1000.0
LOG_SD = 0.84
LOWEST, HIGHEST = 250, 32_000
#: a price more than this factor from the model's is flagged
TOLERANCE = 2.5


@dataclass(frozen=True)
class Difficulty:
    lines: int
    files: int
    hunks: int
    layers: int
    behaviours: int

    @property
    def score(self) -> float:
        w = WEIGHTS
        return (
            w[0] * math.log1p(self.lines)
            + w[1] * math.log(max(1, self.files))
            + w[2] * math.log(max(1, self.hunks))
            + w[3] * (max(1, self.layers) - 1)
            + w[4] * self.behaviours
        )

    def describe(self) -> str:
        return (
            f"{self.lines} lines in {self.files} file(s), {self.hunks} hunk(s), "
            f"{self.layers} layer(s), {self.behaviours} behaviour(s) tested"
        )


def layer_of(path: str) -> str:
    """``server``, ``frontend`` or ``styles``: the layer of the app a file belongs to."""
    if path.endswith((".css", ".scss")):
        return "styles"
    if path.startswith(("frontend/", "src/", "web/", "client/")) or path.endswith((".tsx", ".jsx")):
        return "frontend"
    return "server"


def patch_difficulty(patch: str, behaviours: int) -> Difficulty:
    """The work of a fix that is ``patch`` (or its reverse) and must satisfy ``behaviours``
    tests."""
    files = split_diff(patch)
    lines = sum(1 for f in files for h in f.hunks for line in h[1:] if line[:1] in "+-")
    return Difficulty(
        lines=lines,
        files=len(files),
        hunks=sum(len(f.hunks) for f in files),
        layers=len({layer_of(f.path) for f in files}),
        behaviours=behaviours,
    )


def difficulty(task: Task) -> Difficulty:
    """The work of ``task``'s fix, measured on its gold diff and its hidden tests."""
    behaviours = 0
    if task.folder is not None and task.tests_dir.is_dir():
        for path in sorted(task.tests_dir.glob("test_*.py")):
            # a test defined here, or one imported from the app's regression suite (a
            # generated task's test_hidden.py)
            behaviours += len(re.findall(r"^(def test_|from \S+ import test_)", path.read_text(encoding="utf-8"), re.M))  # fmt: skip
    return patch_difficulty(task.bug_patch, behaviours)


def _round(price: float) -> int:
    step = 50 if price < 1000 else 250 if price < 5000 else 1000
    return int(round(price / step) * step)


def model_price(task: Task) -> int:
    """The price the model gives ``task``, in dollars."""
    return price_for(difficulty(task))


def price_for(work: Difficulty) -> int:
    """The price the model gives a fix of that difficulty, in dollars."""
    z = (work.score - SCORE_MEAN) / SCORE_SD
    return max(LOWEST, min(HIGHEST, _round(MEDIAN_PRICE * math.exp(LOG_SD * z))))
