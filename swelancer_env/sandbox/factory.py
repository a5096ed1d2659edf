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

        _check_options(LocalSandbox, backend, options)
        sandbox: Sandbox = LocalSandbox(state, **options)
    elif backend == "docker":
        from swelancer_env.sandbox.docker import DockerSandbox

        sandbox = DockerSandbox(state, **options)
    else:
        raise ConfigError(f"backend {backend!r} is not known; use 'local' or 'docker'")
    sandbox.start()
    return sandbox


def _check_options(cls: type, backend: str, options: dict[str, Any]) -> None:
    """Unknown sandbox options are a ConfigError that lists the known ones, not a TypeError."""
    import inspect

    params = inspect.signature(cls).parameters
    known = sorted(n for n, p in params.items() if p.kind is p.KEYWORD_ONLY)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(
            f"sandbox_options {unknown} are not options of the {backend!r} backend; "
            f"its options are: {', '.join(known)}"
        )
