"""The env's spaces.

Observation (a ``spaces.Dict``, fixed shapes so that vector envs can batch it):

- ``output``: ``Text`` up to ``MAX_OUTPUT_CHARS``: the issue on reset, then each action's result,
  every character kept (any script, symbol, emoji and control character: ESC, BEL, CR); only
  a lone surrogate, which no encoding can carry, becomes U+FFFD. ``TEXT_CHARSET`` is what
  ``sample()`` draws from, not a limit.
- ``exit_code``: ``Box(-1, 255, shape=(), int64)``: the shell command's exit code, 0 for a
  successful non-shell action, 1 for a failed one, -1 when a command was killed.
- ``screenshot``: ``Box(0, 255, (H, W, 3), uint8)``: the last user tool screenshot, resized to
  the fixed shape (default 400 × 640: the 1280 × 800 viewport at half scale); zeros when none.

Actions: ``ActionSpace``, whose elements are action models, dicts or JSON strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
from gymnasium import spaces

from swelancer_env.actions import ACTION_TYPES, Action, action_adapter, parse_action

__all__ = [
    "DEFAULT_SCREENSHOT_SHAPE",
    "MAX_OUTPUT_CHARS",
    "TEXT_CHARSET",
    "ActionSpace",
    "OutputText",
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitize_text(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Make ``text`` a member of the output space: every character kept but a lone surrogate
    (U+FFFD instead: it cannot be encoded), the middle cut past ``limit`` characters."""
    text = _SURROGATE.sub("\ufffd", text)
    if len(text) > limit:
        marker = f"\n[... {len(text) - limit + 200:,} characters cut ...]\n"
        keep = limit - len(marker)
        text = text[: keep // 2] + marker + text[-(keep - keep // 2) :]
    return text


class OutputText(spaces.Text):
    """The ``output`` text space: gymnasium's ``Text`` with a short ``repr`` and a shared-memory
    layout that keeps the text intact in ``AsyncVectorEnv`` (gymnasium's own maps each
    character through the charset's set order, which garbles it; here each character is its
    code point, ``-1`` padding)."""

    def __init__(self) -> None:
        super().__init__(max_length=MAX_OUTPUT_CHARS, min_length=0, charset=TEXT_CHARSET)

    def contains(self, x: Any) -> bool:
        """Any text up to ``max_length`` characters without a lone surrogate (the charset is
        what ``sample()`` draws from: a space of every code point would hold a million)."""
        return (
            isinstance(x, str)
            and self.min_length <= len(x) <= self.max_length
            and _SURROGATE.search(x) is None
        )

    def __repr__(self) -> str:
        return f"OutputText(max_length={self.max_length:,}, {len(self.character_set):,} characters)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutputText)

    def __hash__(self) -> int:
        return hash("OutputText")


class SharedTexts(Sequence[str]):
    """The batch's texts, read from shared memory when used. ``AsyncVectorEnv`` reads its
    observation buffer once and relies on the result being a live view (as numpy arrays are):
    a tuple of strings made at that moment would never change. A deep copy (what the vector env
    returns with ``copy=True``) is a plain tuple."""

    def __init__(self, codes: np.ndarray):
        self._codes = codes

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[str, ...]: ...
    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(len(self))[i])
        row = self._codes[i]
        return row[row >= 0].astype("<u4").tobytes().decode("utf-32-le")

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[str, ...]:
        return tuple(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


def _register_shared_memory() -> None:
    import multiprocessing as mp
    from ctypes import c_int32
    from types import ModuleType

    from gymnasium.vector.utils import shared_memory as sm

    @sm.create_shared_memory.register(OutputText)
    def _create(space: OutputText, n: int = 1, ctx: ModuleType = mp) -> Any:
        return ctx.Array(c_int32, n * space.max_length)

    @sm.write_to_shared_memory.register(OutputText)
    def _write(space: OutputText, index: int, value: str, shared_memory: Any) -> None:
        codes = np.full(space.max_length, -1, dtype=np.int32)
        points = np.frombuffer(value.encode("utf-32-le"), dtype=np.int32)[: space.max_length]
        codes[: len(points)] = points
        size = space.max_length
        dest = np.frombuffer(shared_memory.get_obj(), dtype=np.int32)
        np.copyto(dest[index * size : (index + 1) * size], codes)

    @sm.read_from_shared_memory.register(OutputText)
    def _read(space: OutputText, shared_memory: Any, n: int = 1) -> SharedTexts:
        data = np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape(n, space.max_length)
        return SharedTexts(data)


_register_shared_memory()


def make_observation_space(
    screenshot_shape: tuple[int, int] = DEFAULT_SCREENSHOT_SHAPE, screenshot: bool = True
) -> spaces.Dict:
    """The observation space for screenshots of ``(height, width)``; without the screenshot
    when ``screenshot`` is false (the env's ``observation="text"``)."""
    h, w = screenshot_shape
    parts: dict[str, spaces.Space[Any]] = {
        "output": OutputText(),
        "exit_code": spaces.Box(low=-1, high=255, shape=(), dtype=np.int64),
    }
    if screenshot:
        parts["screenshot"] = spaces.Box(low=0, high=255, shape=(h, w, 3), dtype=np.uint8)
    return spaces.Dict(parts)


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
