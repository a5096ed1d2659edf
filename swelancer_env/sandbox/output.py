"""Capping text shown to the agent: keep the head and the tail, say how much was cut.

Two forms of one rule. :func:`cap_output` caps a string that is already in memory (a file view);
:class:`OutputBuffer` applies the same rule to a stream of bytes without ever holding more than
about ``limit`` characters (a shell command that prints gigabytes):

    >>> text, cut = cap_output("a" * 10 + "b" * 10, limit=6)
    >>> text
    'aaa\\n[... 14 characters cut ...]\\nbbb'
    >>> cut
    14
"""

from __future__ import annotations

import codecs
from collections import deque

from swelancer_env.errors import ConfigError

__all__ = ["DEFAULT_OUTPUT_LIMIT", "OutputBuffer", "cap_output", "cut_marker"]

#: characters of output shown to the agent per command or view, unless configured otherwise
DEFAULT_OUTPUT_LIMIT = 20_000


def cut_marker(cut: int) -> str:
    """The line put where ``cut`` characters were dropped."""
    return f"\n[... {cut:,} characters cut ...]\n"


def _check_limit(limit: int) -> None:
    if limit < 2:
        raise ConfigError(f"output limit must be at least 2 characters, got {limit}")


def cap_output(text: str, limit: int = DEFAULT_OUTPUT_LIMIT) -> tuple[str, int]:
    """Keep the first and last ``limit // 2`` characters of ``text``.

    Args:
        text: the full text.
        limit: how many characters of ``text`` to keep at most (the marker comes on top).

    Returns:
        The capped text and the number of characters cut from its middle (0 when none).

    Raises:
        ConfigError: ``limit`` is below 2.
    """
    _check_limit(limit)
    if len(text) <= limit:
        return text, 0
    head = limit // 2
    tail = limit - head
    cut = len(text) - limit
    return text[:head] + cut_marker(cut) + text[len(text) - tail :], cut


class OutputBuffer:
    """A bounded sink for a byte stream: the head kept as it comes, the tail in a ring.

    Bytes are decoded as UTF-8 incrementally (``errors="replace"``), so a character split across
    two reads is decoded whole. Memory stays around ``limit`` characters plus one read.

    Args:
        limit: characters kept at most; the same rule as :func:`cap_output`.
    """

    def __init__(self, limit: int = DEFAULT_OUTPUT_LIMIT) -> None:
        _check_limit(limit)
        self._limit = limit
        self._head_cap = limit // 2
        self._tail_cap = limit - self._head_cap
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._head: list[str] = []
        self._head_len = 0
        self._tail: deque[str] = deque()
        self._tail_len = 0
        self._dropped = 0

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Add the next bytes of the stream."""
        if data:
            self._add(self._decoder.decode(data))

    def add_text(self, text: str) -> None:
        """Add already decoded text (a note from the harness)."""
        self._add(self._decoder.decode(b"", final=True) + text)

    def _add(self, s: str) -> None:
        if not s:
            return
        room = self._head_cap - self._head_len
        if room > 0:
            taken = s[:room]
            self._head.append(taken)
            self._head_len += len(taken)
            s = s[len(taken) :]
            if not s:
                return
        self._tail.append(s)
        self._tail_len += len(s)
        while self._tail_len > self._tail_cap:
            excess = self._tail_len - self._tail_cap
            first = self._tail[0]
            if len(first) <= excess:
                self._tail.popleft()
                dropped = len(first)
            else:
                self._tail[0] = first[excess:]
                dropped = excess
            self._tail_len -= dropped
            self._dropped += dropped

    def result(self) -> tuple[str, int]:
        """The capped text so far and the number of characters cut from its middle."""
        self._add(self._decoder.decode(b"", final=True))
        head = "".join(self._head)
        tail = "".join(self._tail)
        if self._dropped:
            return head + cut_marker(self._dropped) + tail, self._dropped
        return head + tail, 0
