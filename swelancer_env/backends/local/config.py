"""The local backend's settings (``SWELancerEnv(backend={"type": "local", ...})``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from swelancer_env.backends.base import BackendConfig
from swelancer_env.sandbox.limits import ResourceLimits
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT
from swelancer_env.sandbox.treewalk import TreeLimits

__all__ = ["LocalConfig"]


class LocalConfig(BackendConfig):
    """Settings of the local backend: everything runs on this machine.

    Attributes:
        isolation: the agent's shell: ``"auto"`` (bubblewrap if it runs here, else none, with
            a warning), ``"bwrap"`` (an error where it cannot run) or ``"none"``.
        limits: memory, processes, CPU and file size for the shell and what it starts (None:
            none).
        tree_limits: the episode's disk quota (``max_bytes``, 4 GiB; ``max_entries``, 100,000
            files and folders) over the work tree and the shell's home, and the deepest the
            tree may go (``max_depth``, 256): past one, the shell's steps say so and a
            submission is refused with the reason.
        output_limit: characters of a command's output kept (head and tail).
        env: variables added to (or replacing) the shell's environment.
        hide: more folders to hide from an isolated shell (task folders kept elsewhere).
        temp_root: where episode folders are made (default: the system's temporary folder).
        chromium: the Chromium of the grader and the user tool (default: found).
        warm_grading: keep the next grading's pytest, Playwright and Chromium started (from
            reset on, and after each grading), so that a grading waits for the app and the
            tests alone; each serves one grading. Off: they start at the submission (about
            1 s more per grading, and no idle Python, Node and Chromium per env).
        warm_browser: with ``warm_grading``, the waiting pytest has Playwright's driver and
            Chromium started too (about 250 MB idle instead of 40); off (the default), they
            start at the submission while the app starts (a few tenths of a second more on a
            quiet machine).
        settle_early: a failing assertion of the hidden tests stops waiting once the page has
            settled (nothing loading, no timer, frame or animation due before its timeout, no
            change in the document for 0.5 s) instead of Playwright's whole 5 s; a passing one
            is unchanged. Off: Playwright's own waits, as the benchmark's harness has them.
        regression_tests: run, besides an IC task's hidden tests, the app's regression tests
            that ran a line the submission changes (pass-to-pass: a fix that breaks something
            nearby fails); off: the hidden tests alone (the benchmark's own verdicts).
        user_tool_trace: the user tool's Playwright trace of each call (``trace.zip``):
            ``"actions"`` (the script's actions, console and network), ``"snapshots"`` (adds
            the page's DOM at each action, so that the trace viewer shows every state: about a
            quarter more per call), ``"full"`` (adds the screencast) or ``"off"``.
    """

    type: Literal["local"] = "local"
    isolation: Literal["auto", "bwrap", "none"] = "auto"
    limits: ResourceLimits | None = Field(default_factory=ResourceLimits)
    tree_limits: TreeLimits = Field(default_factory=TreeLimits)
    output_limit: int = Field(DEFAULT_OUTPUT_LIMIT, ge=2)
    env: dict[str, str] = Field(default_factory=dict)
    hide: tuple[str, ...] = ()
    temp_root: str | None = None
    chromium: str | None = None
    warm_grading: bool = True
    warm_browser: bool = False
    regression_tests: bool = True
    settle_early: bool = True
    user_tool_trace: Literal["off", "actions", "snapshots", "full"] = "actions"
