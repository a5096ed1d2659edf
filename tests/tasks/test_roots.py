"""Your own tasks beside the bundled ones: SWELANCER_TASKS_PATH / --tasks-dir, and new-task."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.cli import main
from swelancer_env.errors import ConfigError, TaskFormatError
from swelancer_env.grading.gold import gold_diff
from swelancer_env.sandbox.isolation import hidden_paths
from swelancer_env.tasks import list_tasks, load_task
from swelancer_env.tasks.loader import BUNDLED_TASKS, tasks_roots


def _my_root(tmp_path: Path) -> Path:
    """A tasks folder outside the repository with one task on the bundled tally app."""
    root = tmp_path / "my-tasks"
    mine = root / "tally" / "tally-split-cents-mine"
    shutil.copytree(BUNDLED_TASKS / "tally" / "tally-split-cents", mine)
    toml = mine / "task.toml"
    toml.write_text(toml.read_text().replace('"tally-split-cents"', '"tally-split-cents-mine"'))
    return root


@pytest.mark.browser
def test_a_task_folder_outside_the_repository_loads_beside_the_bundled_and_grades(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _my_root(tmp_path)
    monkeypatch.setenv("SWELANCER_TASKS_PATH", str(root))
    assert tasks_roots() == [BUNDLED_TASKS, root]
    ids = {t.id for t in list_tasks()}
    assert {"tally-split-cents", "tally-split-cents-mine"} <= ids
    task = load_task("tally-split-cents-mine")
    assert task.folder == root / "tally" / "tally-split-cents-mine"
    assert root in hidden_paths()  # its hidden tests are out of the agent's sight too
    result = LocalGrader().grade(task, gold_diff(task))
    assert result.passed and result.earned == task.price, result.summary()
    assert not LocalGrader().grade(task, "").passed


def test_the_cli_flag_adds_roots_and_says_when_one_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SWELANCER_TASKS_PATH", "")  # main() adds to it: restored after the test
    root = _my_root(tmp_path)
    assert main(["tasks", "--tasks-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "tally-split-cents-mine" in out and "tally-split-cents " in out
    assert main(["tasks", "--tasks-dir", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_the_same_id_in_two_roots_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "dup"
    shutil.copytree(
        BUNDLED_TASKS / "tally" / "tally-split-cents", root / "tally" / "tally-split-cents"
    )
    monkeypatch.setenv("SWELANCER_TASKS_PATH", str(root))
    with pytest.raises(TaskFormatError, match="two tasks have the id 'tally-split-cents'"):
        list_tasks()
    monkeypatch.setenv("SWELANCER_TASKS_PATH", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="not a folder"):
        tasks_roots()


def test_new_task_scaffolds_a_folder_that_loads_and_lints_its_todos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from swelancer_env.tasks.lint import lint_task

    monkeypatch.setenv("SWELANCER_TASKS_PATH", "")  # main() adds to it: restored after the test
    root = tmp_path / "mine"
    root.mkdir()
    args = ["new-task", "tally-tip-rounding", "--app", "tally", "--variant", "swe_manager",
            "--category", "ui_ux", "--tasks-dir", str(root)]  # fmt: skip
    assert main(args) == 0
    assert "validate --tasks-dir" in capsys.readouterr().out
    task = load_task("tally-tip-rounding")
    assert (task.variant, task.category, task.split) == ("swe_manager", "ui_ux", "train")
    assert [p.id for p in task.proposals] == ["1", "2", "3"]
    problems = [p.what for p in lint_task(task)]
    assert any("TODO: placeholder" in p and "issue.md" in p for p in problems)
    assert main(args) == 2  # it exists already
    assert "exists already" in capsys.readouterr().err
    bad = ["new-task", "tally-x1", "--app", "nope", "--root", str(root)]
    assert main(bad) == 2 and "no app 'nope'" in capsys.readouterr().err
