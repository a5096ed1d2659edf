"""The bundled tasks as a set (spread like the benchmark's), and `validate_task` proving one
manager task for real: the starting state fails, the gold fix and the correct proposal pass, each
wrong proposal fails exactly the hidden tests its criterion cites, the user tool runs; an IC
task's wrong fixes and its gold with a hunk left out fail. CI runs `swelancer-env validate` over
every task (.ci/run)."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from swelancer_env.cli import main
from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import Category, list_tasks, load_task, load_task_dir
from swelancer_env.tasks.model import Task
from swelancer_env.validation import cited_tests, validate_task

MANAGER = [t for t in list_tasks() if t.variant == "swe_manager"]
IC = [t for t in list_tasks() if t.variant == "ic_swe"]


def test_the_tasks_are_many_and_spread_like_the_benchmark() -> None:
    tasks = list_tasks()
    assert len(tasks) >= 44 and len(IC) >= 30 and len(MANAGER) >= 14
    by_app = Counter(t.app for t in tasks)
    assert len(by_app) >= 2 and by_app["desk"] >= 12, by_app
    prices = sorted(t.price for t in tasks)
    assert prices[0] == 250 and prices[-1] == 16000
    above, middle = sum(p > 1000 for p in prices), sum(500 <= p <= 1000 for p in prices)
    assert len(tasks) / 4 <= above <= len(tasks) / 2, prices  # about a third each
    assert len(tasks) / 4 <= middle <= len(tasks) / 2, prices
    categories = Counter(t.category for t in tasks)
    assert categories.most_common(1)[0][0] == "application_logic", categories
    assert set(categories) == {c.value for c in Category}, categories
    splits = Counter(t.split for t in tasks)
    assert set(splits) == {"train", "test", "diamond"}, splits
    titles = [t.title.lower() for t in tasks]
    assert len(set(titles)) == len(titles)


def test_every_manager_task_states_a_criterion_per_wrong_proposal() -> None:
    for task in MANAGER:
        assert 3 <= len(task.proposals) <= 6
        wrong = {p.id for p in task.proposals} - {task.correct_proposal}
        assert set(task.criteria) == wrong, f"{task.id}: every wrong proposal needs a criterion"
        assert all(cited_tests(c) for c in task.criteria.values()), task.id
        assert all(p.patch.strip() for p in task.proposals), f"{task.id}: a proposal has no patch"


@pytest.mark.browser
@pytest.mark.slow
def test_validate_proves_a_manager_task_for_real() -> None:
    task = load_task("tally-mgr-blank-merchant")
    checks = validate_task(task, workers=3)
    names = [c.name for c in checks]
    assert names == ["starting state", "gold fix", *(f"proposal {p.id}" for p in task.proposals),
                     "user tool"]  # fmt: skip
    bad = [f"{c.name}: expected {c.expected}, got {c.got} ({c.detail[:300]})" for c in checks
           if not c.ok]  # fmt: skip
    assert not bad, "\n".join(bad)
    wrong = [c for c in checks if c.name.startswith("proposal") and c.expected == "fail"]
    assert wrong and all(c.tests for c in wrong)  # every hidden test was run for them


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


def _wrong_fix(greeting: str) -> str:
    return (
        "diff --git a/greeting.py b/greeting.py\n--- a/greeting.py\n+++ b/greeting.py\n"
        f'@@ -1 +1 @@\n-GREETING = "helo"\n+GREETING = "{greeting}"\n'
    )


def _with_wrong_fixes(task: Task, fixes: dict[str, str]) -> Task:
    folder = task.folder
    assert folder is not None
    (folder / "wrong_fixes").mkdir()
    toml = "\n[wrong_fixes]\n"
    for name, greeting in fixes.items():
        (folder / "wrong_fixes" / f"{name}.patch").write_text(_wrong_fix(greeting))
        toml += f'{name} = "Greets another way (a class)."\n'
    (folder / "task.toml").write_text((folder / "task.toml").read_text() + toml)
    return load_task_dir(folder)


def test_validate_proves_a_wrong_fix_fails_and_reports_one_that_passes(
    mini_task: Task, capsys: pytest.CaptureFixture[str]
) -> None:
    # "hel" "lo" is the gold fix in disguise: it passes, so the task is reported weak
    task = _with_wrong_fixes(mini_task, {"capital": "Hello", "split": 'hel" "lo'})
    checks = {c.name: c for c in validate_task(task, workers=2)}
    assert list(checks) == ["starting state", "gold fix", "wrong fix capital", "wrong fix split"]
    assert checks["wrong fix capital"].ok and checks["wrong fix capital"].got == "fail"
    split = checks["wrong fix split"]
    assert not split.ok and split.got == "pass" and "hidden tests passed" in split.detail
    assert main(["validate", "--tasks", "mini-greeting"]) == 1
    out = capsys.readouterr().out
    assert "wrong fix capital" in out and "wrong fix split" in out and "WRONG" in out
    assert "mini-greeting                    hand-written wrong fixes proven to fail: 1 of 2" in out
    assert "checks, 1 wrong" in out


def test_validate_proves_a_right_fix_passes_and_reports_one_that_fails(
    mini_task: Task, capsys: pytest.CaptureFixture[str]
) -> None:
    """A right fix is a correct fix written another way: it must pass (the tests are not tied
    to the gold's way); one that fails means the tests are too strict, or the fix is wrong."""
    folder = mini_task.folder
    assert folder is not None
    (folder / "right_fixes").mkdir()
    (folder / "right_fixes" / "joined.patch").write_text(_wrong_fix('hel" + "lo'))
    (folder / "right_fixes" / "shouting.patch").write_text(_wrong_fix("HELLO"))
    (folder / "task.toml").write_text(
        (folder / "task.toml").read_text()
        + '\n[right_fixes]\njoined = "Joins two strings."\nshouting = "Upper case."\n'
    )
    task = load_task_dir(folder)
    checks = {c.name: c for c in validate_task(task, workers=2)}
    assert checks["right fix joined"].ok and checks["right fix joined"].got == "pass"
    shouting = checks["right fix shouting"]
    assert not shouting.ok and shouting.expected == "pass" and shouting.got == "fail"
    assert main(["validate", "--tasks", "mini-greeting"]) == 1
    out = capsys.readouterr().out
    assert "right fixes proven to pass: 1 of 2" in out


def test_validate_leaves_out_each_gold_hunk_but_a_redundant_one(
    mini_task: Task, tmp_path: Path
) -> None:
    """A gold fix of two hunks: the greeting (needed) and a comment (redundant)."""
    folder, app = mini_task.folder, mini_task.folder.parents[1] / "apps" / "mini"  # type: ignore[union-attr]
    work = tmp_path / "bugwork"
    work.mkdir()
    for name in ("greeting.py", "server.py"):
        (work / name).write_text((app / name).read_text())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=work, check=True)
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    (work / "greeting.py").write_text('GREETING = "helo"\n')
    (work / "server.py").write_text(
        "# the comment the gold removes\n" + (app / "server.py").read_text()
    )
    bug = subprocess.run([*git, "diff"], cwd=work, check=True, capture_output=True, text=True)
    (folder / "bug.patch").write_text(bug.stdout)
    task = load_task_dir(folder)
    checks = {c.name: c for c in validate_task(task, workers=2)}
    assert checks["gold without greeting.py:1"].expected == "fail"
    assert checks["gold without greeting.py:1"].ok
    redundant = checks["gold without server.py:1"]
    assert redundant.got == "pass" and not redundant.ok  # not declared: reported
    (folder / "task.toml").write_text(
        'redundant_hunks = ["server.py:1"]\n' + (folder / "task.toml").read_text()
    )
    checks = {c.name: c for c in validate_task(load_task_dir(folder), workers=2)}
    assert all(c.ok for c in checks.values()), checks
    assert checks["gold without server.py:1"].expected == "pass"
    # declared untested instead (a debt): expected to pass too, and labelled so
    toml = (folder / "task.toml").read_text().replace("redundant_hunks", "untested_hunks", 1)
    (folder / "task.toml").write_text(toml)
    checks = {c.name: c for c in validate_task(load_task_dir(folder), workers=2)}
    untested = checks["gold without server.py:1 (untested)"]
    assert untested.ok and untested.expected == "pass"


@pytest.mark.browser
def test_a_generated_tasks_reproduction_is_proven_on_the_fixed_tree() -> None:
    """A generated reproduction is its failing test's steps: on the starting state it stops
    where the bug shows (here the bulk-solve button never appears), so ``validate`` runs it on
    the gold fix, where every step must work (it once counted the bug showing as "wrong")."""
    task = load_task("desk-synth-7dd0445de1")
    [check] = [c for c in validate_task(task) if c.name == "user tool"]
    assert check.ok and "on the gold fix" in check.detail, check
