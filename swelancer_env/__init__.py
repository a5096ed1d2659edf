"""swelancer-env: freelance software jobs as gymnasium environments.

Example:
    >>> import gymnasium as gym
    >>> import swelancer_env
    >>> env = gym.make("swelancer/SWELancer-v0")  # doctest: +SKIP
"""

from swelancer_env.actions import Action, parse_action
from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import (
    ConfigError,
    EpisodeError,
    InfrastructureError,
    SWELancerError,
    TaskFormatError,
    TaskNotFoundError,
)
from swelancer_env.registration import GENERIC_ID, register_envs
from swelancer_env.tasks import Task, list_tasks, load_task

__all__ = [
    "GENERIC_ID",
    "Action",
    "ConfigError",
    "EpisodeError",
    "InfrastructureError",
    "SWELancerEnv",
    "SWELancerError",
    "Task",
    "TaskFormatError",
    "TaskNotFoundError",
    "list_tasks",
    "load_task",
    "parse_action",
]

__version__ = "0.1.0"

register_envs()
