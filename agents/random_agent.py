"""The random agent: harmless actions sampled from the action space, then an end.

On an IC task it submits after ``steps`` samples; on a manager task it picks a proposal at
random. Seeded: the same seed gives the same episode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from swelancer_env.actions import ChooseProposalAction, SubmitAction
from swelancer_env.spaces import ActionSpace
from swelancer_env.tasks.model import Task

__all__ = ["RandomAgent"]


class RandomAgent:
    name = "random"

    def __init__(self, steps: int = 5, seed: int | None = 0):
        self.steps = steps
        self.space = ActionSpace(seed=seed)
        self.rng = np.random.default_rng(seed)
        self._n = 0
        self._task: Task | None = None

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._n = 0
        self._task = task

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        self._n += 1
        if self._n <= self.steps:
            return self.space.sample()
        if self._task is not None and self._task.variant == "swe_manager":
            ids = [p.id for p in self._task.proposals]
            return ChooseProposalAction(proposal_id=ids[int(self.rng.integers(len(ids)))])
        return SubmitAction()
