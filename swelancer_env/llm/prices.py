"""What model calls cost: a table of dollars per million tokens, per model.

The default table holds list prices of common models as published by their providers (late
2025; they change: pass your own with ``--prices FILE``). A file replaces the table, so that a
run's costs depend on one file only; it is JSON or TOML, one entry per model::

    {"my-model": {"input": 0.50, "output": 1.50, "cached_input": 0.05}}

A model is priced by its own name, else by the longest table name it starts with followed by
``-`` (``gpt-4o-2024-08-06`` takes ``gpt-4o``'s price). A model the table does not know costs
``None``: unknown, never zero.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.records import TokenUsage

__all__ = ["DEFAULT_PRICES", "ModelPrice", "PriceTable"]


class ModelPrice(BaseModel):
    """Dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    #: for prompt tokens served from the provider's cache (default: the input price)
    cached_input: float | None = Field(None, ge=0)


def _p(i: float, o: float, c: float | None = None) -> ModelPrice:
    return ModelPrice(input=i, output=o, cached_input=c)


DEFAULT_PRICES: dict[str, ModelPrice] = {
    "gpt-4o": _p(2.50, 10.00, 1.25),
    "gpt-4o-mini": _p(0.15, 0.60, 0.075),
    "gpt-4.1": _p(2.00, 8.00, 0.50),
    "gpt-4.1-mini": _p(0.40, 1.60, 0.10),
    "gpt-4.1-nano": _p(0.10, 0.40, 0.025),
    "gpt-5": _p(1.25, 10.00, 0.125),
    "gpt-5-mini": _p(0.25, 2.00, 0.025),
    "gpt-5-nano": _p(0.05, 0.40, 0.005),
    "o1": _p(15.00, 60.00, 7.50),
    "o3": _p(2.00, 8.00, 0.50),
    "o3-mini": _p(1.10, 4.40, 0.55),
    "o4-mini": _p(1.10, 4.40, 0.275),
    "claude-3-5-sonnet": _p(3.00, 15.00, 0.30),
    "claude-3-7-sonnet": _p(3.00, 15.00, 0.30),
    "claude-sonnet-4": _p(3.00, 15.00, 0.30),
    "claude-opus-4": _p(15.00, 75.00, 1.50),
}


class PriceTable:
    """Model prices; ``cost(model, usage)`` in dollars, or None for an unknown model.

    Example:
        >>> table = PriceTable({"m": ModelPrice(input=1.0, output=2.0)})
        >>> table.cost("m-2025-01-01", TokenUsage(prompt=1_000_000, completion=500_000))
        2.0
        >>> table.cost("other", TokenUsage(prompt=10)) is None
        True
    """

    def __init__(self, prices: dict[str, ModelPrice] | None = None):
        self.prices = dict(DEFAULT_PRICES if prices is None else prices)

    @classmethod
    def from_file(cls, path: str | Path) -> PriceTable:
        """A table from a JSON or TOML file (it replaces the default table)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read the price file {path}: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise ConfigError(f"the price file {path} is not UTF-8 text ({e.reason})") from None
        try:
            raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as e:
            kind = "TOML" if path.suffix == ".toml" else "JSON"
            raise ConfigError(f"{path} is not valid {kind}: {e}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: expected an object of model names to prices")
        prices = {}
        for name, entry in raw.items():
            try:
                prices[name] = ModelPrice.model_validate(entry)
            except ValidationError as e:
                raise ConfigError(
                    f"{path}: the price of {name!r} is not valid ({e.errors()[0]['msg']}); give "
                    '{"input": dollars per million tokens, "output": ..., "cached_input": ...}'
                ) from None
        return cls(prices)

    def price(self, model: str) -> ModelPrice | None:
        """The entry for ``model``: its own, else the longest ``name-`` prefix's."""
        if model in self.prices:
            return self.prices[model]
        base = model.rsplit("/", 1)[-1]  # "openai/gpt-4o" as some gateways name it
        if base in self.prices:
            return self.prices[base]
        matches = [n for n in self.prices if base.startswith(n + "-")]
        return self.prices[max(matches, key=len)] if matches else None

    def cost(self, model: str, usage: TokenUsage) -> float | None:
        """Dollars for one call's ``usage``; None when ``model`` has no price."""
        p = self.price(model)
        if p is None:
            return None
        cached = min(usage.cached, usage.prompt)
        cached_rate = p.input if p.cached_input is None else p.cached_input
        dollars = (
            (usage.prompt - cached) * p.input + cached * cached_rate + usage.completion * p.output
        ) / 1e6
        return round(dollars, 8)

    def to_json(self) -> dict[str, dict[str, float | None]]:
        return {name: p.model_dump() for name, p in sorted(self.prices.items())}
