"""The canary: a string every hidden test file carries and no observation may ever contain."""

from __future__ import annotations

__all__ = ["CANARY", "contains_canary"]

CANARY = "SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07"


def contains_canary(text: str) -> bool:
    """Whether ``text`` carries the canary (or its distinctive part)."""
    return "2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07" in text
