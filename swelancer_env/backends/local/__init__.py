"""The local backend: the agent's shell in bubblewrap on this machine (its own cgroup, no
network), the hidden tests and the user tool's app and Chromium beside it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from swelancer_env.backends.base import Backend
from swelancer_env.backends.local.config import LocalConfig

if TYPE_CHECKING:
    from swelancer_env.browser.user_tool import UserToolSession
    from swelancer_env.grading.grader import Grader
    from swelancer_env.sandbox.base import Sandbox
    from swelancer_env.tasks.model import Task

__all__ = ["LocalBackend", "LocalConfig"]


class LocalBackend(Backend):
    Config = LocalConfig
    config: LocalConfig

    def sandbox(self, task: Task) -> Sandbox:
        from swelancer_env.appdeps import prepare
        from swelancer_env.backends.local.sandbox import LocalSandbox
        from swelancer_env.sandbox.worktree import StartingState
        from swelancer_env.tasks.loader import app_of

        c = self.config
        sandbox = LocalSandbox(
            StartingState.get(task), output_limit=c.output_limit, env=c.env,
            isolation=c.isolation, hide=c.hide, limits=c.limits, tree_limits=c.tree_limits,
            temp_root=Path(c.temp_root) if c.temp_root else None,
            deps=None if task.official else prepare(app_of(task)),
        )  # fmt: skip
        sandbox.start()
        return sandbox

    def grader(self, *, partial_credit: bool = False) -> Grader:
        from swelancer_env.backends.local.grader import LocalGrader

        return LocalGrader(
            chromium=self.config.chromium,
            partial_credit=partial_credit,
            warm=self.config.warm_grading,
            warm_browser=self.config.warm_browser,
            regression=self.config.regression_tests,
            settle=self.config.settle_early,
        )

    def user_tool(self, task: Task, sandbox: Sandbox) -> UserToolSession:
        from swelancer_env.backends.local.user_tool import LocalUserToolSession

        return LocalUserToolSession(
            task, sandbox, chromium=self.config.chromium, trace=self.config.user_tool_trace
        )
