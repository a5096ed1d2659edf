"""Replaying trajectories: a real episode recorded on a manager task replays with every
observation equal; an edited record is reported as the first difference, with a diff."""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.records import StepRecord, TrajectoryHeader
from swelancer_env.evaluation.replay import (
    add_replay_parser,
    cmd_replay,
    mask_user_tool_durations,
    replay_trajectory,
)
from swelancer_env.tasks import load_task

TASK = "tally-mgr-blank-merchant"


def record_episode(path: Path, task_id: str, actions: list[Any], seed: int = 0) -> Path:
    """Run ``actions`` in a real env and write the trajectory as ``swelancer-env eval`` would."""
    env = SWELancerEnv(info_timings=False)
    try:
        obs, info = env.reset(seed=seed, options={"task_id": task_id})
        header = TrajectoryHeader(
            task_id=task_id, attempt=0, variant=info["variant"], price=info["price"],
            title=info["title"], agent="test", seed=seed, tools=info["tools"],
            observation=obs["output"], started_at=datetime.now(UTC).isoformat(),
        )  # fmt: skip
        lines = [header.model_dump_json()]
        for n, action in enumerate(actions, 1):
            obs, reward, terminated, truncated, info = env.step(action)
            record = StepRecord(
                step=n, action=action, action_type=info.get("action"), observation=obs["output"],
                exit_code=int(obs["exit_code"]), reward=reward, terminated=terminated,
                truncated=truncated, grade=info.get("grade"),
            )  # fmt: skip
            lines.append(record.model_dump_json())
    finally:
        env.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    actions = [
        {"type": "shell", "command": "ls"},
        {"type": "shell", "command": "cat app.toml"},
        {"type": "shell", "command": "git log --oneline | head -3"},
        {"type": "view", "path": "README.md", "view_range": [1, 5]},
        "not an action",  # invalid actions replay too
        {"type": "choose_proposal", "proposal_id": load_task(TASK).correct_proposal},
    ]
    run = tmp_path_factory.mktemp("run")
    return record_episode(run / "trajectories" / TASK / "0.jsonl", TASK, actions)


@pytest.fixture
def trajectory(recorded: Path, tmp_path: Path) -> Path:
    """A copy of the recorded trajectory that the test may edit."""
    return Path(shutil.copy(recorded, tmp_path / "0.jsonl"))


def _edit_step(path: Path, step: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    record = StepRecord.model_validate_json(lines[step])
    assert old in record.observation
    record.observation = record.observation.replace(old, new)
    lines[step] = record.model_dump_json()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_recorded_episode_replays_the_same(trajectory: Path) -> None:
    said: list[str] = []
    result = replay_trajectory(trajectory, say=said.append)
    assert result.matched and result.first_difference is None
    assert result.steps_replayed == result.steps_recorded == 6
    assert said == []  # nothing shown without pause


def test_an_edited_observation_is_the_first_difference(trajectory: Path) -> None:
    _edit_step(trajectory, 2, 'name = "tally"', 'name = "tallyho"')
    result = replay_trajectory(trajectory)
    d = result.first_difference
    assert not result.matched and d is not None
    assert (d.step, d.field, result.steps_replayed) == (2, "observation", 2)
    assert '-name = "tallyho"' in d.diff and '+name = "tally"' in d.diff
    assert d.diff.startswith("--- recorded (step 2)")


def test_an_edited_exit_code_or_reward_is_found(trajectory: Path) -> None:
    lines = trajectory.read_text(encoding="utf-8").splitlines()
    at = max(i for i, line in enumerate(lines) if '"kind":"end"' not in line)  # the last step
    last = StepRecord.model_validate_json(lines[at])
    last.reward = 1.0
    lines[at] = last.model_dump_json()
    trajectory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = replay_trajectory(trajectory).first_difference
    assert d is not None and (d.step, d.field, d.recorded) == (6, "reward", 1.0)
    assert d.replayed == load_task(TASK).price


def test_cmd_replay_prints_a_summary(
    trajectory: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    add_replay_parser(parser.add_subparsers())
    args = parser.parse_args(["replay", str(recorded)])
    assert args.func(args) == 0
    assert capsys.readouterr().out == "replayed 6 steps: all observations match\n"

    _edit_step(trajectory, 1, "frontend", "backend")
    args = parser.parse_args(["replay", str(trajectory), "--backend", "local"])
    assert cmd_replay(args) == 1
    out = capsys.readouterr().out
    assert out.startswith("replayed 1 steps: step 1 differs (observation)\n")
    assert "-backend\n+frontend" in out


def test_pause_shows_each_step_and_q_stops(trajectory: Path) -> None:
    answers = iter(["", "q"])
    prompts: list[str] = []
    said: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    result = replay_trajectory(trajectory, pause=True, ask=ask, say=said.append)
    assert result.stopped and result.matched and result.steps_replayed == 1
    assert len(prompts) == 2 and "step 2" in prompts[1]
    shown = "\n".join(said)
    assert '[  1] {"type": "shell", "command": "ls"}  -> exit 0' in shown
    assert "      frontend" in shown


def test_a_torn_last_line_is_ignored_a_bad_line_is_not(trajectory: Path) -> None:
    text = trajectory.read_text(encoding="utf-8")
    trajectory.write_text(text + '{"step": 7, "act', encoding="utf-8")
    said: list[str] = []
    result = replay_trajectory(trajectory, say=said.append)
    assert result.matched and result.torn_last_line and result.steps_replayed == 6
    assert said == [f"note: {trajectory}:8: a torn last line (a crashed run?) was ignored"]

    lines = text.splitlines()
    lines[2] = '{"step": 2, "action": {"type": "shell"}}'  # valid JSON, not a StepRecord
    trajectory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{trajectory}:3: not a step record"):
        replay_trajectory(trajectory)
    trajectory.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        replay_trajectory(trajectory)


def test_only_user_tool_durations_are_masked() -> None:
    report = (
        "App: started at http://127.0.0.1:56769\n"
        "   1. ok     Log in as alice@tally.test  [2.35 s]\n"
        "       sees: Expenses before: 4\n"
        "Took 9.59 s (stopped at the time limit)."
    )
    assert mask_user_tool_durations(report) == (
        "App: started at http://127.0.0.1:56769\n"
        "   1. ok     Log in as alice@tally.test  [# s]\n"
        "       sees: Expenses before: 4\n"
        "Took # s (stopped at the time limit)."
    )
    assert mask_user_tool_durations("slept [2.35 s] then 1.5 s") == "slept [2.35 s] then 1.5 s"
