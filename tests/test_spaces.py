"""Text survives whole: every script, symbol and control character an agent's command prints comes
back unchanged through the env, an async vector env and the server (only a lone surrogate, which
no encoding carries, becomes U+FFFD)."""

from __future__ import annotations

import sys
from pathlib import Path

import gymnasium as gym
import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.spaces import make_observation_space, sanitize_text
from swelancer_env.tasks import list_tasks

sys.path.insert(0, str(Path(__file__).parent / "serving"))
from serve_kit import Server  # noqa: E402

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")[0]
#: Chinese, Korean, Japanese, mathematical letters (outside the BMP), Arabic, Devanagari, emoji
#: with a joiner, combining marks, ESC and an SGR sequence, BEL, CR, backspace, form feed, NUL
WHOLE = (
    "中文 한국어 日本語 𝐀𝔅𝕮𝟘 العربية हिन्दी 👩‍💻 é\u0301 "
    "\x1b[1mbold\x1b[0m bell\x07 cr\r back\x08 ff\x0c nul\x00 end\n"
)
ACTIONS = [
    {"type": "create", "path": "whole.txt", "file_text": WHOLE},
    {"type": "shell", "command": "cat whole.txt"},
]


def test_sanitize_keeps_every_character_but_a_lone_surrogate() -> None:
    space = make_observation_space()["output"]
    assert sanitize_text(WHOLE) == WHOLE and space.contains(WHOLE)
    assert sanitize_text("a\ud800b") == "a\ufffdb" and not space.contains("a\ud800b")
    assert not space.contains("x" * (space.max_length + 1))


def test_the_env_returns_it_unchanged() -> None:
    env = SWELancerEnv()
    try:
        env.reset(options={"task_id": MANAGER})
        for action in ACTIONS:
            obs, *_ = env.step(action)
        assert obs["output"] == WHOLE
        assert env.observation_space.contains(obs)
    finally:
        env.close()


def test_an_async_vector_env_returns_it_unchanged() -> None:
    envs = gym.make_vec("swelancer/SWELancer-v0", num_envs=2, vectorization_mode="async")
    try:
        envs.reset(options={"task_id": MANAGER})
        for action in ACTIONS:
            obs, *_ = envs.step([action, action])
        assert list(obs["output"]) == [WHOLE, WHOLE]
    finally:
        envs.close()


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    s = Server("--max-sessions", "2")
    yield s
    assert s.stop() == 0


def test_the_server_returns_it_unchanged(server: Server) -> None:
    from swelancer_env.serving.client import RemoteEnv

    env = RemoteEnv(server.url)
    try:
        env.reset(options={"task_id": MANAGER})
        for action in ACTIONS:
            obs, *_ = env.step(action)
        assert obs["output"] == WHOLE
    finally:
        env.close()
