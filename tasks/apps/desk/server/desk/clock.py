from datetime import UTC, datetime, timedelta

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp with second precision: 2024-05-06T09:30:00Z."""
    return moment.astimezone(UTC).strftime(FORMAT)


def parse(text: str) -> datetime:
    return datetime.strptime(text, FORMAT).replace(tzinfo=UTC)


def utc_now() -> str:
    return iso(now())


def hours_after(text: str, hours: int) -> str:
    return iso(parse(text) + timedelta(hours=hours))
