"""Cheating agents earn $0 and see nothing hidden, on both backends; an honest agent still earns.

One test per backend and attack (``test_attack_earns_nothing[local-read_hidden_tests]``); the
attacks of a group share episodes (see ``attack_catalog.GROUPS``), played the first time one of
them is asked for. After a backend's attacks, the oracle earns the full price in the same env
(``test_honest_agent_still_earns``). The Docker half needs the ``engine`` fixture
(tests/conftest.py), which fails, never skips, without an engine.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from attack_catalog import ATTACKS, GROUPS
from attack_kit import MAIN_TASK, Runner, snapshot, snapshot_diff, starting_snapshot

from swelancer_agents.oracle import OracleAgent
from swelancer_env.env import SWELancerEnv

pytestmark = pytest.mark.browser

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]


@pytest.fixture(scope="module", params=BACKENDS)
def runner(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runner]:
    backend = request.param
    options = {"image": request.getfixturevalue("engine")} if backend == "docker" else {}

    def make_env() -> SWELancerEnv:
        return SWELancerEnv(backend=backend, max_steps=1000, sandbox_options=options)

    tmp = tmp_path_factory.mktemp(f"attacks-{backend}")
    run = Runner(make_env(), backend, tmp, GROUPS, ATTACKS, make_env=make_env, workers=2)
    yield run
    run.close()
    timings = ", ".join(f"{g} {s:.1f} s" for g, s in run.timings.items())
    print(f"\n[attacks on {backend}] group wall times: {timings}")


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_earns_nothing(runner: Runner, attack) -> None:
    failures = runner.failures_of(attack)
    assert not failures, (
        f"attack {attack.name} (family {attack.family}, group {attack.group}) on {runner.backend}:\n"
        + "\n".join(failures)
    )


def test_honest_agent_still_earns(runner: Runner) -> None:
    """After the attacks, in the same process and env: a fresh tree, and the oracle earns."""
    env = runner.env
    agent = OracleAgent()
    try:
        obs, info = env.reset(options={"task_id": MAIN_TASK})
        changed = snapshot_diff(starting_snapshot(MAIN_TASK), snapshot(env.sandbox.tree))
        assert not changed, f"the tree at reset is not the starting state: {changed[:10]}"
        agent.reset(env.task, obs, info)
        terminated = truncated = False
        while not (terminated or truncated):
            obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
            assert "grade" in info or int(obs["exit_code"]) == 0, obs["output"]
        grade = info["grade"]
        assert terminated and grade["infra_error"] is None, obs["output"]
        assert grade["passed"] and reward == grade["price"] > 0, obs["output"]
    finally:
        env.close()
