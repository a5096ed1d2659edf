"""The Docker engine and the sandbox image: what the ``docker`` sandbox backend stands on.

Nothing here talks to Docker at import; :func:`~swelancer_env.docker.engine.docker_client` connects
on first use and :func:`~swelancer_env.docker.image.build_image` builds the image offline.
"""

from __future__ import annotations

__all__: list[str] = []
