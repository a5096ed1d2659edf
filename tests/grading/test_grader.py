from __future__ import annotations

import gc
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.grading.gold import gold_diff
from swelancer_env.grading.junit import parse_junit
from swelancer_env.tasks.model import Task


def test_gold_fix_earns_the_price_and_starting_state_earns_nothing(mini_task: Task) -> None:
    grader = LocalGrader()
    start = grader.grade(mini_task, "")
    assert (start.passed, start.earned, start.infra_error) == (False, 0.0, None)
    assert [t.outcome for t in start.tests] == ["failed"]  # stops at the first failure
    assert start.reason == "1 of the 1 hidden tests run did not pass"
    gold = grader.grade(mini_task, gold_diff(mini_task))
    assert (gold.passed, gold.earned) == (True, 300.0)
    assert gold.pytest_seconds > 0 and gold.seconds >= gold.pytest_seconds


def test_partial_credit_pays_the_fraction_passed(mini_task: Task) -> None:
    result = LocalGrader(partial_credit=True).grade(mini_task, "")
    assert not result.passed and result.earned == 150.0
    assert [t.outcome for t in result.tests] == ["failed", "passed"]  # every test ran


def test_skipped_test_fails_closed(mini_task: Task) -> None:
    (mini_task.tests_dir / "test_skip.py").write_text(
        "import pytest\n\ndef test_later():\n    pytest.skip('not now')\n"
    )
    result = LocalGrader().grade(mini_task, gold_diff(mini_task))
    assert not result.passed and result.earned == 0.0
    assert "skipped" in {t.outcome for t in result.tests}


def test_no_test_collected_fails_closed(mini_task: Task) -> None:
    for f in mini_task.tests_dir.glob("test_*.py"):
        f.write_text("# nothing here\n")
    result = LocalGrader().grade(mini_task, gold_diff(mini_task))
    assert not result.passed and result.tests == [] and result.infra_error is None
    assert result.reason == "no hidden test ran"


def test_a_change_that_breaks_the_app_is_a_fail_not_infra(mini_task: Task) -> None:
    broken = gold_diff(mini_task).replace("+GREETING", "+GREETING = (")
    result = LocalGrader().grade(mini_task, broken)
    assert not result.passed and result.infra_error is None
    assert "did not start" in result.reason


def test_app_that_never_starts_is_infra(mini_task: Task, mini_root: Path) -> None:
    app_toml = mini_root / "apps" / "mini" / "app.toml"
    app_toml.write_text(app_toml.read_text().replace("python3 server.py", "python3 nothing.py"))
    from swelancer_env.tasks.loader import load_app

    load_app.cache_clear()
    try:
        result = LocalGrader().grade(mini_task, "")
    finally:
        load_app.cache_clear()
    assert result.infra_error and "exited" in result.infra_error
    assert result.earned == 0.0 and not result.passed


def test_changes_outside_acceptable_paths_are_dropped(mini_task: Task) -> None:
    task = mini_task.model_copy(update={"acceptable_paths": ["server.py"]})
    diff = gold_diff(task)
    assert diff == ""  # the fix is in greeting.py, which does not count


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_next_gradings_pytest_waits_warm_and_serves_one_grading(mini_task: Task) -> None:
    grader = LocalGrader()
    try:
        grader.warm_up(mini_task)
        pool = grader._spares()
        spare = pool.spares[0]
        pid, folder = spare.proc.pid, spare.folder  # type: ignore[union-attr]
        assert grader.grade(mini_task, gold_diff(mini_task)).passed
        assert _gone(pid) and not folder.exists()  # used once, then ended and removed
        (after,) = pool.spares  # the next one, already waiting
        assert after is not spare and after.alive() and after.folder.exists()
        assert not grader.grade(mini_task, "").passed
    finally:
        grader.close()
    assert not pool.spares and not after.folder.exists() and after.proc is None


def test_the_graders_of_one_process_share_one_waiting_pytest(mini_task: Task) -> None:
    """N envs in a rollout worker hold one idle Python, Node and Chromium, not N; the last
    grader to close ends it, and two gradings at once both run (the second starts its own)."""
    first, second = LocalGrader(), LocalGrader()
    try:
        first.warm_up(mini_task)
        second.warm_up(mini_task)
        pool = first._spares()
        assert second._spares() is pool and len(pool.spares) == 1
        (spare,) = pool.spares
        with ThreadPoolExecutor(2) as ex:
            both = list(ex.map(lambda g: g.grade(mini_task, gold_diff(mini_task)), (first, second)))
        assert all(r.passed for r in both), [r.summary() for r in both]
        assert spare.proc is None and len(pool.spares) == 1  # one used, one waiting again
        (waiting,) = pool.spares
        first.close()
        # not ended: the other grader still uses it (whether it still runs is not the pool's
        # doing: a spare that died on its own is replaced when taken, see below)
        assert waiting.proc is not None and waiting in pool.spares
    finally:
        first.close()
        second.close()
    assert not pool.spares and waiting.proc is None and not waiting.folder.exists()


def test_a_dropped_grader_leaves_no_pytest(mini_task: Task) -> None:
    grader = LocalGrader()
    grader.warm_up(mini_task)
    (spare,) = grader._spares().spares
    pid, folder = spare.proc.pid, spare.folder  # type: ignore[union-attr]
    del grader, spare
    gc.collect()
    assert _gone(pid) and not folder.exists()


def test_a_waiting_pytest_that_died_is_replaced(mini_task: Task) -> None:
    grader = LocalGrader()
    try:
        grader.warm_up(mini_task)
        spare = grader._spares().spares[0]
        os.killpg(spare.proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
        spare.proc.wait()  # type: ignore[union-attr]
        result = grader.grade(mini_task, gold_diff(mini_task))
        assert result.passed and result.infra_error is None, result.summary()
        assert not spare.folder.exists()
    finally:
        grader.close()


def test_the_grading_time_counts_from_the_tests_not_from_the_wait(mini_task: Task) -> None:
    limit = 8.0
    task = mini_task.model_copy(
        update={"limits": mini_task.limits.model_copy(update={"grading_timeout_s": limit})}
    )
    grader = LocalGrader()
    try:
        grader.warm_up(task)
        time.sleep(limit + 1)  # the agent's episode
        result = grader.grade(task, gold_diff(task))
        assert result.passed, result.summary()
        assert result.pytest_seconds < limit  # counted from the go, not from the spare's start
    finally:
        grader.close()


def test_without_warm_no_pytest_waits(mini_task: Task) -> None:
    from swelancer_env.backends import make_backend

    grader = make_backend({"type": "local", "warm_grading": False}).grader()
    assert grader.warm is False
    grader.warm_up(mini_task)
    assert grader.grade(mini_task, gold_diff(mini_task)).passed
    assert grader._pool is None  # never joined a pool of spares


def test_parse_junit_reads_outcomes(tmp_path: Path) -> None:
    xml = tmp_path / "j.xml"
    xml.write_text(
        '<testsuites><testsuite name="s" tests="3">'
        '<testcase classname="t" name="a" time="0.1"/>'
        '<testcase classname="t" name="b"><failure message="boom">x</failure></testcase>'
        '<testcase classname="t" name="c"><skipped message="later"/></testcase>'
        "</testsuite></testsuites>"
    )
    cases = parse_junit(xml)
    assert [(c.name, c.outcome) for c in cases] == [
        ("t::a", "passed"),
        ("t::b", "failed"),
        ("t::c", "skipped"),
    ]
    assert cases[1].message == "boom"


def test_the_plugin_launches_chromium_like_the_library() -> None:
    from swelancer_env.browser.discovery import CHROMIUM_ARGS
    from swelancer_env.grading import plugin

    assert plugin.CHROMIUM_ARGS == CHROMIUM_ARGS


def test_plugin_confines_pages_to_the_app_as_the_user_tool_does() -> None:
    from swelancer_env.browser import worker
    from swelancer_env.grading import plugin

    base = "http://127.0.0.1:4321"
    for url in ("http://127.0.0.1:4321/", "http://127.0.0.1:4321", "http://127.0.0.1:4321/x?y"):
        assert not plugin.foreign_url_pattern(base).search(url)
    for url in (
        "http://127.0.0.1:43210/", "http://localhost:4321/", "ws://127.0.0.1:9/",
        "https://example.com/", "http://127.0.0.1:4321.evil/",
    ):  # fmt: skip
        assert plugin.foreign_url_pattern(base).search(url), url
    assert plugin.foreign_url_pattern(base).pattern == worker.foreign_url_pattern(base).pattern


def test_the_hidden_tests_run_where_they_can_change_nothing_but_their_run(
    mini_task: Task, mini_root: Path
) -> None:
    """pytest runs in bubblewrap: the Python install read-only, tasks and app tree out of sight."""
    import site

    site_packages = site.getsitepackages()[0]
    (mini_task.tests_dir / "test_where.py").write_text(
        "import os, pytest\n"
        "def test_python_is_read_only():\n"
        f"    with pytest.raises(OSError):\n"
        f"        open({site_packages + '/zz_planted.pth'!r}, 'w')\n"
        "def test_tasks_and_trees_are_out_of_sight():\n"
        f"    assert not os.path.exists({str(mini_task.tests_dir)!r})\n"
        "    assert os.listdir(os.path.dirname(os.getcwd())) == ['run']  # no app tree\n"
    )
    result = LocalGrader(partial_credit=True).grade(mini_task, gold_diff(mini_task))
    outcomes = {t.name.rsplit("::", 1)[-1]: t.outcome for t in result.tests}
    failed = [(t.name, t.message) for t in result.tests if t.outcome != "passed"]
    assert outcomes["test_python_is_read_only"] == "passed", failed
    assert outcomes["test_tasks_and_trees_are_out_of_sight"] == "passed", failed
    assert not Path(site_packages, "zz_planted.pth").exists()


def test_startup_files_no_package_shipped_are_found(tmp_path: Path, monkeypatch) -> None:
    import base64
    import hashlib

    from swelancer_env.grading import interpreter

    folder = tmp_path / "site-packages"
    (folder / "good-1.0.dist-info").mkdir(parents=True)
    shipped = b"import good\n"
    digest = base64.urlsafe_b64encode(hashlib.sha256(shipped).digest()).rstrip(b"=").decode()
    (folder / "good.pth").write_bytes(shipped)
    (folder / "good-1.0.dist-info" / "RECORD").write_text(
        f"good.pth,sha256={digest},{len(shipped)}\ngood-1.0.dist-info/RECORD,,\n"
    )
    monkeypatch.setattr(interpreter, "site_folders", lambda: [folder])
    assert interpreter.foreign_startup_files() == []
    (folder / "zz_evil.pth").write_text("import os; os.system('forge the verdict')\n")
    assert interpreter.foreign_startup_files() == [
        f"{folder / 'zz_evil.pth'} (no installed package lists it)"
    ]
    (folder / "zz_evil.pth").unlink()
    (folder / "good.pth").write_text("import good; import os; os.system('x')\n")
    assert interpreter.foreign_startup_files() == [
        f"{folder / 'good.pth'} (changed since its package installed it)"
    ]


def test_a_poisoned_python_is_an_infra_error_not_a_verdict(
    mini_task: Task, tmp_path: Path, monkeypatch
) -> None:
    from swelancer_env.grading import interpreter

    folder = tmp_path / "site-packages"
    folder.mkdir()
    (folder / "zz_evil.pth").write_text("import os\n")
    monkeypatch.setattr(interpreter, "site_folders", lambda: [folder])
    result = LocalGrader().grade(mini_task, gold_diff(mini_task))
    assert not result.passed and result.earned == 0.0 and result.tests == []
    assert result.infra_error and "zz_evil.pth" in result.infra_error
    assert "no installed package" in result.infra_error and ".ci/setup" in result.infra_error


def test_the_python_that_grades_is_clean() -> None:
    from swelancer_env.grading.interpreter import foreign_startup_files

    assert foreign_startup_files() == []


@pytest.mark.browser
def test_a_change_that_breaks_the_build_fails_with_the_build_error(tmp_path: Path) -> None:
    import difflib

    from swelancer_env.grading.gold import gold_diff
    from swelancer_env.sandbox.worktree import StartingState
    from swelancer_env.tasks import load_task

    task = load_task("tally-split-avatars")
    StartingState.get(task).materialize_tree(tmp_path / "tree")
    main_js = (tmp_path / "tree" / "frontend" / "main.js").read_text()
    broken = main_js + "\nexport const oops = ;\n"
    syntax_error = "".join(
        difflib.unified_diff(
            main_js.splitlines(keepends=True), broken.splitlines(keepends=True),
            "a/frontend/main.js", "b/frontend/main.js",
        )
    )  # fmt: skip
    result = LocalGrader().grade(task, gold_diff(task) + syntax_error)
    assert not result.passed and result.infra_error is None and result.tests == []
    assert "build" in result.reason and "frontend/main.js" in result.reason
    assert "Unexpected" in result.reason  # esbuild's own message reaches the agent


def test_an_app_that_floods_the_tests_fails_them_it_does_not_break_grading(
    mini_task: Task,
) -> None:
    # every answer of the app is about 65 MiB: the tests read at most 16 MiB of one
    flood = gold_diff(mini_task).replace('+GREETING = "hello"', '+GREETING = "hello" * (13 << 20)')
    result = LocalGrader().grade(mini_task, flood)
    assert result.infra_error is None and not result.passed and result.earned == 0.0
    assert any("more than 16 MiB" in (t.message or "") for t in result.tests), result.tests


def test_a_grading_the_submission_breaks_is_a_fail_when_the_starting_state_grades(
    mini_task: Task,
) -> None:
    """The infra ceiling: the harness grades the starting state, so the change is to blame."""
    broken = gold_diff(mini_task).replace('-GREETING = "helo"', '-GREETING = "other"')
    result = LocalGrader().grade(mini_task, broken)
    assert result.infra_error is None and not result.passed and result.earned == 0.0
    assert "starting state grades normally" in result.reason
    assert "did not apply" in result.reason
    assert "/swelancer-" not in result.reason  # no host folder of the harness's


def test_a_harness_that_cannot_grade_at_all_stays_an_infra_error(mini_task: Task) -> None:
    result = LocalGrader(chromium="/nonexistent/chromium").grade(mini_task, gold_diff(mini_task))
    assert result.infra_error and not result.passed and result.earned == 0.0


@pytest.mark.parametrize("warm_browser", [False, True])
def test_a_lean_spare_waits_without_the_browser(mini_task: Task, warm_browser: bool) -> None:
    """By default the waiting pytest holds Python and pytest alone (about 40 MB): Playwright's
    driver and Chromium start once it is told to run; ``warm_browser`` starts them ahead."""
    grader = LocalGrader(warm_browser=warm_browser)
    try:
        grader.warm_up(mini_task)
        (spare,) = grader._spares().spares
        # Chromium, once Playwright launches it, makes its profile in the run's home (TMPDIR)
        deadline = time.monotonic() + (30 if warm_browser else 8)
        seen = False
        while time.monotonic() < deadline and not seen:
            seen = any((spare.run / "home").glob("playwright_chromiumdev_profile-*"))
            time.sleep(0.5)
        assert seen is warm_browser
        assert grader.grade(mini_task, gold_diff(mini_task)).passed
    finally:
        grader.close()


def test_a_lean_run_starts_no_browser_for_tests_that_need_none(
    mini_task: Task, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mini task's hidden tests use the API only: by default its grading never launches
    Chromium (here one that marks its run folder and cannot start), and pays; a run that needs
    a page launches it, and says why it could not."""
    from swelancer_env.backends.local import grader as local_grader

    broken = tmp_path / "chromium"
    broken.write_text(
        '#!/bin/sh\ntouch "${TMPDIR:-$HOME}/launched"\necho "this Chromium cannot start" >&2\n'
        "exit 1\n"
    )
    broken.chmod(0o755)
    launched: list[Path] = []  # marks found in the run folders the grader removes
    remove = local_grader.force_rmtree

    def looked_at_then_removed(path: Path) -> None:
        launched.extend(Path(path).rglob("launched"))
        remove(path)

    monkeypatch.setattr(local_grader, "force_rmtree", looked_at_then_removed)
    grader = LocalGrader(chromium=str(broken))
    try:
        result = grader.grade(mini_task, gold_diff(mini_task))
        assert result.passed and result.infra_error is None, result.summary()
        assert not launched
        # a test that needs a page, first (the starting state's grading, the infra ceiling's
        # control, must meet it too before its failing greeting test)
        (mini_task.tests_dir / "test_a_page.py").write_text(
            "def test_page(page, app_url):\n    page.goto(app_url + '/api/health')\n"
        )
        result = grader.grade(mini_task, gold_diff(mini_task))
        assert not result.passed and "Chromium could not start" in (result.infra_error or "")
        assert launched  # the mark is found when it is made
    finally:
        grader.close()
