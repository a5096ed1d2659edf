"""Reference agents, by name, and any agent class by ``package.module:Class``.

Installed as ``swelancer_agents`` (the folder is ``agents/``; a top-level ``agents`` would
clash with other packages').
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from typing import Any

from swelancer_env.errors import ConfigError

__all__ = ["AGENTS", "agent_class", "make_agent"]

AGENTS = {
    "noop": "swelancer_agents.noop:NoopAgent",
    "random": "swelancer_agents.random_agent:RandomAgent",
    "oracle": "swelancer_agents.oracle:OracleAgent",
    "replay": "swelancer_agents.replay:ReplayAgent",
    "human": "swelancer_agents.human:HumanAgent",
    "llm": "swelancer_agents.llm_tools:LLMToolAgent",
    "llm-python": "swelancer_agents.llm_python:LLMPythonAgent",
}


def agent_class(spec: str) -> type:
    """The class named by ``spec``: a name from :data:`AGENTS` or ``package.module:Class``."""
    target = AGENTS.get(spec, spec)
    if ":" not in target:
        raise ConfigError(
            f"unknown agent {spec!r}; choose one of: {', '.join(AGENTS)}, or name your own "
            "class as package.module:Class"
        )
    module_name, _, cls_name = target.partition(":")
    if spec not in AGENTS and os.getcwd() not in sys.path and "" not in sys.path:
        # the current folder is importable, as ``python -m`` makes it: an agent of one's own
        # is found from its folder without PYTHONPATH (the console script's path lacks it)
        sys.path.append(os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ConfigError(
            f"cannot import {module_name!r} for the agent {spec!r}: {e}. Is the package "
            "installed, or its folder on PYTHONPATH?"
        ) from None
    cls = getattr(module, cls_name, None)
    if not isinstance(cls, type):
        raise ConfigError(f"{module_name} has no class {cls_name!r} (from the agent {spec!r})")
    missing = [m for m in ("reset", "act") if not callable(getattr(cls, m, None))]
    if missing:
        raise ConfigError(
            f"{target} is not an agent: it has no {' or '.join(missing)} method (the interface "
            "is in swelancer_agents.base.Agent)"
        )
    return cls


def accepts(cls: type, name: str) -> bool:
    """Whether ``cls(...)`` takes the keyword ``name`` (or any keyword)."""
    params = inspect.signature(cls).parameters.values()
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in params)


def make_agent(spec: str, **options: Any) -> Any:
    """A new agent: ``spec`` as in :func:`agent_class`, ``options`` its constructor's keywords.

    ``seed`` is passed only to agents whose constructor takes it.
    """
    cls = agent_class(spec)
    if "seed" in options and not accepts(cls, "seed"):
        options.pop("seed")
    try:
        return cls(**options)
    except TypeError as e:
        raise ConfigError(f"the agent {spec!r} does not take these options: {e}") from None
