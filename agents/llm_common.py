"""What the two LLM agents share: their settings, the recorded client, the context budget, the
screenshot as an image part, and how an episode ends for the model's sake.

A reply without an action (a refusal, no tool call or code) goes back to the model saying what
is expected; ``max_idle_replies`` of them in a row end the episode as the agent's failure
(:class:`AgentStopped`, stop reason ``refusal`` or ``no_action``). A model error ends it as
:mod:`swelancer_env.llm.client` says: a context overflow or a refused prompt is the agent's
failure, an endpoint that failed an infrastructure error, a refused key or model a config error
that stops an evaluation.

Limits per episode: out of model calls (``max_turns``), of tokens (``max_episode_tokens``,
prompt and completion summed over the episode's calls) or of dollars (``max_episode_cost``),
the agent makes no further call: it submits an IC job as it stands and leaves a manager job
unanswered, with ``stop_reason`` ``max_turns``, ``token_limit`` or ``cost_limit``. The token and
cost limits are checked before each call, so one call may go past them (``max_tokens`` bounds a
call's completion). A reply longer than ``max_reply_chars`` (its text and tool call arguments)
is not acted on: the conversation keeps it cut to that size and the model is asked for a
shorter one; such replies count as replies without an action (stop reason ``reply_too_long``
when ``max_idle_replies`` of them come in a row). With ``context="append_only"``, which never
rewrites what the model said, the first one ends the episode (``reply_too_long``).

Context management (``context``): ``"trim"`` (the default) drops the oldest turns when the
messages go over ``context_tokens`` (:func:`trim_context`), and the agents show one screenshot at
a time, replacing older ones with a line of text. Both rewrite what the model saw before, so a
turn's prompt is then no longer the previous prompt plus its completion plus the new observation.
``"append_only"`` never rewrites an earlier message: messages are only appended, older
screenshots stay, and when the messages go over ``context_tokens`` the episode ends before the
call, as the agent's failure, with stop reason ``context_full`` (:class:`AgentStopped`), rather
than with history rewritten. Use it with ``token_ids`` (tokens in, tokens out: the record of each
call keeps the prompt's and the completion's token ids, see :mod:`swelancer_env.llm.client`), so
that turn t's prompt ids start with turn t-1's prompt ids and completion ids."""

from __future__ import annotations

import base64
import io
import json
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.evaluation.records import ModelCall
from swelancer_env.llm.client import ModelCallError, ModelClient
from swelancer_env.llm.prices import PriceTable

__all__ = [
    "AgentStopped",
    "LLMAgentBase",
    "LLMOptions",
    "estimate_tokens",
    "screenshot_part",
    "trim_context",
]

_IMAGE_TOKENS = 1_000  # what one half-scale screenshot costs a vision model, roughly


class LLMOptions(BaseModel):
    """Settings of an LLM agent (the CLI's ``--model``, ``--temperature``, ...)."""

    model_config = ConfigDict(extra="forbid")

    model: str
    base_url: str | None = None  # default: OPENAI_BASE_URL
    api_key_env: str = "OPENAI_API_KEY"
    reasoning_effort: str | None = None  # "minimal" | "low" | "medium" | "high"
    temperature: float | None = None
    max_turns: int = Field(50, ge=1, description="model calls per episode")
    max_idle_replies: int = Field(
        3,
        ge=1,
        description="replies in a row without an action (a refusal, no tool call) "
        "before the episode ends as the agent's failure",
    )
    max_tokens: int | None = Field(None, ge=1, description="completion tokens per call")
    max_episode_tokens: int | None = Field(
        None,
        ge=1,
        description="prompt and completion tokens per episode, summed over its calls: no call "
        "is made once they are spent (stop reason token_limit)",
    )
    max_episode_cost: float | None = Field(
        None,
        gt=0,
        description="dollars per episode, from the price table: no call is made once they are "
        "spent (stop reason cost_limit); the model needs a price",
    )
    max_reply_chars: int | None = Field(
        None,
        ge=100,
        description="characters of one reply (text and tool call arguments): a longer one is "
        "not acted on, and is kept cut to this size (append_only: the episode ends, stop reason "
        "reply_too_long)",
    )
    context_tokens: int = Field(
        100_000, ge=2_000, description="budget for the messages sent (estimated)"
    )
    vision: bool = False
    logprobs: bool = False
    top_logprobs: int = Field(0, ge=0, le=20)
    token_ids: bool = Field(
        False,
        description="ask the endpoint for the prompt's and completion's token ids (vLLM's "
        "return_token_ids) and keep them in each call's record",
    )
    context: Literal["trim", "append_only"] = Field(
        "trim",
        description="trim: drop old turns over the budget; append_only: never rewrite earlier "
        "turns, end the episode (stop reason context_full) when the budget is spent",
    )
    max_retries: int = Field(4, ge=0)
    timeout: float = Field(300.0, gt=0)
    prices: str | None = None  # a price file; default: the built-in table
    seed: int | None = None


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """A rough count (4 characters a token; a fixed cost per image) for the context budget."""
    total = 0
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            for part in content:
                if part.get("type") == "image_url":
                    total += _IMAGE_TOKENS
                else:
                    total += len(part.get("text", "")) // 4
        elif isinstance(content, str):
            total += len(content) // 4
        if m.get("tool_calls"):
            total += len(json.dumps(m["tool_calls"])) // 4
        total += 4
    return total


def _context_note(trimmed: int) -> dict[str, Any]:
    return {
        "role": "user",
        "name": "context_note",
        "content": f"[{trimmed} earlier messages were trimmed to fit the context budget; the "
        "job and the latest turns are kept]",
    }


def trim_context(messages: list[dict[str, Any]], budget: int, keep_first: int = 2) -> int:
    """Drop the oldest turns until ``messages`` fit ``budget`` tokens; returns how many messages
    went. The first ``keep_first`` (system prompt and issue) always stay; a turn (an assistant
    message with the tool results and notes after it) goes whole, so no tool result is left
    without its call. A note says what was trimmed (it counts against the budget too)."""
    if estimate_tokens(messages) <= budget:
        return 0
    dropped = 0
    note_at = keep_first
    has_note = len(messages) > note_at and messages[note_at].get("name") == "context_note"
    start = note_at + (1 if has_note else 0)
    previous = int(messages[note_at]["content"][1:].split()[0]) if has_note else 0
    # room for the note this trim leaves (its count at most this long) beyond the one it replaces
    reserve = estimate_tokens([_context_note(previous + len(messages))])
    if has_note:
        reserve -= estimate_tokens([messages[note_at]])
    while estimate_tokens(messages) + reserve > budget:
        # the oldest turn: from `start` to the next assistant message after it
        ends = [i for i in range(start + 1, len(messages)) if messages[i]["role"] == "assistant"]
        if not ends:
            break  # only the latest turn is left: keep it, even over budget
        dropped += ends[0] - start
        del messages[start : ends[0]]
    if dropped:
        if has_note:
            del messages[note_at]
        messages.insert(note_at, _context_note(previous + dropped))
    return dropped


def screenshot_part(screenshot: np.ndarray | None) -> dict[str, Any] | None:
    """The observation's screenshot as a chat image part (PNG, base64); None when blank."""
    if screenshot is None or not np.any(screenshot):
        return None
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(screenshot, dtype=np.uint8)).save(buf, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"type": "image_url", "image_url": {"url": url}}


class AgentStopped(RuntimeError):
    """The model would not act: the episode ends as the agent's failure (``stop_reason``
    ``refusal`` or ``no_action``)."""

    def __init__(self, message: str, stop_reason: str):
        super().__init__(message)
        self.stop_reason = stop_reason


class LLMAgentBase:
    """The recorded client, the turn count and the model calls to hand to the runner.

    Attributes:
        stop_reason: why the agent ended the episode itself, when it did (``max_turns``);
            None while it acts (``eval`` records it with the episode's result).
    """

    name = "llm"

    def __init__(self, **options: Any):
        from pydantic import ValidationError

        from swelancer_env.errors import ConfigError

        try:
            self.options = LLMOptions.model_validate(options)
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(map(str, err['loc'])) or 'options'}: {err['msg']}" for err in e.errors()
            )
            raise ConfigError(
                f"the {self.name} agent's options are not valid ({problems}); it needs at least "
                "--model (and an endpoint: --base-url or OPENAI_BASE_URL, a key in OPENAI_API_KEY)"
            ) from None
        prices = PriceTable.from_file(self.options.prices) if self.options.prices else None
        self.client = ModelClient(
            self.options.model,
            base_url=self.options.base_url,
            api_key_env=self.options.api_key_env,
            max_retries=self.options.max_retries,
            timeout=self.options.timeout,
            prices=prices,
            logprobs=self.options.logprobs,
            top_logprobs=self.options.top_logprobs,
            token_ids=self.options.token_ids,
        )
        self.model = self.options.model
        self.messages: list[dict[str, Any]] = []
        self.turns = 0
        self.stop_reason: str | None = None
        #: tokens (prompt and completion) and dollars of this episode's calls so far
        self.episode_tokens = 0
        self.episode_cost = 0.0
        self._calls: list[ModelCall] = []
        self._idle: list[tuple[str, str]] = []  # the replies in a row without an action

    def _new_episode(self) -> None:
        self.turns = 0
        self.episode_tokens = 0
        self.episode_cost = 0.0
        self.stop_reason = None
        self._calls.clear()
        self._idle.clear()

    def pop_model_calls(self) -> list[ModelCall]:
        """The model calls made since the last pop (the runner records them with the step)."""
        calls, self._calls = self._calls, []
        return calls

    def _call(self, **params: Any) -> Any:
        """One model call with the current messages; the reply's message is returned.

        Raises:
            ModelCallError: the call gave no reply (it is recorded all the same).
            AgentStopped: with ``context="append_only"``, the messages are over the budget
                (stop reason ``context_full``); no call is made.
        """
        if self.append_only:
            used = estimate_tokens(self.messages)
            if used > self.options.context_tokens:
                raise AgentStopped(
                    f"the conversation is over the context budget ({used} > "
                    f"{self.options.context_tokens} estimated tokens) and context='append_only' "
                    "never rewrites earlier turns; the episode ends as the agent's failure",
                    "context_full",
                )
        self.turns += 1
        if not self.append_only:
            trim_context(self.messages, self.options.context_tokens)
        try:
            response, record = self.client.complete(
                [dict(m) for m in self.messages],
                temperature=self.options.temperature,
                reasoning_effort=self.options.reasoning_effort,
                max_completion_tokens=self.options.max_tokens,
                seed=self.options.seed,
                **params,
            )
        except ModelCallError as e:
            self._count(e.record)
            raise
        self._count(record)
        if not response.choices:
            return None
        return response.choices[0].message

    @property
    def append_only(self) -> bool:
        """Whether earlier messages are never rewritten (``context="append_only"``)."""
        return self.options.context == "append_only"

    def _count(self, record: ModelCall) -> None:
        """Keep ``record`` for the runner and add its tokens and dollars to the episode's."""
        from swelancer_env.errors import ConfigError

        self._calls.append(record)
        self.episode_tokens += record.usage.total
        if self.options.max_episode_cost is not None and record.cost is None and record.usage.total:
            raise ConfigError(
                f"max_episode_cost (--max-cost-per-episode) needs the price of model "
                f"{self.model!r}, and the price table has none: give one with --prices FILE"
            )
        self.episode_cost += record.cost or 0.0

    def limit_reached(self) -> str | None:
        """The episode's limit that is spent (``max_turns``, ``token_limit``, ``cost_limit``),
        or None while the agent may call the model again."""
        o = self.options
        if self.turns >= o.max_turns:
            return "max_turns"
        if o.max_episode_tokens is not None and self.episode_tokens >= o.max_episode_tokens:
            return "token_limit"
        if o.max_episode_cost is not None and self.episode_cost >= o.max_episode_cost:
            return "cost_limit"
        return None

    def _at_limit(self, ic: bool) -> Any:
        """The last action when a limit is spent (model calls, tokens, dollars): an IC job is
        submitted as it stands; a manager job ends unanswered rather than with a guess."""
        from swelancer_env.actions import SubmitAction

        self.stop_reason = self.limit_reached() or "max_turns"
        return SubmitAction() if ic else None

    def _cut_if_too_long(self, message: Any) -> bool:
        """If ``message`` is over ``max_reply_chars``: keep it cut to the limit, ask for a
        shorter one and return True (the reply is not acted on). With
        ``context="append_only"`` an over-long reply ends the episode (:class:`AgentStopped`,
        ``reply_too_long``)."""
        cap = self.options.max_reply_chars
        text = message.content or ""
        arguments = "".join(c.function.arguments or "" for c in message.tool_calls or [])
        size = len(text) + len(arguments)
        if cap is None or size <= cap:
            return False
        if self.append_only:
            raise AgentStopped(
                f"a reply of {size:,} characters is over max_reply_chars ({cap:,}), and "
                "context='append_only' never cuts what the model said; the episode ends as the "
                "agent's failure",
                "reply_too_long",
            )
        kept = (text + arguments)[:cap] + f"\n[... cut: {size - cap:,} more characters]"
        self.messages.append({"role": "assistant", "content": kept})
        self._idle_reply("reply_too_long", f"a reply of {size:,} characters")
        self._say(
            f"Your reply was {size:,} characters, over the limit of {cap:,}; nothing in it was "
            "run. Reply again, shorter."
        )
        return True

    def _say(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def _acted(self) -> None:
        self._idle.clear()

    def _idle_reply(self, kind: str, what: str) -> None:
        """Note a reply without an action: ``kind`` ``refusal`` or ``no_action``, ``what`` it
        did (for the message if the agent stops)."""
        self._idle.append((kind, what))

    def _check_idle(self) -> None:
        """Raise :class:`AgentStopped` after ``max_idle_replies`` replies in a row without an
        action."""
        n = len(self._idle)
        if n < self.options.max_idle_replies:
            return
        kind, what = self._idle[-1]
        raise AgentStopped(
            f"the model replied {n} times in a row without an action (the last: {what}); the "
            "episode ends as the agent's failure",
            kind,
        )
