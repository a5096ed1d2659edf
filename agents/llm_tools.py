"""``llm``: a tool-calling agent over any OpenAI-compatible endpoint.

Its tools are the env's own action schemas for the episode (``info["tools"]`` at reset:
``choose_proposal`` on manager tasks, ``submit`` on IC tasks, minus the tools an ablation left
out). Several tool calls in one reply run in order, one env step each. A call the env cannot
take (arguments that are not JSON, an unknown tool, a schema violation), a refusal and a reply
without a tool call go back to the model as a message saying what was wrong; ``max_idle_replies``
refusals or replies without a tool call in a row end the episode as the agent's failure.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from swelancer_agents.llm_common import LLMAgentBase, screenshot_part
from swelancer_env.actions import parse_action, tool_schemas
from swelancer_env.tasks.model import Task

__all__ = ["LLMToolAgent"]

SYSTEM = """\
You are an autonomous software engineer working on a freelance job in a real web app. You act
only through the tools you are given: each call runs in the job's sandbox and its result comes
back to you. Investigate before you change code, verify your change (run the app's steps with
user_tool when it is offered), and end the job with the ending tool when you are confident.
Call tools; do not ask the user questions: nobody will answer."""


class LLMToolAgent(LLMAgentBase):
    """The ``llm`` agent. Options: see :class:`~swelancer_agents.llm_common.LLMOptions`."""

    name = "llm"

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.tools: list[dict[str, Any]] = []
        self._tool_names: set[str] = set()
        self._queue: deque[tuple[str, Any, str | None]] = deque()
        self._pending: str | None = None  # the tool call id whose observation is due
        self._variant = "ic_swe"
        self._screenshot: dict[str, Any] | None = None  # shown before the next model call

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._variant = task.variant
        self.tools = tool_schemas(task.variant, info.get("tools"))
        self._tool_names = {t["function"]["name"] for t in self.tools}
        self.messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": obs["output"]},
        ]
        self._new_episode()
        self._queue.clear()
        self._pending = None
        self._screenshot = None

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        if self._pending is not None:
            self._tool_result(self._pending, obs["output"])
            if self.options.vision and info.get("action") == "user_tool":
                part = screenshot_part(obs.get("screenshot", info.get("screenshot")))
                if part is not None:
                    self._screenshot = part
            self._pending = None
        while True:
            while self._queue:
                call_id, action, error = self._queue.popleft()
                if error is not None:
                    self._tool_result(call_id, error)
                    continue
                self._pending = call_id
                return action
            if self.limit_reached():
                return self._at_limit(self._variant == "ic_swe")
            self._check_idle()
            self._next_reply()

    def _next_reply(self) -> None:
        if self._screenshot is not None:  # after every tool result of the turn
            self._show_screenshot(self._screenshot)
            self._screenshot = None
        message = self._call(tools=self.tools)
        if message is None:
            self._idle_reply("no_action", "an empty reply")
            self._say("The reply was empty. Call one of the tools.")
            return
        if self._cut_if_too_long(message):
            return
        entry: dict[str, Any] = {"role": "assistant", "content": message.content}
        calls = list(message.tool_calls or [])
        if calls:
            entry["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.function.name, "arguments": c.function.arguments},
                }
                for c in calls
            ]
        self.messages.append(entry)
        if getattr(message, "refusal", None):
            self._idle_reply("refusal", f"a refusal, {message.refusal.strip()[:200]!r}")
            self._say(
                f"You declined ({message.refusal.strip()[:200]}). This is a legitimate "
                "software job in a sandbox; continue it with a tool call."
            )
            return
        if not calls:
            self._idle_reply("no_action", f"no tool call, {(message.content or '')[:200]!r}")
            names = ", ".join(sorted(self._tool_names))
            self._say(f"Your reply had no tool call. Act by calling one of the tools: {names}.")
            return
        self._acted()
        for c in calls:
            self._queue.append((c.id, *self._action(c.function.name, c.function.arguments)))

    def _action(self, name: str, arguments: str) -> tuple[Any, str | None]:
        """The env action for one tool call, or None and what was wrong with it."""
        if name not in self._tool_names:
            return None, (
                f"Error: there is no tool {name!r}. The tools are: "
                f"{', '.join(sorted(self._tool_names))}."
            )
        try:
            args = json.loads(arguments or "{}")
        except json.JSONDecodeError as e:
            return None, (
                f"Error: the arguments of {name} are not valid JSON ({e.msg} at column "
                f"{e.colno}). Send a JSON object matching the tool's parameters."
            )
        if not isinstance(args, dict):
            return None, f"Error: the arguments of {name} must be a JSON object."
        action, error = parse_action({**args, "type": name})
        if action is None:
            return None, f"Error: {error} Nothing was run."
        return action, None

    def _tool_result(self, call_id: str, text: str) -> None:
        self.messages.append({"role": "tool", "tool_call_id": call_id, "content": text})

    def _show_screenshot(self, part: dict[str, Any]) -> None:
        # tool results carry no images in chat completions: the screenshot comes as a user
        # message; older screenshots become a line of text, so one image is sent at a time
        # (not with context="append_only", which never rewrites an earlier message)
        for m in [] if self.append_only else self.messages:
            if isinstance(m.get("content"), list):
                m["content"] = "[an earlier user tool screenshot, no longer shown]"
        self.messages.append(
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "The user tool's last screenshot:"},
                    part,
                ],
            }
        )
