"""The store of generated tasks: written atomically, drawn from by index, laid out one at a time."""

from __future__ import annotations

import copy
import shutil
import time
from pathlib import Path

import pytest

from swelancer_env.errors import ConfigError, TaskFormatError
from swelancer_env.factory.run import split_of
from swelancer_env.grading.canary import CANARY
from swelancer_env.tasks.loader import BUNDLED_TASKS, load_task
from swelancer_env.tasks.synth import (
    SynthRecord,
    hidden_tests_files,
    read_store,
    synth_index,
    write_store,
)

SUITE = BUNDLED_TASKS / "regression" / "desk"
A = "test_tickets_api.py::test_customer_can_only_mark_their_request_solved"
B = "test_ticket_page.py::test_agent_reply_appears_and_clears_the_composer"


def _record(n: int, split: str = "synth-train") -> SynthRecord:
    return SynthRecord(
        id=f"desk-synth-{n:010d}", app="desk", split=split, price=500 + n, category="ui_ux",
        title=f"Task {n}", issue=f"# Task {n}\n", bug_patch="", user_tool="def reproduce(user):\n    pass\n",
        fail_to_pass=[A], pass_to_pass=[B], kinds=["invert_condition"],
        sites=[f"server/desk/tickets.py:{n}:invert_condition"], scopes=["server/desk/tickets.py::f"],
    )  # fmt: skip


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tasks root with the desk app and suite linked in, and a cache of its own."""
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "desk").symlink_to(BUNDLED_TASKS / "apps" / "desk")
    (tmp_path / "regression").mkdir()
    (tmp_path / "regression" / "desk").symlink_to(SUITE)
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(tmp_path))
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    yield tmp_path


def test_hidden_tests_import_only_the_chosen_tests_of_the_suite() -> None:
    files = hidden_tests_files(SUITE, [A, B], repeat=2)
    assert set(files) == {"conftest.py", "suite_test_tickets_api.py", "suite_test_ticket_page.py", "test_hidden.py"}  # fmt: skip
    hidden = files["test_hidden.py"].decode()
    assert CANARY in hidden
    assert "from suite_test_tickets_api import test_customer_can_only_mark_their_request_solved" in hidden  # fmt: skip
    assert "test_agent_reply_appears_and_clears_the_composer__again_2 = " in hidden
    assert hidden.count("import") == 2
    with pytest.raises(TaskFormatError, match="not a test of the regression suite"):
        hidden_tests_files(SUITE, ["test_tickets_api.py::test_no_such_thing"])


def test_a_store_is_drawn_from_by_its_index_and_a_task_laid_out_on_demand(root: Path) -> None:
    records = [_record(n) for n in range(30)] + [_record(99, "synth-val")]
    write_store(root / "synth" / "desk", records)
    assert [r.id for r in read_store(root / "synth" / "desk")] == sorted(r.id for r in records)
    index = synth_index()
    assert len(index) == 31 and index["desk-synth-0000000099"].split == "synth-val"
    assert not (root / "cache" / "synth").exists(), "nothing laid out before a task is asked for"
    task = load_task("desk-synth-0000000007")
    assert (task.price, task.split, task.category, task.title) == (507, "synth-train", "ui_ux", "Task 7")  # fmt: skip
    assert task.clock.now is not None, "the app's clock"
    assert (task.tests_dir / "test_hidden.py").is_file()
    assert len(list((root / "cache" / "synth" / "desk").glob("*/*"))) == 1, "only that one"


def test_an_env_draws_a_synth_split_without_laying_out_all_of_it(root: Path) -> None:
    import swelancer_env  # noqa: F401  (registers the env)
    from swelancer_env.env import SWELancerEnv

    write_store(root / "synth" / "desk", [_record(n) for n in range(200)])
    env = SWELancerEnv(split="synth-train")
    try:
        started = time.perf_counter()
        _obs, info = env.reset(seed=3)
        took = time.perf_counter() - started
        assert info["task_id"].startswith("desk-synth-")
        assert took < 30  # the figure (<= 150 ms) is measured in benchmarks/, not here
        # the next draw is made ready while the agent works: that one and no other
        ahead = copy.deepcopy(env.np_random)
        ids = env._split_ids()
        upcoming = ids[int(ahead.integers(len(ids)))]
        _wait_for_prefetch()
        laid_out = {p.name for p in (root / "cache" / "synth" / "desk").glob("*/*")}
        assert laid_out <= {info["task_id"], upcoming} and upcoming in laid_out, laid_out
        states = [p.name for p in (root / "cache" / "states").iterdir()]
        assert any(name.startswith(upcoming) for name in states), states
        _obs, info = env.reset()
        assert info["task_id"] == upcoming, "the draw itself is unchanged by the look ahead"
    finally:
        env.close()
    with pytest.raises(ConfigError, match="factory make"):
        SWELancerEnv(split="synth-val")


def _wait_for_prefetch() -> None:
    from swelancer_env import env as env_module

    assert env_module._prefetcher is not None
    env_module._prefetcher[1].submit(lambda: None).result(timeout=120)


def test_a_crash_while_writing_leaves_the_previous_store(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    store = root / "synth" / "desk"
    write_store(store, [_record(1)])
    before = (store / "tasks.jsonl").read_bytes()

    def boom(*a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_store(store, [_record(2)])
    assert (store / "tasks.jsonl").read_bytes() == before
    shutil.rmtree(store)


def test_a_function_goes_to_one_split_only() -> None:
    scopes = [f"server/x.py::f{n}" for n in range(200)]
    splits = {s: split_of([s]) for s in scopes}
    assert set(splits.values()) == {"synth-train", "synth-val"}
    val = [s for s, v in splits.items() if v == "synth-val"]
    train = [s for s, v in splits.items() if v == "synth-train"]
    assert split_of([val[0], train[0]]) is None, "a combination across splits is never made"
    assert split_of([train[0], train[1]]) == "synth-train"
