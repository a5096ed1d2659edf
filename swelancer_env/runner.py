"""Running agents on tasks: one episode, or an evaluation that writes results as it goes."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.env import SWELancerEnv

__all__ = ["EpisodeResult", "run_episode", "summarize", "write_summary"]

StepCallback = Callable[[int, Any, dict[str, Any], float, dict[str, Any]], None]


class EpisodeResult(BaseModel):
    """One line of ``results.jsonl``."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    variant: str
    price: float
    earned: float
    passed: bool
    steps: int
    seconds: float
    agent: str = ""
    truncated: bool = False
    infra_error: str | None = None
    #: hidden tests that did not pass (for the researcher; the agent never sees their names)
    failed_tests: list[str] = Field(default_factory=list)


def run_episode(
    env: SWELancerEnv, agent: Any, task_id: str, on_step: StepCallback | None = None
) -> EpisodeResult:
    """Run ``agent`` on ``task_id`` in ``env`` until the episode ends."""
    started = time.perf_counter()
    obs, info = env.reset(options={"task_id": task_id})
    task = env.task
    if task is None:
        raise RuntimeError("reset did not load a task")
    agent.reset(task, obs, info)
    steps, reward, terminated, truncated = 0, 0.0, False, False
    while not (terminated or truncated):
        action = agent.act(obs, info)
        obs, reward, terminated, truncated, info = env.step(action)
        steps += 1
        if on_step is not None:
            on_step(steps, action, obs, reward, info)
    grade = info.get("grade") or {}
    full = getattr(getattr(env, "unwrapped", env), "last_grade", None) if terminated else None
    failed = [t.name for t in full.tests if t.outcome != "passed"] if full is not None else []
    return EpisodeResult(
        task_id=task.id,
        variant=task.variant,
        price=task.price,
        earned=float(reward),
        passed=bool(grade.get("passed", False)),
        steps=steps,
        seconds=round(time.perf_counter() - started, 3),
        agent=getattr(agent, "name", type(agent).__name__),
        truncated=truncated,
        infra_error=full.infra_error if full is not None else grade.get("infra_error"),
        failed_tests=failed,
    )


def summarize(results: Iterable[EpisodeResult]) -> dict[str, Any]:
    """``earned``, ``available`` and, per variant, ``passed``, ``total``, ``earned``, ``available``."""
    summary: dict[str, Any] = {
        "earned": 0.0,
        "available": 0.0,
        "episodes": 0,
        "infra_errors": 0,
        "variants": {},
    }
    for r in results:
        v = summary["variants"].setdefault(
            r.variant, {"passed": 0, "total": 0, "earned": 0.0, "available": 0.0}
        )
        v["total"] += 1
        v["passed"] += int(r.passed)
        v["earned"] += r.earned
        v["available"] += r.price
        summary["earned"] += r.earned
        summary["available"] += r.price
        summary["episodes"] += 1
        summary["infra_errors"] += int(r.infra_error is not None)
    return summary


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    """Write ``summary.json`` atomically (a temp file renamed into place)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2) + "\n")
    os.replace(tmp, path)


def append_result(path: Path, result: EpisodeResult) -> None:
    """Append one result line with a single write, flushed to disk."""
    with path.open("a", encoding="utf-8") as f:
        f.write(result.model_dump_json() + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_results(path: Path) -> list[EpisodeResult]:
    """The complete lines of a ``results.jsonl`` (a torn last line is ignored)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(EpisodeResult.model_validate_json(line))
        except ValueError:
            continue
    return out
