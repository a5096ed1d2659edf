"""What an agent is: something that, given the latest observation, picks the next action."""

from __future__ import annotations

from typing import Any, Protocol

from swelancer_env.tasks.model import Task

__all__ = ["Agent"]


class Agent(Protocol):
    """An agent for SWELancerEnv.

    ``reset`` is called once per episode with the task and the reset observation; ``act`` once
    per step. ``act`` may return an action model, a dict or a JSON string.
    """

    name: str

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None: ...

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any: ...
