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
``.swelancer``) into ``dst``, runs the app's ``build`` there if it has one (a failure ends the
request; with ``start_during_build`` the app is started first and killed if the build fails),
starts the app in a session of its own with its output in
``<run_dir>/app.log``, and waits until ``ready_url`` answers 200 or the app exits. With
``restart`` it first kills every other process of its user (the previous app and whatever it
left) and empties ``dst``. The app outlives this process: the container's init adopts it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

SKIP = (".git", ".swelancer")


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


def _empty(folder: str) -> None:
    """Remove everything in ``folder``, also what the app made read-only (it is all ours)."""
    for dirpath, dirnames, _ in os.walk(folder):
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                try:
                    os.chmod(path, 0o700)
                except OSError:
                    pass
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _copy(src: str, dst: str, top: bool = True) -> None:
    """Copy folders, regular files (with modes and times) and links; skip what cannot be read.

    A FIFO, a socket, a device or a file its owner made unreadable is left out, as it would be
    of no use to the app either.
    """
    for entry in os.scandir(src):
        if top and entry.name in SKIP:
            continue
        target = os.path.join(dst, entry.name)
        try:
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir(follow_symlinks=False):
                os.mkdir(target)
                _copy(entry.path, target, top=False)
                shutil.copystat(entry.path, target, follow_symlinks=False)
            elif entry.is_file(follow_symlinks=False):
                shutil.copy2(entry.path, target, follow_symlinks=False)
        except PermissionError:
            continue


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
        _empty(dst)
        shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(os.path.join(run_dir, "data"), exist_ok=True)
    os.makedirs(os.path.join(run_dir, "home"), exist_ok=True)
    try:
        _copy(src, dst)
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
