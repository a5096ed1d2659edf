"""The reference agents on every bundled task: the oracle earns every dollar, noop none."""

from __future__ import annotations

import pytest

from agents import make_agent
from swelancer_env.env import SWELancerEnv
from swelancer_env.runner import run_episode
from swelancer_env.tasks import task_ids

TASKS = task_ids()


@pytest.fixture(scope="module")
def env():
    env = SWELancerEnv(max_steps=60)
    yield env
    env.close()


def test_tasks_are_bundled() -> None:
    assert len(TASKS) >= 16


@pytest.mark.browser
@pytest.mark.parametrize("task_id", TASKS)
def test_oracle_earns_the_price(env: SWELancerEnv, task_id: str) -> None:
    result = run_episode(env, make_agent("oracle"), task_id)
    assert result.infra_error is None
    assert result.passed and result.earned == result.price > 0


@pytest.mark.browser
@pytest.mark.parametrize("task_id", TASKS)
def test_noop_earns_nothing(env: SWELancerEnv, task_id: str) -> None:
    result = run_episode(env, make_agent("noop"), task_id)
    assert result.infra_error is None
    assert not result.passed and result.earned == 0.0


def test_random_agent_is_seeded_and_ends(env: SWELancerEnv) -> None:
    manager = next(t for t in TASKS if "-mgr-" in t)
    first = run_episode(env, make_agent("random", seed=7), manager)
    second = run_episode(env, make_agent("random", seed=7), manager)
    assert first.steps == second.steps == 6
    assert first.earned == second.earned
