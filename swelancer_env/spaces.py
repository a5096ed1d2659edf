"""The env's spaces.

Observation (a ``spaces.Dict``, fixed shapes so that vector envs can batch it):

- ``output``: ``Text`` up to ``MAX_OUTPUT_CHARS``: the issue on reset, then each action's result.
  Characters outside ``TEXT_CHARSET`` are replaced by U+FFFD.
- ``exit_code``: ``Box(-1, 255, shape=(), int64)``: the shell command's exit code, 0 for a
  successful non-shell action, 1 for a failed one, -1 when a command was killed.
- ``screenshot``: ``Box(0, 255, (H, W, 3), uint8)``: the last user tool screenshot, resized to
  the fixed shape (default 400 × 640: the 1280 × 800 viewport at half scale); zeros when none.

Actions: ``ActionSpace``, whose elements are action models, dicts or JSON strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

from swelancer_env.actions import ACTION_TYPES, Action, action_adapter, parse_action

__all__ = [
    "DEFAULT_SCREENSHOT_SHAPE",
    "MAX_OUTPUT_CHARS",
    "TEXT_CHARSET",
    "ActionSpace",
    "make_observation_space",
    "sanitize_text",
]

MAX_OUTPUT_CHARS = 32_768
DEFAULT_SCREENSHOT_SHAPE = (400, 640)


def _charset() -> str:
    ranges = [
        (0x09, 0x0A),
        (0x20, 0x7E),
        (0xA0, 0x24FF),  # Latin, Greek, Cyrillic, punctuation, currency, arrows, math
        (0x2500, 0x27BF),  # box drawing, blocks, shapes, dingbats
        (0x3000, 0x303F),
        (0xFE00, 0xFE0F),
        (0xFFFD, 0xFFFD),
        (0x1F300, 0x1FAFF),  # emoji
    ]
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


TEXT_CHARSET = _charset()
_ALLOWED = frozenset(TEXT_CHARSET)


def sanitize_text(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Make ``text`` a member of the output space: known characters, bounded length."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _ALLOWED.issuperset(text):
        text = "".join(c if c in _ALLOWED else "\ufffd" for c in text)
    if len(text) > limit:
        marker = f"\n[... {len(text) - limit + 200:,} characters cut ...]\n"
        keep = limit - len(marker)
        text = text[: keep // 2] + marker + text[-(keep - keep // 2) :]
    return text


def make_observation_space(
    screenshot_shape: tuple[int, int] = DEFAULT_SCREENSHOT_SHAPE,
) -> spaces.Dict:
    """The observation space for screenshots of ``(height, width)``."""
    h, w = screenshot_shape
    return spaces.Dict(
        {
            "output": spaces.Text(max_length=MAX_OUTPUT_CHARS, min_length=0, charset=TEXT_CHARSET),
            "exit_code": spaces.Box(low=-1, high=255, shape=(), dtype=np.int64),
            "screenshot": spaces.Box(low=0, high=255, shape=(h, w, 3), dtype=np.uint8),
        }
    )


_SAMPLE_COMMANDS = (
    "ls",
    "pwd",
    "git status --short",
    "ls server frontend",
    "find . -name '*.py' -not -path './.git/*' | head -20",
    "grep -rn 'def ' server | head -20",
    "cat README.md | head -40",
    "wc -l $(git ls-files | head -20)",
)
_SAMPLE_PATHS = (".", "README.md", "server", "frontend")


class ActionSpace(spaces.Space[Action]):
    """All valid actions. ``sample`` draws harmless ones (read-only shell and view).

    Example:
        >>> space = ActionSpace(seed=0)
        >>> space.contains({"type": "shell", "command": "ls"})
        True
    """

    def __init__(self, seed: int | None = None):
        super().__init__(shape=None, dtype=None, seed=seed)

    def sample(self, mask: Any = None, probability: Any = None) -> Action:
        rng = self.np_random
        if rng.random() < 0.75:
            cmd = _SAMPLE_COMMANDS[int(rng.integers(len(_SAMPLE_COMMANDS)))]
            return action_adapter.validate_python({"type": "shell", "command": cmd})
        path = _SAMPLE_PATHS[int(rng.integers(len(_SAMPLE_PATHS)))]
        return action_adapter.validate_python({"type": "view", "path": path})

    def contains(self, x: Any) -> bool:
        return parse_action(x)[1] is None

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def to_jsonable(self, sample_n: Any) -> list[Any]:
        return [a.model_dump() for a in sample_n]

    def from_jsonable(self, sample_n: list[Any]) -> list[Action]:
        return [action_adapter.validate_python(a) for a in sample_n]

    def __repr__(self) -> str:
        return f"ActionSpace({', '.join(ACTION_TYPES)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ActionSpace)

    def tool_schemas(
        self, variant: str = "ic_swe", tools: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The actions as OpenAI function-calling tools (see ``actions.tool_schemas``)."""
        from swelancer_env.actions import tool_schemas

        return tool_schemas(variant, tools)
