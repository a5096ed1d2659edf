"""The task lint that validate runs first: clean on every bundled task, and each rule catches
its own break in a copy of a real task."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from swelancer_env.tasks import list_tasks, load_task
from swelancer_env.tasks.lint import lint_task
from swelancer_env.tasks.loader import load_task_dir


def test_every_bundled_task_is_clean() -> None:
    problems = [str(p) for t in list_tasks() for p in lint_task(t)]
    assert problems == []


def test_every_bundled_ic_task_carries_two_wrong_fixes() -> None:
    """The lazy-fix standard: at least two plausible wrong fixes per IC task, which validate
    proves fail."""
    few = {t.id: len(t.wrong_fix_patches) for t in list_tasks() if t.variant == "ic_swe"}
    assert {task: n for task, n in few.items() if n < 2} == {}


def test_a_price_far_from_the_model_is_flagged(tmp_path: Path) -> None:
    from swelancer_env.tasks.pricing import model_price

    task = load_task("desk-priority-sort")
    assert task.price / 2.5 <= model_price(task) <= task.price * 2.5

    def overpriced(folder: Path) -> None:
        _edit(folder / "task.toml", lambda t: re.sub(r"(?m)^price = .*$", "price = 32000", t))

    problems = _broken(tmp_path, "desk-priority-sort", overpriced)
    assert any("price $32,000 is" in p and "times the price model's" in p for p in problems)


def test_the_price_model_pays_more_for_more_work() -> None:
    from swelancer_env.tasks.pricing import HIGHEST, LOWEST, difficulty, model_price

    tasks = sorted(list_tasks(), key=lambda t: difficulty(t).score)
    prices = [model_price(t) for t in tasks]
    assert prices == sorted(prices)  # never less for more work
    assert LOWEST <= prices[0] < prices[-1] <= HIGHEST
    # the one-token fix and the 690-line feature sit at the two ends
    assert model_price(load_task("tally-bill-splits")) >= 10 * model_price(
        load_task("tally-mgr-locked-reports")
    )


def _broken(tmp_path: Path, task_id: str, breaks: Callable[[Path], None]) -> list[str]:
    src = load_task(task_id).folder
    assert src is not None
    copy = tmp_path / task_id
    shutil.copytree(src, copy)
    breaks(copy)
    return [p.what for p in lint_task(load_task_dir(copy))]


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_a_test_file_without_the_canary(tmp_path: Path) -> None:
    def strip(folder: Path) -> None:
        test = next((folder / "tests").glob("test_*.py"))
        _edit(test, lambda s: "\n".join(line for line in s.splitlines() if "CANARY" not in line))

    assert any(
        "does not carry the canary" in w for w in _broken(tmp_path, "tally-split-cents", strip)
    )


def test_an_issue_that_gives_the_fix_away(tmp_path: Path) -> None:
    task = load_task("tally-split-cents")
    removed = [line[1:].strip() for line in task.bug_patch.splitlines()
               if line.startswith("-") and not line.startswith("---") and len(line.strip()) > 20]  # fmt: skip
    changed = re.search(r"^--- a/(\S+)", task.bug_patch, re.M).group(1)  # type: ignore[union-attr]

    def leak(folder: Path) -> None:
        _edit(folder / "issue.md", lambda s: s + f"\n\nMaybe `{removed[0]}` in {changed}?\n")

    found = _broken(tmp_path, task.id, leak)
    assert any("a line of the gold fix" in w for w in found), found
    assert any(f"names {changed!r}" in w for w in found), found


def test_a_task_without_a_split_or_with_a_criterion_citing_no_test(tmp_path: Path) -> None:
    def unsplit(folder: Path) -> None:
        _edit(folder / "task.toml", lambda s: re.sub(r'(?m)^split = ".*"\n', "", s))

    assert "task.toml sets no split (train, test or diamond)" in _broken(
        tmp_path, "tally-split-cents", unsplit
    )

    def cite(folder: Path) -> None:
        _edit(folder / "task.toml", lambda s: s.replace("test_add_jpy_expense", "test_nowhere", 1))

    found = _broken(tmp_path, "tally-mgr-jpy-format", cite)
    assert any("cites test_nowhere, no hidden test" in w for w in found), found
