"""The sandbox interface: one per episode, holding the agent's work tree and its shell.

Lifecycle (``start``, ``stop``, ``is_alive``) is kept apart from operations (``run``, ``diff``,
``export_tree``). Every backend keeps the work tree at a host path (``tree``) so that file edits,
diffs and the user tool work the same on every backend; what differs is where the shell runs.
"""

from __future__ import annotations

import abc
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from swelancer_env.sandbox.bash_session import BashSession

__all__ = ["CommandResult", "DiffLimits", "Sandbox"]

#: ``(max bytes, max files)`` of a diff: :attr:`~swelancer_env.tasks.model.Limits.max_diff_bytes`
DiffLimits = tuple[int, int]

# The user tool's output folder inside the work tree: excluded from the graded diff.
OUTPUT_DIR = ".swelancer"


class CommandResult(BaseModel):
    """What one shell command did. A failure of the command is data, never a raise."""

    model_config = ConfigDict(extra="forbid")

    output: str
    exit_code: int | None  # None when the command was killed (timeout)
    timed_out: bool = False
    oom_killed: bool = False
    cut_chars: int = 0  # characters dropped from the middle of the output
    seconds: float = 0.0


class Sandbox(abc.ABC):
    """A work tree plus one persistent shell session."""

    #: host path of the agent's work tree (a git repository with one commit)
    tree: Path
    #: the persistent shell (both backends keep one; None until started and after stop)
    _session: BashSession | None = None
    #: the path of the work tree as the agent's shell sees it
    workdir: str

    @abc.abstractmethod
    def start(self) -> None:
        """Start the shell session. Called once, after the work tree exists."""

    @abc.abstractmethod
    def stop(self) -> None:
        """End the shell and everything it started; remove what the sandbox made. Idempotent."""

    @abc.abstractmethod
    def is_alive(self) -> bool:
        """Whether the shell session is running."""

    @abc.abstractmethod
    def run(self, command: str, timeout: float) -> CommandResult:
        """Run ``command`` in the persistent shell, killing all it started after ``timeout`` s."""

    @abc.abstractmethod
    def diff(self, paths: list[str] | None = None, limits: DiffLimits | None = None) -> str:
        """The agent's change to the starting state as a binary git diff.

        Computed from the harness's own git directory (not the tree's ``.git``, which the agent
        controls). ``paths`` limits it to those paths; the user tool's output folder is excluded.

        Raises:
            SubmissionTooLarge: over ``limits`` (size in bytes, files changed).
        """

    def adopt(self, diff: str) -> None:
        """Put another episode's change (``diff``, as :meth:`diff` gives it) on this sandbox's
        fresh tree, before the agent's first command (what :meth:`SWELancerEnv.fork` does).

        Raises:
            SandboxError: the diff does not apply.
        """
        from swelancer_env.errors import SandboxError
        from swelancer_env.sandbox.worktree import apply_patch

        error = apply_patch(self.tree, diff)
        if error:
            raise SandboxError(f"the episode's change did not apply to the fork's tree: {error}")

    def interrupt(self) -> None:
        """Kill the command the shell runs now (not the shell), so that a step running it
        returns at once, as after its timeout. Safe from any thread: it reads ``/proc`` (or
        asks the container's warden) and sends signals, and touches none of the shell's pipes.
        """
        session = self._session
        transport = session.transport if session is not None else None
        if transport is not None:
            with contextlib.suppress(Exception):  # nothing running, or the shell just ended
                transport.kill_command()

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
