"""The ticket views of the sidebar: named filters, each with a count."""

from dataclasses import dataclass

from . import tickets
from .clock import utc_now
from .errors import NotFound


@dataclass(frozen=True)
class View:
    id: str
    name: str
    where: str


UNSOLVED = "t.status IN ('open', 'pending')"

STAFF_VIEWS = (
    View("mine", "My unsolved tickets", f"t.assignee_id = :me AND {UNSOLVED}"),
    View("unassigned", "Unassigned", f"t.assignee_id IS NULL AND {UNSOLVED}"),
    View("unsolved", "All unsolved", UNSOLVED),
    View("overdue", "Overdue", f"{UNSOLVED} AND t.due_at < :now"),
    View("pending", "Pending", "t.status = 'pending'"),
    View("solved", "Solved", "t.status = 'solved'"),
    View("all", "All tickets", "1"),
)

CUSTOMER_VIEWS = (
    View("requests", "My requests", "1"),
    View("open-requests", "Open requests", UNSOLVED),
    View("solved-requests", "Solved requests", "t.status IN ('solved', 'closed')"),
)


def for_user(user: dict) -> tuple[View, ...]:
    return STAFF_VIEWS if tickets.is_staff(user) else CUSTOMER_VIEWS


def find(user: dict, view_id: str) -> View:
    for view in for_user(user):
        if view.id == view_id:
            return view
    raise NotFound("View not found")


def list_tickets(conn, user: dict, view: View, tag: str | None = None) -> list[dict]:
    where, params = view.where, {"now": utc_now()}
    if tag:
        where += " AND t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = :tag)"
        params["tag"] = tag.strip().lower()
    return tickets.query(conn, user, where, params)


def counts(conn, user: dict) -> list[dict]:
    params = {"now": utc_now()}
    return [
        {"id": view.id, "name": view.name, "count": tickets.count(conn, user, view.where, params)}
        for view in for_user(user)
    ]
