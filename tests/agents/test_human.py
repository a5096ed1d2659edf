"""The human agent, driven by a scripted person through real local episodes."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from swelancer_agents.human import HELP, HumanAgent, parse_line
from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import load_task

TASK = "tally-mgr-blank-merchant"


def script(*lines: str) -> Callable[[str], str]:
    """An ``ask`` that answers ``lines`` in order, then ends the input (EOFError)."""
    answers: Iterator[str] = iter(lines)

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    return ask


def play(agent: HumanAgent, task_id: str) -> tuple[float, int, bool]:
    """One episode: (reward, steps, ended by the env); a None action gives up."""
    env = SWELancerEnv(info_timings=False)
    try:
        obs, info = env.reset(options={"task_id": task_id})
        task = env.task
        assert task is not None
        agent.reset(task, obs, info)
        steps, reward, done = 0, 0.0, False
        while not done:
            action = agent.act(obs, info)
            if action is None:
                return reward, steps, False
            obs, reward, terminated, truncated, info = env.step(action)
            steps, done = steps + 1, terminated or truncated
        return reward, steps, True
    finally:
        env.close()


def test_a_person_explores_and_chooses_the_right_proposal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    task = load_task(TASK)
    said: list[str] = []
    ask = script(
        "$ ls",
        "",
        "view README.md 1 3",
        "frobnicate",
        '{"type": "shell"',
        '{"type": "shell"}',
        "help",
        "sh git log --oneline | head -3",
        f"choose {task.correct_proposal}",
    )
    reward, steps, ended = play(HumanAgent(ask=ask, say=said.append), TASK)
    assert (reward, steps, ended) == (task.price, 4, True)
    shown = "\n".join(said)
    assert said[0] == f"== {TASK} (swe_manager, $500) ==" and said[1].startswith("You are")
    assert "app.toml\nfrontend" in shown  # ls
    assert "     1\t# Tally" in shown  # view
    assert "cannot use that: unknown command 'frobnicate'" in shown
    assert "cannot use that: not valid JSON" in shown
    assert "cannot use that: Invalid shell action: command: Field required." in shown
    assert HELP in said
    assert not (tmp_path / "human-screenshots").exists()  # no screenshot, no folder


def test_quit_and_end_of_input_give_up() -> None:
    for ask in (script("quit"), script()):
        reward, steps, ended = play(HumanAgent(ask=ask, say=lambda _: None), TASK)
        assert (reward, steps, ended) == (0.0, 0, False)


@pytest.mark.parametrize(
    ("line", "action"),
    [
        ("$ git status", {"type": "shell", "command": "git status"}),
        ("$git status", {"type": "shell", "command": "git status"}),
        ("view 'a b.txt' 3 -1", {"type": "view", "path": "a b.txt", "view_range": [3, -1]}),
        ("ut 800 600", {"type": "user_tool", "viewport": [800, 600]}),
        ("submit", {"type": "submit"}),
        ('{"type": "submit"}', {"type": "submit"}),
    ],
)
def test_shortcuts(line: str, action: dict[str, Any]) -> None:
    assert parse_line(line) == (action, None)


@pytest.mark.parametrize("line", ["sh", "view", "view a 1", "view a x y", "choose", "ut 3", "$"])
def test_bad_shortcuts_say_why(line: str) -> None:
    action, why = parse_line(line)
    assert action is None and why


@pytest.mark.browser
def test_the_user_tool_screenshot_is_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    said: list[str] = []
    ask = script("ut", "$ true", "choose 1")
    play(HumanAgent(ask=ask, say=said.append), TASK)
    folder = tmp_path / "human-screenshots" / TASK
    assert [p.name for p in folder.iterdir()] == ["step001.png"]  # unchanged after step 2
    assert f"screenshot: {folder / 'step001.png'}" in said
    from PIL import Image

    with Image.open(folder / "step001.png") as png:
        assert png.size == (640, 400) and png.getextrema() != ((0, 0),) * 3


def test_screenshots_go_to_the_chosen_or_a_fresh_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    task = load_task(TASK)
    shot = np.zeros((400, 640, 3), dtype=np.uint8)
    shot[10:20, 10:20] = 255
    obs = {"output": "the job", "exit_code": np.array(0), "screenshot": shot}
    for folder in (tmp_path / "shots", None, None):
        agent = HumanAgent(folder, ask=script("quit"), say=lambda _: None)
        agent.reset(task, obs, {})
        assert agent.act(obs, {}) is None
    assert (tmp_path / "shots" / "step000.png").is_file()
    assert (tmp_path / "human-screenshots" / TASK / "step000.png").is_file()
    assert (tmp_path / "human-screenshots" / f"{TASK}-2" / "step000.png").is_file()


def test_swelancer_env_run_shows_each_observation_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from swelancer_env.cli import main

    task = load_task(TASK)
    typed = f"$ echo only-once-marker-$((6 * 7))\nchoose {task.correct_proposal}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["run", "--agent", "human", "--task", TASK]) == 0
    out = capsys.readouterr().out
    assert out.count("only-once-marker-42") == 1, out
    assert out.count(task.title) <= 1 and "reward: $500" in out
