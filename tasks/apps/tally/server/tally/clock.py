from datetime import UTC, date, datetime


def utc_now() -> str:
    """Current time as an ISO 8601 UTC timestamp with second precision."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    return date.today()
