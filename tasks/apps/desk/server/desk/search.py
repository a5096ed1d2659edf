"""Full-text-ish ticket search: subject, description and comments, case-insensitive."""

from . import tickets
from .errors import BadRequest

SNIPPET_RADIUS = 60


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(text: str, term: str) -> str:
    """The part of ``text`` around the first match of ``term``."""
    at = text.casefold().find(term.casefold())
    if at < 0:
        return text[: SNIPPET_RADIUS * 2]
    start = max(0, at - SNIPPET_RADIUS)
    end = min(len(text), at + len(term) + SNIPPET_RADIUS)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def search(conn, user: dict, q) -> list[dict]:
    term = q.strip() if isinstance(q, str) else ""
    if len(term) < 2:
        raise BadRequest("Type at least 2 characters to search", field="q")
    pattern = _like(term)
    comment_filter = "" if tickets.is_staff(user) else "AND c.internal = 0"
    found = tickets.query(
        conn,
        user,
        "t.subject LIKE :p ESCAPE '\\' OR t.body LIKE :p ESCAPE '\\' OR t.id IN "
        f"(SELECT c.ticket_id FROM comments c WHERE c.body LIKE :p ESCAPE '\\' {comment_filter})",
        {"p": pattern},
    )
    results = []
    for ticket in found:
        row = conn.execute("SELECT body FROM tickets WHERE id = ?", (ticket["id"],)).fetchone()
        if term.casefold() in ticket["subject"].casefold():
            match, text = "subject", ticket["subject"]
        elif term.casefold() in row["body"].casefold():
            match, text = "description", row["body"]
        else:
            comment = conn.execute(
                f"SELECT c.body FROM comments c WHERE c.ticket_id = ? AND c.body LIKE ? ESCAPE '\\' "
                f"{comment_filter} ORDER BY c.id LIMIT 1",
                (ticket["id"], pattern),
            ).fetchone()
            match, text = "comment", comment["body"]
        results.append({**ticket, "match": match, "snippet": snippet(text, term)})
    return results
