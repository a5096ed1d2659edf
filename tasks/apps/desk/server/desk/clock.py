import os
import time
from datetime import UTC, datetime, timedelta

FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# SWELANCER_NOW (an ISO instant) is what the clock read at the real time SWELANCER_NOW_AT (a
# Unix time); it advances with the real clock from there
_PINNED = os.environ.get("SWELANCER_NOW", "")
_AT = float(os.environ.get("SWELANCER_NOW_AT") or time.time())


def now() -> datetime:
    if _PINNED:
        start = datetime.fromisoformat(_PINNED.replace("Z", "+00:00"))
        return (start + timedelta(seconds=time.time() - _AT)).replace(microsecond=0)
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
