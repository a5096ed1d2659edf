import os
import time
from datetime import UTC, date, datetime, timedelta

# SWELANCER_NOW (an ISO instant) is what the clock read at the real time SWELANCER_NOW_AT (a
# Unix time); it advances with the real clock from there
_PINNED = os.environ.get("SWELANCER_NOW", "")
_AT = float(os.environ.get("SWELANCER_NOW_AT") or time.time())


def _now() -> datetime:
    if _PINNED:
        start = datetime.fromisoformat(_PINNED.replace("Z", "+00:00"))
        return start + timedelta(seconds=time.time() - _AT)
    return datetime.now(UTC)


def utc_now() -> str:
    """Current time as an ISO 8601 UTC timestamp with second precision."""
    return _now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    """Today in the server's time zone (TZ)."""
    return _now().astimezone().date()
