"""Connecting to the Docker engine.

The engine is found, in order, at ``$DOCKER_HOST``, at the private socket that
``.ci/start-dockerd.sh`` starts (``/run/swelancer-docker.sock``), then at Docker's default socket.
One client per process is kept and reused (creating one costs a ping); a forked child gets its own.

Example:
    >>> from swelancer_env.backends.docker.engine import docker_client
    >>> docker_client().ping()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from swelancer_env.errors import SandboxError

if TYPE_CHECKING:
    import docker

__all__ = ["PRIVATE_SOCKET", "START_HINT", "docker_client", "engine_url"]

#: the socket of the engine that ``.ci/start-dockerd.sh`` starts
PRIVATE_SOCKET = "/run/swelancer-docker.sock"
#: what to tell a user whose engine is unreachable
START_HINT = (
    'run `eval "$(bash .ci/start-dockerd.sh)"` from the swelancer-env checkout (as root; it '
    f"starts a private engine on {PRIVATE_SOCKET}), or start Docker and set DOCKER_HOST"
)

_lock = threading.Lock()
_clients: dict[tuple[int, str | None], docker.DockerClient] = {}


def engine_url() -> str | None:
    """The engine address to use: ``$DOCKER_HOST``, else the private socket if present, else None.

    None means Docker's own default (``unix:///var/run/docker.sock``).
    """
    env = os.environ.get("DOCKER_HOST")
    if env:
        return env
    if Path(PRIVATE_SOCKET).exists():
        return f"unix://{PRIVATE_SOCKET}"
    return None


def docker_client(timeout: float = 60.0) -> docker.DockerClient:
    """A connected Docker client, shared within this process.

    Args:
        timeout: seconds for each API call (container create, exec, remove).

    Raises:
        SandboxError: the engine does not answer; the message says how to start one.
    """
    import docker  # noqa: F811 (the SDK is imported lazily: nothing happens at import)

    url = engine_url()
    key = (os.getpid(), url)
    with _lock:
        client = _clients.get(key)
        if client is not None:
            return client
        try:
            if url is None:
                client = docker.from_env(timeout=int(timeout))
            else:
                client = docker.DockerClient(base_url=url, timeout=int(timeout))
            client.ping()
        except Exception as exc:  # the SDK raises DockerException, requests errors, OSError
            where = url or "Docker's default socket (DOCKER_HOST is unset)"
            raise SandboxError(
                f"the Docker engine at {where} is unreachable ({type(exc).__name__}: {exc}); "
                f"{START_HINT}"
            ) from exc
        _clients[key] = client
        return client
