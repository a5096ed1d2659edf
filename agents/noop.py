"""The no-op agent: submits the starting state untouched. It must earn $0."""

from __future__ import annotations

from typing import Any

from swelancer_env.actions import ChooseProposalAction, ShellAction, SubmitAction
from swelancer_env.tasks.model import Task

__all__ = ["NoopAgent"]


class NoopAgent:
    """Looks once (``git status``), changes nothing, and submits.

    On a manager task it has nothing to choose with, so it ends the episode the only way it
    can without judging: by picking no proposal at all until the step limit truncates it.
    """

    name = "noop"

    def __init__(self) -> None:
        self._steps = 0
        self._variant = "ic_swe"

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._steps = 0
        self._variant = task.variant

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        self._steps += 1
        if self._steps == 1:
            return ShellAction(command="git status --short")
        if self._variant == "swe_manager":
            return ChooseProposalAction(proposal_id="(none)")
        return SubmitAction()
