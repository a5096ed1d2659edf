"""Gymnasium registration: a generic id and one id per bundled task."""

from __future__ import annotations

import gymnasium as gym

__all__ = ["ENTRY_POINT", "GENERIC_ID", "register_envs"]

ENTRY_POINT = "swelancer_env.env:SWELancerEnv"
GENERIC_ID = "swelancer/SWELancer-v0"


def register_envs() -> None:
    """Register ``swelancer/SWELancer-v0`` and ``swelancer/<task_id>`` for each bundled task."""
    from swelancer_env.tasks.loader import task_ids

    if GENERIC_ID not in gym.registry:
        gym.register(id=GENERIC_ID, entry_point=ENTRY_POINT)
    for task_id in task_ids():
        env_id = f"swelancer/{task_id}"
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=ENTRY_POINT, kwargs={"task_id": task_id})
