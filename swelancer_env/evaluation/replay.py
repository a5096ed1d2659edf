"""Replaying a recorded trajectory against a fresh env, to check that it still behaves the same.

``swelancer-env replay DIR/trajectories/<task_id>/<attempt>.jsonl`` resets a new env with the
header's task and seed, steps each recorded action in order and compares what comes back with
what was recorded: the observation's text, the exit code, the reward, ``terminated`` and
``truncated``. It stops at the first difference and shows it as a unified diff.

Text is compared as is, with one exception: the per-step and total durations of a *user tool
report* (``[1.23 s]`` after each browser step, ``Took 9.59 s.`` at the end) are masked in both
texts before they are compared and diffed, since no two browser runs take the same time. Nothing
else is masked: any other text that varies between runs is a difference, to be fixed in the env.

Example:
    >>> result = replay_trajectory(Path("runs/x/trajectories/tally-mgr-jpy-format/0.jsonl"))  # doctest: +SKIP
    >>> result.matched, result.steps_replayed  # doctest: +SKIP
    (True, 6)
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from swelancer_env.evaluation.records import StepRecord
from swelancer_env.evaluation.trajectory import read_trajectory

__all__ = [
    "ReplayResult",
    "StepDifference",
    "add_replay_parser",
    "cmd_replay",
    "mask_user_tool_durations",
    "read_trajectory",
    "replay_trajectory",
]

_PAUSE_LINES = 12  # output lines shown per step with pause=True
_STEP_SECONDS = re.compile(r"(?m)(  \[)\d+(?:\.\d+)? s\]$")  # "  4. ok  Click 'Add'  [0.41 s]"
_TOOK_SECONDS = re.compile(r"(?m)^Took \d+(?:\.\d+)? s")  # the report's last line


class StepDifference(BaseModel):
    """The first place where the replay and the record disagree."""

    model_config = ConfigDict(extra="forbid")

    step: int  # 0: the reset observation
    field: Literal["observation", "exit_code", "reward", "terminated", "truncated", "episode_end"]
    recorded: Any
    replayed: Any
    diff: str = ""  # a unified diff of the texts (field "observation" only)


class ReplayResult(BaseModel):
    """What a replay found."""

    model_config = ConfigDict(extra="forbid")

    path: str
    steps_recorded: int
    steps_replayed: int
    first_difference: StepDifference | None = None
    stopped: bool = False  # the user stopped a paused replay with ``q``
    torn_last_line: bool = False  # a torn last line (a crashed run) was ignored

    @computed_field  # type: ignore[prop-decorator]
    @property
    def matched(self) -> bool:
        """True when every replayed step agreed with the record."""
        return self.first_difference is None


def mask_user_tool_durations(text: str) -> str:
    """``text`` (a user tool report) with its durations replaced by ``#``.

    Example:
        >>> mask_user_tool_durations("  1. ok     Log in  [2.35 s]\\nTook 9.59 s.")
        '  1. ok     Log in  [# s]\\nTook # s.'
    """
    return _TOOK_SECONDS.sub("Took # s", _STEP_SECONDS.sub(r"\g<1># s]", text))


def _text_difference(step: int, recorded: str, replayed: str) -> StepDifference:
    diff = difflib.unified_diff(
        recorded.splitlines(),
        replayed.splitlines(),
        fromfile=f"recorded (step {step})",
        tofile=f"replayed (step {step})",
        lineterm="",
    )
    return StepDifference(
        step=step, field="observation", recorded=recorded, replayed=replayed, diff="\n".join(diff)
    )


def _compare(
    record: StepRecord, obs: dict[str, Any], reward: float, term: bool, trunc: bool
) -> StepDifference | None:
    recorded, replayed = record.observation, str(obs["output"])
    if record.action_type == "user_tool":
        recorded, replayed = mask_user_tool_durations(recorded), mask_user_tool_durations(replayed)
    if recorded != replayed:
        return _text_difference(record.step, recorded, replayed)
    checks: list[tuple[Any, Any, Any]] = [
        ("exit_code", record.exit_code, int(obs["exit_code"])),
        ("reward", record.reward, float(reward)),
        ("terminated", record.terminated, bool(term)),
        ("truncated", record.truncated, bool(trunc)),
    ]
    for field, want, got in checks:
        same = math.isclose(want, got, abs_tol=1e-9) if field == "reward" else want == got
        if not same:
            return StepDifference(step=record.step, field=field, recorded=want, replayed=got)
    return None


def _show_step(say: Callable[[str], None], record: StepRecord, obs: dict[str, Any]) -> None:
    action = record.action if isinstance(record.action, str) else json.dumps(record.action)
    say(f"[{record.step:>3}] {action[:200]}  -> exit {int(obs['exit_code'])}")
    lines = str(obs["output"]).rstrip().splitlines()
    for line in lines[:_PAUSE_LINES]:
        say(f"      {line}")
    if len(lines) > _PAUSE_LINES:
        say(f"      ... ({len(lines) - _PAUSE_LINES} more lines)")


def replay_trajectory(
    path: Path,
    *,
    backend: str = "local",
    chromium: str | None = None,
    pause: bool = False,
    ask: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
) -> ReplayResult:
    """Replay the trajectory at ``path`` in a fresh env and compare each step with the record.

    The env is ``SWELancerEnv(backend=..., chromium=..., info_timings=False)`` with the tools
    the header names, reset with the header's seed and task. Durations in user tool reports
    are masked before comparing (see the module's docstring); nothing else is.

    Args:
        path: a trajectory file (``DIR/trajectories/<task_id>/<attempt>.jsonl``).
        backend: the env's backend, ``"local"`` or ``"docker"``.
        chromium: the Chromium for user tool steps (default: found automatically).
        pause: show each step and wait for Enter (through ``ask``) before the next one;
            answering ``q`` (or end of input) stops the replay.
        ask: reads a line from the user (``pause`` only).
        say: shows a line to the user.

    Returns:
        How many steps were replayed and the first difference, if any.

    Raises:
        ConfigError: the file is not a trajectory (the message names ``file:line``).
    """
    from swelancer_env.actions import OPTIONAL_TOOLS
    from swelancer_env.env import SWELancerEnv

    path = Path(path)
    header, records, torn = read_trajectory(path)
    if torn is not None:
        say(f"note: {path}:{torn}: a torn last line (a crashed run?) was ignored")
    result = ReplayResult(
        path=str(path),
        steps_recorded=len(records),
        steps_replayed=0,
        torn_last_line=torn is not None,
    )
    # an empty list is the field's default (not recorded): then every tool, the env's default
    tools = [t for t in header.tools if t in OPTIONAL_TOOLS] if header.tools else None
    env = SWELancerEnv(backend=backend, chromium=chromium, info_timings=False, tools=tools)
    try:
        obs, _ = env.reset(seed=header.seed, options={"task_id": header.task_id})
        if obs["output"] != header.observation:
            result.first_difference = _text_difference(0, header.observation, obs["output"])
            return result
        if pause:
            say(f"{path}: {header.task_id}, {len(records)} steps recorded; reset matches")
        ended = False
        for record in records:
            if ended:
                result.first_difference = StepDifference(
                    step=record.step, field="episode_end", recorded="more steps",
                    replayed="the episode had ended",
                )  # fmt: skip
                break
            if pause and _stop(ask, f"Enter: replay step {record.step}; q: stop > "):
                result.stopped = True
                break
            obs, reward, terminated, truncated, _ = env.step(record.action)
            result.steps_replayed += 1
            if pause:
                _show_step(say, record, obs)
            result.first_difference = _compare(record, obs, reward, terminated, truncated)
            if result.first_difference is not None:
                break
            ended = terminated or truncated
    finally:
        env.close()
    return result


def _stop(ask: Callable[[str], str], prompt: str) -> bool:
    try:
        return ask(prompt).strip().lower() in ("q", "quit")
    except EOFError:
        return True


def cmd_replay(args: argparse.Namespace) -> int:
    """``swelancer-env replay PATH``: 0 when every step matched, 1 at a difference."""
    result = replay_trajectory(
        Path(args.path), backend=args.backend, chromium=args.chromium, pause=args.pause
    )
    d = result.first_difference
    if d is None:
        left = result.steps_recorded - result.steps_replayed
        tail = f" (stopped; {left} not replayed)" if result.stopped else ""
        print(f"replayed {result.steps_replayed} steps: all observations match{tail}")
        return 0
    where = "the reset observation" if d.step == 0 else f"step {d.step}"
    print(f"replayed {result.steps_replayed} steps: {where} differs ({d.field})")
    if d.field == "observation":
        print(d.diff)
    else:
        print(f"  recorded: {d.recorded!r}\n  replayed: {d.replayed!r}")
    return 1


def add_replay_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``replay PATH [--pause] [--backend] [--chromium]`` to ``subparsers``."""
    p = subparsers.add_parser(
        "replay",
        help="replay a recorded trajectory in a fresh env and show the first difference",
    )
    p.add_argument("path", help="a trajectory file: DIR/trajectories/<task_id>/<attempt>.jsonl")
    p.add_argument("--pause", action="store_true", help="show each step; Enter for the next")
    p.add_argument("--backend", default="local", choices=["local", "docker"])
    p.add_argument("--chromium", help="Chromium executable (default: found automatically)")
    p.set_defaults(func=cmd_replay)
    return p
