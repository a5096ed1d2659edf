"""Reference agents, by name: ``noop``, ``random``, ``oracle``, ``replay``."""

from __future__ import annotations

from typing import Any

from swelancer_env.errors import ConfigError

__all__ = ["AGENTS", "make_agent"]

AGENTS = {
    "noop": "agents.noop:NoopAgent",
    "random": "agents.random_agent:RandomAgent",
    "oracle": "agents.oracle:OracleAgent",
    "replay": "agents.replay:ReplayAgent",
}


def make_agent(name: str, **kwargs: Any) -> Any:
    """An agent by name."""
    import importlib

    if name not in AGENTS:
        raise ConfigError(f"unknown agent {name!r}; choose one of: {', '.join(AGENTS)}")
    module, cls = AGENTS[name].split(":")
    return getattr(importlib.import_module(module), cls)(**kwargs)
