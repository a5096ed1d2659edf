"""The replay agent: plays back actions from a JSON-lines file (one action per line).

Useful to reproduce an episode step by step, or to script a quick experiment::

    {"type": "user_tool"}
    {"type": "shell", "command": "git diff"}
    {"type": "submit"}

After the last line it submits (IC) or ends the episode by truncation (manager).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from swelancer_env.actions import SubmitAction
from swelancer_env.errors import ConfigError
from swelancer_env.tasks.model import Task

__all__ = ["ReplayAgent"]


class ReplayAgent:
    name = "replay"

    def __init__(self, actions: str | Path | None = None):
        if actions is None:
            raise ConfigError("the replay agent needs a file of actions: --actions FILE.jsonl")
        path = Path(actions)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise ConfigError(f"cannot read the actions file {path}: {e.strerror}") from None
        self.actions: list[Any] = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                self.actions.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ConfigError(
                    f"{path}:{n}: not valid JSON ({e.msg}); one action per line"
                ) from None
        self._i = 0

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._i = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        self._i += 1
        return self.actions[self._i - 1] if self._i <= len(self.actions) else SubmitAction()
