"""Ground truth proven by grading for real: for every manager task, the correct proposal's patch
passes the hidden tests and every other proposal's patch fails them; for every IC task, the
starting state fails them (the env does not grade an empty submission: this is why). The IC
gold fixes are covered by the oracle tests in tests/agents, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import list_tasks
from swelancer_env.validation import validate_task

MANAGER = [t for t in list_tasks() if t.variant == "swe_manager"]
IC = [t for t in list_tasks() if t.variant == "ic_swe"]


def test_there_are_eight_manager_tasks_with_stated_criteria() -> None:
    assert len(MANAGER) >= 8
    for task in MANAGER:
        assert 3 <= len(task.proposals) <= 6
        wrong = {p.id for p in task.proposals} - {task.correct_proposal}
        assert set(task.criteria) == wrong, f"{task.id}: every wrong proposal needs a criterion"
        assert all(p.patch.strip() for p in task.proposals), f"{task.id}: a proposal has no patch"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("task", MANAGER, ids=lambda t: t.id)
def test_only_the_correct_proposal_passes(task) -> None:
    checks = validate_task(task, workers=3)
    assert [c.name for c in checks][0] == "starting state"
    assert len(checks) == 1 + len(task.proposals)
    bad = [
        f"{c.name}: expected {c.expected}, got {c.got} ({c.detail[:300]})"
        for c in checks
        if not c.ok
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("task", MANAGER[:2], ids=lambda t: t.id)
def test_proposals_are_shown_but_not_in_the_tree(task) -> None:
    env = SWELancerEnv(task_id=task.id)
    try:
        obs, info = env.reset()
        assert info["proposal_ids"] == [p.id for p in task.proposals]
        for p in task.proposals:
            assert f"## Proposal {p.id}" in obs["output"]
        tree = Path(env.sandbox.tree)
        texts = [
            f.read_text(errors="replace")
            for f in tree.rglob("*")
            if f.is_file() and ".git" not in f.parts
        ]
        for p in task.proposals:
            assert not any(p.patch.strip() in t or p.text.strip() in t for t in texts)
        assert not any("correct_proposal" in t for t in texts)
        obs, reward, terminated, *_ = env.step({"type": "choose_proposal", "proposal_id": "nope"})
        assert not terminated and reward == 0.0 and "choose one of" in obs["output"]
    finally:
        env.close()


@pytest.mark.browser
def test_every_ic_starting_state_fails() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from swelancer_env.grading.grader import Grader

    grader = Grader()
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda task: grader.grade(task, ""), IC))
    assert len(results) >= 8
    for task, result in zip(IC, results, strict=True):
        assert result.infra_error is None, (task.id, result.infra_error)
        assert result.tests and not result.passed, (task.id, result.reason)
