"""Episodes as Ray tasks: ``swelancer-env eval --executor ray [--address ADDR]``.

Each episode is one Ray task that makes an env of its own, runs the same per-episode code as
the process pool (:func:`swelancer_env.evaluation.episode.run_task_episode`: a fresh agent with the
episode's seed, its trajectory written into the run folder) and returns its
:class:`~swelancer_env.evaluation.records.EpisodeResult` as a dict. The driver (the process
that called ``evaluate``) alone writes ``results.jsonl`` and ``summary.json``, as each task
ends; at most ``workers`` tasks are in flight.

A task whose worker dies (killed, out of memory, its node lost) is submitted once more; if that
fails too, the driver records the episode as an ``infra_error``, so that no episode is lost and
none is counted twice. Ray's own retries are off (``max_retries=0``): the driver decides.

Without an address a local cluster is started for the run (sized for ``workers``) and shut down
after it; with one (``ray://head:10001``, ``auto``) the run connects to that cluster. A Ray
already initialized in this process is used as it is. On a cluster of several nodes the
trajectories are written by the workers: ``--out`` must be on a filesystem every node shares,
and every node needs swelancer-env (and any agent package) installed, a Chromium, and the
Docker engine for ``--backend docker``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.episode import (
    EvalConfig,
    env_kwargs,
    episode_seed,
    make_env,
    run_task_episode,
)
from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["run_on_ray"]

#: submissions of one episode before it is recorded as an infra error (the first and a retry)
TRIES = 2


def _episode(config: dict[str, Any], out: str, task_id: str, attempt: int) -> dict[str, Any]:
    """The Ray task: one episode in an env of its own."""
    cfg = EvalConfig.model_validate(config)
    env = make_env(env_kwargs(cfg))
    try:
        return run_task_episode(cfg, out, task_id, attempt, env).model_dump(mode="json")
    finally:
        env.close()


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray, which is not installed: pip install 'swelancer-env[ray]'"
        ) from None
    return ray


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def _lost(
    config: EvalConfig, task_id: str, attempt: int, error: BaseException, seconds: float
) -> EpisodeResult:
    """The result of an episode whose Ray task failed on every try."""
    from swelancer_agents import agent_class
    from swelancer_env.tasks import load_task

    task = load_task(task_id)
    cls = agent_class(config.agent)
    return EpisodeResult(
        task_id=task_id,
        variant=task.variant,
        price=task.price,
        earned=0.0,
        passed=False,
        steps=0,
        seconds=round(seconds, 3),
        attempt=attempt,
        agent=getattr(cls, "name", cls.__name__),
        model=config.agent_options.get("model"),
        seed=episode_seed(config.seed, task_id, attempt),
        infra_error=(
            f"the Ray worker died running {task_id} attempt {attempt}, {TRIES} times; "
            f"last: {_first_line(error)}"
        ),
    )


def run_on_ray(
    config: EvalConfig,
    out: Path,
    jobs: list[tuple[str, int]],
    finished: Callable[[EpisodeResult], None],
    address: str | None = None,
) -> None:
    """Run ``jobs`` (task id, attempt) as Ray tasks, calling ``finished`` here as each ends.

    Raises:
        ConfigError: Ray is not installed, or an episode failed on a worker with a
            ``ConfigError`` (e.g. the agent cannot be imported there).
    """
    ray = _import_ray()
    from ray.exceptions import RayError, RayTaskError

    if not jobs:
        return

    owned = not ray.is_initialized()
    if owned and address:
        ray.init(address=address, log_to_driver=False)
    elif owned:
        # workers find what this process finds (an agent given as module:Class), as the
        # process pool's spawned workers do
        base = (sys.prefix, sys.base_prefix)
        path = os.pathsep.join(p for p in sys.path if p and not p.startswith(base))
        ray.init(
            num_cpus=max(1, min(config.workers, len(jobs))),
            include_dashboard=False,
            log_to_driver=False,
            runtime_env={"env_vars": {"PYTHONPATH": path}},
        )
    remote = ray.remote(max_retries=0, num_cpus=1)(_episode)
    spec = config.model_dump(mode="json")
    queue = deque(jobs)
    inflight: dict[Any, tuple[str, int, int, float]] = {}  # ref: task, attempt, try, start

    def submit(task_id: str, attempt: int, n: int) -> None:
        ref = remote.remote(spec, str(out), task_id, attempt)
        inflight[ref] = (task_id, attempt, n, time.monotonic())

    try:
        while queue or inflight:
            while queue and len(inflight) < config.workers:
                submit(*queue.popleft(), 1)
            ready, _ = ray.wait(list(inflight), num_returns=1)
            for ref in ready:
                task_id, attempt, n, start = inflight.pop(ref)
                try:
                    result = EpisodeResult.model_validate(ray.get(ref))
                except RayError as e:
                    cause = e.cause if isinstance(e, RayTaskError) else None
                    if isinstance(cause, ConfigError):
                        raise cause from None  # the same on every try: stop, as the pool does
                    if n < TRIES:
                        submit(task_id, attempt, n + 1)
                        continue
                    result = _lost(config, task_id, attempt, e, time.monotonic() - start)
                finished(result)
    except BaseException:
        _cancel(ray, list(inflight))
        raise
    finally:
        if owned:
            ray.shutdown()
            if not address:
                _remove_what_dead_workers_left()


def _cancel(ray: Any, refs: list[Any], grace: float = 5.0) -> None:
    """Interrupt the tasks (a KeyboardInterrupt, so that their envs close), then kill those
    still running after ``grace`` seconds (blocked in a call the interrupt does not reach)."""
    for ref in refs:
        ray.cancel(ref)
    if refs:
        _, running = ray.wait(refs, num_returns=len(refs), timeout=grace)
        for ref in running:
            ray.cancel(ref, force=True)


def _remove_what_dead_workers_left() -> None:
    """What ``swelancer-env janitor`` removes, on this node: the temporary folders and cgroups
    of the local cluster's workers that were killed before their env closed. Never raises: what
    a dead worker left (a tree of any shape) must not fail the run that follows it."""
    from swelancer_env.sandbox.limits import remove_stale_groups
    from swelancer_env.tempdirs import remove_stale_temp_dirs

    for clean in (remove_stale_temp_dirs, remove_stale_groups):
        with contextlib.suppress(Exception):
            clean()
