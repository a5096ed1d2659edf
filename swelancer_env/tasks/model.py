"""The task record: what a task folder on disk (or a row of the official CSV) becomes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

__all__ = [
    "App",
    "CATEGORY_DESCRIPTIONS",
    "Category",
    "Clock",
    "Limits",
    "OfficialInfo",
    "Proposal",
    "Task",
    "Variant",
]

Variant = Literal["ic_swe", "swe_manager"]


class Category(StrEnum):
    """The kinds of job, as SWE-Lancer counts them; a tasks root adds its own in
    ``categories.toml`` (``name = "what it covers"``)."""

    application_logic = "application_logic"  # client-side logic: state, calculations, data flow
    ui_ux = "ui_ux"  # what the user sees and does: layout, rendering, interaction
    server_side_logic = "server_side_logic"  # the server: validation, APIs, stored data
    reliability = "reliability"  # system-wide quality: double requests, races, crashes, stale data
    security = "security"  # security and permissions
    feature = "feature"  # a new feature or enhancement, usually across several files


#: what each built-in category covers (``swelancer-env tasks --categories`` prints it)
CATEGORY_DESCRIPTIONS = {
    Category.application_logic: "client-side application logic: state, calculations, data flow",
    Category.ui_ux: "UI/UX: what the user sees and does (layout, rendering, interaction)",
    Category.server_side_logic: "server-side logic: validation, APIs, stored data",
    Category.reliability: "system-wide quality and reliability: double requests, races, stale data",
    Category.security: "security and permissions",
    Category.feature: "a new feature or enhancement, usually across several files",
}


class Limits(BaseModel):
    """Per-episode limits; the env truncates when one is reached."""

    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(100, gt=0)
    time_limit_s: float = Field(3600.0, gt=0)
    command_timeout_s: float = Field(120.0, gt=0)
    user_tool_timeout_s: float = Field(30.0, gt=0)
    grading_timeout_s: float = Field(300.0, gt=0)
    #: the submitted diff: its size in bytes and the files it changes, at most (the harness
    #: reads no more; a larger submission fails with the reason)
    max_diff_bytes: int = Field(default=5_000_000, gt=0)
    max_diff_files: int = Field(default=500, gt=0)


#: the default instant of a task's clock: fixed, so that no verdict depends on the day of the run


class Clock(BaseModel):
    """The time and place a task runs at: the time zone ``timezone`` always (the browser's
    ``timezone_id``, the app's and the tests' ``TZ``); with ``now``, the browser's clock starts
    there and advances normally, whatever the date of the run.

    ``now`` is off by default: the bundled apps' servers read the host's clock, and a page
    whose clock is years from the server's shows every due date wrong (a desk ticket "Due in
    690 days"). A task pins it once its app's server reads ``SWELANCER_NOW`` too."""

    model_config = ConfigDict(extra="forbid")

    #: the instant the browser's clock starts at, with its offset (``2025-01-15T10:00:00Z``);
    #: None: the real clock
    now: datetime | None = None
    #: an IANA time zone name (``America/New_York``)
    timezone: str = "UTC"

    @field_validator("now")
    @classmethod
    def _aware(cls, now: datetime | None) -> datetime | None:
        if now is None:
            return None
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(
                f"{now.isoformat()} has no offset: write it in UTC, as 2025-01-15T10:00:00Z"
            )
        return now.astimezone(UTC)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            if not name or name.startswith(("/", ".")) or ".." in name:
                raise ValueError(name)
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{name!r} is not an IANA time zone name: use one such as 'UTC' or "
                "'America/New_York'"
            ) from None
        return name

    #: the real time (``time.time()``) at which the clock stood at ``now``: set by
    #: :meth:`anchored`, once per grading or user-tool session
    _anchor: float | None = PrivateAttr(default=None)

    def anchored(self) -> Clock:
        """A copy that stands at ``now`` at this moment and advances with the real clock, so
        that every party handed it later (the app, the tests, the pages) reads the same time."""
        copy = self.model_copy()
        copy._anchor = time.time()
        return copy

    @property
    def iso(self) -> str:
        """The clock's current instant as ``2025-01-15T10:00:00.000Z`` (what the harness
        passes on: ``now``, advanced by the time since :meth:`anchored`); ``""`` without one."""
        if self.now is None:
            return ""
        at = self.now
        if self._anchor is not None:
            at += timedelta(seconds=max(0.0, time.time() - self._anchor))
        return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"

    def reading(self) -> dict[str, str | float]:
        """What the harness hands on (to the tests, a user-tool run): ``now`` (:attr:`iso`),
        ``now_at`` (the real ``time.time()`` at which the clock read ``now``: whoever reads it
        later counts from there, not from when it got it) and ``timezone``."""
        return {"now": self.iso, "now_at": round(time.time(), 3), "timezone": self.timezone}

    def env(self) -> dict[str, str]:
        """The environment that pins it: ``TZ``, ``SWELANCER_TIMEZONE`` and (with ``now``)
        ``SWELANCER_NOW`` and ``SWELANCER_NOW_AT`` (see :meth:`reading`)."""
        pinned = {"TZ": self.timezone, "SWELANCER_TIMEZONE": self.timezone}
        if self.now is None:
            return pinned
        reading = self.reading()
        return {
            **pinned,
            "SWELANCER_NOW": str(reading["now"]),
            "SWELANCER_NOW_AT": str(reading["now_at"]),
        }


class App(BaseModel):
    """An app on disk: ``tasks/apps/<name>/app.toml`` plus its source."""

    model_config = ConfigDict(extra="forbid")

    name: str
    root: Path
    #: shell command run in the app's tree; ``{port}`` and ``{data_dir}`` are filled in
    start: str
    #: path polled until it answers 200
    ready_path: str = "/"
    ready_timeout_s: float = Field(15.0, gt=0)
    #: shell command run in the app's tree before every start (the agent's change is rebuilt
    #: before the user tool and grading); npm tools of the app's lock are on its PATH
    build: str | None = None
    build_timeout_s: float = Field(120.0, gt=0)
    #: the start command reads none of the build's output (it serves it per request): the app
    #: starts while the build runs, and is ready once both are (a failed build still fails the
    #: start). About a third of a start on the bundled apps.
    start_during_build: bool = False
    #: shell command that must pass for the app to count as started, run in the app's tree
    #: alongside the build and the start (a type check: ``tsc -p . --noEmit``): a submission
    #: that fails it fails its grading, as one that breaks the build; the factory never makes a
    #: candidate that fails it
    check: str | None = None
    #: the instant every task of this app runs at (its server, the browser's pages and the
    #: tests' ``now`` fixture), unless a task sets its own ``[clock] now``: only for an app
    #: whose server reads ``SWELANCER_NOW`` (as the bundled apps' do)
    clock_now: datetime | None = None

    @field_validator("clock_now")
    @classmethod
    def _aware_now(cls, now: datetime | None) -> datetime | None:
        return Clock._aware(now)

    @property
    def build_and_check(self) -> str | None:
        """One shell command running the build and the check at once, failing if either does
        (for a runner that has no separate check step)."""
        if not self.check:
            return self.build
        if not self.build:
            return self.check
        return (
            f"( {self.check} ) & check=$!; ( {self.build} ); built=$?; wait $check; "
            'checked=$?; [ "$built" = 0 ] && [ "$checked" = 0 ]'
        )


class Proposal(BaseModel):
    """A freelancer's proposal on a manager task."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    patch: str = ""
    #: for a wrong proposal: why it is wrong, in terms a hidden test checks
    criterion: str | None = None


class OfficialInfo(BaseModel):
    """What an official SWE-Lancer row says beyond the common fields."""

    model_config = ConfigDict(extra="forbid")

    #: the benchmark's set (``diamond``) when the file says it; None for the older format
    set: str | None = None
    #: the CSV format the row came from: ``v1`` (SWELancer-Benchmark) or ``v2`` (frontier-evals)
    format: Literal["v1", "v2"]
    #: manager tasks: the Expensify/App commit of the fix (the tree the manager reads)
    manager_commit: str | None = None
    #: IC tasks: the issue folders whose tests grade it
    acceptable_folders: list[str] = Field(default_factory=list)
    cwd: str = "/app/expensify"
    #: IC tasks, from the issue folder: the commit the bug is reintroduced on, and the patch
    commit_id: str | None = None
    bug_reintroduce_patch: str | None = None


#: train/test/diamond hold the curated tasks; synth-train/synth-val the factory's generated ones
#: (:mod:`swelancer_env.tasks.synth`), never the same mutation site in both
Split = Literal["train", "test", "diamond", "synth-train", "synth-val"]
SPLITS: tuple[str, ...] = ("train", "test", "diamond", "synth-train", "synth-val")


class Task(BaseModel):
    """One freelance job.

    The fields from ``task.toml`` are checked here; the files beside it (issue, patches, tests)
    are read by the loader.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    app: str
    variant: Variant
    price: float = Field(gt=0)
    title: str = Field(min_length=1)
    #: None for official tasks (the benchmark does not say)
    #: a built-in :class:`Category` or one its tasks root declares in ``categories.toml``
    category: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    #: the split it belongs to: ``train``, ``test``, or ``diamond`` (held out for reporting)
    split: Split | None = None
    #: paths (relative to the app root) whose changes count; everything else is dropped
    acceptable_paths: list[str] = Field(default_factory=lambda: ["."])
    limits: Limits = Field(default_factory=Limits)
    #: the instant and time zone the browser and the app run at
    clock: Clock = Field(default_factory=Clock)
    correct_proposal: str | None = None
    #: manager: for each wrong proposal, the stated criterion it fails (checked by a hidden test)
    criteria: dict[str, str] = Field(default_factory=dict)
    #: IC: for each wrong fix (``wrong_fixes/NAME.patch``), why it is wrong in one sentence
    #: (its class: breaks something nearby, covers only the named cases, the issue's workaround,
    #: first interaction only, depends on today's date); ``validate`` proves each one fails
    wrong_fixes: dict[str, str] = Field(default_factory=dict)
    #: IC: for each right fix (``right_fixes/NAME.patch``), how it differs from the gold: a
    #: correct fix the issue would accept, written another way; ``validate`` proves it passes
    #: (the tests are not tied to the gold's way)
    right_fixes: dict[str, str] = Field(default_factory=dict)
    #: IC: gold hunks (``path:N``, the N-th hunk of that file in the gold diff) that the fix
    #: needs not (a comment, a refactor): the gold without one of them passes
    redundant_hunks: list[str] = Field(default_factory=list)
    #: IC: gold hunks that change behaviour but that no hidden test checks yet: the gold
    #: without one of them still passes. A debt written down, not a license: the tests should
    #: be strengthened and the hunk taken off this list (``validate`` says when it can be)
    untested_hunks: list[str] = Field(default_factory=list)
    #: set for a task of the official benchmark (see :mod:`swelancer_env.official`)
    official: OfficialInfo | None = None

    # filled by the loader from the task folder, not from task.toml
    folder: Path | None = None
    issue: str = ""
    bug_patch: str = ""
    user_tool: str = ""
    proposals: list[Proposal] = Field(default_factory=list)
    #: IC: the patches of ``wrong_fixes/`` by name (a git diff against the starting state)
    wrong_fix_patches: dict[str, str] = Field(default_factory=dict)
    #: IC: the patches of ``right_fixes/`` by name (a git diff against the starting state)
    right_fix_patches: dict[str, str] = Field(default_factory=dict)

    @field_validator("acceptable_paths")
    @classmethod
    def _relative_paths(cls, paths: list[str]) -> list[str]:
        for p in paths:
            if p.startswith("/") or ".." in Path(p).parts:
                raise ValueError(f"{p!r} must be a path relative to the app root, without '..'")
        return paths

    @model_validator(mode="after")
    def _manager_fields(self) -> Task:
        if self.variant == "swe_manager" and self.correct_proposal is None:
            raise ValueError("a swe_manager task needs correct_proposal (a proposal id)")
        if self.variant == "ic_swe" and self.correct_proposal is not None:
            raise ValueError("correct_proposal is only for swe_manager tasks")
        if self.variant == "swe_manager" and (
            self.wrong_fixes or self.right_fixes or self.redundant_hunks or self.untested_hunks
        ):
            raise ValueError(
                "wrong_fixes, right_fixes, redundant_hunks and untested_hunks are only for "
                "ic_swe tasks"
            )
        return self

    @property
    def tests_dir(self) -> Path:
        """The hidden tests; never copied into the agent's sandbox."""
        if self.folder is None:
            raise ValueError(f"task {self.id} was not loaded from a folder")
        return self.folder / "tests"
