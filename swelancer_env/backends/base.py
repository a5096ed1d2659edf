"""What every backend is: the place where an episode's three parts run.

A backend makes, for one episode, the agent's :class:`~swelancer_env.sandbox.base.Sandbox`
(its work tree and shell), the :class:`~swelancer_env.grading.grader.Grader` that runs the
hidden tests on a submitted diff, and the user tool session that runs the app and a browser on
the agent's tree. The env only orchestrates them; it never names a backend.

Each backend's settings are a :class:`BackendConfig`: a pydantic model whose ``type`` names the
backend and which refuses unknown fields, so that a typo is an error and not a silent default.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from swelancer_env.browser.user_tool import UserToolSession
    from swelancer_env.grading.grader import Grader
    from swelancer_env.sandbox.base import Sandbox
    from swelancer_env.tasks.model import Task

__all__ = ["Backend", "BackendConfig"]


class BackendConfig(BaseModel):
    """The settings of one backend; subclasses add typed fields and fix ``type``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str


class Backend(abc.ABC):
    """Makes the sandbox, the grader and the user tool of an episode, all from one config.

    Subclasses set :attr:`Config` (their settings model) and implement the three makers.
    A backend object is cheap: it holds its config, and what it makes is closed by its owner
    (the env stops the sandbox and closes the user tool at the end of each episode).
    """

    #: the settings model, whose ``type`` field names the backend in the registry
    Config: ClassVar[type[BackendConfig]]

    def __init__(self, config: BackendConfig) -> None:
        if not isinstance(config, self.Config):
            raise TypeError(f"{type(self).__name__} takes a {self.Config.__name__}")
        self.config = config

    @property
    def name(self) -> str:
        return self.config.type

    @abc.abstractmethod
    def sandbox(self, task: Task) -> Sandbox:
        """A started sandbox holding ``task``'s starting state."""

    @abc.abstractmethod
    def grader(self, *, partial_credit: bool = False) -> Grader:
        """A grader of diffs against hidden tests (the first failure ends a grade unless
        ``partial_credit``)."""

    @abc.abstractmethod
    def user_tool(self, task: Task, sandbox: Sandbox) -> UserToolSession:
        """A user tool session on ``sandbox``'s tree (started lazily by its first run)."""

    def __repr__(self) -> str:
        fields: dict[str, Any] = self.config.model_dump(exclude_defaults=True)
        fields.pop("type", None)
        return f"{type(self).__name__}({fields})"
