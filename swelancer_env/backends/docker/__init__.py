"""The Docker backend: the agent's shell, each grading and the user tool each in a container
of their own (network ``none``, hard limits), on an image built offline from its recipe.

Nothing here talks to Docker at import; :func:`~swelancer_env.backends.docker.engine.docker_client`
connects on first use and :func:`~swelancer_env.backends.docker.image.build_image` builds the
image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swelancer_env.backends.base import Backend
from swelancer_env.backends.docker.config import DockerConfig

if TYPE_CHECKING:
    from swelancer_env.browser.user_tool import UserToolSession
    from swelancer_env.grading.grader import Grader
    from swelancer_env.sandbox.base import Sandbox
    from swelancer_env.tasks.model import Task

__all__ = ["DockerBackend", "DockerConfig"]


class DockerBackend(Backend):
    Config = DockerConfig
    config: DockerConfig

    def sandbox(self, task: Task) -> Sandbox:
        from swelancer_env.appdeps import prepare
        from swelancer_env.backends.docker.sandbox import DockerSandbox
        from swelancer_env.sandbox.worktree import StartingState
        from swelancer_env.tasks.loader import app_of

        deps = None if task.official else prepare(app_of(task))
        sandbox = DockerSandbox(StartingState.get(task), self.config, deps=deps)
        sandbox.start()
        return sandbox

    def grader(self, *, partial_credit: bool = False) -> Grader:
        from swelancer_env.backends.docker.grader import DockerGrader

        return DockerGrader(self.config, partial_credit=partial_credit)

    def user_tool(self, task: Task, sandbox: Sandbox) -> UserToolSession:
        from swelancer_env.backends.docker.user_tool import DockerUserToolSession

        return DockerUserToolSession(task, sandbox, config=self.config)
