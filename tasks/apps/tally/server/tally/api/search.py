"""Case-insensitive search over what the user can see: expenses, reports and messages."""

from ..permissions import roles_with
from ..routing import RouteTable

routes = RouteTable()

MIN_QUERY_LENGTH = 2
LIMIT = 20


def _visibility_clause() -> str:
    """SQL that keeps rows of reports the user owns or may see as a reviewer.

    Expects the aliases `m` (membership of the user) and `rep` (report).
    """
    roles = ", ".join(f"'{role}'" for role in roles_with("reports.view_all"))
    return f"(rep.owner_id = :user_id OR m.role IN ({roles}))"


def search_reports(conn, user_id: int, needle: str) -> list[dict]:
    rows = conn.execute(
        "SELECT rep.id, rep.title, rep.status, rep.workspace_id, w.name AS workspace_name "
        "FROM reports rep "
        "JOIN workspaces w ON w.id = rep.workspace_id "
        "JOIN memberships m ON m.workspace_id = rep.workspace_id AND m.user_id = :user_id "
        f"WHERE {_visibility_clause()} AND instr(casefold(rep.title), :needle) > 0 "
        "ORDER BY rep.created_at DESC, rep.id DESC LIMIT :limit",
        {"user_id": user_id, "needle": needle, "limit": LIMIT},
    )
    return [dict(row) for row in rows]


def search_expenses(conn, user_id: int, needle: str) -> list[dict]:
    rows = conn.execute(
        "SELECT e.id, e.merchant, e.description, e.amount, e.currency, e.date, "
        "rep.id AS report_id, rep.title AS report_title "
        "FROM expenses e "
        "JOIN reports rep ON rep.id = e.report_id "
        "JOIN memberships m ON m.workspace_id = rep.workspace_id AND m.user_id = :user_id "
        f"WHERE {_visibility_clause()} AND (instr(casefold(e.merchant), :needle) > 0 "
        "OR instr(casefold(e.description), :needle) > 0) "
        "ORDER BY e.date DESC, e.id DESC LIMIT :limit",
        {"user_id": user_id, "needle": needle, "limit": LIMIT},
    )
    return [dict(row) for row in rows]


def search_messages(conn, user_id: int, needle: str) -> list[dict]:
    rows = conn.execute(
        "SELECT msg.id, msg.body, msg.created_at, msg.room_id, "
        "u.id AS author_id, u.name AS author_name, u.email AS author_email, "
        "r.name AS room_name, r.report_id, rep.title AS report_title "
        "FROM messages msg "
        "JOIN users u ON u.id = msg.author_id "
        "JOIN rooms r ON r.id = msg.room_id "
        "JOIN memberships m ON m.workspace_id = r.workspace_id AND m.user_id = :user_id "
        "LEFT JOIN reports rep ON rep.id = r.report_id "
        f"WHERE (r.report_id IS NULL OR {_visibility_clause()}) "
        "AND instr(casefold(msg.body), :needle) > 0 "
        "ORDER BY msg.id DESC LIMIT :limit",
        {"user_id": user_id, "needle": needle, "limit": LIMIT},
    )
    return [
        {
            "id": row["id"],
            "body": row["body"],
            "created_at": row["created_at"],
            "room_id": row["room_id"],
            "room_name": row["report_title"] if row["report_id"] else row["room_name"],
            "author": {"id": row["author_id"], "name": row["author_name"]},
        }
        for row in rows
    ]


@routes.get("/api/search")
def search(request):
    query = (request.query.get("q") or "").strip()
    results = {"q": query, "expenses": [], "reports": [], "messages": []}
    if len(query) < MIN_QUERY_LENGTH:
        return results
    needle = query.casefold()
    user_id = request.user["id"]
    results["expenses"] = search_expenses(request.conn, user_id, needle)
    results["reports"] = search_reports(request.conn, user_id, needle)
    results["messages"] = search_messages(request.conn, user_id, needle)
    return results
