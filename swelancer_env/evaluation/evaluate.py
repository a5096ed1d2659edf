"""An evaluation: every (task, attempt) episode of an agent, in one process, a pool of
processes or Ray tasks on a cluster (:mod:`swelancer_env.evaluation.ray_executor`), with
results written by this process alone as each episode ends, so that a crashed run resumes
without losing or repeating an episode.

Each episode gets its own seed, derived from the run's seed, the task and the attempt, and a
fresh agent made with it: the results do not depend on how many workers ran them, nor in which
order.

Each result says how the episode came out and why it ended
(:mod:`swelancer_env.evaluation.outcomes`). An infrastructure error (the harness or the model
endpoint failed) is rerun ``retries`` times, then recorded; ``stop_after_infra_errors`` of them
in a row stop the run, as a config error (a key the endpoint refused, no such model) does at
once: :class:`RunStopped`, with every result written so far valid. ``--resume`` then runs the
missing episodes and those that ended in an infra or config error, and no other.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from swelancer_env.errors import ConfigError, SWELancerError
from swelancer_env.evaluation.atomic import write_json_atomic
from swelancer_env.evaluation.episode import (
    EvalConfig,
    env_kwargs,
    episode_seed,
    make_env,
    run_task_episode,
)
from swelancer_env.evaluation.records import NOT_GRADED, EpisodeResult, RunInfo
from swelancer_env.evaluation.results import append_result, drop_results, read_results, repair
from swelancer_env.evaluation.summary import summarize

__all__ = ["EvalConfig", "RunStopped", "episode_seed", "evaluate"]


class RunStopped(SWELancerError, RuntimeError):
    """The run stopped before its end: a config error, or too many infra errors in a row.

    The results written so far are valid and the run resumes with ``--resume``.

    Attributes:
        reason: ``config_error`` or ``infra_errors``.
        result: the episode that stopped the run.
        summary: the summary of the results so far (also in ``summary.json``), once
            :func:`evaluate` has written it.
    """

    def __init__(self, message: str, reason: str, result: EpisodeResult):
        super().__init__(message)
        self.reason = reason
        self.result = result
        self.summary: dict[str, Any] | None = None


# -- one worker: an env of its own, reused across its episodes --------------------------------

_ENV: Any = None


def _on_term(*_: Any) -> None:
    # not sys.exit: the pool's worker loop catches SystemExit raised inside a job and goes on
    try:
        if _ENV is not None:
            _ENV.close()
    finally:
        # and what a reset stopped halfway had made before the env could know of it
        with contextlib.suppress(Exception):
            from swelancer_env.tempdirs import remove_own_temp_dirs

            remove_own_temp_dirs()
        os._exit(143)


def _worker_init(kwargs: dict[str, Any]) -> None:
    global _ENV
    if sys.platform == "linux":  # die with the parent (killed or not), closing the env
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _ENV = make_env(kwargs)
    import atexit

    atexit.register(_ENV.close)


def _in_worker(config: EvalConfig, out: str, task_id: str, attempt: int) -> EpisodeResult:
    """A pool job: one episode in this worker's env."""
    return run_task_episode(config, out, task_id, attempt, _ENV)


# -- the run ------------------------------------------------------------------------------------


def _check_resume(out: Path, config: EvalConfig, resume: bool, done: int) -> None:
    run_json = out / "run.json"
    if done and not resume:
        raise ConfigError(
            f"{out / 'results.jsonl'} already holds {done} results. Pass --resume to finish that "
            "run, or choose another --out."
        )
    if resume and run_json.exists():
        before = RunInfo.model_validate_json(run_json.read_text())
        mine = {"agent": config.agent, "attempts": config.attempts, "seed": config.seed}
        theirs = {"agent": before.agent, "attempts": before.attempts, "seed": before.seed}
        model = config.agent_options.get("model")
        if mine != theirs or model != before.model:
            raise ConfigError(
                f"{out} holds a run of {theirs} (model {before.model}); --resume needs the same "
                f"agent, model, attempts and seed (got {mine}, model {model})"
            )


def evaluate(
    config: EvalConfig,
    out: Path,
    *,
    resume: bool = False,
    progress: bool | None = None,
    on_result: Callable[[EpisodeResult], None] | None = None,
) -> dict[str, Any]:
    """Run the evaluation into ``out``; returns the summary (also ``out/summary.json``).

    Args:
        resume: keep the results already in ``out`` and run only the missing episodes and
            those that ended in an infra or config error (their lines are replaced).
        progress: show a progress bar (None: when stderr is a terminal).
        on_result: called in the parent as each episode ends (after it is on disk).

    Raises:
        RunStopped: a config error, or ``stop_after_infra_errors`` infra errors in a row; the
            results so far are on disk (and the summary in ``summary.json``).
    """
    from tqdm import tqdm

    from swelancer_env.tasks import load_task

    tasks = {t: load_task(t) for t in config.tasks}  # unknown ids fail before anything runs
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    repair(results_path)
    done = {r.key: r for r in read_results(results_path)}
    _check_resume(out, config, resume, len(done))
    rerun = {key for key, r in done.items() if r.outcome in NOT_GRADED}
    if rerun:  # only with resume: their lines go, the reruns' take their place
        drop_results(results_path, rerun)
        done = {key: r for key, r in done.items() if key not in rerun}
    run = RunInfo(
        agent=config.agent,
        model=config.agent_options.get("model"),
        label=config.label
        or " ".join(filter(None, [config.agent, config.agent_options.get("model")])),
        attempts=config.attempts,
        seed=config.seed,
        backend=config.backend,
        tools=config.tools,
        agent_options={k: v for k, v in config.agent_options.items() if "key" not in k.lower()},
        tasks=config.tasks,
        source=config.source,
        official_set=next((t.official.set for t in tasks.values() if t.official is not None), None),
        started_at=datetime.now(UTC).isoformat(),
    )
    if not (out / "run.json").exists():
        write_json_atomic(out / "run.json", run.model_dump(mode="json"))
    jobs = [(t, a) for t in config.tasks for a in range(config.attempts) if (t, a) not in done]
    available = sum(tasks[t].price for t in config.tasks) * config.attempts
    bar = tqdm(
        total=len(config.tasks) * config.attempts,
        initial=len(done),
        desc=run.label or "eval",
        unit="episode",
        disable=(not sys.stderr.isatty()) if progress is None else not progress,
        dynamic_ncols=True,
    )

    streak: list[EpisodeResult] = []  # the infra errors in a row, as episodes end

    def finished(result: EpisodeResult) -> None:
        append_result(results_path, result)
        done[result.key] = result
        earned = sum(r.earned for r in done.values())
        passed = sum(r.passed for r in done.values())
        apart = sum(not r.graded for r in done.values())
        bar.set_postfix_str(
            f"earned ${earned:,.0f} of ${available:,.0f}, passed {passed}/{len(done)}"
            + (f", infra/config errors {apart}" if apart else "")
        )
        bar.update(1)
        write_json_atomic(out / "summary.json", _summary(run, done))
        if on_result is not None:
            on_result(result)
        streak[:] = [*streak, result] if result.outcome == "infra_error" else []
        _check_stop(config, result, streak, results_path)

    try:
        if config.executor == "ray":
            from swelancer_env.evaluation.ray_executor import run_on_ray

            run_on_ray(config, out, jobs, finished, address=config.ray_address)
        elif config.workers == 1:
            _worker_env_in_process(config, out, jobs, finished)
        else:
            _worker_pool(config, out, jobs, finished)
    except RunStopped as stopped:
        stopped.summary = _summary(run, done)
        write_json_atomic(out / "summary.json", stopped.summary)
        raise
    finally:
        bar.close()
    summary = _summary(run, done)
    write_json_atomic(out / "summary.json", summary)
    return summary


def _check_stop(
    config: EvalConfig, result: EpisodeResult, streak: list[EpisodeResult], results: Path
) -> None:
    """Raise :class:`RunStopped` when ``result`` (or the infra errors before it) ends the run."""
    where = f"{result.task_id} attempt {result.attempt}"
    after = (
        f"The results so far are in {results}, all valid; after the fix, run the same command "
        "with --resume: it runs the missing episodes and those that ended in an infra or config "
        "error, and no other."
    )
    if result.outcome == "config_error":
        raise RunStopped(
            f"the run stopped at {where}: {result.config_error}. {after}", "config_error", result
        )
    limit = config.stop_after_infra_errors
    if limit and len(streak) >= limit:
        raise RunStopped(
            f"the run stopped after {len(streak)} infra errors in a row "
            f"(--stop-after-infra-errors {limit}), the harness or the model endpoint failing; "
            f"the last, at {where}: {result.infra_error}. {after}",
            "infra_errors",
            result,
        )


def _summary(run: RunInfo, done: dict[tuple[str, int], EpisodeResult]) -> dict[str, Any]:
    ordered = sorted(done.values(), key=lambda r: (r.task_id, r.attempt))
    return {"run": run.model_dump(mode="json"), **summarize(ordered)}


def _worker_env_in_process(
    config: EvalConfig,
    out: Path,
    jobs: list[tuple[str, int]],
    finished: Callable[[EpisodeResult], None],
) -> None:
    global _ENV
    _ENV = make_env(env_kwargs(config))
    try:
        for task_id, attempt in jobs:
            finished(run_task_episode(config, out, task_id, attempt, _ENV))
    finally:
        _ENV.close()
        _ENV = None


def _worker_pool(
    config: EvalConfig,
    out: Path,
    jobs: list[tuple[str, int]],
    finished: Callable[[EpisodeResult], None],
) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # no forked copy of the parent's threads
    workers = min(config.workers, max(1, len(jobs)))
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(env_kwargs(config),),
    ) as pool:
        # at most `workers` episodes handed out at once: a stopped run starts no other
        queue = deque(jobs)
        pending: set[Future[EpisodeResult]] = set()

        def fill() -> None:
            while queue and len(pending) < workers:
                pending.add(pool.submit(_in_worker, config, str(out), *queue.popleft()))

        try:
            fill()
            while pending:
                ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in ready:
                    pending.discard(f)
                    finished(f.result())
                fill()
        except RunStopped:
            # the episodes already running end and are kept, as valid results
            for f in list(pending):
                try:
                    finished(f.result())
                except RunStopped:
                    pass  # the run is stopping already
                except Exception:
                    continue  # its worker failed: the episode is missing, --resume runs it
            raise
        except BaseException:
            for f in pending:
                f.cancel()
            raise
