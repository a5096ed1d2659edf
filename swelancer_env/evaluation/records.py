"""What an evaluation writes, as pydantic models: one module, so that every reader (summary,
report, ATIF export, replay) and every writer agree on the fields.

A run folder ``DIR`` holds:

- ``results.jsonl``: one :class:`EpisodeResult` per line, keyed by ``(task_id, attempt)``,
  appended and fsynced as each episode ends.
- ``summary.json``: :func:`swelancer_env.evaluation.summary.summarize` of those lines.
- ``run.json``: the run's settings (:class:`RunInfo`).
- ``trajectories/<task_id>/<attempt>.jsonl``: line 1 a :class:`TrajectoryHeader`, then one
  :class:`StepRecord` per step; screenshots as PNG files beside it
  (``<attempt>-step<NNN>.png``), named in ``StepRecord.screenshot``.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "NOT_GRADED",
    "OUTCOMES",
    "STOP_REASONS",
    "EpisodeResult",
    "ModelCall",
    "Outcome",
    "RunInfo",
    "StepRecord",
    "TokenUsage",
    "TrajectoryHeader",
]

#: how an episode came out: ``passed`` and ``failed`` (graded), ``agent_error`` (the agent's
#: failure before a verdict: context overflow, a refusal, no action, the step or time limit, an
#: exception), ``infra_error`` (the harness or the model endpoint failed), ``config_error`` (the
#: run's settings were refused: a wrong key, no such model, a bad base URL)
Outcome = Literal["passed", "failed", "agent_error", "infra_error", "config_error"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: outcomes that say nothing of the agent: left out of pass@k, run again by ``--resume``
NOT_GRADED: frozenset[str] = frozenset({"infra_error", "config_error"})

#: why an episode ended (``EpisodeResult.stop_reason``); an agent may give others
STOP_REASONS: dict[str, str] = {
    "submitted": "the agent submitted (or chose a proposal) and the work was graded",
    "max_turns": "the agent ran out of model calls (an IC job is then submitted as it stands)",
    "token_limit": "the agent spent its tokens per episode (--max-tokens-per-episode; an IC job "
    "is then submitted as it stands)",
    "cost_limit": "the agent spent its dollars per episode (--max-cost-per-episode; an IC job is "
    "then submitted as it stands)",
    "reply_too_long": "the model's replies were over --max-reply-chars, in replies in a row "
    "(with context='append_only': the first one)",
    "max_steps": "the env's step limit truncated the episode",
    "time_limit": "the env's time limit (its own time: commands, user tool, grading) truncated the episode",
    "wall_time_limit": "the env's wall-clock limit (wall_time_limit_s) truncated the episode",
    "truncated": "truncated by a limit or given up (a record from before stop reasons)",
    "gave_up": "the agent ended the episode without submitting (its act returned None)",
    "context_overflow": "the model endpoint said the conversation is over its context window",
    "refusal": "the model refused (in replies in a row, or the endpoint refused the prompt)",
    "no_action": "the model replied without an action, in replies in a row",
    "agent_exception": "the agent raised an exception",
    "model_error": "the model endpoint failed (5xx, timeouts, connection) after the retries",
    "harness_error": "the harness failed (reset, a step, grading)",
    "config_error": "the endpoint refused the run's settings (key, model, base URL, quota)",
    "context_full": "the conversation filled the context budget with context='append_only', "
    "which never rewrites earlier turns",
}


def _derived(data: dict[str, Any]) -> tuple[Outcome, str]:
    """The outcome and stop reason of a record that lacks them (one from before they existed,
    or made by a runner that does not classify): from its other fields."""
    if data.get("config_error"):
        return "config_error", "config_error"
    if data.get("infra_error"):
        model = "model endpoint" in str(data["infra_error"])
        return "infra_error", "model_error" if model else "harness_error"
    if data.get("agent_error"):
        return "agent_error", "agent_exception"
    if data.get("passed"):
        return "passed", "submitted"
    if data.get("truncated"):
        return "agent_error", "truncated"
    return "failed", "submitted"


class TokenUsage(BaseModel):
    """Tokens of one model call, or summed over many."""

    model_config = ConfigDict(extra="forbid")

    prompt: int = 0
    completion: int = 0
    reasoning: int = 0  # part of completion
    cached: int = 0  # part of prompt

    @property
    def total(self) -> int:
        return self.prompt + self.completion

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            prompt=self.prompt + other.prompt,
            completion=self.completion + other.completion,
            reasoning=self.reasoning + other.reasoning,
            cached=self.cached + other.cached,
        )


class ModelCall(BaseModel):
    """One request to a model endpoint and what came back."""

    model_config = ConfigDict(extra="forbid")

    model: str
    #: the request's body as sent (messages, tools, sampling settings); image data is replaced by
    #: a marker with its size and SHA-256, the image itself being the step's PNG
    request: dict[str, Any]
    #: the response as the endpoint returned it (``ChatCompletion.model_dump()``), or None
    response: dict[str, Any] | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    latency_s: float = 0.0
    #: dollars, from the price table; None when the model has no price (unknown is not free)
    cost: float | None = None
    #: per generated token ``{"token", "logprob", "top_logprobs"}`` when asked with --logprobs
    logprobs: list[dict[str, Any]] | None = None
    #: the prompt's token ids as the endpoint tokenized it (asked with ``token_ids``); None when
    #: not asked or the endpoint did not return them (never made up)
    prompt_token_ids: list[int] | None = None
    #: the ids of the whole completion (text and tool calls), as generated; None as above
    completion_token_ids: list[int] | None = None
    #: one logprob per id of ``completion_token_ids`` (asked with logprobs too); None when the
    #: endpoint gave none or not one per completion token
    completion_logprobs: list[float] | None = None
    #: why the call failed after the client's retries (then ``response`` is None)
    error: str | None = None
    #: the HTTP attempts before the last one, which the client retried (a 429, a 5xx, a
    #: timeout, a dropped connection): ``{"status", "error", "seconds", "wait_s"}`` each
    #: (``status`` None when no response came; ``wait_s``: the pause before the next attempt)
    retries: list[dict[str, Any]] = Field(default_factory=list)


class StepRecord(BaseModel):
    """One env step: what the agent did, what it saw, and the model calls behind it."""

    model_config = ConfigDict(extra="forbid")

    step: int  # 1-based
    action: Any  # the action as the agent returned it (a dict when it was a model)
    action_type: str | None = None  # None when the action was invalid
    observation: str  # obs["output"]
    exit_code: int
    #: the PNG of the observation's screenshot, relative to the trajectory file's folder; only
    #: on steps that took a new one (user tool calls)
    screenshot: str | None = None
    reward: float = 0.0
    terminated: bool = False
    truncated: bool = False
    timings: dict[str, float] = Field(default_factory=dict)
    model_calls: list[ModelCall] = Field(default_factory=list)
    #: the agent-visible grade on the final step (``info["grade"]``)
    grade: dict[str, Any] | None = None


class TrajectoryEnd(BaseModel):
    """The last line of a trajectory file: how the episode ended, and the model calls made
    after its last step (those that ended it without a step: out of turns or of budget, a
    model error, a manager job left unanswered)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["end"] = "end"
    steps: int
    model_calls: list[ModelCall] = Field(default_factory=list)
    #: the agent's exception, or the harness's, that ended the episode
    agent_error: str | None = None
    infra_error: str | None = None
    #: the agent ended it without an action (its ``act`` returned None)
    gave_up: bool = False


class TrajectoryHeader(BaseModel):
    """Line 1 of a trajectory file: the episode and its reset observation."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["header"] = "header"
    task_id: str
    attempt: int
    variant: str
    price: float
    title: str
    agent: str
    model: str | None = None
    seed: int | None = None
    tools: list[str] = Field(default_factory=list)
    observation: str  # the reset observation's text
    started_at: str  # ISO 8601, UTC


class EpisodeResult(BaseModel):
    """One line of ``results.jsonl``."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    variant: str
    price: float
    earned: float
    passed: bool
    steps: int
    seconds: float
    attempt: int = 0
    agent: str = ""
    model: str | None = None
    seed: int | None = None
    truncated: bool = False
    #: how the episode came out (see :data:`Outcome`); derived from the other fields when a
    #: line lacks it
    outcome: Outcome = "failed"
    #: why it ended (see :data:`STOP_REASONS`); derived when a line lacks it
    stop_reason: str = "submitted"
    #: the harness or the model endpoint failed: not the agent's failure; counted apart
    infra_error: str | None = None
    #: the agent failed before a verdict (an exception, a context overflow, a refusal, ...):
    #: the episode counts as not passed
    agent_error: str | None = None
    #: the endpoint refused the run's settings (the message says the fix): counted apart
    config_error: str | None = None
    tokens: TokenUsage = Field(default_factory=TokenUsage)
    model_calls: int = 0
    #: dollars spent on model calls; None when any call's model had no price
    cost: float | None = 0.0
    #: hidden tests that did not pass (for the researcher; the agent never sees their names)
    failed_tests: list[str] = Field(default_factory=list)
    #: each failed hidden test's message (its first 800 characters): for the researcher only,
    #: the agent never sees the run folder
    failure_messages: dict[str, str] = Field(default_factory=dict)
    #: the trajectory file, relative to the run folder
    trajectory: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_outcome(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("outcome" not in data or "stop_reason" not in data):
            outcome, stop_reason = _derived(data)
            data = {"outcome": outcome, "stop_reason": stop_reason, **data}
        return data

    @property
    def key(self) -> tuple[str, int]:
        return (self.task_id, self.attempt)

    @property
    def graded(self) -> bool:
        """Whether the episode says something of the agent (not an infra or config error)."""
        return self.outcome not in NOT_GRADED


class RunInfo(BaseModel):
    """``run.json``: how the run was made, for the report and ``compare``."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    model: str | None = None
    label: str = ""  # a short name for compare (default: agent and model)
    attempts: int = 1
    seed: int = 0
    backend: str = "local"
    tools: list[str] | None = None
    agent_options: dict[str, Any] = Field(default_factory=dict)
    tasks: list[str] = Field(default_factory=list)
    #: ``bundled``, or ``official`` (the SWE-Lancer Diamond set: see the report's note)
    source: str = "bundled"
    #: the official set the tasks are from (``diamond``), when ``source`` is official
    official_set: str | None = None
    started_at: str = ""
