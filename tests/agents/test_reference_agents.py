"""The reference agents on every bundled task, on both backends: the oracle earns every
dollar (two episodes at a time, as an evaluation runs them), noop none. The Docker half needs the ``engine`` fixture (tests/conftest.py), which
fails, never skips, when the engine or image is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from swelancer_agents import make_agent
from swelancer_env.env import SWELancerEnv
from swelancer_env.runner import run_episode
from swelancer_env.tasks import task_ids

TASKS = task_ids()
BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]


def _containers_of_this_run() -> list[object]:
    from swelancer_env.backends.docker.engine import docker_client
    from swelancer_env.backends.docker.sandbox import current_run_id

    label = f"swelancer-env.run={current_run_id()}"
    return docker_client().api.containers(all=True, filters={"label": label})


@pytest.fixture(scope="module", params=BACKENDS)
def env(request: pytest.FixtureRequest) -> Iterator[SWELancerEnv]:
    if request.param == "docker":
        options = {"image": request.getfixturevalue("engine")}
        env = SWELancerEnv(backend="docker", max_steps=60, sandbox_options=options)
    else:
        env = SWELancerEnv(max_steps=60)
    yield env
    env.close()
    if request.param == "docker":
        assert _containers_of_this_run() == []


def test_tasks_are_bundled() -> None:
    assert len(TASKS) >= 16


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_oracle_earns_every_price(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Every task, two episodes at a time (as ``eval --workers 2`` runs them)."""
    from swelancer_env.evaluation.evaluate import EvalConfig, evaluate
    from swelancer_env.evaluation.results import read_results

    if backend == "docker":
        request.getfixturevalue("engine")  # the engine and image, or a failure that says why
    evaluate(EvalConfig(agent="oracle", tasks=TASKS, workers=2, backend=backend), tmp_path)
    results = {r.task_id: r for r in read_results(tmp_path / "results.jsonl")}
    assert sorted(results) == sorted(TASKS)
    wrong = {
        t: (r.earned, r.price, r.infra_error, r.agent_error, r.failed_tests)
        for t, r in results.items()
        if not (r.passed and r.earned == r.price > 0 and r.infra_error is None)
    }
    assert not wrong, wrong
    if backend == "docker":
        assert _containers_of_this_run() == []


@pytest.mark.browser
@pytest.mark.parametrize("task_id", TASKS)
def test_noop_earns_nothing(env: SWELancerEnv, task_id: str) -> None:
    result = run_episode(env, make_agent("noop"), task_id)
    assert result.infra_error is None
    assert not result.passed and result.earned == 0.0


def test_random_agent_is_seeded_and_ends() -> None:
    manager = next(t for t in TASKS if "-mgr-" in t)
    env = SWELancerEnv(max_steps=60)
    try:
        first = run_episode(env, make_agent("random", seed=7), manager)
        second = run_episode(env, make_agent("random", seed=7), manager)
    finally:
        env.close()
    assert first.steps == second.steps == 6
    assert first.earned == second.earned


def test_the_oracle_can_stand_in_for_a_policy_that_takes_time() -> None:
    """``think_s``: the oracle waits that long before each action (rollout benchmarks)."""
    import time

    from swelancer_env.errors import ConfigError

    with pytest.raises(ConfigError, match="think_s"):
        make_agent("oracle", think_s=-1)
    agent = make_agent("oracle", think_s=0.3)
    started = time.monotonic()
    agent.act({}, {})
    assert time.monotonic() - started >= 0.3
