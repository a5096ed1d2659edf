"""The user tool's browser worker: a long-lived process holding Playwright and a warm Chromium.

Run as ``python -m swelancer_env.browser.worker`` (or by file path); it speaks JSON lines: one
request per line on stdin, one reply per line on stdout. Anything else that writes to stdout (the
reproduction script's prints) goes to stderr instead, so the protocol cannot be corrupted.

Requests::

    {"op": "launch", "executable": "/usr/bin/chromium", "args": [...], "trace": "actions",
     "timezone": "UTC"}
        -> {"ok": true, "seconds": 0.7} | {"ok": false, "error": "..."}
    {"op": "run", "source": "<user_tool.py text>", "base_url": "http://127.0.0.1:PORT",
     "out_dir": "/abs/.swelancer/user_tool/3", "viewport": [1280, 800],
     "action_timeout_ms": 3000, "navigation_timeout_ms": 5000, "trace": "actions",
     "clock": {"now": "2025-01-15T10:00:00.000Z", "timezone": "UTC"}}
        -> {"ok": true, "final_url": "...", "trace": "trace.zip" | null, "seconds": 1.2}
    {"op": "app_status", "pid": 42, "reset_url": "http://.../api/dev/reset" | null,
     "log": "/tmp/app/app.log" | null}
        -> {"ok": true, "alive": true, "reset": 200 | null, "log_lines": 12 | null}
    {"op": "quit"}

``app_status`` serves a session whose app runs beside the worker (the Docker backend's user-tool
container): whether the app's process lives, its data reset and its log's length, over the pipe
already open instead of one more ``docker exec`` each (about 0.2 s). ``log_lines`` is null when
the log cannot be read (its owner, the app, may close it to others).

A run gets a new browser context (fresh cookies and storage) and writes every event to
``<out_dir>/events.jsonl`` the moment it happens (step started/ended with its screenshot, notes,
console messages, failed requests, page errors), so that a worker killed at the time limit still
leaves a partial record. The reply only adds what is known at the end.

The module is self-contained (standard library and Playwright) so that it starts fast: the
session runs it by file path, which skips importing the package (gymnasium and all).

The worker is a child subreaper: Chromium's helpers that outlive their parent are adopted and
reaped by it, so that quitting (or SIGTERM, the caller's way to stop a run at its time limit)
leaves neither processes nor zombies.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import sys
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_VIEWPORT",
    "TRACE_MODES",
    "EventLog",
    "Prepared",
    "StepFailed",
    "User",
    "end_descendants",
    "main",
    "run_script",
]

PASSWORD = "password"
DEFAULT_VIEWPORT = (1280, 800)
#: the time zone of a context whose request names none (a task's default)
DEFAULT_TIMEZONE = "UTC"
#: "actions": the script's actions, console and network (no page states); "snapshots" adds a DOM
#: snapshot per action (the trace viewer shows each state: about a quarter more per call); "full"
#: adds the screencast (costly on a busy machine); "off": no trace
TRACE_MODES = ("off", "actions", "snapshots", "full")
SCRIPT_NAME = "user_tool.py"
MAX_EVENTS = 2000  # per run: a page that logs in a loop cannot fill the disk
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class StepFailed(BaseException):  # noqa: N818 - a control-flow signal, not an error
    """Ends the run after a failed step (a BaseException: ``except Exception`` can't catch it)."""


def describe_error(exc: BaseException, max_lines: int = 8, max_chars: int = 800) -> str:
    """A short, readable message for ``exc``: its type, message and line in the script."""
    text = _ANSI.sub("", str(exc)).strip() or "(no message)"
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["..."]
    text = "\n".join(lines)
    if len(text) > max_chars:
        text = text[: max_chars - 3] + "..."
    name = type(exc).__name__
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == SCRIPT_NAME:
            where = f" ({SCRIPT_NAME} line {frame.lineno})"
            break
    return f"{name}{where}: {text}"


class EventLog:
    """Appends JSON events to a file, flushed one by one."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._file = path.open("a", encoding="utf-8")
        self._started = time.perf_counter()

    def write(self, kind: str, **fields: Any) -> None:
        if self.count >= MAX_EVENTS and kind in ("console", "request", "page_error"):
            return
        self.count += 1
        fields = {"kind": kind, "t": round(time.perf_counter() - self._started, 3), **fields}
        self._file.write(json.dumps(fields) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class User:
    """What a reproduction script drives: a person at a browser (see ``user_tool``'s docs)."""

    def __init__(self, page: Any, base_url: str, log: EventLog, out_dir: Path):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self._log = log
        self._out_dir = out_dir
        self._count = 0
        self._current: int | None = None
        self._failed = False

    def url(self, path: str = "/") -> str:
        """The app's address for ``path`` (``user.url("/reports")``)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + ("" if path.startswith("/") else "/") + path

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        """One thing the user does. A failure ends the run; a screenshot is taken either way."""
        if self._failed:
            raise StepFailed()
        self._count += 1
        index, outer = self._count, self._current
        self._current = index
        self._log.write("step_start", index=index, description=str(description))
        started = time.perf_counter()
        error: str | None = None
        try:
            yield
        except StepFailed:
            error = "a step inside it failed"
        except Exception as exc:  # noqa: BLE001 - any failure of a step is the report's
            error = describe_error(exc)
        finally:
            self._current = outer
            shot = self._screenshot(index)
            self._log.write(
                "step_end",
                index=index,
                ok=error is None,
                error=error,
                screenshot=shot,
                seconds=round(time.perf_counter() - started, 3),
            )
        if error is not None:
            self._failed = True
            raise StepFailed()

    def login(self, email: str, password: str = PASSWORD, path: str = "/") -> None:
        """A step: open ``path`` on the app and sign in through the login form shown there; the
        page ends on ``path`` (one page load)."""
        if not path.startswith("/"):
            raise ValueError(
                f"login(path=...) takes a path on the app such as '/rooms/1', not {path!r}"
            )
        with self.step(f"Log in as {email}" + (f" at {path}" if path != "/" else "")):
            self.page.goto(self.url(path))
            self.page.get_by_test_id("login-email").fill(email)
            self.page.get_by_test_id("login-password").fill(password)
            self.page.get_by_test_id("login-submit").click()
            try:
                self.page.get_by_test_id("login-submit").wait_for(state="detached")
            except Exception:  # noqa: BLE001
                raise RuntimeError(
                    f"the login form was still shown after submitting it as {email}"
                ) from None
            wanted = urlsplit(path)
            got = urlsplit(self.page.url)
            if (got.path, got.query) != (wanted.path, wanted.query):
                self.page.goto(self.url(path))  # the app did not bring the user back there

    def note(self, text: object) -> None:
        """A line the user sees, shown in the report."""
        self._log.write("note", step=self._current, after=self._count, text=str(text)[:2000])

    def _screenshot(self, index: int, name: str = "") -> str | None:
        name = name or f"step-{index:02d}.png"
        try:
            # the caret as the user sees it: hiding it costs a style injected per picture
            self.page.screenshot(path=str(self._out_dir / name), timeout=3000, caret="initial")
        except Exception:  # noqa: BLE001 - a crashed or hung page has no picture
            return None
        return name


class _Sink:
    """Where a context's events go: nowhere until its run gives it an event log."""

    def __init__(self) -> None:
        self.log: EventLog | None = None

    def write(self, kind: str, **fields: Any) -> None:
        if self.log is not None:
            self.log.write(kind, **fields)


def _listen(context: Any, log: _Sink) -> None:
    def console(msg: Any) -> None:
        loc = msg.location or {}
        where = f"{loc.get('url', '')}:{loc.get('lineNumber', '')}" if loc.get("url") else ""
        log.write("console", type=msg.type, text=msg.text[:2000], location=where)

    def web_error(err: Any) -> None:
        e = err.error
        stack = (getattr(e, "stack", None) or "").splitlines()[1:4]
        text = f"{getattr(e, 'name', '') or 'Error'}: {getattr(e, 'message', '') or e}"
        log.write("page_error", text=text[:2000], stack="\n".join(ln.strip() for ln in stack))

    def request_failed(req: Any) -> None:
        log.write("request", method=req.method, url=req.url, status=None, error=req.failure)

    def response(resp: Any) -> None:
        if resp.status >= 400:
            req = resp.request
            log.write(
                "request",
                method=req.method,
                url=resp.url,
                status=resp.status,
                error=resp.status_text or None,
            )

    context.on("console", console)
    context.on("weberror", web_error)
    context.on("requestfailed", request_failed)
    context.on("response", response)


class Prepared:
    """A fresh context (no cookies, no storage), its page and trace, made before a run needs it.

    The worker makes the next one while the agent is busy, so that a call does not wait for it;
    each is used for one run only.
    """

    def __init__(
        self,
        browser: Any,
        viewport: tuple[int, int],
        trace: str = "actions",
        timezone: str = DEFAULT_TIMEZONE,
    ):
        self.viewport, self.trace, self.timezone = tuple(viewport), trace, timezone
        self.sink = _Sink()
        # the browser starts in UTC (the harness launches it with TZ=UTC): another zone is an
        # override, which a script could not make again (Chromium allows one per page)
        zone = {} if timezone == DEFAULT_TIMEZONE else {"timezone_id": timezone}
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",
            **zone,
        )
        self.confined_to: str | None = None
        _listen(self.context, self.sink)
        if trace in TRACE_MODES and trace != "off":
            self.context.tracing.start(
                screenshots=trace == "full", snapshots=trace in ("snapshots", "full")
            )
        self.page = self.context.new_page()
        self.page.on("crash", lambda _p: self.sink.write("page_error", text="The page crashed."))

    def fits(self, viewport: tuple[int, int], trace: str, timezone: str = DEFAULT_TIMEZONE) -> bool:
        return (self.viewport, self.trace, self.timezone) == (tuple(viewport), trace, timezone)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()


def foreign_url_pattern(base_url: str) -> re.Pattern[str]:
    """URLs of any origin but the app's: the page (the agent's code) may not reach them.

    The same in ``swelancer_env.grading.plugin`` (a test keeps them equal).
    """
    origin = re.escape(base_url.rstrip("/"))
    return re.compile(rf"^(?!{origin}(?:[/?#]|$))(?:https?|wss?|ftp)://")


def confine(context: Any, base_url: str) -> None:
    """Abort every request and WebSocket of ``context`` to another origin than the app's.

    The app's page runs the agent's code; without this, its scripts could send requests to
    services on the host's loopback (the app itself is in a network namespace of its own).
    The pattern is matched by Playwright's driver, so the app's own requests pay no round trip.
    """
    pattern = foreign_url_pattern(base_url)
    context.route(pattern, lambda route: route.abort("blockedbyclient"))
    with contextlib.suppress(AttributeError):  # Playwright < 1.48 has no WebSocket routes
        context.route_web_socket(pattern, lambda ws: ws.close())


def _load(source: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "user_tool", "__file__": SCRIPT_NAME}
    exec(compile(source, SCRIPT_NAME, "exec"), namespace)  # noqa: S102 - the task's own script
    reproduce = namespace.get("reproduce")
    if not callable(reproduce):
        raise TypeError(f"{SCRIPT_NAME} defines no function reproduce(user)")
    return reproduce


def _trace_mode(req: dict[str, Any]) -> str:
    mode = req.get("trace", "actions")
    return mode if mode in TRACE_MODES else "actions"


def _timezone(req: dict[str, Any]) -> str:
    """The run's time zone: ``clock.timezone`` of a run request, ``timezone`` of a launch."""
    return str((req.get("clock") or {}).get("timezone") or req.get("timezone") or DEFAULT_TIMEZONE)


def pin_clock(context: Any, req: dict[str, Any]) -> None:
    """Start the page's clock at the request's ``clock.now`` (an ISO instant): ``Date.now()``
    reads it when the script starts, and then advances normally (as the grading plugin's)."""
    clock = req.get("clock") or {}
    if clock.get("now"):
        context.add_init_script(pinned_date_script(clock["now"], clock.get("now_at")))


#: the page's ``Date`` shifted to the task's instant (``%d``: the offset in ms): it starts there
#: and advances with the real clock. Not Playwright's ``clock.install``: its fake timers swallow
#: an error thrown in a timer callback (no ``pageerror``), which a test or the report may need.
PINNED_DATE_JS = """(() => {
  const offset = %d;
  const Real = Date;
  const now = () => Real.now() + offset;
  function Date_(...args) {
    if (!new.target) return new Real(now()).toString();
    return Reflect.construct(Real, args.length ? args : [now()], new.target);
  }
  Object.defineProperties(Date_, Object.getOwnPropertyDescriptors(Real));
  Date_.now = now;
  Real.prototype.constructor = Date_;
  globalThis.Date = Date_;
})();"""


def pinned_date_script(now_iso: str, now_at: float | None = None) -> str:
    """The init script that puts a context's ``Date`` on the clock that read ``now_iso`` (an
    ISO instant) at the real time ``now_at`` (default: now)."""
    from datetime import datetime

    start = datetime.fromisoformat(now_iso.replace("Z", "+00:00")).timestamp()
    return PINNED_DATE_JS % round((start - (now_at or time.time())) * 1000)


def _viewport(req: dict[str, Any]) -> tuple[int, int]:
    width, height = req.get("viewport") or DEFAULT_VIEWPORT
    return int(width), int(height)


def run_script(
    browser: Any, req: dict[str, Any], prepared: Prepared | None = None
) -> dict[str, Any]:
    """One user-tool run in a fresh context (``prepared`` if it fits); events go to ``out_dir``."""
    started = time.perf_counter()
    out_dir = Path(req["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(out_dir / "events.jsonl")
    viewport = _viewport(req)
    tracing = _trace_mode(req)
    zone = _timezone(req)
    if prepared is None or not prepared.fits(viewport, tracing, zone):
        if prepared is not None:
            prepared.close()
        prepared = Prepared(browser, viewport, tracing, zone)
    prepared.sink.log = log
    context, page = prepared.context, prepared.page
    if prepared.confined_to != req["base_url"]:
        confine(context, req["base_url"])
        prepared.confined_to = req["base_url"]
    context.set_default_timeout(req.get("action_timeout_ms", 3000))
    context.set_default_navigation_timeout(req.get("navigation_timeout_ms", 5000))
    pin_clock(context, req)
    final_url, trace = None, None
    timings: dict[str, float] = {}
    mark = started

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 3)
        mark = now

    try:
        lap("new_context")
        user = User(page, req["base_url"], log, out_dir)
        try:
            reproduce = _load(req["source"])
        except Exception as exc:  # noqa: BLE001
            log.write(
                "script_error",
                error="the task's reproduction script could not be loaded: " + describe_error(exc),
            )
        else:
            try:
                reproduce(user)
            except StepFailed:
                pass
            except Exception as exc:  # noqa: BLE001 - outside any step: still the report's
                shot = user._screenshot(0, "error.png")
                log.write("error", after=user._count, error=describe_error(exc), screenshot=shot)
            else:
                log.write("finished")
        lap("script")
        with contextlib.suppress(Exception):
            final_url = page.url
        if tracing != "off":
            try:
                context.tracing.stop(path=str(out_dir / "trace.zip"))
                trace = "trace.zip"
            except Exception as exc:  # noqa: BLE001
                log.write("note_internal", text=f"the trace could not be saved: {exc}")
            lap("trace_save")
    finally:
        with contextlib.suppress(Exception):
            context.close()
        log.close()
        lap("close")
    return {
        "ok": True,
        "final_url": final_url,
        "trace": trace,
        "timings": timings,
        "seconds": round(time.perf_counter() - started, 3),
    }


MAX_LOG_SCAN = 64 << 20  # app_status counts the lines of at most this much of the app's log


def app_status(req: dict[str, Any]) -> dict[str, Any]:
    """The ``app_status`` request (see the module's docs)."""
    try:
        with open(f"/proc/{int(req['pid'])}/stat", "rb") as f:
            alive = f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError, ValueError):
        alive = False
    reset = None
    if alive and req.get("reset_url"):
        post = urllib.request.Request(
            req["reset_url"],
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(post, timeout=5) as resp:
                reset = int(resp.status)
        except urllib.error.HTTPError as e:
            reset = int(e.code)
        except (urllib.error.URLError, OSError, ValueError):
            reset = None
    lines = None
    if req.get("log"):
        try:
            with open(req["log"], "rb") as f:
                data = f.read(MAX_LOG_SCAN + 1)
            if len(data) <= MAX_LOG_SCAN:  # counted as the app's keeper counts them
                lines = len(data.decode("utf-8", errors="replace").splitlines())
        except OSError:
            lines = None
    return {"ok": True, "alive": alive, "reset": reset, "log_lines": lines}


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (none on systems without it)."""
    children: dict[int, list[int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as f:
                        parent = int(f.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _become_subreaper() -> None:
    """Adopt orphaned descendants (Chromium's zygotes outlive its main process) to reap them."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def end_descendants(timeout: float = 2.0) -> None:
    """Kill every process below this one and reap them, leaving neither processes nor zombies."""
    for pid in _descendants(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.005)


def _on_sigterm(signum: int, frame: Any) -> None:
    end_descendants()
    os._exit(0)


def main() -> None:
    """Serve requests from stdin until ``quit`` or end of input.

    SIGTERM (the caller's way to stop a run at its time limit) ends the browser and every
    process below the worker at once.
    """
    _become_subreaper()
    signal.signal(signal.SIGTERM, _on_sigterm)
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # stray prints (the script's, a library's) go to stderr
    sys.stdout = sys.stderr
    pw: Any = None
    browser: Any = None
    spare: Prepared | None = None

    def prepare(viewport: tuple[int, int], trace: str, timezone: str) -> Prepared | None:
        try:
            return Prepared(browser, viewport, trace, timezone)
        except Exception:  # noqa: BLE001 - the run will make its own and report the error
            return None

    def reply(obj: dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            op = req.get("op")
            if op == "quit":
                break
            if op == "launch":
                started = time.perf_counter()
                try:
                    from playwright.sync_api import sync_playwright

                    pw = sync_playwright().start()
                    browser = pw.chromium.launch(
                        executable_path=req["executable"], args=req.get("args", []), headless=True
                    )
                except Exception as exc:  # noqa: BLE001
                    reply({"ok": False, "error": _ANSI.sub("", f"{type(exc).__name__}: {exc}")})
                    continue
                reply({"ok": True, "seconds": round(time.perf_counter() - started, 3)})
                spare = prepare(DEFAULT_VIEWPORT, _trace_mode(req), _timezone(req))  # 1st call's
            elif op == "run":
                if browser is None:
                    reply({"ok": False, "error": "run before launch"})
                    continue
                ready, spare = spare, None
                try:
                    reply(run_script(browser, req, ready))
                except Exception as exc:  # noqa: BLE001 - a broken browser: the caller decides
                    reply(
                        {
                            "ok": False,
                            "error": _ANSI.sub("", traceback.format_exc(limit=3)),
                            "type": type(exc).__name__,
                        }
                    )
                # the next call's context, made while the caller is busy
                spare = prepare(_viewport(req), _trace_mode(req), _timezone(req))
            elif op == "app_status":
                reply(app_status(req))
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
    finally:
        if spare is not None:
            spare.close()
        for closer in (getattr(browser, "close", None), getattr(pw, "stop", None)):
            if closer is not None:
                with contextlib.suppress(Exception):
                    closer()
        end_descendants()


if __name__ == "__main__":
    # run by path (the session does, to skip the package's imports): not from this folder
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    main()
