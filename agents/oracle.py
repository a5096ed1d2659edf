"""The oracle: applies the gold fix through edit actions (or picks the right proposal).

It earns every task's full price when the task is sound, which is what ``validate`` and the
test suite check. It goes through the same actions an agent has: ``str_replace`` per changed
block (with enough context to be unique), ``create`` for new files, ``shell`` for deletions.
"""

from __future__ import annotations

import difflib
import shlex
import time
from collections import deque
from typing import Any

from swelancer_env.actions import (
    ChooseProposalAction,
    CreateAction,
    ShellAction,
    StrReplaceAction,
    SubmitAction,
)
from swelancer_env.errors import ConfigError
from swelancer_env.grading.gold import gold_changes
from swelancer_env.tasks.model import Task

__all__ = ["OracleAgent", "edit_actions"]


def _block_edits(path: str, old: str, new: str) -> list[Any]:
    """str_replace actions turning ``old`` into ``new``, or one ``create`` if a block is not unique."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    edits: list[Any] = []
    text = old
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(2):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        old_str, new_str = "".join(a[i1:i2]), "".join(b[j1:j2])
        if not old_str or text.count(old_str) != 1:
            return [CreateAction(path=path, file_text=new)]
        text = text.replace(old_str, new_str, 1)
        edits.append(StrReplaceAction(path=path, old_str=old_str, new_str=new_str))
    return edits if text == new else [CreateAction(path=path, file_text=new)]


def edit_actions(task: Task) -> list[Any]:
    """The actions that apply ``task``'s gold fix to its starting state."""
    actions: list[Any] = []
    for path, (old, new) in sorted(gold_changes(task).items()):
        if new is None:
            actions.append(ShellAction(command=f"rm -f -- {shlex.quote(path)}"))
        elif old is None:
            actions.append(CreateAction(path=path, file_text=new))
        else:
            actions.extend(_block_edits(path, old, new))
    return actions


class OracleAgent:
    """Args:
    think_s: seconds to wait before each action, standing in for a policy's sampling time
        (a served model's, spent on another machine): rollout benchmarks use it to measure
        the env's throughput when the env is not busy every second.
    """

    name = "oracle"

    def __init__(self, think_s: float = 0.0) -> None:
        if think_s < 0:
            raise ConfigError(f"the oracle's think_s must be 0 or more, not {think_s}")
        self.think_s = think_s
        self._plan: deque[Any] = deque()

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        if task.variant == "swe_manager":
            self._plan = deque([ChooseProposalAction(proposal_id=task.correct_proposal or "")])
        else:
            self._plan = deque([*edit_actions(task), SubmitAction()])

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        if self.think_s:
            time.sleep(self.think_s)
        return self._plan.popleft() if self._plan else SubmitAction()
