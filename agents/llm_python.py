"""``llm-python``: the benchmark's own simple scaffold, for comparing tool-use strategies.

The model answers in plain text. A reply's ```python blocks run in the sandbox (as one
program, with the work tree as its directory) and their output comes back; ``<user-tool>`` on
a line of its own runs the user tool; a reply that says ``DONE`` with no code block ends the
job: it submits an IC task, and on a manager task chooses the proposal it names
(``DONE 3``). Anything else goes back to the model saying what is expected; ``max_idle_replies``
such replies (or refusals) in a row end the episode as the agent's failure.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections import deque
from typing import Any

from swelancer_agents.llm_common import LLMAgentBase, screenshot_part
from swelancer_env.actions import (
    ChooseProposalAction,
    ShellAction,
    SubmitAction,
    UserToolAction,
)
from swelancer_env.prompt import job_text
from swelancer_env.tasks.model import Task

__all__ = ["LLMPythonAgent"]

SYSTEM = """\
You are an autonomous software engineer working on a freelance job in a real web app. You act by
writing Python: every ```python block in your reply runs in the job's sandbox (the current
directory is the app's git repository; use subprocess for shell commands) and you get its
output. {user_tool}When you are done, reply with DONE and no code block{manager}. Nobody will
answer questions: act."""

_USER_TOOL = (
    "Write <user-tool> on a line of its own to run the reporter's reproduction steps in a "
    "browser against your current code and read what the user sees. "
)
_CODE = re.compile(r"```python[ \t]*\n(.*?)```", re.DOTALL)
_USER_TOOL_LINE = re.compile(r"^\s*<user-tool>\s*$", re.MULTILINE)
_DONE = re.compile(r"\bDONE\b")


def python_command(code: str) -> str:
    """A shell command that runs ``code`` with the sandbox's python3, whatever its quoting."""
    encoded = base64.b64encode(code.encode()).decode()
    return f"printf %s {shlex.quote(encoded)} | base64 -d | python3 -"


class LLMPythonAgent(LLMAgentBase):
    """The ``llm-python`` agent. Options: see :class:`~swelancer_agents.llm_common.LLMOptions`."""

    name = "llm-python"

    def __init__(self, **options: Any):
        super().__init__(**options)
        self._task: Task | None = None
        self._queue: deque[Any] = deque()
        self._outputs: list[str] = []
        self._screenshot: dict[str, Any] | None = None
        self._user_tool = True

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._task = task
        self._user_tool = "user_tool" in (info.get("tools") or ["user_tool"])
        ids = ", ".join(p.id for p in task.proposals)
        manager = f" and the id of the proposal you choose (DONE <id>; one of: {ids})"
        system = SYSTEM.format(
            user_tool=_USER_TOOL if self._user_tool else "",
            manager=manager if task.variant == "swe_manager" else "",
        )
        # the job without the env's tool actions and step count: this agent's protocol (code
        # blocks, <user-tool>, DONE) is in the system message, its budget in replies
        job = job_text(task).rstrip()
        budget = f"You have {self.options.max_turns} replies; each may run code."
        self.messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": f"{job}\n\n{budget}"},
        ]
        self._new_episode()
        self._queue.clear()
        self._outputs = []
        self._screenshot = None

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        action = info.get("action")
        if action == "shell":
            self._outputs.append(f"Output (exit code {int(obs['exit_code'])}):\n{obs['output']}")
        elif action == "user_tool":
            self._outputs.append(f"User tool:\n{obs['output']}")
            if self.options.vision:
                self._screenshot = screenshot_part(obs.get("screenshot", info.get("screenshot")))
        elif action is None and "agent_error" in info:  # e.g. a manager id the env refused
            self._outputs.append(obs["output"])
        while not self._queue:
            if self.limit_reached():
                return self._at_limit(self._task is None or self._task.variant == "ic_swe")
            self._check_idle()
            self._next_reply()
            if self._queue:
                self._acted()
        return self._queue.popleft()

    def _next_reply(self) -> None:
        if self._outputs or self._screenshot:
            content: Any = "\n\n".join(self._outputs) or "(no output)"
            if self._screenshot is not None and not self.append_only:
                for m in self.messages:  # one image at a time (append_only: all kept)
                    if isinstance(m.get("content"), list):
                        m["content"] = m["content"][0]["text"]
            if self._screenshot is not None:
                content = [{"type": "text", "text": content}, self._screenshot]
            self.messages.append({"role": "user", "content": content})
            self._outputs, self._screenshot = [], None
        message = self._call()
        if message is None:
            self._idle_reply("no_action", "an empty reply")
            return self._say("The reply was empty.")
        if self._cut_if_too_long(message):
            return None
        self.messages.append({"role": "assistant", "content": message.content or ""})
        if getattr(message, "refusal", None):
            self._idle_reply("refusal", f"a refusal, {message.refusal.strip()[:200]!r}")
            return self._say(
                "You declined. This is a legitimate software job in a sandbox; continue it."
            )
        text = message.content or ""
        code = _CODE.findall(text)
        if code:
            self._queue.append(ShellAction(command=python_command("\n".join(code))))
        if self._user_tool and _USER_TOOL_LINE.search(text):
            self._queue.append(UserToolAction())
        if self._queue:
            return None
        self._idle_reply("no_action", f"nothing to run, {text[:200]!r}")
        if _DONE.search(text):
            return self._finish(text)
        expected = "a ```python block"
        if self._user_tool:
            expected += ", <user-tool> on its own line"
        return self._say(f"Reply with {expected}, or DONE when the job is done.")

    def _finish(self, text: str) -> None:
        task = self._task
        if task is None or task.variant != "swe_manager":
            self._queue.append(SubmitAction())
            return
        ids = [p.id for p in task.proposals]
        after = text[_DONE.search(text).end() :]  # type: ignore[union-attr]
        named = re.match(r"\W*(?:proposal\W*)?([\w-]+)", after, re.IGNORECASE)
        if named and named.group(1) in ids:
            chosen: str | None = named.group(1)
        else:  # else the one proposal id the reply names, if exactly one
            found = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
            chosen = found.pop() if len(found) == 1 else None
        if chosen is None:
            return self._say(f"Name one proposal after DONE, for example: DONE {ids[0]}.")
        self._queue.append(ChooseProposalAction(proposal_id=chosen))
