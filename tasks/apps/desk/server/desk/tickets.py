"""Tickets: loading, the rules for changing them, and the dicts the API returns."""

from . import settings, validation
from .clock import hours_after, utc_now
from .errors import BadRequest, Conflict, Forbidden, NotFound

STATUSES = ("open", "pending", "solved", "closed")
UNSOLVED = ("open", "pending")
PRIORITIES = settings.PRIORITIES

SUMMARY_SQL = """
SELECT t.*, r.name AS requester_name, r.email AS requester_email,
       r.organization AS requester_organization, a.name AS assignee_name,
       (SELECT COUNT(*) FROM comments c WHERE c.ticket_id = t.id AND (c.internal = 0 OR :staff))
           AS comment_count
FROM tickets t
JOIN users r ON r.id = t.requester_id
LEFT JOIN users a ON a.id = t.assignee_id
"""


def is_staff(user: dict) -> bool:
    return user["role"] in ("agent", "admin")


def staff_member(conn, user_id) -> dict | None:
    """The agent or admin with this id, or None."""
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        return None
    row = conn.execute("SELECT id, name, role FROM users WHERE id = ?", (user_id,)).fetchone()
    return dict(row) if row is not None and row["role"] != "customer" else None


def query(conn, user: dict, where: str = "1", params: dict | None = None) -> list[dict]:
    """Ticket summaries the user may see, newest activity first."""
    params = {**(params or {}), "staff": is_staff(user), "me": user["id"]}
    visible = "1" if is_staff(user) else "t.requester_id = :me"
    rows = conn.execute(
        f"{SUMMARY_SQL} WHERE {visible} AND ({where}) ORDER BY t.updated_at DESC, t.id DESC",
        params,
    ).fetchall()
    tags = tags_by_ticket(conn, [row["id"] for row in rows])
    return [summary(row, tags.get(row["id"], [])) for row in rows]


def count(conn, user: dict, where: str = "1", params: dict | None = None) -> int:
    """How many tickets the user may see match ``where``."""
    params = {**(params or {}), "me": user["id"]}
    visible = "1" if is_staff(user) else "t.requester_id = :me"
    return conn.execute(f"SELECT COUNT(*) FROM tickets t WHERE {visible} AND ({where})", params).fetchone()[0]


def get(conn, user: dict, ticket_id: int) -> dict:
    """The summary of one ticket the user may see, or 404."""
    found = query(conn, user, "t.id = :id", {"id": ticket_id})
    if not found:
        raise NotFound("Ticket not found")
    return found[0]


def tags_by_ticket(conn, ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    if not ids:
        return result
    marks = ",".join("?" * len(ids))
    for row in conn.execute(
        f"SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN ({marks}) ORDER BY rowid", ids
    ):
        result.setdefault(row["ticket_id"], []).append(row["tag"])
    return result


def summary(row, tags: list[str]) -> dict:
    assignee = None
    if row["assignee_id"] is not None:
        assignee = {"id": row["assignee_id"], "name": row["assignee_name"]}
    return {
        "id": row["id"],
        "subject": row["subject"],
        "status": row["status"],
        "priority": row["priority"],
        "requester": {
            "id": row["requester_id"],
            "name": row["requester_name"],
            "email": row["requester_email"],
            "organization": row["requester_organization"],
        },
        "assignee": assignee,
        "tags": tags,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "due_at": row["due_at"],
        "solved_at": row["solved_at"],
        "overdue": row["status"] in UNSOLVED and row["due_at"] < utc_now(),
        "comment_count": row["comment_count"],
    }


def detail(conn, user: dict, ticket_id: int) -> dict:
    """Everything the ticket page shows: the summary, the body and the visible comments."""
    ticket = get(conn, user, ticket_id)
    ticket["body"] = conn.execute("SELECT body FROM tickets WHERE id = ?", (ticket_id,)).fetchone()[0]
    rows = conn.execute(
        "SELECT c.id, c.body, c.internal, c.created_at, u.id AS author_id, u.name AS author_name, "
        "u.role AS author_role FROM comments c JOIN users u ON u.id = c.author_id "
        "WHERE c.ticket_id = ? AND (c.internal = 0 OR ?) ORDER BY c.id",
        (ticket_id, is_staff(user)),
    ).fetchall()
    ticket["comments"] = [
        {
            "id": row["id"],
            "body": row["body"],
            "internal": bool(row["internal"]),
            "created_at": row["created_at"],
            "author": {"id": row["author_id"], "name": row["author_name"], "role": row["author_role"]},
        }
        for row in rows
    ]
    closed = ticket["status"] == "closed"
    staff = is_staff(user)
    ticket["permissions"] = {
        "edit": staff and not closed,
        "reply": not closed,
        "internal_note": staff and not closed,
        "solve": not staff and ticket["status"] in UNSOLVED,
    }
    return ticket


def create(conn, user: dict, body: dict) -> int:
    subject = validation.text(body, "subject", "Subject", 150)
    description = validation.text(body, "body", "Description", 5000)
    priority, tags, assignee_id, requester_id = "normal", [], None, user["id"]
    if is_staff(user):
        if "priority" in body:
            priority = validation.choice(body, "priority", "Priority", PRIORITIES)
        if "tags" in body:
            tags = validation.tags(body["tags"])
        requester = conn.execute(
            "SELECT id FROM users WHERE id = ? AND role = 'customer'", (body.get("requester_id"),)
        ).fetchone()
        if requester is None:
            raise BadRequest("Choose the customer this ticket is for", field="requester_id")
        requester_id = requester["id"]
        if body.get("assignee_id") is not None:
            assignee_id = _assignee(conn, body["assignee_id"])
    if assignee_id is None:
        assignee_id = settings.load(conn)["default_assignee_id"]
    now = utc_now()
    cursor = conn.execute(
        "INSERT INTO tickets (subject, body, status, priority, requester_id, assignee_id, "
        "created_at, updated_at, due_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)",
        (subject, description, priority, requester_id, assignee_id, now, now,
         hours_after(now, settings.sla_hours(conn, priority))),
    )
    ticket_id = cursor.lastrowid
    _set_tags(conn, ticket_id, tags)
    return ticket_id


def _assignee(conn, user_id) -> int:
    member = staff_member(conn, user_id)
    if member is None:
        raise BadRequest("Tickets can only be assigned to agents", field="assignee_id")
    return member["id"]


def _set_tags(conn, ticket_id: int, tags: list[str]) -> None:
    conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))
    conn.executemany(
        "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", [(ticket_id, tag) for tag in tags]
    )


def _check_status(current: str, status) -> str:
    if status not in STATUSES:
        raise BadRequest(f"Status must be one of: {', '.join(STATUSES)}", field="status")
    if status == "closed" and current != "solved":
        raise BadRequest("Only solved tickets can be closed", field="status")
    return status


def _require_open(ticket: dict) -> None:
    if ticket["status"] == "closed":
        raise Conflict("This ticket is closed and can no longer be changed")


def update(conn, user: dict, ticket_id: int, body: dict) -> None:
    """Apply a change of properties (PATCH)."""
    ticket = get(conn, user, ticket_id)
    _require_open(ticket)
    if not is_staff(user):
        if set(body) != {"status"} or body["status"] != "solved":
            raise Forbidden("Customers can only mark their requests as solved")
    changes: dict = {}
    if "subject" in body:
        changes["subject"] = validation.text(body, "subject", "Subject", 150)
    if "status" in body:
        changes["status"] = _check_status(ticket["status"], body["status"])
    if "priority" in body:
        changes["priority"] = validation.choice(body, "priority", "Priority", PRIORITIES)
        sla = settings.sla_hours(conn, changes["priority"])
        changes["due_at"] = hours_after(ticket["created_at"], sla)
    if "assignee_id" in body:
        changes["assignee_id"] = None if body["assignee_id"] is None else _assignee(conn, body["assignee_id"])
    if "tags" in body:
        _set_tags(conn, ticket_id, validation.tags(body["tags"]))
    _save(conn, ticket, changes)


def _save(conn, ticket: dict, changes: dict) -> None:
    status = changes.get("status", ticket["status"])
    if status == "solved" and ticket["status"] != "solved":
        changes["solved_at"] = utc_now()
    elif status in UNSOLVED:
        changes["solved_at"] = None
    changes["updated_at"] = utc_now()
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    conn.execute(f"UPDATE tickets SET {assignments} WHERE id = :id", {**changes, "id": ticket["id"]})


def add_comment(conn, user: dict, ticket_id: int, body: dict) -> int:
    """A reply or an internal note; it can move the ticket to another status."""
    ticket = get(conn, user, ticket_id)
    _require_open(ticket)
    text = validation.text(body, "body", "Message", 5000)
    internal = body.get("internal", False)
    if not isinstance(internal, bool):
        raise BadRequest("internal must be true or false", field="internal")
    changes: dict = {}
    if is_staff(user):
        if body.get("status") is not None:
            changes["status"] = _check_status(ticket["status"], body["status"])
        if not internal and ticket["assignee"] is None:
            changes["assignee_id"] = user["id"]
    else:
        if internal:
            raise Forbidden("Only agents can add internal notes")
        if ticket["status"] in ("pending", "solved"):
            changes["status"] = "open"
    cursor = conn.execute(
        "INSERT INTO comments (ticket_id, author_id, body, internal, created_at) VALUES (?, ?, ?, ?, ?)",
        (ticket_id, user["id"], text, int(internal), utc_now()),
    )
    _save(conn, ticket, changes)
    return cursor.lastrowid


def bulk_update(conn, user: dict, body: dict) -> dict:
    """Change the status or the assignee of several tickets; closed tickets are skipped."""
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise BadRequest("Select at least one ticket", field="ids")
    changes = {key: body[key] for key in ("status", "assignee_id") if key in body}
    if not changes:
        raise BadRequest("Nothing to change")
    updated, skipped = [], []
    for ticket_id in dict.fromkeys(ids):
        ticket = get(conn, user, ticket_id)
        if ticket["status"] == "closed":
            skipped.append(ticket_id)
            continue
        update(conn, user, ticket_id, changes)
        updated.append(ticket_id)
    return {"updated": updated, "skipped": skipped}
