"""The human agent: you, at a prompt, playing the job as an agent would.

Each step shows the observation's text (the job itself first) and saves the screenshot as a
PNG when it changed; then it reads one action per line: a JSON object, or a shortcut
(``help`` lists them). ``quit`` (or end of input) gives up: ``act`` returns None.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swelancer_env.actions import parse_action
from swelancer_env.tasks.model import Task

__all__ = ["HELP", "HumanAgent", "parse_line"]

HELP = """\
Shortcuts:
  $ CMD | sh CMD          run CMD in the shell
  view PATH [FROM TO]     show a file (lines FROM..TO; TO may be -1) or list a folder
  user_tool | ut [W H]    run the reporter's steps in the browser (viewport W x H)
  submit                  end an IC task: the hidden tests grade your tree
  choose ID               end a manager task with proposal ID
  help                    this text
  quit                    give up (nothing is submitted)
Or one action as a JSON object on one line:
  {"type": "shell", "command": "git status", "timeout": 60}
  {"type": "view", "path": "src/app.js", "view_range": [1, 40]}
  {"type": "create", "path": "notes.txt", "file_text": "hello\\n"}
  {"type": "str_replace", "path": "src/app.js", "old_str": "a", "new_str": "b"}
  {"type": "insert", "path": "src/app.js", "insert_line": 10, "text": "// here\\n"}
  {"type": "user_tool", "viewport": [1280, 800]}
  {"type": "submit"}
  {"type": "choose_proposal", "proposal_id": "2"}"""

QUIT = "quit"
_HELP = "help"


def parse_line(line: str) -> tuple[Any, str | None]:
    """One typed line as ``(action dict, None)``, ``(QUIT | "help", None)`` or ``(None, why)``.

    Example:
        >>> parse_line("view README.md 1 5")
        ({'type': 'view', 'path': 'README.md', 'view_range': [1, 5]}, None)
    """
    line = line.strip()
    if line.startswith("{"):
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            return None, f"not valid JSON ({e.msg} at column {e.colno})"
        _, error = parse_action(raw)
        return (None, error) if error else (raw, None)
    if line.startswith("$"):
        return _shell(line[1:])
    head, _, rest = line.partition(" ")
    if head == "sh":
        return _shell(rest)
    try:
        words = shlex.split(rest)
    except ValueError as e:
        return None, f"cannot split the arguments: {e}"
    if head in ("quit", "exit", "q"):
        return QUIT, None
    if head in ("help", "?"):
        return _HELP, None
    if head in ("submit", "user_tool", "ut") and not words:
        return {"type": "submit" if head == "submit" else "user_tool"}, None
    if head in ("user_tool", "ut") and len(words) == 2 and all(w.isdigit() for w in words):
        return {"type": "user_tool", "viewport": [int(w) for w in words]}, None
    if head == "choose" and len(words) == 1:
        return {"type": "choose_proposal", "proposal_id": words[0]}, None
    if head == "view" and len(words) in (1, 3):
        if len(words) == 1:
            return {"type": "view", "path": words[0]}, None
        try:
            return {
                "type": "view",
                "path": words[0],
                "view_range": [int(words[1]), int(words[2])],
            }, None
        except ValueError:
            return None, "view PATH FROM TO: FROM and TO are line numbers (TO may be -1)"
    if head in ("submit", "user_tool", "ut", "choose", "view"):
        return None, f"wrong arguments for {head}; type help"
    return None, f"unknown command {head!r}; type help for the shortcuts"


def _shell(command: str) -> tuple[Any, str | None]:
    command = command.strip()
    return ({"type": "shell", "command": command}, None) if command else (None, "no command")


class HumanAgent:
    """A person at a terminal: ``ask`` reads a line, ``say`` shows one."""

    name = "human"

    def __init__(
        self,
        screenshots: str | Path | None = None,
        ask: Callable[[str], str] = input,
        say: Callable[[str], None] = print,
    ):
        self._chosen = Path(screenshots) if screenshots is not None else None
        self.folder: Path | None = self._chosen
        self.ask, self.say = ask, say
        self._shot = ""  # digest of the latest screenshot saved
        self._step = 0
        self._task_id = "task"

    def reset(self, task: Task, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._task_id, self._step, self._shot = task.id, 0, ""
        self.folder = self._chosen
        self.say(f"== {task.id} ({task.variant}, ${task.price:,.0f}) ==")
        self.say(str(obs["output"]))
        self.say("Type an action (help lists the shortcuts).")

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> Any:
        if self._step:  # the first call sees the reset observation, already shown
            self.say(f"-- exit {int(obs['exit_code'])} --")
            self.say(str(obs["output"]))
        self._save_screenshot(obs)
        self._step += 1
        while True:
            try:
                line = self.ask(f"[{self._step}] action> ")
            except EOFError:
                return None
            if not line.strip():
                continue
            action, error = parse_line(line)
            if error is not None:
                self.say(f"cannot use that: {error}")
            elif action == _HELP:
                self.say(HELP)
            else:
                return None if action == QUIT else action

    def _save_screenshot(self, obs: dict[str, Any]) -> None:
        shot = obs.get("screenshot")
        if shot is None or not shot.any():
            return
        digest = hashlib.sha256(shot.tobytes()).hexdigest()
        if digest == self._shot:
            return
        from PIL import Image

        if self.folder is None:
            self.folder = _fresh_folder(Path.cwd() / "human-screenshots" / self._task_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"step{self._step:03d}.png"
        Image.fromarray(shot).save(path)
        self._shot = digest
        self.say(f"screenshot: {path}")


def _fresh_folder(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... : the first that does not exist yet."""
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path
