"""SWELancerEnv as a SkyRL-Gym text environment (``pip install 'swelancer-env[skyrl]'``).

Example::

    import skyrl_gym
    from swelancer_env.adapters.skyrl_env import register_swelancer

    register_swelancer()  # id "swelancer"
    env = skyrl_gym.make("swelancer", env_config={"reward_scale": "dollars"},
                         extras={"task_id": "tally-mgr-blank-merchant"})
    chat, meta = env.init([{"role": "system", "content": "You are a helpful engineer."}])
    out = env.step('<tool_call>{"name": "choose_proposal", "arguments": {"proposal_id": "4"}}</tool_call>')
    out["reward"], out["done"]  # (500.0, True)
    env.close()

``env_config`` (SkyRL's ``skyrl_gym_cfg.swelancer``) holds SWELancerEnv's settings (``backend``,
``reward_scale``, ``partial_credit``, ``tools``, ``split``, ...); the per-sample ``extras`` hold
the task: ``task_id`` (or ``extra_info.task_id``; none: one drawn from ``split``) and SkyRL's
``max_turns``. The observation is always the text one.

A step reads the model's text as one action (see :func:`~swelancer_env.adapters.common.
parse_text_action`): a ``<tool_call>`` block or a JSON action. A text with neither gets an
observation saying how to act, reward 0, not done (it still counts as a turn). The episode is
done when it terminates (a submission: its reward, in the env's ``reward_scale``) or is
truncated (the step, time or turn limit: reward 0). An infrastructure error (the harness
could not grade) ends it with ``done=True``, reward 0.0 and ``metadata["infra_error"]`` (also
:meth:`get_metrics`' ``infra_error``): no reward was decided, drop or retry the sample rather
than learn from its 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skyrl_gym.envs.base_text_env import BaseTextEnv, BaseTextEnvStepOutput
from skyrl_gym.envs.registration import register, registry

from swelancer_env.adapters.common import HOW_TO_ACT, env_kwargs, parse_text_action
from swelancer_env.env import SWELancerEnv

__all__ = ["ENV_ID", "SWELancerTextEnv", "register_swelancer"]

ENV_ID = "swelancer"


def _extra(extras: dict[str, Any], key: str) -> Any:
    if extras.get(key) is not None:
        return extras[key]
    info = extras.get("extra_info")
    return info.get(key) if isinstance(info, Mapping) else None


class SWELancerTextEnv(BaseTextEnv):
    """One SWELancerEnv episode, text in and text out (see the module's docstring)."""

    def __init__(self, env_config: Any = None, extras: dict[str, Any] | None = None) -> None:
        super().__init__()
        extras = dict(extras or {})
        kwargs = env_kwargs(env_config)
        self.task_id: str | None = _extra(extras, "task_id")
        max_turns = _extra(extras, "max_turns")
        self.max_turns = int(max_turns) if max_turns is not None else 0  # 0: the env's limit
        self.env = SWELancerEnv(**kwargs)
        self.last_info: dict[str, Any] = {}
        self.reward = 0.0
        self.done = False

    def init(self, prompt: list[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], dict]:
        """Reset the env on the sample's task. Returns the prompt's system messages followed by
        one user message: the task's issue (as ``SWELancerEnv.reset`` gives it) and how to act."""
        options = {"task_id": self.task_id} if self.task_id else None
        obs, info = self.env.reset(options=options)
        self.task_id = info["task_id"]
        self.turns, self.reward, self.done = 0, 0.0, False
        system = [m for m in prompt or [] if m.get("role") in ("system", "developer")]
        text = f"{obs['output']}\n\n{HOW_TO_ACT}"
        return [*system, {"role": "user", "content": text}], dict(info)

    def step(self, action: str) -> BaseTextEnvStepOutput:
        self.turns += 1
        parsed, note = parse_text_action(action)
        if parsed is None:
            text, reward, done = note + HOW_TO_ACT, 0.0, False
            metadata: dict[str, Any] = {"agent_error": "no action in the reply"}
        else:
            obs, reward, terminated, truncated, info = self.env.step(parsed)
            text, done, metadata = obs["output"] + note, terminated or truncated, dict(info)
            metadata["exit_code"] = int(obs["exit_code"])
            metadata["terminated"], metadata["truncated"] = terminated, truncated
            if "infra_error" in info:
                reward = 0.0  # no verdict: no reward is claimed (the metadata says why)
        if not done and self.max_turns and self.turns >= self.max_turns:
            done = True
            metadata["truncated"], metadata["truncated_by"] = True, "max_turns"
            text += f"\n[episode truncated: {self.max_turns} turns reached; nothing was submitted]"
        self.reward, self.done, self.last_info = float(reward), done, metadata
        return BaseTextEnvStepOutput(
            observations=[] if done else [{"role": "user", "content": text}],
            reward=float(reward),
            done=done,
            metadata={**metadata, "observation": text},
        )

    def get_metrics(self) -> dict[str, Any]:
        grade = self.last_info.get("grade") or {}
        return {
            "turns": self.turns,
            "reward": self.reward,
            "earned": float(grade.get("earned", 0.0)),
            "passed": float(bool(grade.get("passed"))),
            "infra_error": float("infra_error" in self.last_info),
        }

    def close(self) -> None:
        self.env.close()


def register_swelancer(env_id: str = ENV_ID) -> str:
    """Register :class:`SWELancerTextEnv` in skyrl_gym's registry under ``env_id`` (once).
    Returns the id, for ``skyrl_gym.make(env_id, env_config=..., extras={"task_id": ...})``."""
    if env_id not in registry:
        register(id=env_id, entry_point="swelancer_env.adapters.skyrl_env:SWELancerTextEnv")
    return env_id
