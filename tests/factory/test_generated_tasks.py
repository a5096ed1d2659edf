"""The bundled generated tasks (tasks/synth/): every one loads and passes the lint; a seeded
sample of them is earned in full by the oracle and not at all by the no-op agent, on both
backends (the whole store: `swelancer-env validate --split synth-train`, see docs/FACTORY.md)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from swelancer_env.tasks.lint import lint_task
from swelancer_env.tasks.loader import load_task
from swelancer_env.tasks.synth import SYNTH_SPLITS, synth_index

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
#: tasks per app in the sample each backend runs
PER_APP = 2


def _sample() -> list[str]:
    index = synth_index()
    rng = random.Random(2026)
    out = []
    for app in sorted({e.app for e in index.values()}):
        ids = sorted(i for i, e in index.items() if e.app == app)
        out += rng.sample(ids, min(PER_APP, len(ids)))
    return out


def test_the_generated_tasks_are_bundled_in_their_splits() -> None:
    index = synth_index()
    per_app = Counter(e.app for e in index.values())
    assert per_app and min(per_app.values()) >= 20, per_app
    assert {e.split for e in index.values()} <= set(SYNTH_SPLITS)


def test_every_generated_task_loads_and_passes_the_lint() -> None:
    problems = []
    for task_id in sorted(synth_index()):
        task = load_task(task_id)
        assert task.variant == "ic_swe" and task.price >= 250
        assert (task.tests_dir / "test_hidden.py").is_file()
        problems += lint_task(task)
    assert not problems, problems[:10]


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_oracle_earns_a_sample_and_noop_nothing(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:  # fmt: skip
    from swelancer_env.evaluation.evaluate import EvalConfig, evaluate
    from swelancer_env.evaluation.results import read_results

    if backend == "docker":
        request.getfixturevalue("engine")
    sample = _sample()
    for agent, paid in (("oracle", True), ("noop", False)):
        out = tmp_path / agent
        evaluate(EvalConfig(agent=agent, tasks=sample, workers=2, backend=backend), out)
        results = {r.task_id: r for r in read_results(out / "results.jsonl")}
        assert sorted(results) == sorted(sample)
        wrong = {
            t: (r.earned, r.price, r.infra_error, r.failed_tests)
            for t, r in results.items()
            if r.infra_error is not None or (r.earned == r.price > 0) is not paid
            or (not paid and r.earned != 0)
        }  # fmt: skip
        assert not wrong, (agent, wrong)
