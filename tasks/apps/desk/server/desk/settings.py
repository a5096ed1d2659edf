"""Help desk settings, stored as key/value rows."""

import json

from . import validation
from .errors import BadRequest

PRIORITIES = ("low", "normal", "high", "urgent")

DEFAULTS = {
    "company_name": "Northwind Support",
    "sla_hours": {"low": 72, "normal": 24, "high": 8, "urgent": 4},
    "default_assignee_id": None,
}


def load(conn) -> dict:
    stored = {row["key"]: json.loads(row["value"]) for row in conn.execute("SELECT key, value FROM settings")}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def save(conn, values: dict) -> None:
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(key, json.dumps(value)) for key, value in values.items()],
    )


def sla_hours(conn, priority: str) -> int:
    return load(conn)["sla_hours"][priority]


def validate(conn, body: dict, current: dict) -> dict:
    """The settings after applying the changes in ``body``; raises BadRequest on a bad value."""
    result = dict(current)
    if "company_name" in body:
        result["company_name"] = validation.text(body, "company_name", "Company name", 60)
    if "sla_hours" in body:
        given = body["sla_hours"]
        if not isinstance(given, dict):
            raise BadRequest("SLA targets must be an object", field="sla_hours")
        hours = dict(current["sla_hours"])
        for priority in PRIORITIES:
            if priority in given:
                label = f"The {priority} priority target"
                hours[priority] = validation.integer(
                    given[priority], f"sla_hours.{priority}", label, 1, 720
                )
        ordered = [hours[priority] for priority in reversed(PRIORITIES)]
        if ordered != sorted(ordered):
            raise BadRequest(
                "A more urgent priority cannot have a longer target than a less urgent one",
                field="sla_hours",
            )
        result["sla_hours"] = hours
    if "default_assignee_id" in body:
        assignee_id = body["default_assignee_id"]
        if assignee_id is not None:
            row = None
            if isinstance(assignee_id, int) and not isinstance(assignee_id, bool):
                row = conn.execute("SELECT role FROM users WHERE id = ?", (assignee_id,)).fetchone()
            if row is None or row["role"] == "customer":
                raise BadRequest("New tickets can only go to an agent", field="default_assignee_id")
        result["default_assignee_id"] = assignee_id
    return result
