"""Money is an integer amount of minor units (cents) plus an ISO 4217 currency code."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCIES = {
    "USD": {"symbol": "$", "decimals": 2},
    "EUR": {"symbol": "€", "decimals": 2},
    "GBP": {"symbol": "£", "decimals": 2},
    "JPY": {"symbol": "¥", "decimals": 0},
}

# Fixed reference rates (value of one major unit in USD) used to express every expense
# of a report in the workspace currency.
USD_RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.10"),
    "GBP": Decimal("1.25"),
    "JPY": Decimal("0.0070"),
}


def is_supported(currency: str) -> bool:
    return currency in CURRENCIES


def decimals(currency: str) -> int:
    return CURRENCIES[currency]["decimals"]


def convert(amount: int, source: str, target: str) -> int:
    """Convert minor units of `source` into minor units of `target`, rounding half up."""
    if source == target:
        return amount
    major = Decimal(amount).scaleb(-decimals(source))
    converted = major * USD_RATES[source] / USD_RATES[target]
    return int(converted.scaleb(decimals(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, parts: int) -> list[int]:
    """Split `total` into `parts` integer shares that add up to `total`.

    The remainder goes one unit at a time to the first shares: 1000 / 3 -> [334, 333, 333].
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, remainder = divmod(total, parts)
    return [base + 1 if index < remainder else base for index in range(parts)]


def format_amount(amount: int, currency: str) -> str:
    """'$1,234.50', '¥5,000': used in server-side messages."""
    places = decimals(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**places)
    text = f"{major:,}"
    if places:
        text += f".{minor:0{places}d}"
    return f"{sign}{CURRENCIES[currency]['symbol']}{text}"
