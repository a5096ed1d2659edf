"""One persistent bash process per episode, framed by sentinels.

Every :meth:`BashSession.run` writes the command to bash's stdin, wrapped so that it reads its
stdin from ``/dev/null`` and cannot break the framing (``eval 'command' </dev/null 2>&1``: a syntax
error, an unclosed quote, a missing final newline are just the command's output and exit code),
followed by a ``printf`` of a sentinel that is unique to that command and carries its exit code.
The reader waits on the pipe with a selector (no polling interval), so a no-op command costs a
fraction of a millisecond. ``cd`` and ``export`` persist between commands.

The session talks to the shell through a :class:`ShellTransport`: a readable file descriptor (the
shell's merged stdout and stderr), a way to write its stdin, and two kill operations. The local one
(:class:`PopenTransport`) spawns ``[*argv_prefix, "bash", "--noprofile", "--norc"]`` in a new
session; a Docker backend can reuse it with ``argv_prefix=["docker", "exec", "-i", ...]`` and
override :meth:`ShellTransport.kill_command` to kill inside the container.

Example:
    >>> session = BashSession.local(cwd="/tmp")
    >>> session.run("cd / && export X=1", timeout=5).exit_code
    0
    >>> session.run("echo $X; pwd", timeout=5).output
    '1\\n/\\n'
    >>> session.close()
"""

from __future__ import annotations

import abc
import ctypes
import functools
import os
import selectors
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence

from swelancer_env.errors import ConfigError, SandboxError
from swelancer_env.sandbox.base import CommandResult
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT, OutputBuffer

__all__ = [
    "MARKER_VAR",
    "BashSession",
    "PopenTransport",
    "ShellTransport",
    "kill_session_processes",
]

#: environment variable put in the shell's environment to find its processes after they leave it
MARKER_VAR = "SWELANCER_SESSION"
_READ_SIZE = 65536
_RECOVER_S = 2.0  # after a timeout: how long to wait for the shell to answer again
_TIMED_OUT, _EOF = object(), object()


class ShellTransport(abc.ABC):
    """A running shell: its stdin, its merged output, and how to kill what it started."""

    @abc.abstractmethod
    def fileno(self) -> int:
        """The readable file descriptor carrying the shell's stdout and stderr."""

    def exit_fileno(self) -> int | None:
        """A descriptor that becomes readable when the shell exits (a pidfd), if there is one."""
        return None

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Write all of ``data`` to the shell's stdin; raise ``OSError`` if the shell is gone."""

    @abc.abstractmethod
    def poll(self) -> int | None:
        """The shell's exit code, or None while it runs."""

    @abc.abstractmethod
    def kill_command(self) -> int | None:
        """Kill every process the shell started, but not the shell itself.

        Returns:
            How many processes were killed (None if unknown): 0 means the shell itself is busy.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Kill the shell and everything it started, and reap it. Idempotent."""


def _proc_table() -> dict[int, tuple[int, int, int, str]]:
    """``pid -> (ppid, pgrp, session, state)`` for every process in ``/proc``."""
    table: dict[int, tuple[int, int, int, str]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name is in parentheses and may contain anything: split after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        table[int(name)] = (int(fields[1]), int(fields[2]), int(fields[3]), fields[0].decode())
    return table


def _has_marker(pid: int, needle: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return needle in f.read()
    except OSError:
        return False


def kill_session_processes(root: int, marker: str | None = None, *, include_root: bool) -> int:
    """SIGKILL everything a shell started, and wait until none of it runs.

    Targets, found through ``/proc``: the descendants of ``root``; every process in ``root``'s
    process group or session; every process in the session of a target (a daemon that called
    ``setsid`` and forked); and, when ``marker`` is given, every process with
    ``SWELANCER_SESSION=<marker>`` in its environment (a daemon whose parent exited, so that its
    ppid chain no longer leads to root). With the local transport the shell is also a child
    subreaper, so such orphans are re-parented to it and stay its descendants.

    Args:
        root: the shell's pid (a session and process-group leader).
        marker: the value of ``SWELANCER_SESSION`` in the shell's environment, if any.
        include_root: also kill ``root`` itself.

    Returns:
        The number of processes killed.
    """
    spared = {os.getpid(), 1}
    my_sid = os.getsid(0)
    needle = f"{MARKER_VAR}={marker}\0".encode() if marker else None
    sids: set[int] = {root}
    killed: set[int] = set()
    for attempt in range(400):
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        targets: set[int] = set()
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in targets:
                    targets.add(child)
                    stack.append(child)
        for pid, (_, pgrp, sid, _) in table.items():
            if pgrp == root or sid in sids:
                targets.add(pid)
            elif needle is not None and pid not in targets and _has_marker(pid, needle):
                targets.add(pid)
        sids |= {table[p][2] for p in targets} - {my_sid, 0}
        live = {p for p in targets if table[p][3] not in "ZX" and p not in spared}
        if not include_root:
            live.discard(root)
        if not live:
            break
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        killed |= live
        if attempt:
            time.sleep(0.0005)
    return len(killed)


@functools.cache
def _subreaper_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the shell a child subreaper (kept across ``exec``), if possible.

    Then a daemon that double-forks is re-parented to the shell instead of to init, so it stays
    among the shell's descendants and is killed with them.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

    def hook() -> None:
        prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

    return hook


class PopenTransport(ShellTransport):
    """A local bash process in its own session, reached through pipes.

    Args:
        cwd: the shell's starting directory.
        env: the shell's whole environment (nothing is inherited); a session marker is added.
        argv_prefix: put before ``bash --noprofile --norc`` (``["docker", "exec", "-i", id]``).
        subreaper: make the started process a child subreaper (Linux), so that daemons which
            double-fork stay its descendants.
    """

    def __init__(
        self,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        argv_prefix: Sequence[str] = (),
        subreaper: bool = True,
    ) -> None:
        self.marker = uuid.uuid4().hex
        full_env = dict(os.environ if env is None else env)
        full_env[MARKER_VAR] = self.marker
        try:
            self._proc = subprocess.Popen(
                [*argv_prefix, "bash", "--noprofile", "--norc"],
                cwd=cwd,
                env=full_env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_subreaper_hook() if subreaper else None,
                bufsize=0,
            )
        except OSError as e:
            raise SandboxError(f"could not start bash in {cwd}: {e}") from e
        if self._proc.stdin is None or self._proc.stdout is None:  # pragma: no cover
            raise SandboxError("bash started without pipes")
        self._stdin_fd = self._proc.stdin.fileno()
        self._stdout_fd = self._proc.stdout.fileno()
        os.set_blocking(self._stdout_fd, False)
        try:
            self._pidfd: int | None = os.pidfd_open(self._proc.pid)
        except (AttributeError, OSError):  # not Linux >= 5.3
            self._pidfd = None
        self._closed = False

    @property
    def pid(self) -> int:
        """The pid of the shell (or of the first process of ``argv_prefix``)."""
        return self._proc.pid

    def fileno(self) -> int:
        return self._stdout_fd

    def exit_fileno(self) -> int | None:
        return self._pidfd

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._stdin_fd, view)
            view = view[written:]

    def poll(self) -> int | None:
        # WNOWAIT: learn the exit code but leave the zombie until close(), so that its pid (the
        # process group and session id that the kill looks for) cannot be reused meanwhile
        if self._proc.returncode is not None:
            return self._proc.returncode
        try:
            info = os.waitid(os.P_PID, self._proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self._proc.poll()
        if info is None:
            return None
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status

    def kill_command(self) -> int | None:
        return kill_session_processes(self._proc.pid, self.marker, include_root=False)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # children first, so that bash (still alive) reaps them; then bash itself
        kill_session_processes(self._proc.pid, self.marker, include_root=False)
        kill_session_processes(self._proc.pid, self.marker, include_root=True)
        self._proc.wait()
        if self._pidfd is not None:
            os.close(self._pidfd)
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def _quote(command: str) -> str:
    return "'" + command.replace("'", "'\\''") + "'"


class BashSession:
    """One persistent shell; each :meth:`run` is framed by a unique sentinel.

    Args:
        factory: starts a new shell (called at start and when the shell must be restarted).
        output_limit: characters of output kept per command (head and tail).
    """

    def __init__(
        self,
        factory: Callable[[], ShellTransport],
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> None:
        OutputBuffer(output_limit)  # validates the limit
        self._factory = factory
        self._limit = output_limit
        self._transport: ShellTransport | None = None
        self._selector: selectors.BaseSelector | None = None
        self._leftover = b""
        self._closed = False

    @classmethod
    def local(
        cls,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        argv_prefix: Sequence[str] = (),
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> BashSession:
        """A started session on a local bash (see :class:`PopenTransport` for the arguments)."""
        session = cls(lambda: PopenTransport(cwd, env, argv_prefix), output_limit)
        session.start()
        return session

    @property
    def transport(self) -> ShellTransport | None:
        """The running shell's transport, or None before start and after close."""
        return self._transport

    def start(self) -> None:
        """Start the shell and check that it answers. Does nothing if it runs already.

        Raises:
            SandboxError: the shell did not start or did not answer within 10 s.
        """
        if self._closed:
            raise SandboxError("this bash session was closed; make a new one")
        if self._transport is not None:
            return
        transport = self._factory()
        selector = selectors.DefaultSelector()
        selector.register(transport.fileno(), selectors.EVENT_READ, "out")
        exit_fd = transport.exit_fileno()
        if exit_fd is not None:
            selector.register(exit_fd, selectors.EVENT_READ, "exit")
        self._transport, self._selector, self._leftover = transport, selector, b""
        token = uuid.uuid4().hex
        buf = OutputBuffer(self._limit)
        try:
            transport.write(self._sentinel_line(token, "0").encode())
            status = self._read_until(token, time.monotonic() + 10.0, buf)
        except OSError:
            status = _EOF
        if not isinstance(status, int):
            text, _ = buf.result()
            self._stop_transport()
            raise SandboxError(f"bash did not answer after starting; it printed: {text[-2000:]!r}")

    def is_alive(self) -> bool:
        """Whether the shell process is running."""
        return self._transport is not None and self._transport.poll() is None

    def run(self, command: str, timeout: float) -> CommandResult:
        """Run ``command`` in the shell; kill all it started after ``timeout`` seconds.

        Args:
            command: bash source; may span lines; reads ``/dev/null`` as stdin.
            timeout: seconds before the command and all its processes are killed.

        Returns:
            The merged output (capped), the exit code (None on timeout) and timings.

        Raises:
            ConfigError: ``timeout`` is not positive.
            SandboxError: the session was closed, or a new shell could not be started.
        """
        if not timeout > 0:
            raise ConfigError(f"timeout must be a positive number of seconds, got {timeout}")
        if self._closed:
            raise SandboxError("this bash session was closed; make a new one")
        started = time.monotonic()
        buf = OutputBuffer(self._limit)
        notes: list[str] = []
        if not self.is_alive():
            if self._transport is not None:
                notes.append(
                    "[the shell had exited; a new shell was started: cd and exports were reset]"
                )
            self._restart()
        if "\0" in command:
            return CommandResult(
                output="the command contains a NUL character, which bash cannot run; remove it",
                exit_code=2,
                seconds=time.monotonic() - started,
            )
        token = uuid.uuid4().hex
        # eval with redirections runs in this shell (cd and exports stay) and turns a syntax error
        # into exit code 2; no braces: after a failed eval, bash 5.2 no longer parses `{` as a group
        script = f"eval {_quote(command)} </dev/null 2>&1; " + self._sentinel_line(token, '"$?"')
        transport = self._transport
        if transport is None:  # pragma: no cover - _restart sets it
            raise SandboxError("bash is not running")
        try:
            transport.write(script.encode("utf-8", "surrogateescape"))
            status = self._read_until(token, started + timeout, buf)
        except OSError:  # the shell went away while we were writing
            status = _EOF
        exit_code: int | None
        timed_out = False
        if isinstance(status, int):
            exit_code = status
        elif status is _TIMED_OUT:
            timed_out, exit_code = True, None
            killed = transport.kill_command()
            # nothing to kill: the shell itself is busy (a loop in bash); it will hardly answer
            wait = _RECOVER_S if killed != 0 else 0.25
            recovered = self._read_until(token, time.monotonic() + wait, buf)
            notes.insert(0, f"[command timed out after {timeout:g} s; its processes were killed]")
            if isinstance(recovered, int):
                # one more round trip, so that bash's "Killed" notices land in this output
                flush = uuid.uuid4().hex
                try:
                    transport.write(self._sentinel_line(flush, "0").encode())
                    recovered = self._read_until(flush, time.monotonic() + _RECOVER_S, buf)
                except OSError:
                    recovered = _EOF
            if not isinstance(recovered, int):
                notes.append(
                    "[the shell did not answer after the timeout; a new shell was started: "
                    "cd and exports were reset]"
                )
                self._restart()
        else:  # EOF: the command ended the shell (``exit``, ``exec``)
            code = self._wait_exit(transport)
            how = f"exited with code {code}"
            if code is not None and code < 0:  # like bash: 128 + the signal's number
                how, code = f"was killed by signal {-code}", 128 - code
            exit_code = code
            notes.append(f"[the shell {how}; a new shell was started: cd and exports were reset]")
            self._restart()
        text, cut = buf.result()
        if notes:
            text += ("" if not text or text.endswith("\n") else "\n") + "\n".join(notes) + "\n"
        return CommandResult(
            output=text,
            exit_code=exit_code,
            timed_out=timed_out,
            cut_chars=cut,
            seconds=time.monotonic() - started,
        )

    def close(self) -> None:
        """Kill the shell and everything it started. Idempotent."""
        self._closed = True
        self._stop_transport()

    def __enter__(self) -> BashSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _sentinel_line(token: str, code: str) -> str:
        return f"printf '\\n__SWL_{token}_%s__\\n' {code}\n"

    def _restart(self) -> None:
        self._stop_transport()
        self.start()

    def _stop_transport(self) -> None:
        transport, selector = self._transport, self._selector
        self._transport = self._selector = None
        if selector is not None:
            selector.close()
        if transport is not None:
            transport.close()

    @staticmethod
    def _wait_exit(transport: ShellTransport) -> int | None:
        deadline = time.monotonic() + 2.0
        while (code := transport.poll()) is None and time.monotonic() < deadline:
            time.sleep(0.001)
        return code

    def _read_until(self, token: str, deadline: float, buf: OutputBuffer) -> object:
        """Feed output to ``buf`` until the sentinel; return its exit code, _TIMED_OUT or _EOF."""
        if self._transport is None or self._selector is None:
            return _EOF
        fd, selector = self._transport.fileno(), self._selector
        marker = f"\n__SWL_{token}_".encode()
        hold = len(marker) + 8  # a sentinel may be split across reads: keep this many bytes back
        window = bytearray(self._leftover)
        self._leftover = b""
        exited = False
        while True:
            start = window.find(marker)
            if start >= 0:
                digits = start + len(marker)
                end = window.find(b"__\n", digits, digits + 6)
                if end >= 0 and window[digits:end].isdigit():
                    buf.feed(window[:start])
                    self._leftover = bytes(window[end + 3 :])
                    return int(window[digits:end])
                if len(window) - start >= hold:  # not a sentinel after all (forged, broken)
                    buf.feed(window[: start + 1])
                    del window[: start + 1]
                    continue
            elif len(window) > hold:
                buf.feed(window[:-hold])
                del window[:-hold]
            if exited:
                buf.feed(window)
                return _EOF
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                buf.feed(window)
                return _TIMED_OUT
            events = selector.select(remaining)
            if any(key.data == "exit" for key, _ in events):
                # the shell is gone and what it printed is in the pipe; a background child may
                # still hold the pipe open, so take what is there rather than wait for its end
                window += self._drain(fd)
                exited = True
                continue
            if not events:
                continue
            try:
                data = os.read(fd, _READ_SIZE)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                buf.feed(window)
                return _EOF
            window += data

    @staticmethod
    def _drain(fd: int) -> bytes:
        chunks = []
        for _ in range(64):  # a writer that outlived the shell could keep the pipe full forever
            try:
                data = os.read(fd, _READ_SIZE)
            except (BlockingIOError, OSError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)
