"""Running an agent on a task for one episode, recording each step and the model calls
behind it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import InfrastructureError
from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    StepRecord,
    TokenUsage,
    TrajectoryEnd,
    TrajectoryHeader,
)
from swelancer_env.evaluation.results import append_result, read_results
from swelancer_env.evaluation.summary import summarize
from swelancer_env.evaluation.trajectory import TrajectoryWriter

__all__ = ["EpisodeResult", "append_result", "read_results", "run_episode", "summarize"]

StepCallback = Callable[[int, Any, dict[str, Any], float, dict[str, Any]], None]


def _pop_calls(agent: Any) -> list[ModelCall]:
    pop = getattr(agent, "pop_model_calls", None)
    return list(pop()) if callable(pop) else []


def _jsonable(action: Any) -> Any:
    dump = getattr(action, "model_dump", None)
    return dump() if callable(dump) else action


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return f"{type(e).__name__}: {text}"[:2000]


def run_episode(
    env: SWELancerEnv,
    agent: Any,
    task_id: str,
    on_step: StepCallback | None = None,
    *,
    attempt: int = 0,
    seed: int | None = None,
    trajectory: TrajectoryWriter | None = None,
) -> EpisodeResult:
    """Run ``agent`` on ``task_id`` in ``env`` until the episode ends.

    Never raises for the agent's or the harness's failure: an exception in the agent ends the
    episode as its failure (``agent_error``); an infrastructure error (the harness, the model
    endpoint) ends it as ``infra_error``, counted apart.
    """
    started = time.perf_counter()
    base = getattr(env, "unwrapped", env)
    calls: list[ModelCall] = []
    steps, reward, terminated, truncated = 0, 0.0, False, False
    info: dict[str, Any] = {}
    infra_error = agent_error = None
    gave_up = False
    left: list[ModelCall] = []  # calls made before an act that gave up
    try:
        obs, info = env.reset(seed=seed, options={"task_id": task_id})
    except InfrastructureError as e:
        infra_error = f"reset failed: {_first_line(e)}"
    task = base.task
    if task is None:
        from swelancer_env.tasks.loader import load_task

        task = load_task(task_id)
    if trajectory is not None and infra_error is None:
        trajectory.header(
            TrajectoryHeader(
                task_id=task.id, attempt=attempt, variant=task.variant, price=task.price,
                title=task.title, agent=getattr(agent, "name", type(agent).__name__),
                model=getattr(agent, "model", None), seed=seed, tools=info.get("tools", []),
                observation=obs["output"], started_at=datetime.now(UTC).isoformat(),
            )
        )  # fmt: skip
    try:
        if infra_error is None:
            agent.reset(task, obs, info)
        while infra_error is None and not (terminated or truncated):
            action = agent.act(obs, info)
            step_calls = _pop_calls(agent)
            calls += step_calls
            if action is None:  # the agent gave up: the episode ends unsubmitted
                truncated = gave_up = True
                left = step_calls  # the end line keeps them
                break
            obs, reward, terminated, truncated, info = env.step(action)
            steps += 1
            if trajectory is not None:
                shot = obs.get("screenshot", info.get("screenshot"))
                shot = shot if info.get("action") == "user_tool" else None
                trajectory.step(
                    StepRecord(
                        step=steps, action=_jsonable(action), action_type=info.get("action"),
                        observation=obs["output"], exit_code=int(obs["exit_code"]),
                        reward=float(reward), terminated=terminated, truncated=truncated,
                        timings={k: round(float(v), 4) for k, v in getattr(base, "timings", {}).items()},
                        model_calls=step_calls, grade=info.get("grade"),
                    ),
                    screenshot=shot,
                )  # fmt: skip
            if on_step is not None:
                on_step(steps, action, obs, reward, info)
    except InfrastructureError as e:
        infra_error = _first_line(e)
    except Exception as e:  # the agent's own bug: its failure, not the harness's
        agent_error = _first_line(e)
    finally:
        tail = _pop_calls(agent)
        calls += tail
        if trajectory is not None:
            if trajectory.has_header:
                trajectory.end(
                    TrajectoryEnd(
                        steps=steps, model_calls=[*left, *tail], agent_error=agent_error,
                        infra_error=infra_error, gave_up=gave_up,
                    )
                )  # fmt: skip
            trajectory.close()
    grade = info.get("grade") or {}
    full = base.last_grade if terminated else None
    if infra_error is None:
        infra_error = full.infra_error if full is not None else grade.get("infra_error")
    failed = [t.name for t in full.tests if t.outcome != "passed"] if full is not None else []
    costs = [c.cost for c in calls]
    return EpisodeResult(
        task_id=task.id,
        variant=task.variant,
        price=task.price,
        # the dollars, whatever the env's reward scale
        earned=float(grade.get("earned", reward)) if infra_error is None else 0.0,
        passed=bool(grade.get("passed", False)) and infra_error is None,
        steps=steps,
        seconds=round(time.perf_counter() - started, 3),
        attempt=attempt,
        agent=getattr(agent, "name", type(agent).__name__),
        model=getattr(agent, "model", None),
        seed=seed,
        truncated=truncated,
        infra_error=infra_error,
        agent_error=agent_error,
        tokens=sum((c.usage for c in calls), TokenUsage()),
        model_calls=len(calls),
        cost=None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 8),
        failed_tests=failed,
        failure_messages=(
            {t.name: t.message.strip()[:800] for t in full.tests if t.outcome != "passed"}
            if full is not None
            else {}
        ),
    )
