from __future__ import annotations

import json
from pathlib import Path

import pytest

from swelancer_env.cli import main
from swelancer_env.tasks.model import Task


def test_tasks_lists_id_variant_price_title(
    mini_task: Task, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    assert "mini-greeting" in out and "ic_swe" in out and "$300" in out and "misspelled" in out


def test_run_prints_each_step(mini_task: Task, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--agent", "oracle", "--task", "mini-greeting"]) == 0
    out = capsys.readouterr().out
    assert "[  1] str_replace(" in out and "submit()" in out
    assert "PASSED, earned $300 of $300" in out


def test_eval_writes_results_and_summary(
    mini_task: Task, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "run"
    assert main(["eval", "--agent", "noop", "--out", str(out_dir)]) == 0
    lines = (out_dir / "results.jsonl").read_text().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert {k: row[k] for k in ("task_id", "variant", "price", "earned", "passed")} == {
        "task_id": "mini-greeting", "variant": "ic_swe", "price": 300.0, "earned": 0.0, "passed": False,
    }  # fmt: skip
    assert row["steps"] == 2 and row["seconds"] > 0
    summary = json.loads((out_dir / "summary.json").read_text())
    overall = summary["overall"]
    assert overall["earned"] == 0.0 and overall["available"] == 300.0
    assert overall["pass@1"] == 0.0 and overall["episodes"] == 1
    ic = summary["variants"]["ic_swe"]
    assert (ic["tasks"], ic["passed"], ic["earned"], ic["available"]) == (1, 0, 0.0, 300.0)
    assert summary["run"]["agent"] == "noop"
    table = capsys.readouterr().out
    assert "ic_swe" in table and "0.0%" in table

    # a second run into the same folder refuses, losing nothing; --resume keeps what is there
    assert main(["eval", "--agent", "oracle", "--out", str(out_dir)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert (out_dir / "results.jsonl").read_text().splitlines() == lines
    assert main(["eval", "--agent", "noop", "--out", str(out_dir), "--resume"]) == 0
    assert (out_dir / "results.jsonl").read_text().splitlines() == lines
    # another agent cannot finish this run
    assert main(["eval", "--agent", "oracle", "--out", str(out_dir), "--resume"]) == 2
    assert "--resume needs the same agent" in capsys.readouterr().err


def test_validate_grades_for_real(mini_task: Task, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--repeat", "2", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "starting state" in out and "gold fix" in out and "0 wrong" in out
    assert "lint: 1 tasks, 0 problem(s)" in out
    assert "mini-greeting                    0/4 = 0.0%" in out and "overall" in out
    # --verbose shows every hidden test of a grading, also after the first failure
    assert "failed   tests.test_greeting::test_greeting: AssertionError" in out
    assert "passed   tests.test_greeting::test_health" in out
    # a task whose tests pass on the starting state is reported WRONG; a file without the
    # canary fails the lint
    (mini_task.folder / "bug.patch").write_text("")
    (mini_task.folder / "tests" / "test_more.py").write_text("def test_more():\n    pass\n")
    assert main(["validate", "--tasks", "mini-greeting"]) == 1
    out = capsys.readouterr().out
    assert "WRONG" in out and "tests/test_more.py does not carry the canary" in out


def test_bad_task_id_is_a_clear_error(mini_task: Task, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--agent", "noop", "--task", "mini-greting"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No task 'mini-greting'") and "Did you mean 'mini-greeting'" in err
    assert "Traceback" not in err


def test_malformed_task_is_a_clear_error(
    mini_task: Task, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = mini_task.folder / "task.toml"
    toml.write_text(toml.read_text().replace("price = 300", 'price = "lots"'))
    assert main(["tasks"]) == 2
    err = capsys.readouterr().err
    assert "task.toml" in err and "`price`" in err


def test_unknown_agent(mini_task: Task, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--agent", "genius", "--task", "mini-greeting"]) == 2
    assert "choose one of: noop, random, oracle, replay" in capsys.readouterr().err


@pytest.mark.browser
def test_run_saves_user_tool_screenshots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actions = tmp_path / "actions.jsonl"
    actions.write_text(
        '{"type": "user_tool"}\n{"type": "shell", "command": "ls .swelancer/user_tool/1"}\n'
    )
    shots = tmp_path / "shots"
    code = main([
        "run", "--agent", "replay", "--actions", str(actions), "--task", "tally-split-avatars",
        "--screenshots", str(shots),
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "[  1] user_tool()" in out and "step-01.png" in out
    pngs = sorted(shots.glob("*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert "not passed, earned $0" in out  # replaying a look changes nothing


def test_replay_needs_a_readable_file(
    mini_task: Task, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--agent", "replay", "--task", "mini-greeting"]) == 2
    assert "--actions FILE.jsonl" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "shell", "command": "ls"}\n{oops\n')
    assert main(["run", "--agent", "replay", "--actions", str(bad), "--task", "mini-greeting"]) == 2
    assert f"{bad}:2: not valid JSON" in capsys.readouterr().err


EPISODE = """
import sys, time
import gymnasium as gym
import swelancer_env
env = gym.make("swelancer/SWELancer-v0")
env.reset(options={"task_id": "tally-split-cents"})
env.step({"type": "shell", "command": "sleep 1000 & setsid sleep 1000 &"})
obs, *_ = env.step({"type": "user_tool"})
print("ready", flush=True)
time.sleep(600)
"""


@pytest.mark.browser
def test_janitor_cleans_up_after_a_kill_9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An episode's process killed with -9 leaves folders and cgroups: the janitor removes them."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    from swelancer_env.tempdirs import MARKER

    tmp = Path(tempfile.gettempdir())
    before = set(tmp.glob("swelancer-*"))
    proc = subprocess.Popen(
        [sys.executable, "-c", EPISODE], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        made = set(tmp.glob("swelancer-*")) - before
        assert made and all((d / MARKER).is_file() for d in made)
        groups = [
            p for p in Path("/sys/fs/cgroup").rglob(f"swelancer-*-{proc.pid}-*") if p.is_dir()
        ]
        assert groups  # the shell's and the app's
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
        assert all(d.exists() for d in made)  # left behind
        assert main(["janitor"]) == 0
        out = capsys.readouterr().out
        assert f"removed {len(made)} temporary folder(s)" in out, (out, made)
        assert not any(d.exists() for d in made)
        assert not any(g.exists() for g in groups)
        left = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and b"sleep\x001000" in (entry / "cmdline").read_bytes():
                    left.append(entry.name)
            except OSError:
                continue
        assert left == []  # the episode's daemons went with their groups
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # a folder of a live process, and one without a marker, are never touched
    mine = tmp / "swelancer-mine"
    mine.mkdir()
    try:
        from swelancer_env.tempdirs import make_temp_dir, remove_stale_temp_dirs

        live = make_temp_dir("swelancer-live-")
        assert remove_stale_temp_dirs() == 0 and mine.exists() and live.exists()
        live_marker = (live / MARKER).read_text()
        assert str(os.getpid()) in live_marker
        import shutil

        shutil.rmtree(live)
    finally:
        mine.rmdir()
