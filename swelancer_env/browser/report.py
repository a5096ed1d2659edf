"""What one user-tool call saw: the record, its text for the agent, its ``info`` and screenshot.

A report is built from the worker's ``events.jsonl`` (written as things happen, so a run killed
at the time limit still has one). Every string that enters it is scrubbed of the canary.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from swelancer_env.grading.canary import CANARY, contains_canary
from swelancer_env.tempdirs import scrub_host_paths

__all__ = ["ConsoleMessage", "FailedRequest", "Note", "Step", "UserToolReport", "scrub"]

_CANARY_CORE = CANARY.removeprefix("SWELANCER-CANARY-")
_MAX_LINES = 15  # per section of the text report
#: how the report names the app's address: its port is new each run, and the agent's text
#: must be the same for the same actions (replay compares it)
APP_ORIGIN = "http://app"


def scrub(value: Any) -> Any:
    """``value`` with the canary and the harness's temporary folders removed from every
    string in it."""
    if isinstance(value, str):
        value = scrub_host_paths(value)
        if contains_canary(value) or CANARY in value:
            value = value.replace(CANARY, "[redacted]").replace(_CANARY_CORE, "[redacted]")
        return "[redacted]" if contains_canary(value) else value
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Step(_Record):
    """One thing the user did. ``ok`` is None for a step cut short by the time limit."""

    index: int
    description: str
    ok: bool | None = None
    error: str | None = None
    screenshot: str | None = None  # agent-view path
    screenshot_host: str | None = None  # the same file on the host (for a harness or CLI)
    seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)


class Note(_Record):
    """A line the user saw outside any step, after ``after_step`` steps."""

    after_step: int
    text: str


class ConsoleMessage(_Record):
    type: str
    text: str
    location: str = ""


class FailedRequest(_Record):
    """A request that failed on the network (``status`` None) or answered 400 or more."""

    method: str
    url: str
    status: int | None = None
    error: str | None = None


class UserToolReport(_Record):
    """The outcome of one user-tool call. Never a verdict: what a user would have seen."""

    call: int
    viewport: tuple[int, int]
    app: str = ""  # how the app was had: "started", "reused (data reset)", ...
    app_url: str = ""
    steps: list[Step] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    console: list[ConsoleMessage] = Field(default_factory=list)
    failed_requests: list[FailedRequest] = Field(default_factory=list)
    page_errors: list[str] = Field(default_factory=list)
    final_url: str | None = None
    finished: bool = False  # the script returned
    error: str | None = None  # what ended the run outside a step (app down, time limit, ...)
    warnings: list[str] = Field(default_factory=list)
    app_log: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per phase of the call
    screenshots_dir: str | None = None  # agent-view paths from here on
    trace_path: str | None = None
    report_path: str | None = None
    console_log_path: str | None = None
    events_path: str | None = None
    script_path: str | None = None  # a copy of the reproduction script (user_tool.py)
    end_screenshot: str | None = None  # taken when the run stopped outside any step
    _last_screenshot: Path | None = PrivateAttr(default=None)
    _last_png: bytes | None = PrivateAttr(default=None)  # read once: the files may go

    @property
    def ok(self) -> bool:
        """Whether every step ran: the script finished and no step failed."""
        return (
            self.finished
            and self.error is None
            and not self.timed_out
            and all(s.ok for s in self.steps)
        )

    # -- building ----------------------------------------------------------------------

    def read_events(self, events: Path, workdir_dir: PurePosixPath) -> None:
        """Fill the steps and logs from a worker's ``events.jsonl`` (complete or cut short)."""
        try:
            lines = events.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        by_index: dict[int, Step] = {}
        for line in lines:
            try:
                ev = scrub(json.loads(line))
            except json.JSONDecodeError:
                continue  # the last line of a killed worker may be cut
            kind = ev.get("kind")
            if kind == "step_start":
                step = Step(index=ev["index"], description=ev["description"])
                by_index[step.index] = step
                self.steps.append(step)
            elif kind == "step_end" and ev.get("index") in by_index:
                step = by_index[ev["index"]]
                step.ok, step.error, step.seconds = ev["ok"], ev.get("error"), ev.get("seconds", 0)
                if ev.get("screenshot"):
                    step.screenshot = str(workdir_dir / ev["screenshot"])
                    step.screenshot_host = str(events.parent / ev["screenshot"])
                    self._last_screenshot = events.parent / ev["screenshot"]
            elif kind == "note":
                if ev.get("step") in by_index:
                    by_index[ev["step"]].notes.append(ev["text"])
                else:
                    self.notes.append(Note(after_step=ev.get("after", 0), text=ev["text"]))
            elif kind == "console":
                self.console.append(
                    ConsoleMessage(
                        type=ev["type"], text=ev["text"], location=ev.get("location", "")
                    )
                )
            elif kind == "request":
                self.failed_requests.append(
                    FailedRequest(
                        method=ev["method"],
                        url=ev["url"],
                        status=ev.get("status"),
                        error=ev.get("error"),
                    )
                )
            elif kind == "page_error":
                stack = ev.get("stack") or ""
                self.page_errors.append(ev["text"] + (f"\n{stack}" if stack else ""))
            elif kind in ("error", "script_error"):
                if ev.get("screenshot"):
                    self.end_screenshot = str(workdir_dir / ev["screenshot"])
                    self._last_screenshot = events.parent / ev["screenshot"]
                after = ev.get("after")
                where = f"after step {after}, outside any step" if after else "before any step"
                self.error = (
                    f"The reproduction stopped {where}: {ev['error']}"
                    if kind == "error"
                    else ev["error"]
                )
            elif kind == "finished":
                self.finished = True
            elif kind == "note_internal":
                self.warnings.append(ev["text"])
        if self._last_screenshot is not None:  # kept now: the session's files go at its close
            try:
                self._last_png = self._last_screenshot.read_bytes()
            except OSError:
                self._last_png = None

    def cut_short(self, why: str) -> None:
        """Mark the step that was running when the run was stopped."""
        for step in self.steps:
            if step.ok is None:
                step.error = f"did not finish: {why}"
        self.error = self.error or why

    # -- views -------------------------------------------------------------------------

    def _short_url(self, url: str) -> str:
        if self.app_url and url.startswith(self.app_url):
            return url[len(self.app_url) :] or "/"
        return url if urlsplit(url).scheme in ("http", "https") else url[:200]

    def _unport(self, text: str) -> str:
        """``text`` with the app's address (a free port, new each run) named ``APP_ORIGIN``."""
        if not self.app_url:
            return text
        host = urlsplit(self.app_url).netloc
        return text.replace(self.app_url, APP_ORIGIN).replace(host, APP_ORIGIN[7:])

    def text(self) -> str:
        """The report the agent reads."""
        w, h = self.viewport
        out = [
            f"User tool, call {self.call}: the reporter's steps in Chromium at {w}x{h} "
            "against your current code (what a user sees; not a verdict)."
        ]
        if self.app:
            out.append(f"App: {self.app}" + (f" at {APP_ORIGIN}" if self.app_url else ""))
        notes = sorted(self.notes, key=lambda n: n.after_step)
        if self.steps or notes:
            out.append("Steps:")
        for note in [n for n in notes if n.after_step == 0]:
            out.append(f"       sees: {note.text}")
        for step in self.steps:
            mark = {True: "ok    ", False: "FAILED", None: "CUT   "}[step.ok]
            out.append(f"  {step.index:>2}. {mark} {step.description}  [{step.seconds:.2f} s]")
            out.extend(f"       sees: {t}" for t in step.notes)
            if step.error:
                out.extend("       " + ln for ln in step.error.splitlines())
            out.extend(f"       sees: {n.text}" for n in notes if n.after_step == step.index)
        failed = next((s for s in self.steps if s.ok is False), None)
        if failed is not None:
            out.append(
                f"The user got stuck at step {failed.index}; the steps after it were not tried."
            )
        elif self.finished and not self.error:
            out.append("All steps ran.")
        if self.error:
            out.append(self.error)
        out.extend(f"Note: {w_}" for w_ in self.warnings)
        shown = [c for c in self.console if c.type in ("error", "warning", "assert")]
        if shown:
            out.append(
                f"Console errors and warnings ({len(shown)} of {len(self.console)} messages):"
            )
            out.extend(
                _capped(
                    [
                        f"  [{c.type}] {c.text}" + (f" ({c.location})" if c.location else "")
                        for c in shown
                    ]
                )
            )
        if self.failed_requests:
            out.append(f"Failed requests ({len(self.failed_requests)}):")
            out.extend(
                _capped(
                    [
                        f"  {r.method} {self._short_url(r.url)} -> "
                        + (
                            f"{r.status} {r.error or ''}".strip()
                            if r.status
                            else f"failed: {r.error}"
                        )
                        for r in self.failed_requests
                    ]
                )
            )
        if self.page_errors:
            out.append(f"Page errors ({len(self.page_errors)}):")
            out.extend(_capped(["  " + e.replace("\n", "\n    ") for e in self.page_errors]))
        if self.final_url:
            out.append(f"Final URL: {self._short_url(self.final_url)}")
        if self.app_log:
            out.append("App log (last lines):")
            out.extend("  " + ln for ln in self.app_log.splitlines()[-20:])
        if self.screenshots_dir:
            shots = any(s.screenshot for s in self.steps) or self.end_screenshot
            files = "step-NN.png screenshots, " if shots else ""
            files += "trace.zip (Playwright trace), " if self.trace_path else ""
            script = "user_tool.py (the steps), " if self.script_path else ""
            out.append(
                f"Files: {self.screenshots_dir}/ ({files}{script}console.log, events.jsonl, "
                "report.txt)"
            )
        out.append(
            f"Took {self.seconds:.2f} s"
            + (" (stopped at the time limit)." if self.timed_out else ".")
        )
        return scrub(self._unport("\n".join(out)))

    def console_log(self) -> str:
        """Every console message, one a line (``console.log``)."""
        return scrub(
            "".join(
                f"[{c.type}] {c.text}" + (f" ({c.location})" if c.location else "") + "\n"
                for c in self.console
            )
        )

    def info(self) -> dict[str, Any]:
        """Everything, for ``info["user_tool"]``: paths are as the agent's shell sees them."""
        data = self.model_dump(mode="json")
        data["ok"] = self.ok
        data["screenshots"] = [s.screenshot for s in self.steps if s.screenshot]
        if self.end_screenshot:
            data["screenshots"].append(self.end_screenshot)
        data["last_screenshot"] = data["screenshots"][-1] if data["screenshots"] else None
        # the host's copies of the screenshots stay named (for a harness or the CLI that
        # shows them); every other host folder of the harness's is scrubbed
        hosts = [step.get("screenshot_host") for step in data.get("steps", [])]
        data = scrub(data)
        for step, host in zip(data.get("steps", []), hosts, strict=True):
            step["screenshot_host"] = host
        return data

    def screenshot_array(self, shape: tuple[int, int] = (400, 640)) -> np.ndarray | None:
        """The last screenshot fitted into ``shape`` (height, width), padded with black."""
        if self._last_png is None and self._last_screenshot is not None:
            try:  # the harness's private copy, never the tree's
                self._last_png = self._last_screenshot.read_bytes()
            except OSError:
                return None
        if not self._last_png:
            return None
        import io

        from PIL import Image

        height, width = int(shape[0]), int(shape[1])
        try:
            with Image.open(io.BytesIO(self._last_png)) as opened:
                rgb = opened.convert("RGB")
        except (OSError, ValueError):
            return None
        scale = min(width / rgb.width, height / rgb.height)
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        canvas = Image.new("RGB", (width, height))
        canvas.paste(
            rgb.resize(size, Image.Resampling.BILINEAR),
            ((width - size[0]) // 2, (height - size[1]) // 2),
        )
        return np.asarray(canvas, dtype=np.uint8).copy()


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return [ln[:600] for ln in lines]
    return [ln[:600] for ln in lines[:_MAX_LINES]] + [
        f"  ... {len(lines) - _MAX_LINES} more (see info or the files)"
    ]
