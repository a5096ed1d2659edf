from __future__ import annotations

import os
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import swelancer_env  # noqa: F401 - registers the envs
from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import ConfigError, EpisodeError, TaskNotFoundError
from swelancer_env.tasks import list_tasks
from swelancer_env.tasks.model import Task


def bundled_ic_task() -> str:
    return next(t.id for t in list_tasks() if t.variant == "ic_swe")


def test_check_env_passes_on_a_bundled_task() -> None:
    env = gym.make(f"swelancer/{bundled_ic_task()}", render_mode="ansi", info_timings=False)
    try:
        check_env(env.unwrapped, skip_render_check=False)
    finally:
        env.close()


def test_registered_ids_make_envs() -> None:
    task_id = bundled_ic_task()
    assert "swelancer/SWELancer-v0" in gym.registry
    assert f"swelancer/{task_id}" in gym.registry
    env = gym.make(f"swelancer/{task_id}")
    try:
        obs, info = env.reset(seed=1)
        assert info["task_id"] == task_id and "working directory" in obs["output"]
        assert obs["screenshot"].shape == (400, 640, 3) and obs["screenshot"].dtype == np.uint8
    finally:
        env.close()


def test_unknown_task_suggests(mini_task: Task) -> None:
    with pytest.raises(TaskNotFoundError, match="Did you mean 'mini-greeting'"):
        SWELancerEnv(task_id="mini-greting")
    env = SWELancerEnv()
    _, info = env.reset(seed=3)  # no task given: one is drawn (here the only one there is)
    assert info["task_id"] == "mini-greeting"
    with pytest.raises(ConfigError, match="unknown reset options"):
        env.reset(options={"task_id": "mini-greeting", "colour": "red"})
    env.close()


def test_episode_on_mini_task(mini_task: Task) -> None:
    env = SWELancerEnv(task_id="mini-greeting", render_mode="ansi")
    with pytest.raises(EpisodeError, match="reset"):
        env.step({"type": "shell", "command": "ls"})
    obs, info = env.reset()
    assert "The greeting says helo." in obs["output"] and info["price"] == 300
    root = Path(info["workdir"]).parent

    obs, reward, terminated, truncated, info = env.step(
        '{"type": "shell", "command": "cat greeting.py; exit 3"}'
    )
    assert "helo" in obs["output"] and int(obs["exit_code"]) == 3 and reward == 0.0

    for bad, needle in [
        ("{oops", "not valid JSON"),
        ({"type": "fly"}, "unknown type 'fly'"),
        ({"type": "view", "path": "../../etc/passwd"}, "out of the work tree"),
        ({"type": "create", "path": "/etc/evil", "file_text": "x"}, "work tree"),
        ({"type": "choose_proposal", "proposal_id": "1"}, "manager tasks"),
    ]:
        obs, reward, terminated, truncated, info = env.step(bad)
        assert needle in obs["output"], obs["output"]
        assert int(obs["exit_code"]) == 1 and not terminated and not truncated

    obs, *_ = env.step({"type": "shell", "command": "sleep 5", "timeout": 0.5})
    assert "timed out" in obs["output"] and int(obs["exit_code"]) == -1

    obs, *_ = env.step(
        {"type": "str_replace", "path": "greeting.py", "old_str": "helo", "new_str": "hello"}
    )
    assert int(obs["exit_code"]) == 0
    assert "step" in env.render()
    obs, reward, terminated, truncated, info = env.step({"type": "submit"})
    assert terminated and reward == 300.0 and info["grade"]["passed"]
    with pytest.raises(EpisodeError, match="ended"):
        env.step({"type": "shell", "command": "ls"})
    env.close()
    env.close()
    assert not root.exists()


def test_step_limit_truncates(mini_task: Task) -> None:
    env = SWELancerEnv(task_id="mini-greeting", max_steps=2)
    env.reset()
    *_, terminated, truncated, _ = env.step({"type": "shell", "command": "true"})
    assert not truncated
    obs, reward, terminated, truncated, info = env.step({"type": "shell", "command": "true"})
    assert truncated and not terminated and reward == 0.0 and info["truncated_by"] == "step limit"
    env.close()


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ConfigError, match="render_mode"):
        SWELancerEnv(render_mode="human")
    with pytest.raises(ConfigError, match="backend"):
        SWELancerEnv(backend="kubernetes")


def test_reset_replaces_the_previous_sandbox(mini_task: Task) -> None:
    env = SWELancerEnv(task_id="mini-greeting")
    env.reset()
    first = env.sandbox.tree
    env.reset()
    second = env.sandbox.tree
    assert first != second
    assert not os.path.exists(first) and os.path.exists(second)
    env.close()


def test_unknown_sandbox_option_is_a_config_error(mini_task: Task) -> None:
    with pytest.raises(
        ConfigError, match=r"'local' backend: memory: Extra.*settings are: isolation"
    ):
        SWELancerEnv(task_id="mini-greeting", sandbox_options={"memory": "1g"})


def test_the_grade_in_info_tells_figures_not_the_hidden_tests(mini_task: Task) -> None:
    """Test names and assertion messages would teach a policy the tests: only figures go out."""
    import json

    from swelancer_env.runner import run_episode

    env = SWELancerEnv(task_id="mini-greeting")
    try:
        obs, *_ = env.reset()
        env.step(
            {"type": "str_replace", "path": "greeting.py", "old_str": "helo", "new_str": "hola"}
        )
        obs, reward, terminated, _, info = env.step({"type": "submit"})
        assert terminated and reward == 0.0
        seen = json.dumps(info) + str(obs["output"])
        assert info["grade"]["tests_run"] == 1 and info["grade"]["tests_passed"] == 0
        assert "test_greeting" not in seen and "'hello'" not in seen  # name, expected value
        full = env.unwrapped.last_grade
        assert full is not None and [t.name for t in full.tests] == [
            "tests.test_greeting::test_greeting"
        ]

        class Submit:
            name = "submit"

            def reset(self, *a: object) -> None:
                pass

            def __init__(self) -> None:
                self.steps = 0

            def act(self, *a: object) -> dict[str, str]:
                self.steps += 1
                if self.steps == 1:
                    return {"type": "shell", "command": "sed -i s/helo/hola/ greeting.py"}
                return {"type": "submit"}

        result = run_episode(env, Submit(), "mini-greeting")
        assert result.failed_tests == ["tests.test_greeting::test_greeting"]  # the researcher's
    finally:
        env.close()


def test_an_empty_submission_fails_without_running_the_hidden_tests(mini_task: Task) -> None:
    env = SWELancerEnv(task_id="mini-greeting")
    try:
        env.reset()
        env.step({"type": "shell", "command": "echo scratch > /tmp/notes.txt; mkdir -p .swelancer"})
        obs, reward, terminated, _, info = env.step({"type": "submit"})
        assert terminated and reward == 0.0 and not info["grade"]["passed"]
        assert info["grade"]["tests_run"] == 0 and info["grade"]["infra_error"] is None
        assert "nothing was submitted" in info["grade"]["reason"]
        assert "nothing was submitted" in str(obs["output"])
    finally:
        env.close()


def test_an_infrastructure_error_truncates_the_episode_and_is_no_reward(
    mini_task: Task, mini_root: Path
) -> None:
    """A grading without a verdict (here: the app's own start command is broken, which no
    change of the agent's caused) ends the episode as truncated, not as a reward of 0."""
    from swelancer_env.tasks.loader import load_app

    app_toml = mini_root / "apps" / "mini" / "app.toml"
    app_toml.write_text(app_toml.read_text().replace("python3 server.py", "python3 nothing.py"))
    load_app.cache_clear()
    env = SWELancerEnv(task_id="mini-greeting")
    try:
        env.reset()
        env.step({"type": "shell", "command": "sed -i s/helo/hello/ greeting.py"})
        obs, reward, terminated, truncated, info = env.step({"type": "submit"})
        assert (terminated, truncated, reward) == (False, True, 0.0)
        assert info["infra_error"] and info["truncated_by"] == "infra_error"
        assert "retry it" in str(obs["output"])
        with pytest.raises(EpisodeError):
            env.step({"type": "submit"})
    finally:
        env.close()
        load_app.cache_clear()


@pytest.mark.parametrize(
    ("scale", "partial", "fixed", "reward"),
    [
        ("dollars", False, True, 300.0),
        ("binary", False, True, 1.0),
        ("binary", False, False, 0.0),
        ("fraction", True, False, 0.5),  # test_health passes, test_greeting fails
        ("fraction", False, True, 1.0),
    ],
)
def test_the_reward_scale(mini_task: Task, scale: str, partial: bool, fixed: bool, reward: float) -> None:  # fmt: skip
    env = SWELancerEnv(task_id="mini-greeting", reward_scale=scale, partial_credit=partial)
    try:
        env.reset()
        word = "hello" if fixed else "hallo"
        env.step({"type": "shell", "command": f"sed -i s/helo/{word}/ greeting.py"})
        _obs, got, terminated, _, info = env.step({"type": "submit"})
        assert terminated and got == reward
        assert info["grade"]["earned"] == (300.0 if fixed else 150.0 if partial else 0.0)
    finally:
        env.close()
    with pytest.raises(ConfigError, match="reward_scale"):
        SWELancerEnv(task_id="mini-greeting", reward_scale="cents")


def test_the_time_limit_counts_the_envs_time_not_the_policys(mini_task: Task) -> None:
    import time

    toml = mini_task.folder / "task.toml"  # type: ignore[operator]
    toml.write_text(toml.read_text() + "\n[limits]\ntime_limit_s = 3\n")
    env = SWELancerEnv(task_id="mini-greeting")
    try:
        env.reset()
        time.sleep(3.5)  # the policy thinking: not the env's time
        _obs, _r, _term, truncated, _info = env.step({"type": "shell", "command": "true"})
        assert not truncated
        _obs, _r, _term, truncated, info = env.step({"type": "shell", "command": "sleep 3.2"})
        assert truncated and info["truncated_by"] == "time limit"
        assert env.timings["env_s"] >= 3.0
    finally:
        env.close()
    env = SWELancerEnv(task_id="mini-greeting", wall_time_limit_s=1.0)
    try:
        env.reset()
        time.sleep(1.2)
        _obs, _r, _term, truncated, info = env.step({"type": "shell", "command": "true"})
        assert truncated and info["truncated_by"] == "wall time limit"
    finally:
        env.close()
