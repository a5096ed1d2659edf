"""The client side of the browser worker, and the process bookkeeping that leaves none behind.

The worker (``swelancer_env.browser.worker``) is spawned in its own session and asked over JSON
lines to launch Chromium and to run scripts. Replies are read with a deadline; a worker that
passes it is stopped with SIGTERM (on which it kills and reaps everything below it), and
whatever is still there after that is killed from here, matched by pid and start time.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from swelancer_env.browser.discovery import CHROMIUM_ARGS
from swelancer_env.errors import InfrastructureError
from swelancer_env.sandbox.limits import LimitGroup

__all__ = [
    "LAUNCH_TIMEOUT_S",
    "WORKER_FILE",
    "WorkerClient",
    "WorkerDied",
    "kill_tree",
    "process_tree",
]

LAUNCH_TIMEOUT_S = 30.0  # Chromium's own start, whatever the call's limit
#: the worker's source file: self-contained, so it can be copied and run by path anywhere
WORKER_FILE = Path(__file__).with_name("worker.py")
_WORKER = WORKER_FILE


def _proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) for every process, from /proc (empty elsewhere)."""
    table: dict[int, tuple[int, str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            table[int(entry)] = (int(fields[1]), fields[19].decode())
    return table


def process_tree(pid: int) -> dict[int, str]:
    """``pid`` and its descendants, each with its start time (to tell a reused pid apart)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, stack = {}, [pid]
    while stack:
        p = stack.pop()
        if p in table and p not in found:
            found[p] = table[p][1]
            stack.extend(children.get(p, []))
    return found


def kill_tree(tree: dict[int, str]) -> None:
    """Stop, then kill, every process of ``tree`` that is still the same process."""
    table = _proc_table()
    alive = [p for p, start in tree.items() if p in table and table[p][1] == start]
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for p in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(p, sig)


class WorkerDied(InfrastructureError):
    """The browser worker exited or broke its protocol."""


class WorkerClient:
    """The client side of ``swelancer_env.browser.worker``: spawned, it starts launching Chromium.

    Args:
        executable: the Chromium to launch (as the worker sees it).
        tmp: a folder for the worker's log (its working directory too).
        argv: the command that runs the worker (default: this Python on ``worker.py``); e.g.
            a ``docker exec -i`` of it in a container.
        trace: the trace mode of the first call's context, which the worker makes ahead.
        chromium_args: flags for Chromium besides ``CHROMIUM_ARGS``.
        group: the limit group ``argv`` runs in (closed, killing what is left in it, at
            :meth:`close`).
    """

    def __init__(
        self,
        executable: Path,
        tmp: Path,
        argv: list[str] | None = None,
        trace: str = "actions",
        chromium_args: list[str] | None = None,
        group: LimitGroup | None = None,
    ):
        self.group = group
        self.stderr_path = tmp / "worker.log"
        self._stderr = self.stderr_path.open("ab")
        # Playwright's driver makes its artifact and tracing folders in TMPDIR: the session's
        private_tmp = tmp / "tmp"
        private_tmp.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "TMPDIR": str(private_tmp),
            "TZ": "UTC",  # Chromium's own zone; a task in another one overrides it per context
        }
        self.proc = subprocess.Popen(
            argv or [sys.executable, "-s", str(_WORKER)],
            cwd=tmp,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,
        )
        self._buf = b""
        self.launched = False
        self.spawned = time.monotonic()
        self.send(
            {
                "op": "launch",
                "executable": str(executable),
                "args": [*CHROMIUM_ARGS, *(chromium_args or [])],
                "trace": trace,
            }
        )

    def send(self, request: dict[str, Any]) -> None:
        try:
            stdin = self.proc.stdin
            if stdin is None:
                raise OSError("no pipe")
            stdin.write((json.dumps(request) + "\n").encode())
            stdin.flush()
        except OSError as e:
            raise WorkerDied(f"the browser worker is gone ({e}); {self.stderr_tail()}") from None

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next reply, or None when ``deadline`` (monotonic) passes first."""
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise WorkerDied(f"the browser worker exited; {self.stderr_tail()}")
                self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise WorkerDied(f"the browser worker wrote {line[:200]!r}") from None

    def wait_launched(self, deadline: float) -> None:
        """Wait for the launch's reply (at least ``LAUNCH_TIMEOUT_S`` from the spawn).

        Raises:
            InfrastructureError: Chromium did not start, or not in time.
        """
        if self.launched:
            return
        try:
            reply = self.receive(max(deadline, self.spawned + LAUNCH_TIMEOUT_S))
        except WorkerDied as e:
            raise InfrastructureError(f"Chromium could not start: {e}") from None
        if reply is None:
            raise InfrastructureError(
                f"Chromium did not start within {LAUNCH_TIMEOUT_S:.0f} s. Check that it runs "
                f"headless on this machine; {self.stderr_tail()}"
            )
        if not reply.get("ok"):
            raise InfrastructureError(
                f"Chromium could not start: {reply.get('error')}. Check the browser "
                "(SWELANCER_CHROMIUM, or `python -m playwright install chromium`)."
            )
        self.launched = True

    def stderr_tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            text = self.stderr_path.read_text(errors="replace").strip()
            if text:
                return "its log ends with:\n" + "\n".join(text.splitlines()[-lines:])
        return "it left no log"

    def close(self, graceful: bool = True) -> None:
        """End the worker, its Playwright driver and its Chromium. Idempotent.

        Graceful: ask it to quit (it closes Chromium); else SIGTERM, on which it kills and reaps
        everything below it at once. Whatever is still there after that is killed from here.
        """
        tree = process_tree(self.proc.pid)
        if self.proc.poll() is None:
            if graceful:
                with contextlib.suppress(WorkerDied):
                    self.send({"op": "quit"})
            else:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5 if graceful else 2)
        tree.update(process_tree(self.proc.pid))
        kill_tree(tree)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self._stderr):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        if self.group is not None:
            self.group.close()
