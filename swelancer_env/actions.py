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
    "parse_action",
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
    """Replace one exact, unique occurrence of ``old_str`` in a file."""

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
