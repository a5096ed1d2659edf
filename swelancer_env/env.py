"""SWELancerEnv: one freelance job per episode, as a gymnasium environment.

Example:
    >>> import gymnasium as gym
    >>> import swelancer_env  # registers the envs
    >>> env = gym.make("swelancer/SWELancer-v0")  # doctest: +SKIP
    >>> obs, info = env.reset(options={"task_id": "tally-split-avatars"})  # doctest: +SKIP
    >>> obs, reward, terminated, truncated, info = env.step(
    ...     {"type": "shell", "command": "git status"})  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import gymnasium as gym
import numpy as np

from swelancer_env import actions as A
from swelancer_env.async_env import AsyncEnvMethods
from swelancer_env.backends import DEFAULT_BACKEND, BackendConfig, make_backend
from swelancer_env.errors import ConfigError, EpisodeError, SubmissionTooLarge
from swelancer_env.grading.grader import Grader
from swelancer_env.grading.result import GradeResult
from swelancer_env.prompt import task_prompt
from swelancer_env.sandbox import edits
from swelancer_env.sandbox.base import Sandbox
from swelancer_env.spaces import (
    DEFAULT_SCREENSHOT_SHAPE,
    ActionSpace,
    make_observation_space,
    sanitize_text,
)
from swelancer_env.tasks.loader import load_task
from swelancer_env.tasks.model import Task

__all__ = ["SWELancerEnv"]

_prefetcher: tuple[int, ThreadPoolExecutor] | None = None
_prefetcher_lock = threading.Lock()


def _prefetch(task_id: str) -> None:
    """Lay out ``task_id`` and build its starting state in this process's background thread (a
    generated task's first draw: about 100 ms); a failure is left to the reset that draws it."""
    global _prefetcher
    with _prefetcher_lock:
        if _prefetcher is None or _prefetcher[0] != os.getpid():  # a forked child makes its own
            _prefetcher = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="swl-prefetch"))
        pool = _prefetcher[1]

    def build() -> None:
        from swelancer_env.sandbox.worktree import StartingState

        try:
            task = load_task(task_id)
            if task.official is None:
                StartingState.get(task)
        except Exception:  # noqa: BLE001 - the reset that draws it tells what failed
            pass

    pool.submit(build)


Obs = dict[str, Any]


#: the reward scales of ``SWELancerEnv(reward_scale=...)``
REWARD_SCALES = ("dollars", "binary", "fraction")


class SWELancerEnv(AsyncEnvMethods, gym.Env[Obs, Any]):
    """A freelance software job: fix the app (IC SWE) or choose a proposal (SWE Manager).

    A submission ends the episode with ``terminated=True`` and the reward it earned. When the
    harness could not reach a verdict (an infrastructure error: the grader's browser or
    container failed, never something the agent's code caused), the episode ends with
    ``terminated=False``, ``truncated=True``, reward 0, ``info["infra_error"]`` saying why and
    ``info["truncated_by"] == "infra_error"``: not a reward of 0 to learn from, an episode to
    drop or retry. Vector envs and the server carry the same flags and info.

    Args:
        task_id: the task of every episode, unless ``reset(options={"task_id": ...})`` says
            otherwise.
        backend: where the episode runs: a name (``"local"``, ``"docker"``), a mapping with
            ``type`` and that backend's settings (``{"type": "docker", "memory": "4g"}``), or
            a config (:mod:`swelancer_env.backends`). On ``"docker"`` the agent's shell, the
            grading and the user tool (app and Chromium) each run in a container of their own.
        render_mode: ``"ansi"`` (the text log) or ``"rgb_array"`` (the latest screenshot).
        partial_credit: reward ``price × fraction of hidden tests passed`` instead of all or
            nothing.
        max_steps: overrides the task's step limit.
        screenshot_shape: ``(height, width)`` of the observation's screenshot.
        chromium: the local backend's ``chromium`` setting (the Docker backend uses its image's).
        sandbox_options: more settings of the backend, laid over ``backend``'s (e.g.
            ``{"memory": "4g"}``); on Docker the grading and user tool containers get the same
            image and limits.
        tools: the optional actions offered (default all: ``shell``, ``view``, ``create``,
            ``str_replace``, ``insert``, ``user_tool``); the ending action (``submit`` or
            ``choose_proposal``) always is. A left-out action is refused in the observation
            and missing from the prompt and ``tool_schemas()``: to measure what a tool is
            worth, as the benchmark's user-tool ablation did.
        info_timings: also put the wall-clock timings in ``info["timings"]``. They are always
            in ``env.unwrapped.timings`` (the last reset's or step's); they differ between
            two runs of the same step, so by default ``info`` leaves them out and is equal
            for equal seeds and actions (what gymnasium's ``check_env`` asks).
        split: the tasks a reset without ``task_id`` draws from: ``"train"``, ``"test"``,
            ``"diamond"`` (held out for reporting), or None for every task. The draw uses
            the env's seeded generator: ``reset(seed=s)`` gives the same task for the same
            ``s``.
        reward_scale: the reward of a submission: ``"dollars"`` (what it earned: the job's
            price, or with ``partial_credit`` the part of it), ``"binary"`` (1.0 if it passed,
            else 0.0) or ``"fraction"`` (earned / price, in [0, 1]). ``info["grade"]`` keeps the
            dollars whatever the scale.
        time_limit_s: overrides the task's time limit: seconds of the env's own time (its
            commands, user tool runs and grading) per episode.
        wall_time_limit_s: also truncate once this much wall-clock time has passed since the
            reset (default: none). The task's own time limit counts the env's time alone (its
            commands, user tool runs and grading), not the time the policy takes between steps,
            so that truncation does not depend on the sampler's speed.
        observation: ``"full"`` (text, exit code and the screenshot) or ``"text"`` (no
            screenshot in the observation: about 32 KB at most instead of 800 KB; the
            screenshot is then in ``info["screenshot"]`` on user tool steps, and always a
            file under ``.swelancer/user_tool/``).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 1}

    def __init__(
        self,
        task_id: str | None = None,
        backend: str | dict[str, Any] | BackendConfig = DEFAULT_BACKEND,
        render_mode: str | None = None,
        partial_credit: bool = False,
        max_steps: int | None = None,
        screenshot_shape: tuple[int, int] = DEFAULT_SCREENSHOT_SHAPE,
        chromium: str | None = None,
        sandbox_options: dict[str, Any] | None = None,
        info_timings: bool = False,
        tools: list[str] | tuple[str, ...] | None = None,
        split: str | None = None,
        observation: str = "full",
        reward_scale: str = "dollars",
        wall_time_limit_s: float | None = None,
        time_limit_s: float | None = None,
    ):
        #: the settings this env was made with (:meth:`fork` makes its copies with them)
        self._settings = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(
                f"render_mode {render_mode!r} is not supported; use one of "
                f"{self.metadata['render_modes']} or None"
            )
        options = dict(sandbox_options or {})
        if chromium is not None:
            options.setdefault("chromium", chromium)
        #: makes each episode's sandbox, grader and user tool
        self.backend_impl = make_backend(backend, options)
        #: the backend's validated settings
        self.backend_config = self.backend_impl.config
        #: the backend's name
        self.backend = self.backend_config.type
        self.task_id = task_id
        self.render_mode = render_mode
        self.partial_credit = partial_credit
        self.max_steps_override = max_steps
        self.screenshot_shape = tuple(screenshot_shape)
        self.info_timings = info_timings
        if observation not in ("full", "text"):
            raise ConfigError(f"observation={observation!r}: use 'full' or 'text'")
        if reward_scale not in REWARD_SCALES:
            raise ConfigError(
                f"reward_scale={reward_scale!r}: use one of {', '.join(REWARD_SCALES)}"
            )
        if wall_time_limit_s is not None and not wall_time_limit_s > 0:
            raise ConfigError(f"wall_time_limit_s={wall_time_limit_s!r}: give seconds > 0, or None")
        if time_limit_s is not None and not time_limit_s > 0:
            raise ConfigError(f"time_limit_s={time_limit_s!r}: give seconds > 0, or None")
        self.time_limit_s = time_limit_s
        self.reward_scale = reward_scale
        self.wall_time_limit_s = wall_time_limit_s
        self.observation = observation
        self.split = split
        self._split_cache: list[str] | None = None  # the split's task ids, read from disk once
        if split is not None:
            self._split_ids()  # an unknown or empty split fails now
        #: wall-clock seconds of the last reset or step (``reset_s``; ``step_s``, ...)
        self.timings: dict[str, float] = {}
        self.tools = None if tools is None else list(tools)
        # set at each reset for its task's variant; an unknown name fails here, not at reset
        self._offered = A.offered_tools("ic_swe", self.tools)
        self.observation_space = make_observation_space(
            self.screenshot_shape,  # type: ignore[arg-type]
            screenshot=observation == "full",
        )
        self.action_space = ActionSpace()
        self.task: Task | None = None
        self.sandbox: Sandbox | None = None
        self._grader = self._make_grader()
        self._user_tool: Any = None
        self._steps = 0
        self._started = 0.0
        self._env_seconds = 0.0  # the env's own time in this episode's steps
        self._done = False
        self._log: list[str] = []
        self._screenshot = np.zeros((*self.screenshot_shape, 3), dtype=np.uint8)
        self._closed = False
        #: the full verdict of the latest submission, hidden tests' names and messages included
        #: (``info["grade"]`` has only what the agent may see)
        self.last_grade: GradeResult | None = None
        if task_id is not None:
            load_task(task_id)  # fail now, with "did you mean", not at reset

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self.action_space.seed(seed)
        started = time.perf_counter()
        options = dict(options or {})
        task_id = options.pop("task_id", None) or self.task_id
        if options:
            raise ConfigError(f"unknown reset options {sorted(options)}; the only one is 'task_id'")
        ids: list[str] = []
        if task_id is None:  # drawn from the split with the env's seeded generator
            ids = self._split_ids()
            task_id = ids[int(self.np_random.integers(len(ids)))]
        task = load_task(task_id)
        self._end_episode()
        self._closed = False
        self.task = task
        self._offered = A.offered_tools(task.variant, self.tools)
        if task.official is not None:  # no app of the official tasks runs here
            self._offered = [t for t in self._offered if t != "user_tool"]
        self.sandbox = self.backend_impl.sandbox(task)
        self._grader.warm_up(task)  # the grader's browser starts while the agent works
        self._steps = 0
        self._done = False
        self._started = time.monotonic()
        self._env_seconds = 0.0
        self._screenshot = np.zeros((*self.screenshot_shape, 3), dtype=np.uint8)
        text = task_prompt(task, self._max_steps, self.offered_tools)
        if task.official is not None:
            from swelancer_env.official.trees import TEXT_ONLY_NOTE, is_text_only

            if is_text_only(task):
                text = f"{text}\n\n{TEXT_ONLY_NOTE}"
        self._log = [text]
        info = {
            "task_id": task.id,
            "variant": task.variant,
            "price": task.price,
            "title": task.title,
            "workdir": self.sandbox.workdir,
            "isolation": getattr(self.sandbox, "isolation", "container"),
            "proposal_ids": [p.id for p in task.proposals],
            "tools": self.offered_tools,
        }
        if ids:  # the next draw (a copy of the generator: this one is not moved) is made
            # ready while the agent works, unless a seed or a task id changes it
            ahead = copy.deepcopy(self.np_random)
            _prefetch(ids[int(ahead.integers(len(ids)))])
        self.timings = {"reset_s": time.perf_counter() - started}
        if self.info_timings:
            info["timings"] = dict(self.timings)
        return self._obs(text, 0), info

    def _split_ids(self) -> list[str]:
        if self._split_cache is None and self.split is not None and self.split.startswith("synth"):
            from swelancer_env.tasks.synth import synth_ids

            # generated tasks: drawn from the indexes, a task read only when a reset draws it
            self._split_cache = synth_ids(self.split)
            if not self._split_cache:
                raise ConfigError(
                    f"no generated task in split {self.split!r}: make some with "
                    "`swelancer-env factory make APP`"
                )
        if self._split_cache is None:
            from swelancer_env.tasks.loader import list_tasks

            tasks = list_tasks()
            ids = [t.id for t in tasks if self.split is None or t.split == self.split]
            if not ids:
                known = sorted({str(t.split) for t in tasks})
                raise ConfigError(f"no task in split {self.split!r}; the splits are: {known}")
            self._split_cache = ids
        return self._split_cache

    def close(self) -> None:
        """End the episode's sandbox and browser, and wait for the grader's clean-up. Safe to
        call twice."""
        self._end_episode()
        self._grader.close()
        self._closed = True
        self._end_async_pool()

    def interrupt(self) -> None:
        """Cut a running ``step`` short from another thread (a server whose client left): the
        shell command it runs is killed and the step returns its observation. Then call
        :meth:`close` from the thread that stepped."""
        sandbox = self.sandbox
        if sandbox is not None:
            sandbox.interrupt()

    def fork(self, n: int = 1) -> list[SWELancerEnv]:
        """``n`` independent copies of this episode as it stands, for group rollouts (GRPO)
        from the same point: each a new env with this one's settings, the same task, a fresh
        sandbox on the same backend whose tree holds this episode's change (every file as a
        submission would carry it: the harness's diff, applied onto the task's starting state,
        so nothing of the agent's tree is copied but its content), the same step count and env
        time; the shell starts anew (its history, variables and background processes are not
        carried), as does the user tool. Close each copy when done.

        Raises:
            EpisodeError: no episode, or it has ended.
            SubmissionTooLarge: the change is over the task's diff limits.
        """
        if self.sandbox is None or self.task is None or self._done:
            raise EpisodeError("fork() needs an episode under way: reset() first, before it ends")
        if n < 1:
            raise ConfigError(f"fork(n={n!r}): n is 1 or more")
        task = self.task
        diff = self.sandbox.diff(None, (task.limits.max_diff_bytes, task.limits.max_diff_files))
        copies: list[SWELancerEnv] = []
        try:
            for _ in range(n):
                twin = SWELancerEnv(**self._settings)
                copies.append(twin)
                twin._adopt(self, diff)
        except BaseException:
            for twin in copies:
                twin.close()
            raise
        return copies

    def _adopt(self, source: SWELancerEnv, diff: str) -> None:
        """Become a copy of ``source``'s episode, its tree holding ``diff``."""
        task = source.task
        assert task is not None
        self.task, self._offered = task, list(source._offered)
        self.sandbox = self.backend_impl.sandbox(task)
        self.sandbox.adopt(diff)
        self._grader.warm_up(task)
        self._steps, self._done, self._closed = source._steps, False, False
        self._started, self._env_seconds = source._started, source._env_seconds
        self._screenshot = source._screenshot.copy()
        self._log = [*source._log, f"$ forked at step {source._steps}"]
        self.np_random = copy.deepcopy(source.np_random)  # the same state, drawn apart

    def _end_episode(self) -> None:
        if self._user_tool is not None:
            self._user_tool.close()
            self._user_tool = None
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None

    @property
    def offered_tools(self) -> list[str]:
        """The action types this episode offers (its variant's ending action included)."""
        return list(self._offered)

    def tool_schemas(self) -> list[dict[str, Any]]:
        """The offered actions as OpenAI function-calling tools, for the current task."""
        return A.tool_schemas(self.task.variant if self.task else "ic_swe", self.tools)

    @property
    def _max_steps(self) -> int:
        if self.max_steps_override is not None:
            return self.max_steps_override
        return self.task.limits.max_steps if self.task else 100

    # -- stepping --------------------------------------------------------------------------

    def step(self, action: Any):
        if self.sandbox is None or self.task is None:
            raise EpisodeError(
                "step() before reset(): call env.reset(options={'task_id': ...}) first"
            )
        if self._done:
            raise EpisodeError("the episode has ended (submitted or truncated): call env.reset()")
        started = time.perf_counter()
        self._steps += 1
        info: dict[str, Any] = {"task_id": self.task.id, "step": self._steps}
        reward, terminated = 0.0, False
        parsed, error = A.parse_action(action)
        if parsed is not None and parsed.type in A.OPTIONAL_TOOLS:
            if parsed.type not in self._offered:
                offered = ", ".join(self._offered)
                error = f"The {parsed.type} action is not offered in this episode; use one of: {offered}."
                parsed = None
        if parsed is None:
            text, code = error or "Invalid action.", 1
            info["agent_error"] = text
        else:
            info["action"] = parsed.type
            text, code, reward, terminated = self._dispatch(parsed, info)
        elapsed = time.monotonic() - self._started
        self._env_seconds += time.perf_counter() - started
        limits = {  # the first reached, in this order
            "step limit": self._steps >= self._max_steps,
            "time limit": self._env_seconds >= (self.time_limit_s or self.task.limits.time_limit_s),
            "wall time limit": self.wall_time_limit_s is not None
            and elapsed >= self.wall_time_limit_s,
        }
        reached = next((why for why, hit in limits.items() if hit), None)
        truncated = not terminated and reached is not None
        if terminated and self.reward_scale != "dollars" and "grade" in info:
            grade = info["grade"]
            reward = (
                float(bool(grade.get("passed")))
                if self.reward_scale == "binary"
                else float(grade.get("earned", 0.0)) / float(grade.get("price") or 1.0)
            )
        if "infra_error" in info:  # no verdict: the episode ends, but no reward was decided
            terminated, truncated = False, True
            info["truncated_by"] = "infra_error"
            text += "\n[episode truncated: the harness could not grade it (infra_error); retry it]"
        elif truncated:
            text += f"\n[episode truncated: {reached} reached; nothing was submitted]"
            info["truncated_by"] = reached
        self._done = terminated or truncated
        timings = info.pop("timings", {})
        timings["step_s"] = time.perf_counter() - started
        timings["elapsed_s"] = elapsed
        timings["env_s"] = self._env_seconds
        self.timings = timings
        if self.info_timings:
            info["timings"] = dict(timings)
        self._log.append(f"$ step {self._steps} {info.get('action', 'invalid')}\n{text}")
        return self._obs(text, code), float(reward), terminated, truncated, info

    def _dispatch(self, action: Any, info: dict[str, Any]) -> tuple[str, int, float, bool]:
        """Run one valid action: (text, exit code, reward, terminated)."""
        sandbox, task = self.sandbox, self.task
        if sandbox is None or task is None:
            raise EpisodeError("no episode")
        if isinstance(action, A.ShellAction):
            res = sandbox.run(action.command, action.timeout or task.limits.command_timeout_s)
            info["command"] = res.model_dump(exclude={"output", "seconds"})
            info["timings"] = {"command_s": res.seconds}
            code = -1 if res.exit_code is None else res.exit_code
            return res.output, code, 0.0, False
        if isinstance(action, (A.ViewAction, A.CreateAction, A.StrReplaceAction, A.InsertAction)):
            result = edits.apply_edit(sandbox.tree, sandbox.workdir, action)
            return result.output, 0 if result.ok else 1, 0.0, False
        if isinstance(action, A.UserToolAction):
            return self._run_user_tool(action, info)
        if isinstance(action, A.SubmitAction):
            if task.variant == "swe_manager":
                ids = ", ".join(p.id for p in task.proposals)
                return (
                    f"This is a manager task: end it with choose_proposal (one of: {ids}).",
                    1,
                    0.0,
                    False,
                )
            limits = (task.limits.max_diff_bytes, task.limits.max_diff_files)
            try:
                diff = sandbox.diff(task.acceptable_paths, limits)
            except SubmissionTooLarge as e:
                why = f"the submission was not graded: {e}"
                grade = GradeResult(task_id=task.id, passed=False, price=task.price, reason=why)
                return self._finish(grade, info)
            if not diff.strip():  # the starting state fails by construction (validate proves it)
                paths = ", ".join(task.acceptable_paths)
                why = f"nothing was submitted: the tree has no change in the paths that count ({paths})"
                grade = GradeResult(task_id=task.id, passed=False, price=task.price, reason=why)
                return self._finish(grade, info)
            grade = self._grader.grade(task, diff)
            return self._finish(grade, info)
        if isinstance(action, A.ChooseProposalAction):
            if task.variant != "swe_manager":
                return (
                    "choose_proposal is for manager tasks; fix the code and submit.",
                    1,
                    0.0,
                    False,
                )
            known = [p.id for p in task.proposals]
            if action.proposal_id not in known:
                return (
                    f"No proposal {action.proposal_id!r}; choose one of: {', '.join(known)}.",
                    1,
                    0.0,
                    False,
                )
            right = action.proposal_id == task.correct_proposal
            grade = GradeResult(
                task_id=task.id, passed=right, price=task.price,
                earned=task.price if right else 0.0, fraction_passed=1.0 if right else 0.0,
                reason="" if right else "another proposal was the right one",
            )  # fmt: skip
            text, code, reward, done = self._finish(grade, info)
            verdict = "the right choice" if right else "not the proposal that fixes the issue"
            return (
                f"Proposal {action.proposal_id} was {verdict}: earned ${grade.earned:,.2f}.",
                code,
                reward,
                done,
            )
        raise EpisodeError(f"unhandled action {action!r}")

    def _finish(self, grade: GradeResult, info: dict[str, Any]) -> tuple[str, int, float, bool]:
        self.last_grade = grade
        info["grade"] = grade.public()
        if grade.infra_error:
            info["infra_error"] = info["grade"]["infra_error"]
        return grade.summary(), 0 if grade.passed else 1, grade.earned, True

    def _run_user_tool(
        self, action: A.UserToolAction, info: dict[str, Any]
    ) -> tuple[str, int, float, bool]:
        if self._user_tool is None:
            self._user_tool = self._make_user_tool()
        report = self._user_tool.run(viewport=action.viewport)
        info["user_tool"] = report.info()
        shot = report.screenshot_array(self.screenshot_shape)
        if shot is not None:
            self._screenshot = shot
            if self.observation == "text":
                info["screenshot"] = shot
        return report.text(), 0 if report.ok else 1, 0.0, False

    def _make_grader(self) -> Grader:
        return self.backend_impl.grader(partial_credit=self.partial_credit)

    def _make_user_tool(self) -> Any:
        if self.task is None or self.sandbox is None:
            raise EpisodeError("no episode: call env.reset() first")
        return self.backend_impl.user_tool(self.task, self.sandbox)

    # -- observation and rendering ---------------------------------------------------------

    def _obs(self, text: str, code: int) -> Obs:
        obs: Obs = {
            "output": sanitize_text(text),
            "exit_code": np.array(max(-1, min(255, code)), dtype=np.int64),
        }
        if self.observation == "full":
            obs["screenshot"] = self._screenshot.copy()
        return obs

    def render(self) -> str | np.ndarray | None:
        if self.render_mode == "ansi":
            return "\n".join(self._log[-20:]) + "\n"
        if self.render_mode == "rgb_array":
            return self._screenshot.copy()
        return None
