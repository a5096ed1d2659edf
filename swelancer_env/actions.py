"""The agent's actions: a pydantic union discriminated on ``type``.

``parse_action`` takes a model, a dict or a JSON string and never raises for an agent's
mistake: it returns the error text to show in the observation.

Example:
    >>> parse_action('{"type": "shell", "command": "ls"}')
    (ShellAction(type='shell', command='ls', timeout=None), None)
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

__all__ = [
    "Action",
    "ChooseProposalAction",
    "CreateAction",
    "InsertAction",
    "ShellAction",
    "StrReplaceAction",
    "SubmitAction",
    "UserToolAction",
    "ViewAction",
    "action_adapter",
    "offered_tools",
    "parse_action",
    "tool_schemas",
]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShellAction(_Action):
    """Run a command in the episode's persistent bash session."""

    type: Literal["shell"] = "shell"
    command: str = Field(description="The bash command to run in the work tree.")
    timeout: float | None = Field(
        None, gt=0, description="Seconds before the command and all it started are killed."
    )


class ViewAction(_Action):
    """Show a file with line numbers, or list a directory."""

    type: Literal["view"] = "view"
    path: str = Field(description="Path relative to the work tree, or absolute inside it.")
    view_range: tuple[int, int] | None = Field(
        None, description="First and last line to show (1-based; -1 for the end)."
    )


class CreateAction(_Action):
    """Create or overwrite a file."""

    type: Literal["create"] = "create"
    path: str = Field(description="Path relative to the work tree, or absolute inside it.")
    file_text: str = Field(description="The whole content of the file.")


class StrReplaceAction(_Action):
    """Replace one exact, unique occurrence of old_str in a file with new_str."""

    type: Literal["str_replace"] = "str_replace"
    path: str = Field(description="Path relative to the work tree, or absolute inside it.")
    old_str: str = Field(description="Text that occurs exactly once in the file.")
    new_str: str = Field("", description="Replacement text.")


class InsertAction(_Action):
    """Insert text after a line."""

    type: Literal["insert"] = "insert"
    path: str = Field(description="Path relative to the work tree, or absolute inside it.")
    insert_line: int = Field(ge=0, description="Insert after this line (0: at the top).")
    text: str = Field(description="Text to insert.")


class UserToolAction(_Action):
    """Run the reporter's reproduction steps in a browser against the current work tree."""

    type: Literal["user_tool"] = "user_tool"
    viewport: tuple[int, int] | None = Field(
        None, description="Browser viewport as [width, height] in pixels."
    )


class SubmitAction(_Action):
    """End the episode and have the hidden tests grade the work tree (IC tasks)."""

    type: Literal["submit"] = "submit"


class ChooseProposalAction(_Action):
    """End a manager task by choosing a proposal."""

    type: Literal["choose_proposal"] = "choose_proposal"
    proposal_id: str = Field(description="The id of the chosen proposal.")


Action = Annotated[
    ShellAction
    | ViewAction
    | CreateAction
    | StrReplaceAction
    | InsertAction
    | UserToolAction
    | SubmitAction
    | ChooseProposalAction,
    Field(discriminator="type"),
]

action_adapter: TypeAdapter[Action] = TypeAdapter(Action)

ACTION_TYPES = (
    "shell",
    "view",
    "create",
    "str_replace",
    "insert",
    "user_tool",
    "submit",
    "choose_proposal",
)


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"][1:] or e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts)


def parse_action(raw: Any) -> tuple[Action | None, str | None]:
    """Turn a model, dict or JSON string into an action.

    Returns:
        ``(action, None)`` when valid, else ``(None, message)`` where the message says what
        was wrong and what is expected.
    """
    if isinstance(raw, BaseModel) and raw.__class__.__name__.endswith("Action"):
        return raw, None  # type: ignore[return-value]
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as e:
            return None, (
                f"Invalid action: not valid JSON ({e.msg} at line {e.lineno} column {e.colno}). "
                'Send an object such as {"type": "shell", "command": "ls"}.'
            )
    if not isinstance(raw, dict):
        return None, (
            f"Invalid action: expected an object with a 'type' field, got {type(raw).__name__}. "
            f"Types: {', '.join(ACTION_TYPES)}."
        )
    kind = raw.get("type")
    if kind not in ACTION_TYPES:
        return None, (
            f"Invalid action: unknown type {kind!r}. Use one of: {', '.join(ACTION_TYPES)}."
        )
    try:
        return action_adapter.validate_python(raw), None
    except ValidationError as e:
        return None, f"Invalid {kind} action: {_describe(e)}."


#: the actions an episode may leave out (``SWELancerEnv(tools=...)``); the ending action
#: (``submit`` on IC tasks, ``choose_proposal`` on manager tasks) is always offered
OPTIONAL_TOOLS = ("shell", "view", "create", "str_replace", "insert", "user_tool")
_MODELS: dict[str, type[_Action]] = {
    "shell": ShellAction,
    "view": ViewAction,
    "create": CreateAction,
    "str_replace": StrReplaceAction,
    "insert": InsertAction,
    "user_tool": UserToolAction,
    "submit": SubmitAction,
    "choose_proposal": ChooseProposalAction,
}


def offered_tools(variant: str, tools: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The action types an episode of ``variant`` offers: ``tools`` (default: all optional
    ones) plus the variant's ending action.

    Example:
        >>> offered_tools("swe_manager", ["shell", "view"])
        ['shell', 'view', 'choose_proposal']
    """
    chosen = list(OPTIONAL_TOOLS) if tools is None else list(tools)
    unknown = [t for t in chosen if t not in OPTIONAL_TOOLS]
    if unknown:
        from swelancer_env.errors import ConfigError

        raise ConfigError(
            f"unknown tool(s) {unknown}; choose among {', '.join(OPTIONAL_TOOLS)} (the ending "
            "action, submit or choose_proposal, is always offered)"
        )
    ending = "choose_proposal" if variant == "swe_manager" else "submit"
    return [t for t in OPTIONAL_TOOLS if t in chosen] + [ending]


def _plain(text: str) -> str:
    """A docstring as plain text: one paragraph, no reStructuredText markup."""
    return " ".join(text.replace("``", "").split())


def tool_schemas(
    variant: str = "ic_swe", tools: list[str] | tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """The offered actions as OpenAI function-calling tools, one function per action type.

    ``tools`` is a list of action type names (e.g. ``info["tools"]`` from ``reset``); the
    variant's ending action is always included, the other variant's never.
    """
    out = []
    optional = None if tools is None else [t for t in tools if t in OPTIONAL_TOOLS]
    for name in offered_tools(variant, optional):
        model = _MODELS[name]
        schema = model.model_json_schema()
        props = {k: v for k, v in schema.get("properties", {}).items() if k != "type"}
        for prop in props.values():
            prop.pop("title", None)
            if "description" in prop:
                prop["description"] = _plain(prop["description"])
        out.append(
            {
                "type": "function",
                "function": {
                    "name": name,
                    "description": _plain(model.__doc__ or ""),
                    "parameters": {
                        "type": "object",
                        "properties": json.loads(json.dumps(props)),
                        "required": [r for r in schema.get("required", []) if r != "type"],
                        "additionalProperties": False,
                    },
                },
            }
        )
    return out
