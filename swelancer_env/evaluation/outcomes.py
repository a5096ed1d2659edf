"""Why an episode ended and how it came out: an infrastructure error means the harness (or the
model endpoint) failed, and only that.

:func:`watch` runs an episode with its agent and its steps in view: the exception that ended
it (with its ``stop_reason``, e.g. :class:`~swelancer_env.llm.client.ModelContextOverflow`),
whether the agent gave up, the last step's ``info`` (``truncated_by``: the step or the time
limit) and the agent's own ``stop_reason`` attribute (e.g. ``max_turns``). :func:`classify`
turns that and the runner's :class:`~swelancer_env.evaluation.records.EpisodeResult` into its
``outcome`` and ``stop_reason``:

========================  ===============  ====================================================
what ended the episode    outcome          stop_reason
========================  ===============  ====================================================
a graded submission       passed / failed  ``submitted`` (or the agent's own, ``max_turns``)
the step or time limit    agent_error      ``max_steps``, ``time_limit``
the agent gave up         agent_error      the agent's own (``max_turns``), else ``gave_up``
the agent raised          agent_error      the exception's ``stop_reason`` (``context_overflow``,
                                           ``refusal``, ``no_action``), else ``agent_exception``
a ``ConfigError``         config_error     ``config_error``
the endpoint failed       infra_error      ``model_error``
the harness failed        infra_error      ``harness_error``
========================  ===============  ====================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swelancer_env.errors import ConfigError, InfrastructureError
from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["EpisodeWatch", "classify", "watch"]

_TRUNCATED_BY = {
    "step limit": "max_steps",
    "time limit": "time_limit",
    "wall time limit": "wall_time_limit",
}


@dataclass
class EpisodeWatch:
    """What :func:`watch` saw of one episode."""

    agent: Any
    #: the exception the agent raised (in ``reset`` or ``act``), if any
    error: BaseException | None = None
    #: whether the agent's last ``act`` returned None (it gave up)
    gave_up: bool = False
    #: the ``info`` of the last step
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def agent_stop(self) -> str | None:
        """The agent's own account of why it ended the episode (``agent.stop_reason``)."""
        reason = getattr(self.agent, "stop_reason", None)
        return reason if isinstance(reason, str) and reason else None

    def on_step(self, n: int, action: Any, obs: Any, reward: float, info: dict[str, Any]) -> None:
        """The runner's ``on_step`` callback: keeps the last step's ``info``."""
        self.info = info


class _Watched:
    """``agent``, with what it raised and whether it gave up noted in ``seen``."""

    def __init__(self, agent: Any, seen: EpisodeWatch):
        self._agent = agent
        self._seen = seen
        self.name = getattr(agent, "name", type(agent).__name__)

    def __getattr__(self, name: str) -> Any:  # model, pop_model_calls, ...
        if name in ("_agent", "_seen"):  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self._agent, name)

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except BaseException as e:
            self._seen.error = e
            raise

    def reset(self, task: Any, obs: Any, info: Any) -> None:
        self._seen.error, self._seen.gave_up = None, False
        self._guard(lambda: self._agent.reset(task, obs, info))

    def act(self, obs: Any, info: Any) -> Any:
        action = self._guard(lambda: self._agent.act(obs, info))
        self._seen.gave_up = action is None
        return action


def watch(agent: Any) -> tuple[Any, EpisodeWatch]:
    """``(wrapped agent, watch)``: run the episode with the wrapped agent and pass
    ``watch.on_step`` as the runner's ``on_step``; then :func:`classify` with the watch.

    Example:
        >>> from swelancer_agents.noop import NoopAgent
        >>> agent, seen = watch(NoopAgent())
        >>> agent.name, seen.error, seen.gave_up
        ('noop', None, False)
    """
    seen = EpisodeWatch(agent)
    return _Watched(agent, seen), seen


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return f"{type(e).__name__}: {text}"[:2000]


def classify(result: EpisodeResult, seen: EpisodeWatch | None = None) -> EpisodeResult:
    """``result`` with its ``outcome`` and ``stop_reason`` (and a config error moved to
    ``config_error``), from what ``seen`` saw; without a watch, from the result alone."""
    if seen is None:
        return result
    error = seen.error
    info = seen.info if isinstance(seen.info, Mapping) else {}
    reason: str = getattr(error, "stop_reason", "") if error is not None else ""
    update: dict[str, Any]
    if isinstance(error, ConfigError):
        message = _first_line(error)
        update = {"outcome": "config_error", "stop_reason": "config_error",
                  "config_error": message, "agent_error": None, "passed": False,
                  "earned": 0.0}  # fmt: skip
    elif result.infra_error is not None:
        agent_infra = isinstance(error, InfrastructureError)
        update = {
            "outcome": "infra_error",
            "stop_reason": (reason or "model_error") if agent_infra else "harness_error",
        }
    elif result.agent_error is not None:
        update = {"outcome": "agent_error", "stop_reason": reason or "agent_exception"}
    elif result.truncated:
        if seen.gave_up:
            why = seen.agent_stop or "gave_up"
        else:
            why = _TRUNCATED_BY.get(str(info.get("truncated_by")), "truncated")
        update = {"outcome": "agent_error", "stop_reason": why}
    else:
        update = {
            "outcome": "passed" if result.passed else "failed",
            "stop_reason": seen.agent_stop or "submitted",
        }
    return result.model_copy(update=update)
