"""The app's check (app.toml's ``check``, a type check) runs alongside the hidden tests: a
grading whose tests fail gives its verdict without waiting for it; one whose tests pass waits
for it, and a failed check still fails it (with or without partial credit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.grading.gold import gold_diff
from swelancer_env.tasks.loader import load_task_dir
from swelancer_env.tasks.model import Task

#: fails, after a while, on a tree whose greeting module says it does not type-check
CHECK = "sleep 1; if grep -q BADTYPE greeting.py; then echo 'error TS2322: BADTYPE' >&2; exit 2; fi"
#: fails only long after any grading of the mini task has its tests' verdict
SLOW_FAILING_CHECK = "sleep 60; echo 'error TS2322: too late' >&2; exit 2"


def _with_check(root: Path, check: str) -> Task:
    toml = root / "apps" / "mini" / "app.toml"
    toml.write_text(toml.read_text() + f"check = {check!r}\n")
    return load_task_dir(root / "mini" / "mini-greeting")


def _untyped(diff: str) -> str:
    """``diff`` (the gold fix: ``helo`` to ``hello``) with a line the check refuses."""
    return diff.replace('+GREETING = "hello"', '+GREETING = "hello"  # BADTYPE')


@pytest.fixture
def tasks_root(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(mini_root))
    return mini_root


def test_a_passing_grading_waits_for_the_check_and_a_failed_check_fails_it(
    tasks_root: Path,
) -> None:
    task = _with_check(tasks_root, CHECK)
    grader = LocalGrader(warm=False)
    good = grader.grade(task, gold_diff(task))
    assert good.passed and good.earned == task.price, good.summary()
    bad_diff = _untyped(gold_diff(task))
    assert bad_diff != gold_diff(task)
    for partial in (False, True):
        bad = LocalGrader(warm=False, partial_credit=partial).grade(task, bad_diff)
        assert bad.infra_error is None, bad.infra_error
        assert not bad.passed and bad.earned == 0, bad.summary()
        assert "check" in bad.reason and "TS2322: BADTYPE" in bad.reason, bad.reason


def test_a_failing_grading_does_not_wait_for_the_check(tasks_root: Path) -> None:
    task = _with_check(tasks_root, SLOW_FAILING_CHECK)
    result = LocalGrader(warm=False).grade(task, "")  # the starting state: its test fails
    assert result.infra_error is None and not result.passed, result.summary()
    # the verdict is the tests' (a grading that waited would name the check's failure)
    assert "hidden tests run did not pass" in result.reason, result.reason
    assert "too late" not in result.reason
    assert result.seconds < 60, "the grading waited for the check"
