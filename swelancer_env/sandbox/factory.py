"""Making the sandbox of an episode from a backend name."""

from __future__ import annotations

from typing import Any

from swelancer_env.errors import ConfigError
from swelancer_env.sandbox.base import Sandbox
from swelancer_env.tasks.model import Task

__all__ = ["make_sandbox"]


def make_sandbox(backend: str, task: Task, **options: Any) -> Sandbox:
    """A started sandbox holding ``task``'s starting state."""
    from swelancer_env.sandbox.worktree import StartingState

    state = StartingState.get(task)
    if backend == "local":
        from swelancer_env.sandbox.local import LocalSandbox

        sandbox: Sandbox = LocalSandbox(state, **options)
    elif backend == "docker":
        from swelancer_env.sandbox.docker import DockerSandbox

        sandbox = DockerSandbox(state, **options)
    else:
        raise ConfigError(f"backend {backend!r} is not known; use 'local' or 'docker'")
    sandbox.start()
    return sandbox
