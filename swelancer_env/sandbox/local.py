"""The local sandbox: a work tree in a temporary folder and one persistent bash on the host.

Layout of the folder ``$TMPDIR/swelancer-<task>-<random>/``::

    tree/          the agent's work tree (the starting state, with its own one-commit .git)
    private.git/   the harness's git dir for computing the diff; the agent is not told of it
    home/          the shell's HOME

This backend isolates nothing: the shell runs as the host user. It is for development, tests and
trusted agents; the Docker backend is the one for untrusted code.

Example:
    >>> state = StartingState.get(task)  # doctest: +SKIP
    >>> with LocalSandbox(state) as sandbox:  # doctest: +SKIP
    ...     print(sandbox.run("git log --oneline", timeout=10).output)
    ...     patch = sandbox.diff(task.acceptable_paths)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from swelancer_env.errors import SandboxError
from swelancer_env.sandbox.base import CommandResult, Sandbox
from swelancer_env.sandbox.bash_session import BashSession, PopenTransport
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT
from swelancer_env.sandbox.worktree import StartingState, diff_tree

__all__ = ["LocalSandbox"]

_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class LocalSandbox(Sandbox):
    """A copy of a starting state in a temporary folder, with a bash session in it.

    The folder is made and filled on construction; :meth:`start` starts the shell; :meth:`stop`
    kills it (and all it started) and removes the folder.

    Args:
        state: the task's starting state (``StartingState.get(task)``).
        output_limit: characters of a command's output kept (head and tail).
        temp_root: where to make the folder (default: the system's temporary folder).
        env: variables added to (or replacing) the shell's environment.
    """

    def __init__(
        self,
        state: StartingState,
        *,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        temp_root: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.state = state
        self.root = Path(tempfile.mkdtemp(prefix=f"swelancer-{state.task_id}-", dir=temp_root))
        self.tree = self.root / "tree"
        self.private_git = self.root / "private.git"
        self.home = self.root / "home"
        self.workdir = str(self.tree)
        self._output_limit = output_limit
        self._extra_env = dict(env or {})
        self._session: BashSession | None = None
        self._stopped = False
        try:
            state.materialize(self.tree, self.private_git)
            self.home.mkdir()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def shell_env(self) -> dict[str, str]:
        """The shell's whole environment: nothing of the host's but a sane PATH."""
        python_bin = os.path.dirname(sys.executable)
        path = _PATH if python_bin in _PATH.split(":") else f"{python_bin}:{_PATH}"
        return {
            "PATH": path,
            "HOME": str(self.home),
            "USER": os.environ.get("USER", "agent"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "PAGER": "cat",
            "GIT_PAGER": "cat",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "TMPDIR": os.environ.get("TMPDIR", tempfile.gettempdir()),
            **self._extra_env,
        }

    def start(self) -> None:
        """Start the shell in the work tree. Does nothing if it runs already.

        Raises:
            SandboxError: the sandbox was stopped, or bash did not start.
        """
        if self._stopped:
            raise SandboxError("this sandbox was stopped; make a new one")
        if self._session is not None:
            return
        env, cwd = self.shell_env(), self.tree
        session = BashSession(lambda: PopenTransport(cwd, env), self._output_limit)
        session.start()
        self._session = session

    def stop(self) -> None:
        """Kill the shell and everything it started; remove the folder. Idempotent."""
        self._stopped = True
        session, self._session = self._session, None
        try:
            if session is not None:
                session.close()
        finally:
            if self.root.exists():
                shutil.rmtree(self.root, onerror=_force_remove)

    def is_alive(self) -> bool:
        return self._session is not None and self._session.is_alive()

    def run(self, command: str, timeout: float) -> CommandResult:
        """Run ``command`` in the persistent shell (see :meth:`BashSession.run`).

        Raises:
            SandboxError: the sandbox is not started or was stopped.
        """
        if self._session is None:
            raise SandboxError("the sandbox is not running: call start() first (or use `with`)")
        return self._session.run(command, timeout)

    def diff(self, paths: list[str] | None = None) -> str:
        if self._stopped:
            raise SandboxError("this sandbox was stopped; its tree is gone")
        return diff_tree(self.tree, self.private_git, paths)


def _force_remove(func: object, path: str, exc_info: object) -> None:
    """Remove what the agent made read-only (``chmod -w``) as well."""
    try:
        parent = os.path.dirname(path)
        os.chmod(parent, 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass
