from __future__ import annotations

from pathlib import Path

import pytest

from swelancer_env.errors import TaskFormatError, TaskNotFoundError
from swelancer_env.tasks import load_task, load_task_dir, task_ids

GOOD_TOML = """\
id = "demo-task"
app = "demo"
variant = "ic_swe"
price = 500
title = "Totals are wrong"
category = "application_logic"
acceptable_paths = ["server"]
"""


def make_task(root: Path, toml: str = GOOD_TOML, name: str = "demo-task") -> Path:
    folder = root / "demo" / name
    (folder / "tests").mkdir(parents=True)
    (folder / "task.toml").write_text(toml)
    (folder / "issue.md").write_text("It is broken.\n")
    (folder / "bug.patch").write_text("")
    (folder / "tests" / "test_x.py").write_text("def test_x():\n    pass\n")
    return folder


def test_loads_a_good_task(tmp_path: Path) -> None:
    folder = make_task(tmp_path)
    task = load_task_dir(folder)
    assert (task.id, task.variant, task.price, task.category) == (
        "demo-task",
        "ic_swe",
        500,
        "application_logic",
    )
    assert task.issue == "It is broken.\n"
    assert task.tests_dir == folder / "tests"


def test_malformed_field_names_file_and_field(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML.replace("price = 500", "price = -5"))
    with pytest.raises(TaskFormatError) as err:
        load_task_dir(folder)
    message = str(err.value)
    assert str(folder / "task.toml") in message
    assert "`price`" in message and "-5" in message


def test_bad_toml_syntax_names_the_file(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML + "price = = 3\n")
    with pytest.raises(TaskFormatError, match="task.toml: not valid TOML"):
        load_task_dir(folder)


def test_unknown_field(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML + "colour = 1\n")
    with pytest.raises(TaskFormatError) as err:
        load_task_dir(folder)
    assert "`colour`" in str(err.value)


def test_unknown_category_says_how_to_declare_one(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML.replace('"application_logic"', '"cash"'))
    with pytest.raises(TaskFormatError) as err:
        load_task_dir(folder)
    message = str(err.value)
    assert "`category`" in message and "'cash'" in message and "ui_ux" in message
    assert str(tmp_path / "categories.toml") in message
    assert 'cash = "' in message, "the line to write, with the category's own name"


def test_a_tasks_root_declares_its_own_categories(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML.replace('"application_logic"', '"payments"'))
    (tmp_path / "categories.toml").write_text('payments = "card and bank payments"\n')
    assert load_task_dir(folder).category == "payments"
    (tmp_path / "categories.toml").write_text("Payments = 3\n")
    with pytest.raises(TaskFormatError, match="snake_case name set to a description"):
        load_task_dir(folder)


def test_missing_issue_file(tmp_path: Path) -> None:
    folder = make_task(tmp_path)
    (folder / "issue.md").unlink()
    with pytest.raises(TaskFormatError, match="issue.md: file is missing"):
        load_task_dir(folder)


def test_no_hidden_tests(tmp_path: Path) -> None:
    folder = make_task(tmp_path)
    (folder / "tests" / "test_x.py").unlink()
    with pytest.raises(TaskFormatError, match="no hidden tests"):
        load_task_dir(folder)


def test_id_must_match_folder(tmp_path: Path) -> None:
    folder = make_task(tmp_path, name="other-name")
    with pytest.raises(TaskFormatError, match="field `id`"):
        load_task_dir(folder)


def test_acceptable_paths_stay_inside(tmp_path: Path) -> None:
    folder = make_task(tmp_path, GOOD_TOML.replace('["server"]', '["../etc"]'))
    with pytest.raises(TaskFormatError, match="acceptable_paths"):
        load_task_dir(folder)


def test_manager_task_needs_a_known_correct_proposal(tmp_path: Path) -> None:
    toml = GOOD_TOML.replace('"ic_swe"', '"swe_manager"') + 'correct_proposal = "9"\n'
    folder = make_task(tmp_path, toml)
    (folder / "proposals").mkdir()
    for pid in ("1", "2", "3"):
        (folder / "proposals" / f"{pid}.md").write_text(f"Proposal {pid}")
        (folder / "proposals" / f"{pid}.patch").write_text("")
    with pytest.raises(TaskFormatError, match="correct_proposal"):
        load_task_dir(folder)
    (folder / "task.toml").write_text(toml.replace('"9"', '"2"'))
    task = load_task_dir(folder)
    assert [p.id for p in task.proposals] == ["1", "2", "3"]


def test_unknown_id_suggests_close_ones(tmp_path: Path) -> None:
    make_task(tmp_path)
    assert task_ids(tmp_path) == ["demo-task"]
    with pytest.raises(TaskNotFoundError, match="Did you mean 'demo-task'"):
        load_task("demo-tsak", root=tmp_path)
    with pytest.raises(TaskNotFoundError) as err:
        load_task("zzzz", root=tmp_path)
    assert "Did you mean" not in str(err.value) and "swelancer-env tasks" in str(err.value)
