"""The shell of a Docker sandbox: one attached ``docker exec`` per session, and a warden.

Two transports carry a :class:`~swelancer_env.sandbox.bash_session.BashSession` into a container:

- :class:`ApiExecTransport` (the default): the engine API's ``exec`` with stdin attached, its
  multiplexed stream split by a reader thread into a pipe. Measured here: 0.11 ms per no-op step.
- :class:`CliExecTransport`: ``docker exec -i CONTAINER bash`` through
  :class:`~swelancer_env.sandbox.bash_session.PopenTransport`. 0.18 ms per no-op step, and it needs
  the ``docker`` command.

Killing what a command started is the :class:`Warden`'s job: a root bash that is the container's
main process (under ``docker-init``) and takes orders over two FIFOs in a host folder mounted at
:data:`CONTROL_DIR`, which only root can reach. It uses shell builtins only, so it works when a fork
bomb has used every pid of the container's limit, where a ``docker exec`` would fail; the OOM
killer passes it over, since every shell session raises its own ``oom_score_adj`` (to 500, which
needs no privilege; lowering the warden's would need ``CAP_SYS_RESOURCE``). It kills every
process except PID 1, itself and the processes entered from outside the container (their parent
pid is 0 there: the shell sessions), which covers ``setsid`` daemons and double forks: a process in
the container cannot make its parent pid 0. When the warden does not answer (the OOM killer took
it), a ``docker exec`` as root runs the same sweep.
"""

from __future__ import annotations

import os
import select
import struct
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swelancer_env.errors import SandboxError
from swelancer_env.sandbox.bash_session import PopenTransport, ShellTransport

if TYPE_CHECKING:
    import docker

__all__ = [
    "CONTROL_DIR",
    "WARDEN_SCRIPT",
    "ApiExecTransport",
    "CliExecTransport",
    "Warden",
]

#: where the warden's FIFOs are mounted in the container (a root-only host folder)
CONTROL_DIR = "/run/swl"

# Builtins only from the first `sweep` on: `read` from /proc, `kill`, and `read -t` on an idle
# FIFO as a sleep. `sweep [also] [spare_root]`: also, a pid to kill even though it was entered
# from outside (a shell session being closed); spare_root, set when not run by the warden itself.
_SWEEP = r"""
uid_of() {
  local k v
  uid=
  while read -r k v _; do [[ $k == Uid: ]] && { uid=$v; return; }; done 2>/dev/null <"/proc/$1/status"
}
# One pass over /proc: send SIG$1 to every target whose state does not match the glob $2.
# Targets: all but PID 1, this shell and processes entered from outside (parent pid 0), plus
# $also; with $spare_root, a root child of PID 1 (the warden) is spared too.
pass_over() {
  local p line rest state ppid
  hit=0
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    ((p == 1 || p == $$)) && continue
    read -r line 2>/dev/null <"/proc/$p/stat" || continue
    rest=${line##*) }; state=${rest%% *}; rest=${rest#* }; ppid=${rest%% *}
    [[ $state == [ZX] || $state == $2 ]] && continue
    [[ $ppid =~ ^[0-9]+$ ]] || continue  # a line read as the process went: the next pass
    ((ppid != 0 || p == also)) || continue
    if ((spare_root && ppid == 1)); then uid_of "$p"; [[ $uid == 0 ]] && continue; fi
    kill "-$1" "$p" 2>/dev/null && ((hit++))
  done
}
sweep() {
  local also=${1:-0} spare_root=${2:-0} hit total=0 pass
  # stop them all first: a stopped process cannot fork, so a fork bomb stops refilling
  for ((pass = 0; pass < 200; pass++)); do
    pass_over STOP '[TtD]'
    ((hit)) || break
  done
  for ((pass = 0; pass < 3000; pass++)); do
    pass_over KILL '[ZX]'
    ((total += hit))
    ((hit)) || break
    ((pass > 1)) && { read -t 0.002 -u 5 _ 2>/dev/null || true; }
  done
  echo "killed $total"
}
"""

#: the container's main process: answers ``sweep [pid]``, ``oom`` (the memory cgroup's
#: ``oom_kill``), ``pids`` (the pids cgroup's ``max``: forks refused) and ``ping`` on its FIFOs
WARDEN_SCRIPT = (
    f"exec 3<>{CONTROL_DIR}/req 4<>{CONTROL_DIR}/resp 5<>{CONTROL_DIR}/nap\n"
    # first in line for the CPU: a fork bomb shares the container's CPU quota with the warden
    + "renice -n -20 -p $$ >/dev/null 2>&1\n"
    + _SWEEP
    + r"""
oomfile=
for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
  [[ -r $f ]] && { oomfile=$f; break; }
done
pidsfile=
for f in /sys/fs/cgroup/pids.events /sys/fs/cgroup/pids/pids.events; do
  [[ -r $f ]] && { pidsfile=$f; break; }
done
# counter NAME FILE KEY: "NAME <the KEY line's number>", -1 when the file is not there
counter() {
  local k n v=-1
  if [[ -n $2 ]]; then
    v=0
    while read -r k n; do [[ $k == "$3" ]] && v=$n; done <"$2"
  fi
  echo "$1 $v"
}
while read -r cmd arg <&3; do
  case $cmd in
    sweep) sweep "$arg" >&4 ;;
    oom) counter oom "$oomfile" oom_kill >&4 ;;
    pids) counter pids "$pidsfile" max >&4 ;;
    ping) echo pong >&4 ;;
  esac
done
"""
)

# The same sweep for a `docker exec` as root when the warden is gone (fd 5 is an idle pipe).
_FALLBACK_SWEEP = "exec 5< <(:)\n" + _SWEEP + 'sweep "$1" 1\n'


class Warden:
    """The host's end of the warden's FIFOs, made in ``control`` before the container starts.

    Args:
        control: a host folder (mode 0700) mounted at :data:`CONTROL_DIR` in the container.
    """

    def __init__(self, control: Path) -> None:
        self.control = Path(control)
        for name in ("req", "resp", "nap"):
            os.mkfifo(self.control / name, 0o600)
        # read-write opens never block and never see EOF, whether the warden is up or not
        self._req = os.open(self.control / "req", os.O_RDWR | os.O_CLOEXEC)
        self._resp = os.open(self.control / "resp", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self._lock = threading.Lock()
        self._closed = False

    def call(self, request: str, timeout: float) -> str | None:
        """Send one request line; its answer line, or None if none came within ``timeout`` s."""
        with self._lock:
            if self._closed:
                return None
            self._drain()  # an answer that came after an earlier call gave up
            os.write(self._req, request.encode() + b"\n")
            deadline = time.monotonic() + timeout
            data = b""
            while not data.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._resp], [], [], remaining)[0]:
                    return None
                try:
                    data += os.read(self._resp, 4096)
                except BlockingIOError:
                    continue
            return data.decode(errors="replace").strip().splitlines()[-1]

    def _drain(self) -> None:
        try:
            while os.read(self._resp, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        """Close the host's ends. Idempotent."""
        with self._lock:
            if not self._closed:
                self._closed = True
                os.close(self._req)
                os.close(self._resp)


def sweep(
    client: docker.DockerClient,
    container_id: str,
    warden: Warden | None,
    also: int = 0,
    timeout: float = 10.0,
) -> str:
    """Kill every process in the container but PID 1, the warden and the shell sessions.

    ``also``: a session's pid to kill too. Asks the warden; falls back to ``docker exec`` as root.

    Raises:
        SandboxError: neither the warden nor an exec could run the sweep.
    """
    if warden is not None:
        answer = warden.call(f"sweep {also}", timeout)
        if answer is not None and answer.startswith("killed"):
            return answer
    try:
        code, out = client.containers.get(container_id).exec_run(
            ["bash", "--noprofile", "--norc", "-c", _FALLBACK_SWEEP, "sweep", str(also)],
            user="0",
            stdin=False,
            stdout=True,
            stderr=True,
        )
    except Exception as exc:  # the engine's error types vary: APIError, ConnectionError
        raise SandboxError(
            f"could not kill the processes in container {container_id[:12]}: the warden did not "
            f"answer and `docker exec` failed ({exc})"
        ) from exc
    if code != 0:
        raise SandboxError(
            f"could not kill the processes in container {container_id[:12]}: the warden did not "
            f"answer and `docker exec` exited {code}: {out.decode(errors='replace')[-500:]}"
        )
    lines = out.decode(errors="replace").strip().splitlines()
    # its "killed N" line; the last line (an error) when there is none
    killed = [line for line in lines if line.startswith("killed ")]
    return (killed or lines or [""])[-1]


def _read_pid(fd: int, timeout: float) -> int:
    """Read the shell's ``$$`` line, the first thing a new session prints."""
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            break
        try:
            chunk = os.read(fd, 256)
        except BlockingIOError:
            continue
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n", 1)[0].strip()
    if not line.isdigit():
        raise SandboxError(f"the shell in the container did not start; it printed {data[-500:]!r}")
    return int(line)


_GRACE_S = 0.05  # after the shell exits: how long its last output may take to arrive
# first words to a new shell: make it (and all it starts) the OOM killer's first choice, then
# print its pid
_PID_PROBE = b'{ echo 500 >/proc/self/oom_score_adj; } 2>/dev/null; printf "%s\\n" "$$"\n'


class _ContainerShell:
    """What both transports share: the container, its warden, the shell's pid inside."""

    client: docker.DockerClient
    container_id: str
    warden: Warden | None
    shell_pid: int
    #: set when the container is about to be removed: closing then kills nothing
    doomed: bool = False

    def kill_command(self) -> None:
        sweep(self.client, self.container_id, self.warden)

    def _kill_shell(self) -> None:
        try:
            # (no pid yet when the shell never started: its probe failed)
            also = getattr(self, "shell_pid", 0)
            sweep(self.client, self.container_id, self.warden, also=also, timeout=3.0)
        except SandboxError:
            pass  # the container is gone or going: nothing left to kill


class ApiExecTransport(_ContainerShell, ShellTransport):
    """A bash in the container through the engine API's attached exec (no ``docker`` command).

    Args:
        client: a connected client.
        container_id: a running container.
        user: who the shell runs as (``"agent"``, ``"1000:1000"``).
        workdir: the shell's starting folder.
        env: variables added to the container's environment.
        warden: the container's warden (None: every kill goes through ``docker exec``).
    """

    def __init__(
        self,
        client: docker.DockerClient,
        container_id: str,
        user: str,
        workdir: str,
        env: Mapping[str, str],
        warden: Warden | None,
    ) -> None:
        self.client, self.container_id, self.warden = client, container_id, warden
        try:
            ex = client.api.exec_create(
                container_id,
                ["bash", "--noprofile", "--norc"],
                stdin=True,
                stdout=True,
                stderr=True,
                tty=False,
                user=user,
                workdir=workdir,
                environment=dict(env),
            )
            self._exec_id: str = ex["Id"]
            raw: Any = client.api.exec_start(self._exec_id, socket=True)
        except Exception as exc:
            raise SandboxError(
                f"could not start a shell in container {container_id[:12]}: {exc}"
            ) from exc
        self._sock = raw._sock  # the socket under the SDK's SocketIO wrapper
        self._raw = raw
        self._r, self._w = os.pipe2(os.O_CLOEXEC)
        try:
            import fcntl

            fcntl.fcntl(self._w, 1031, 1 << 20)  # F_SETPIPE_SZ: 1 MiB for output floods
        except OSError:
            pass
        os.set_blocking(self._r, False)
        self._exit_code: int | None = None
        self._eof = threading.Event()
        self._closed = False
        self._pidfd: int | None = None
        self._frames = bytearray()  # bytes read from the socket, not yet split into frames
        self._reader = threading.Thread(target=self._demux, name="swl-exec-reader", daemon=True)
        try:
            self._sock.sendall(_PID_PROBE)
            self.shell_pid = self._probe(10.0)
        except (OSError, SandboxError):
            self.close()
            raise
        try:  # the shell's host pid, for a pidfd that tells when it exits
            host_pid = int(client.api.exec_inspect(self._exec_id).get("Pid") or 0)
            self._pidfd = os.pidfd_open(host_pid) if host_pid > 0 else None
        except Exception:  # another pid namespace, an old kernel: the stream's end tells then
            self._pidfd = None
        self._reader.start()

    def _split(self) -> bytes:
        """Take the payloads of the complete frames (8-byte header: stream, 0, 0, 0, length)."""
        buf, out = self._frames, bytearray()
        while len(buf) >= 8:
            size = struct.unpack_from(">I", buf, 4)[0]
            if len(buf) < 8 + size:
                break
            out += buf[8 : 8 + size]
            del buf[: 8 + size]
        return bytes(out)

    def _probe(self, timeout: float) -> int:
        """Read the shell's ``$$`` line straight from the socket, before the reader starts."""
        deadline = time.monotonic() + timeout
        payload = b""
        while b"\n" not in payload:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._sock], [], [], remaining)[0]:
                break
            data = self._sock.recv(1 << 16)
            if not data:
                break
            self._frames += data
            payload += self._split()
        line, _, rest = payload.partition(b"\n")
        if not line.strip().isdigit():
            raise SandboxError(
                f"the shell in the container did not start; it printed {payload[-500:]!r}"
            )
        if rest:
            os.write(self._w, rest)
        return int(line)

    def _demux(self) -> None:
        """Split the engine's frames (8-byte header: stream, 0, 0, 0, length) into the pipe.

        When the shell exits (its pidfd turns readable) the stream may stay open, held by a
        background child: the pipe is closed after a short grace for the shell's last words.
        """
        w, sock = self._w, self._sock
        exited_at: float | None = None
        try:
            while True:
                fds: list[Any] = [sock]
                if self._pidfd is not None and exited_at is None:
                    fds.append(self._pidfd)
                wait = None
                if exited_at is not None:
                    wait = max(0.0, exited_at + _GRACE_S - time.monotonic())
                ready = select.select(fds, [], [], wait)[0]
                if self._pidfd is not None and self._pidfd in ready:
                    exited_at = time.monotonic()
                if sock in ready:
                    data = sock.recv(1 << 16)
                    if not data:
                        break
                    self._frames += data
                    view = memoryview(self._split())
                    while view:
                        view = view[os.write(w, view) :]
                if exited_at is not None and time.monotonic() >= exited_at + _GRACE_S:
                    break
        except (OSError, ValueError):
            pass
        finally:
            self._eof.set()
            try:
                os.close(w)
            except OSError:
                pass

    def fileno(self) -> int:
        return self._r

    def write(self, data: bytes) -> None:
        if self._eof.is_set():
            raise BrokenPipeError("the shell has exited")
        self._sock.sendall(data)

    def poll(self) -> int | None:
        if not self._eof.is_set():
            return None
        if self._exit_code is None:
            code = None
            for _ in range(50):  # the engine records the exit code just after the stream ends
                try:
                    info = self.client.api.exec_inspect(self._exec_id)
                except Exception:
                    break
                if not info.get("Running"):
                    code = info.get("ExitCode")
                    break
                time.sleep(0.002)
            self._exit_code = -1 if code is None else int(code)
        return self._exit_code

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self.doomed:
            self._kill_shell()
        try:
            self._sock.shutdown(2)
        except OSError:
            pass
        if self._reader.ident is not None:
            self._reader.join(timeout=2.0)
        else:
            os.close(self._w)
        for closer in (self._raw.close, self._sock.close):
            try:
                closer()
            except OSError:
                pass
        for fd in (self._r, self._pidfd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass


class CliExecTransport(_ContainerShell, PopenTransport):
    """A bash in the container through ``docker exec -i`` (needs the ``docker`` command).

    Takes the same arguments as :class:`ApiExecTransport`, plus ``engine`` (``-H``).
    """

    def __init__(
        self,
        client: docker.DockerClient,
        container_id: str,
        user: str,
        workdir: str,
        env: Mapping[str, str],
        warden: Warden | None,
        engine: str | None = None,
    ) -> None:
        self.client, self.container_id, self.warden = client, container_id, warden
        prefix: list[str] = ["docker", *(["-H", engine] if engine else []), "exec", "-i"]
        prefix += ["-u", user, "-w", workdir]
        for key, value in env.items():
            prefix += ["-e", f"{key}={value}"]
        prefix.append(container_id)
        argv: Sequence[str] = prefix
        super().__init__(argv_prefix=argv)
        try:
            self.write(_PID_PROBE)
            self.shell_pid = _read_pid(self.fileno(), 10.0)
        except (OSError, SandboxError):
            self.close()
            raise

    def close(self) -> None:
        if getattr(self, "_closed", True):
            return
        if not self.doomed:
            self._kill_shell()
        super().close()
