"""Dollars as every output shows them (the CLI's tables, the report pages, the plots' labels):
rounded to the cent once, whole dollars without cents, so that one figure reads the same
everywhere."""

from __future__ import annotations

__all__ = ["cost", "money"]


def money(v: float | None) -> str:
    """``$2,000``, ``$1,999.99``, ``-$12.50``; ``-`` for None.

    Example:
        >>> money(1999.994), money(2000.0), money(-12.5)
        ('$1,999.99', '$2,000', '-$12.50')
    """
    if v is None:
        return "-"
    cents = round(float(v) * 100)
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    whole, rest = divmod(cents, 100)
    return f"{sign}${whole:,}" + (f".{rest:02d}" if rest else "")


def cost(v: float | None) -> str:
    """A model cost: four decimals under a dollar (``$0.0088``), else cents; ``unknown`` for
    None (a model without a price is not free)."""
    if v is None:
        return "unknown"
    return f"${v:,.4f}" if 0 < abs(v) < 1 else f"${v:,.2f}"
