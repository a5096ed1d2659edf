"""The app's keeper inside a harness container (grading, user tool): copy, start, check, reset.

Self-contained (standard library only): the harness runs it in the container as the unprivileged
``agent`` user with ``python3 -c <this file's text> '<request JSON>'`` and reads one JSON line
back. No file of it is left in the container, and nothing in it is secret.

The request is the first argument, or ``-``: then one line on stdin (a keeper started ahead of
its request; end of input instead: it exits doing nothing). Requests (``op``)::

    {"op": "start", "src": "/work/src", "dst": "/work/app", "build": "esbuild ..." | null,
     "build_timeout": 120, "command": "python3 ...",
     "ready_url": "http://127.0.0.1:8000/api/health", "timeout": 30, "run_dir": "/tmp/app",
     "env": {...}, "restart": false, "start_during_build": false}
        -> {"ok": true, "pid": 42, "seconds": 0.3}
         | {"ok": false, "error": "...", "log": "<its last lines>"}
    {"op": "status", "pid": 42, "run_dir": "/tmp/app", "reset_url": "http://.../api/dev/reset",
     "from_line": 0, "lines": 20}
        -> {"ok": true, "alive": true, "reset": 200 | null, "log_lines": 12, "log": "..."}
    {"op": "log", "run_dir": "/tmp/app", "from_line": 0, "lines": 40}
        -> {"ok": true, "log": "..."}

``start`` copies the tree (``src``, a read-only bind of the submitted tree, without ``.git`` and
``.swelancer``) into ``dst`` within the request's ``limits`` (``max_depth``, ``max_entries``,
``max_bytes``: past one, or with a FIFO, socket or device in the tree, the app is not started and
the answer says which and where), runs the app's ``build`` there if it has one (a failure ends the
request; with ``start_during_build`` the app is started first and killed if the build fails),
starts the app in a session of its own with its output in
``<run_dir>/app.log``, and waits until ``ready_url`` answers 200 or the app exits. With
``restart`` it first kills every other process of its user (the previous app and whatever it
left) and empties ``dst``. The app outlives this process: the container's init adopts it.

The tree, and what the app made, are the agent's: they are copied and removed without recursion
(the image's Python 3.11 ``shutil.rmtree`` and ``os.walk`` recurse once per level), relative to
folder descriptors, never through a link. (This is the one walker the harness does not share:
:mod:`swelancer_env.sandbox.treewalk` is not in the container.)
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

SKIP = (".git", ".swelancer")
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LIMITS = {"max_depth": 256, "max_entries": 100_000, "max_bytes": 4 << 30}
_MAX_OPEN = 64  # folder descriptors held while emptying a folder
_SPECIAL = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket"}


def _tail(path: str, lines: int, from_line: int = 0) -> tuple[str, int]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().splitlines()
    except OSError:
        return "", 0
    shown = text[from_line:][-lines:] if lines > 0 else []
    return "\n".join(shown), len(text)


def _kill_others() -> None:
    """Kill every other process of this user and wait (briefly) until they are gone."""
    me = os.getpid()
    try:
        os.kill(-1, signal.SIGKILL)  # every process we may signal but ourselves and init
    except ProcessLookupError:
        return
    uid = os.getuid()
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        left = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != me:
                try:
                    st = os.stat(f"/proc/{entry}")
                    with open(f"/proc/{entry}/stat", "rb") as f:
                        state = f.read().rsplit(b")", 1)[1].split()[0]
                except (OSError, IndexError):
                    continue
                if st.st_uid == uid and state not in (b"Z", b"X"):
                    left.append(entry)
        if not left:
            return
        time.sleep(0.01)


def _remove_all(path: str, keep_top: bool = False) -> None:
    """Remove ``path`` and all in it (or, ``keep_top``, only what is in it): any depth, also what
    the app made read-only (it is all ours), at most ``_MAX_OPEN`` folders open (a deeper folder
    is moved up into ``path`` first). Never raises."""
    try:
        top = os.open(path, _DIR)
    except OSError:
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    # one item per open folder: its descriptor, its name in its parent, names left to remove
    # (listed again when they run out), names that would not go
    stack: list[tuple[int, str | None, list[tuple[str, bool]], set[str]]] = [(top, None, [], set())]
    moved = itertools.count()
    try:
        while stack:
            fd, _, pending, failed = stack[-1]
            if not pending:
                try:
                    os.fchmod(fd, 0o700)
                    with os.scandir(fd) as it:
                        pending += [
                            (e.name, e.is_dir(follow_symlinks=False))
                            for e in itertools.islice((e for e in it if e.name not in failed), 4096)
                        ]
                except OSError:
                    pass
                if not pending:  # done with this folder: remove it from its parent
                    _, name, _, _ = stack.pop()
                    os.close(fd)
                    if stack and name is not None:
                        try:
                            os.rmdir(name, dir_fd=stack[-1][0])
                        except OSError:
                            stack[-1][3].add(name)
                    continue
            name, is_dir = pending.pop()
            if not is_dir:
                try:
                    os.unlink(name, dir_fd=fd)
                    continue
                except FileNotFoundError:
                    continue
                except IsADirectoryError:
                    pass
                except OSError:
                    failed.add(name)
                    continue
            try:
                child = os.open(name, _DIR, dir_fd=fd)
            except OSError as e:
                if e.errno in (errno.ENOTDIR, errno.ELOOP):
                    try:
                        os.unlink(name, dir_fd=fd)
                        continue
                    except OSError:
                        pass
                if e.errno != errno.ENOENT:
                    failed.add(name)
                continue
            if len(stack) < _MAX_OPEN:
                stack.append((child, name, [], set()))
                continue
            try:
                os.fchmod(child, 0o700)  # a folder's ".." changes when it moves
            except OSError:
                pass
            os.close(child)
            try:
                target = f".rm-{os.getpid()}-{next(moved)}"
                os.rename(name, target, src_dir_fd=fd, dst_dir_fd=top)
            except OSError:
                failed.add(name)
    except Exception:  # noqa: BLE001 - what is left stays
        pass
    finally:
        for fd, *_ in stack:
            try:
                os.close(fd)
            except OSError:
                pass
    if not keep_top:
        try:
            os.rmdir(path)
        except OSError:
            pass


def _special(mode: int) -> str | None:
    """What a FIFO, socket or device is called, or None for a file, folder or link."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
        return None
    return _SPECIAL.get(stat.S_IFMT(mode), "a device file")


def _shown(path: str) -> str:
    parts = path.split("/")
    if len(parts) <= 5 and len(path) <= 200:
        return path
    return "/".join(p[:40] for p in parts[:3]) + f"/.../{parts[-1][:40]} ({len(parts)} levels)"


class _Refused(Exception):
    """The tree cannot be copied: past a bound, or a FIFO, socket or device in it."""


def _copy(src: str, dst: str, limits: dict[str, Any] | None = None) -> None:
    """Copy folders, regular files (with modes and times) and links; skip what cannot be read.

    Any depth up to ``limits["max_depth"]``, relative to folder descriptors, never through a
    link (the tree is the agent's, and changes under us). A file its owner made unreadable is
    left out, as it would be of no use to the app either.

    Raises:
        _Refused: past a bound, or a FIFO, socket or device in the tree (it would block a
            reader, and has no place in an app).
        OSError: the copy failed otherwise.
    """
    bounds = {**_LIMITS, **(limits or {})}
    max_depth, max_entries = int(bounds["max_depth"]), int(bounds["max_entries"])
    max_bytes = int(bounds["max_bytes"])
    entries = size = 0
    src_fd, dst_fd = os.open(src, _DIR), os.open(dst, _DIR)
    # one level per item: the source and copy folders, the folder's path, its depth, its names
    # left to copy, and its own modes and times (set once it is filled)
    stack: list[tuple[int, int, str, int, list[str], os.stat_result | None]] = []

    def enter(s_fd: int, d_fd: int, rel: str, depth: int, st: os.stat_result | None) -> None:
        with os.scandir(s_fd) as it:
            names = [
                e.name
                for e in itertools.islice(it, max_entries - entries + 1)
                if depth or e.name not in SKIP
            ]
        names.reverse()
        stack.append((s_fd, d_fd, rel, depth, names, st))

    try:
        enter(src_fd, dst_fd, "", 0, None)
        while stack:
            s_fd, d_fd, rel, depth, names, dir_st = stack[-1]
            if not names:
                stack.pop()
                if dir_st is not None:
                    os.utime(d_fd, ns=(dir_st.st_atime_ns, dir_st.st_mtime_ns))
                    os.fchmod(d_fd, stat.S_IMODE(dir_st.st_mode))
                os.close(s_fd)
                os.close(d_fd)
                continue
            name = names.pop()
            path = f"{rel}/{name}" if rel else name
            try:
                st = os.stat(name, dir_fd=s_fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            entries += 1
            if depth + 1 > max_depth:
                raise _Refused(
                    f"the tree is more than {max_depth} folders deep (at {_shown(path)})"
                )
            if entries > max_entries:
                raise _Refused(f"the tree holds more than {max_entries:,} files and folders")
            what = _special(st.st_mode)
            if what is not None:
                raise _Refused(
                    f"the tree holds {what} at {_shown(path)}, which an app's copy of the tree "
                    f"does not take (a reader of it blocks): delete it (rm {_shown(path)})"
                )
            try:
                if stat.S_ISLNK(st.st_mode):
                    os.symlink(os.readlink(name, dir_fd=s_fd), name, dir_fd=d_fd)
                elif stat.S_ISDIR(st.st_mode):
                    child = os.open(name, _DIR, dir_fd=s_fd)
                    try:
                        os.mkdir(name, 0o700, dir_fd=d_fd)
                        copy = os.open(name, _DIR, dir_fd=d_fd)
                    except BaseException:
                        os.close(child)
                        raise
                    try:
                        enter(child, copy, path, depth + 1, st)
                    except BaseException:
                        os.close(child)
                        os.close(copy)
                        raise
                else:
                    size += _copy_file(name, path, s_fd, d_fd, max_bytes - size)
                    if size > max_bytes:
                        raise _Refused(
                            f"the tree's files hold more than {max_bytes:,} bytes; delete what "
                            "the fix does not need (data, builds, logs)"
                        )
            except PermissionError:
                continue  # unreadable: left out
            except OSError as e:
                if e.errno in (errno.ENOTDIR, errno.ELOOP, errno.ENOENT):
                    continue  # changed under us (a folder swapped for a link): left out
                if e.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise _Refused(
                        f"the tree's copy ran out of space at {_shown(path)} after {size:,} "
                        "bytes; delete what the fix does not need (data, builds, logs)"
                    ) from None
                raise
    finally:
        for s_fd, d_fd, *_ in stack:
            os.close(s_fd)
            os.close(d_fd)


def _copy_file(name: str, path: str, s_fd: int, d_fd: int, room: int) -> int:
    """Copy one regular file (at most ``room + 1`` bytes of it); how many bytes were copied.

    Raises:
        _Refused: it turned into a FIFO, socket or device under us.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fin = os.open(name, flags, dir_fd=s_fd)
    try:
        st = os.fstat(fin)
        if not stat.S_ISREG(st.st_mode):
            what = _special(st.st_mode) or "a file that keeps changing"
            raise _Refused(f"the tree holds {what} at {_shown(path)}: delete it")
        out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600,
                      dir_fd=d_fd)  # fmt: skip
        copied = 0
        try:
            while copied <= room:
                n = os.sendfile(out, fin, None, min(1 << 24, room + 1 - copied))
                if n == 0:
                    break
                copied += n
            os.fchmod(out, stat.S_IMODE(st.st_mode))
            os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(out)
        return copied
    finally:
        os.close(fin)


def _get(url: str, method: str = "GET") -> int | None:
    data = b"{}" if method == "POST" else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _build(command: str, timeout: float, cwd: str, env: dict[str, str], log_path: str) -> str:
    """Run the app's build in ``cwd``, its output in ``log_path``; what went wrong, or ""."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return f"build (`{command}`) did not finish within {timeout:.0f} s"
    return f"build (`{command}`) failed (exit {code})" if code != 0 else ""


def start(req: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    src, dst, run_dir = req["src"], req["dst"], req["run_dir"]
    if req.get("restart"):
        _kill_others()
        _remove_all(dst, keep_top=True)
        _remove_all(run_dir)
    os.makedirs(os.path.join(run_dir, "data"), exist_ok=True)
    os.makedirs(os.path.join(run_dir, "home"), exist_ok=True)
    try:
        _copy(src, dst, req.get("limits"))
    except _Refused as e:
        return {"ok": False, "error": f"was not started: {e}", "log": ""}
    except (OSError, shutil.Error) as e:
        return {"ok": False, "infra": True, "error": f"could not copy the tree: {e}", "log": ""}
    log_path = os.path.join(run_dir, "app.log")
    build_log = os.path.join(run_dir, "build.log")
    env = {"HOME": os.path.join(run_dir, "home"), **req.get("env", {})}
    open(log_path, "wb").close()

    def build() -> str:
        """Run the build; its output is added to the app's log."""
        failed = _build(req["build"], float(req.get("build_timeout", 120)), dst, env, build_log)
        with open(build_log, "rb") as out, open(log_path, "ab") as log:
            shutil.copyfileobj(out, log)
        return failed

    at_once = bool(req.get("build")) and bool(req.get("start_during_build"))
    if req.get("build") and not at_once:
        failed = build()
        if failed:
            return {"ok": False, "error": failed, "log": _tail(build_log, 40)[0]}
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            ["bash", "-c", "exec " + req["command"]],
            cwd=dst,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    if at_once:  # the app starts while it builds (it reads nothing the build makes at start)
        failed = build()
        if failed:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            return {"ok": False, "error": failed, "log": _tail(build_log, 40)[0]}
    deadline = started + float(req.get("timeout", 30))
    while True:
        code = proc.poll()
        if code is not None:
            return {
                "ok": False,
                "error": f"exited with code {code} before it was ready",
                "log": _tail(log_path, 40)[0],
            }
        if _get(req["ready_url"]) == 200:
            return {"ok": True, "pid": proc.pid, "seconds": round(time.monotonic() - started, 3)}
        if time.monotonic() > deadline:
            return {
                "ok": False,
                "error": f"did not answer its ready path within {req.get('timeout', 30)} s",
                "log": _tail(log_path, 40)[0],
            }
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def status(req: dict[str, Any]) -> dict[str, Any]:
    alive = _alive(int(req["pid"]))
    reset = _get(req["reset_url"], "POST") if alive and req.get("reset_url") else None
    path = os.path.join(req["run_dir"], "app.log")
    text, lines = _tail(path, int(req.get("lines", 0)), int(req.get("from_line", 0)))
    return {"ok": True, "alive": alive, "reset": reset, "log_lines": lines, "log": text}


def log(req: dict[str, Any]) -> dict[str, Any]:
    path = os.path.join(req["run_dir"], "app.log")
    return {
        "ok": True,
        "log": _tail(path, int(req.get("lines", 40)), int(req.get("from_line", 0)))[0],
    }


def main() -> None:
    arg = sys.argv[1]
    if arg == "-":  # started ahead: the request comes as one line on stdin (none: nothing to do)
        arg = sys.stdin.readline()
        if not arg.strip():
            return
    req = json.loads(arg)
    ops = {"start": start, "status": status, "log": log}
    op = ops.get(req.get("op"))
    answer = op(req) if op else {"ok": False, "error": f"unknown op {req.get('op')!r}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
