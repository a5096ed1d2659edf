"""What an agent is: something that, given the latest observation, picks the next action.

Any class with this interface runs in ``swelancer-env run`` and ``eval``
(``--agent package.module:Class``, options with ``--agent-option key=value``).
"""

from __future__ import annotations

from typing import Any, Protocol

from swelancer_env.evaluation.records import ModelCall
from swelancer_env.tasks.model import Task

__all__ = ["Agent", "ReportsModelCalls"]


class Agent(Protocol):
    """An agent for SWELancerEnv.

    ``reset`` is called once per episode with the task and the reset observation and info
    (``info["tools"]`` lists the actions offered; ``swelancer_env.actions.tool_schemas`` makes
    them function-calling tools). ``act`` is called once per step; it returns an action (a
    model from ``swelancer_env.actions``, a dict or a JSON string), or None to give up: the
    episode then ends unsubmitted. An exception in ``act`` ends the episode as the agent's
    failure, with the error in ``results.jsonl``. The constructor may take ``seed``: ``eval``
    passes each episode's own.
    """

    name: str

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None: ...

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any: ...


class ReportsModelCalls(Protocol):
    """Optional: an agent that calls models reports them, and the runner records each call with
    the step it led to (tokens, cost, latency: ``swelancer_env.evaluation.records.ModelCall``).
    Raising ``swelancer_env.llm.client.ModelCallFailed`` (or any ``InfrastructureError``) ends
    the episode as an infrastructure error, counted apart from failures."""

    def pop_model_calls(self) -> list[ModelCall]: ...
