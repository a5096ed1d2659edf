"""What a trainer plugs in: gymnasium's checker, vector envs (sync and async) with intact text,
task sampling from a split, and lean text observations."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import swelancer_env  # noqa: F401  (registers the envs)
from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import ConfigError
from swelancer_env.tasks import list_tasks

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")[0]
TEXT = "naïve café — ✓ 🙂\ttab\nline two"


def test_check_env_passes_on_the_env_as_gym_make_returns_it() -> None:
    env = gym.make("swelancer/SWELancer-v0")
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            check_env(env, skip_render_check=True)
    finally:
        env.close()
    # the checker warns only that gym.make wraps the env (its own wrappers); nothing else
    others = [str(w.message) for w in seen if "different from the unwrapped" not in str(w.message)]
    assert not others, others


def test_timings_stay_available_out_of_info() -> None:
    env = SWELancerEnv()
    try:
        _, info = env.reset(options={"task_id": MANAGER})
        assert "timings" not in info and env.timings["reset_s"] > 0
        _, _, _, _, info = env.step({"type": "shell", "command": "true"})
        assert "timings" not in info and env.timings["step_s"] > 0
    finally:
        env.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_vector_envs_keep_text_screenshots_rewards_and_infos(mode: str) -> None:
    envs = gym.make_vec(
        "swelancer/SWELancer-v0", num_envs=2, vectorization_mode=mode,
        vector_kwargs={"autoreset_mode": gym.vector.AutoresetMode.NEXT_STEP},
    )  # fmt: skip
    try:
        obs, info = envs.reset(seed=[1, 2], options={"task_id": MANAGER})
        assert all(o.startswith("You are the engineering manager") for o in obs["output"])
        assert obs["screenshot"].shape == (2, 400, 640, 3)
        obs, reward, terminated, truncated, info = envs.step(
            [{"type": "shell", "command": f"printf '{TEXT}'"}, {"type": "view", "path": "."}]
        )
        assert obs["output"][0] == TEXT  # every character, not tabs
        assert "server" in obs["output"][1]
        assert list(obs["exit_code"]) == [0, 0] and list(reward) == [0.0, 0.0]
        assert list(info["action"]) == ["shell", "view"]
        correct = next(t for t in list_tasks() if t.id == MANAGER).correct_proposal
        obs, reward, terminated, truncated, info = envs.step(
            [{"type": "choose_proposal", "proposal_id": correct}] * 2
        )
        price = next(t for t in list_tasks() if t.id == MANAGER).price
        assert list(reward) == [price, price] and terminated.all()
        assert info["grade"]["passed"].all()  # infos are batched key by key
    finally:
        envs.close()


def test_the_async_shared_memory_keeps_every_character() -> None:
    from gymnasium.vector.utils import (
        create_shared_memory,
        read_from_shared_memory,
        write_to_shared_memory,
    )

    space = SWELancerEnv().observation_space["output"]
    memory = create_shared_memory(space, n=2)
    write_to_shared_memory(space, 0, TEXT, memory)
    write_to_shared_memory(space, 1, "", memory)
    assert read_from_shared_memory(space, memory, n=2) == (TEXT, "")


def test_a_seed_draws_the_same_task_from_a_split() -> None:
    env = SWELancerEnv(split="test")
    try:
        drawn = []
        for seed in (0, 1, 2, 0, 1, 2):
            _, info = env.reset(seed=seed)
            drawn.append(info["task_id"])
        assert drawn[:3] == drawn[3:]
        test_ids = {t.id for t in list_tasks() if t.split == "test"}
        assert set(drawn) <= test_ids
        _, info = env.reset(seed=0, options={"task_id": MANAGER})  # an explicit task wins
        assert info["task_id"] == MANAGER
    finally:
        env.close()
    with pytest.raises(ConfigError, match="no task in split"):
        SWELancerEnv(split="nope")


def test_text_observations_leave_the_screenshot_out() -> None:
    env = SWELancerEnv(observation="text")
    try:
        obs, _ = env.reset(options={"task_id": MANAGER})
        assert set(obs) == {"output", "exit_code"} and env.observation_space.contains(obs)
        assert "screenshot" not in env.observation_space.spaces
    finally:
        env.close()
    full = SWELancerEnv()
    try:  # what the text mode saves: the screenshot array of every full observation
        obs, _ = full.reset(options={"task_id": MANAGER})
        assert obs["screenshot"].nbytes == 768_000 and full.observation_space.contains(obs)
    finally:
        full.close()
    assert len(repr(SWELancerEnv().observation_space)) < 300
