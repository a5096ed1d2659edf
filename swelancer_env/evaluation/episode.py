"""One episode of an evaluation, the same whatever runs it: :func:`run_task_episode` is what the
process pool's workers, the Ray tasks and this process itself call, with an env from
:func:`make_env` (a local env, or a session on a ``swelancer-env serve`` server).

:class:`EvalConfig` is the run's settings (saved as the run folder's ``run.json``), with the
limits that end an episode: the env's (``max_steps``, ``time_limit``: the env's own time,
``wall_time_limit``) and the agent's, which are its options (``max_turns``,
``max_episode_tokens``, ``max_episode_cost``, ``max_reply_chars`` of the LLM agents).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["EvalConfig", "env_kwargs", "episode_seed", "make_env", "run_task_episode"]


class EvalConfig(BaseModel):
    """What ``evaluate`` runs; it is saved as the run folder's ``run.json``."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    agent_options: dict[str, Any] = Field(default_factory=dict)
    tasks: list[str]
    #: where the tasks come from: ``bundled`` or ``official`` (the fetched Diamond CSV)
    source: Literal["bundled", "official"] = "bundled"
    attempts: int = Field(1, ge=1)
    workers: int = Field(1, ge=1)
    seed: int = 0
    backend: str = "local"
    #: the backend's settings (``--backend-option``), laid over its defaults
    backend_options: dict[str, Any] = Field(default_factory=dict)
    chromium: str | None = None
    tools: list[str] | None = None
    #: env steps per episode (default: the task's); stop reason ``max_steps``
    max_steps: int | None = Field(None, ge=1)
    #: seconds of the env's own time per episode (commands, user tool, grading; not the
    #: agent's thinking), default the task's; stop reason ``time_limit``
    time_limit: float | None = Field(None, gt=0)
    #: wall-clock seconds per episode from its reset (default none); stop reason
    #: ``wall_time_limit``
    wall_time_limit: float | None = Field(None, gt=0)
    retries: int = Field(1, ge=0, description="reruns of an episode after an infra error")
    stop_after_infra_errors: int = Field(
        5,
        ge=0,
        description="infra errors in a row (after their reruns) that stop the run; 0: never",
    )
    label: str = ""
    #: where episodes run: ``process`` (this process, or a pool of ``workers`` processes) or
    #: ``ray`` (Ray tasks, at most ``workers`` at once)
    executor: Literal["process", "ray"] = "process"
    #: the Ray cluster to connect to (``ray://head:10001``, ``auto``); None: a local one
    ray_address: str | None = None
    #: a ``swelancer-env serve`` server whose sessions run the episodes (then ``backend``,
    #: ``chromium``, ``tools`` and the env's limits are the server's)
    server: str | None = None


def episode_seed(seed: int, task_id: str, attempt: int) -> int:
    """A seed of its own for each episode (31 bits), the same however the run is scheduled."""
    digest = hashlib.sha256(f"{seed}/{task_id}/{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def env_kwargs(config: EvalConfig) -> dict[str, Any]:
    """What :func:`make_env` needs for ``config``'s episodes (plain data: it goes to workers)."""
    if config.server:
        limits = [config.max_steps, config.time_limit, config.wall_time_limit]
        if any(v is not None for v in limits):
            raise ConfigError(
                "with a server the env's limits are the server's: give the step and time limits "
                "to `swelancer-env serve` (--wall-time-limit), not to eval"
            )
        return {"server": config.server}
    kwargs: dict[str, Any] = {
        "backend": config.backend,
        "chromium": config.chromium,
        "tools": config.tools,
        "sandbox_options": config.backend_options,
    }
    for key, value in (
        ("max_steps", config.max_steps),
        ("time_limit_s", config.time_limit),
        ("wall_time_limit_s", config.wall_time_limit),
    ):
        if value is not None:
            kwargs[key] = value
    return kwargs


def make_env(kwargs: dict[str, Any]) -> Any:
    """An env from :func:`env_kwargs`: a local one, or a session on a server."""
    if kwargs.get("server"):
        from swelancer_env.serving.client import RemoteEnv

        return RemoteEnv(kwargs["server"])
    from swelancer_env.env import SWELancerEnv

    return SWELancerEnv(**kwargs)


def run_task_episode(
    config: EvalConfig, out: str | Path, task_id: str, attempt: int, env: Any
) -> EpisodeResult:
    """Episode ``attempt`` of ``task_id`` in ``env``, rerun after an infra error
    (``config.retries`` times): a fresh agent with the episode's seed, its trajectory written
    under ``out``; the result classified (:mod:`swelancer_env.evaluation.outcomes`)."""
    from swelancer_agents import make_agent
    from swelancer_env.evaluation.outcomes import classify, watch
    from swelancer_env.evaluation.trajectory import TrajectoryWriter
    from swelancer_env.runner import run_episode

    out = Path(out)
    seed = episode_seed(config.seed, task_id, attempt)
    result: EpisodeResult | None = None
    for _ in range(1 + config.retries):
        agent = make_agent(config.agent, **{**config.agent_options, "seed": seed})
        writer = TrajectoryWriter(out, task_id, attempt)
        watched, seen = watch(agent)
        result = run_episode(
            env,
            watched,
            task_id,
            on_step=seen.on_step,
            attempt=attempt,
            seed=seed,
            trajectory=writer,
        )
        result = classify(result, seen)
        if result.outcome != "infra_error":  # a config error is the same on every try
            break
    assert result is not None
    rel = writer.path.relative_to(out).as_posix()
    return result.model_copy(update={"trajectory": rel})
