"""What the adapters share: reading a model's text as an action, and the end of an episode."""

from __future__ import annotations

import json
import re
from typing import Any

from swelancer_env.actions import offered_tools
from swelancer_env.prompt import task_prompt
from swelancer_env.tasks import load_task

__all__ = ["HOW_TO_ACT", "env_kwargs", "parse_text_action", "reset_text"]

#: the observation a text that is no action gets (and the end of the first prompt)
HOW_TO_ACT = (
    "Act with exactly one action per reply, either as a JSON object such as "
    '{"type": "shell", "command": "ls"} (types: shell, view, create, str_replace, insert, '
    "user_tool, submit, choose_proposal), or as a tool call "
    '<tool_call>{"name": "shell", "arguments": {"command": "ls"}}</tool_call>. '
    "End a manager task with choose_proposal, an IC task with submit."
)

_TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.DOTALL)
_FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)

#: the keyword arguments of SWELancerEnv an adapter's config may set
ENV_KWARGS = (
    "backend",
    "partial_credit",
    "max_steps",
    "chromium",
    "sandbox_options",
    "tools",
    "split",
    "reward_scale",
    "wall_time_limit_s",
    "screenshot_shape",
)


def env_kwargs(config: Any) -> dict[str, Any]:
    """SWELancerEnv's keyword arguments from a mapping (a dict or an OmegaConf config):
    the known ones only; the observation is always text (a text model reads it)."""
    out: dict[str, Any] = {}
    for key in ENV_KWARGS:
        value = config.get(key) if config is not None and hasattr(config, "get") else None
        if value is not None:
            if hasattr(value, "items"):
                value = dict(value.items())
            elif isinstance(value, list | tuple) or type(value).__name__ == "ListConfig":
                value = list(value)
            out[key] = value
    out["observation"] = "text"
    return out


def _call_to_action(call: Any) -> dict[str, Any] | None:
    """``{"name": ..., "arguments": {...} or "..."}`` (an OpenAI-style tool call, also nested in
    ``{"function": ...}``) as an env action; None when it is not one."""
    if not isinstance(call, dict):
        return None
    if isinstance(call.get("function"), dict):
        call = call["function"]
    name = call.get("name")
    if not isinstance(name, str):
        return None
    args = call.get("arguments", call.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError:
            return {"type": name, "__bad_arguments__": args}
    if not isinstance(args, dict):
        return {"type": name, "__bad_arguments__": args}
    return {**args, "type": name}


def parse_text_action(text: str) -> tuple[dict[str, Any] | str | None, str]:
    """Read a model's reply as one env action.

    Accepted: a ``<tool_call>{"name": ..., "arguments": ...}</tool_call>`` block (the first one;
    more are ignored, and said so), or a JSON action object (``{"type": "shell", ...}``), alone
    or in a fenced code block. Returns ``(action, note)``: the action to step (a dict, or the
    raw JSON text for the env to judge), or None when the text holds no action; ``note`` is
    what to add to the observation ("" mostly).
    """
    calls = _TOOL_CALL.findall(text)
    if calls:
        note = (
            f"\n[only the first of your {len(calls)} tool calls ran: send one action per reply]"
            if len(calls) > 1
            else ""
        )
        try:
            call = json.loads(calls[0])
        except json.JSONDecodeError as e:
            return None, f"The tool call is not valid JSON ({e.msg}). "
        action = _call_to_action(call)
        if action is None:
            return None, 'The tool call needs a "name" and "arguments". '
        if "__bad_arguments__" in action:
            return None, f"The arguments of the {action['type']} call are not a JSON object. "
        return action, note
    stripped = text.strip()
    candidates = [stripped, *_FENCE.findall(text)]
    for candidate in candidates:
        if not candidate.startswith("{"):
            continue
        try:
            obj = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "type" in obj:
            return obj, ""
        action = _call_to_action(obj)
        if action is not None and "__bad_arguments__" not in action:
            return action, ""
    return None, ""


def reset_text(task_id: str, env_kwargs: dict[str, Any] | None = None) -> str:
    """The text of ``SWELancerEnv.reset``'s observation for the task, without making a
    sandbox (the same function reset uses)."""
    kw = env_kwargs or {}
    task = load_task(task_id)
    tools = offered_tools(task.variant, kw.get("tools"))
    if task.official is not None:
        tools = [t for t in tools if t != "user_tool"]
    max_steps = kw.get("max_steps") or task.limits.max_steps
    text = task_prompt(task, max_steps, tools)
    if task.official is not None:
        from swelancer_env.official.trees import TEXT_ONLY_NOTE, is_text_only

        if is_text_only(task):
            text = f"{text}\n\n{TEXT_ONLY_NOTE}"
    return text
