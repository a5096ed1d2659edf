from .. import money
from ..clock import utc_now
from . import users

STATUSES = ("open", "submitted", "approved", "rejected")

_REPORT_SELECT = (
    "SELECT r.*, u.name AS owner_name, u.email AS owner_email, "
    "COALESCE(SUM(e.converted_amount), 0) AS total, COUNT(e.id) AS expense_count "
    "FROM reports r "
    "JOIN users u ON u.id = r.owner_id "
    "LEFT JOIN expenses e ON e.report_id = r.id "
)


def _owner(row) -> dict:
    return {"id": row["owner_id"], "name": row["owner_name"], "email": row["owner_email"]}


def serialize_summary(row, workspace: dict) -> dict:
    return {
        "id": row["id"],
        "workspace_id": row["workspace_id"],
        "title": row["title"],
        "status": row["status"],
        "owner": _owner(row),
        "total": row["total"],
        "currency": workspace["currency"],
        "expense_count": row["expense_count"],
        "created_at": row["created_at"],
        "submitted_at": row["submitted_at"],
        "decided_at": row["decided_at"],
    }


def list_reports(
    conn, workspace_id: int, *, owner_id: int | None = None, status: str | None = None
) -> list[dict]:
    clauses, params = ["r.workspace_id = ?"], [workspace_id]
    if owner_id is not None:
        clauses.append("r.owner_id = ?")
        params.append(owner_id)
    if status is not None:
        clauses.append("r.status = ?")
        params.append(status)
    rows = conn.execute(
        _REPORT_SELECT
        + "WHERE "
        + " AND ".join(clauses)
        + " GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC",
        params,
    )
    return [dict(row) for row in rows]


def get_report(conn, report_id: int) -> dict | None:
    row = conn.execute(_REPORT_SELECT + "WHERE r.id = ? GROUP BY r.id", (report_id,)).fetchone()
    if row is None or row["id"] is None:
        return None
    return dict(row)


def create_report(conn, workspace_id: int, owner_id: int, title: str) -> int:
    cursor = conn.execute(
        "INSERT INTO reports (workspace_id, owner_id, title, status, created_at) "
        "VALUES (?, ?, ?, 'open', ?)",
        (workspace_id, owner_id, title, utc_now()),
    )
    report_id = cursor.lastrowid
    conn.execute(
        "INSERT INTO rooms (workspace_id, name, report_id) VALUES (?, NULL, ?)",
        (workspace_id, report_id),
    )
    return report_id


def rename_report(conn, report_id: int, title: str) -> None:
    conn.execute("UPDATE reports SET title = ? WHERE id = ?", (title, report_id))


def set_status(conn, report_id: int, status: str, decided_by: int | None = None) -> None:
    now = utc_now()
    if status == "submitted":
        conn.execute(
            "UPDATE reports SET status = ?, submitted_at = ?, decided_at = NULL, "
            "decided_by = NULL WHERE id = ?",
            (status, now, report_id),
        )
    elif status in ("approved", "rejected"):
        conn.execute(
            "UPDATE reports SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
            (status, now, decided_by, report_id),
        )
    else:
        conn.execute(
            "UPDATE reports SET status = ?, submitted_at = NULL, decided_at = NULL, "
            "decided_by = NULL WHERE id = ?",
            (status, report_id),
        )


def room_id_for_report(conn, report_id: int) -> int | None:
    row = conn.execute("SELECT id FROM rooms WHERE report_id = ?", (report_id,)).fetchone()
    return row["id"] if row else None


# Expenses

_EXPENSE_SELECT = (
    "SELECT e.*, c.name AS category_name FROM expenses e "
    "LEFT JOIN categories c ON c.id = e.category_id "
)


def expense_violations(expense: dict, workspace: dict) -> list[str]:
    violations = []
    if expense["converted_amount"] > workspace["receipt_required_over"] and not expense["receipt"]:
        violations.append("receipt_required")
    return violations


def serialize_expense(expense: dict, workspace: dict) -> dict:
    return {
        "id": expense["id"],
        "report_id": expense["report_id"],
        "merchant": expense["merchant"],
        "amount": expense["amount"],
        "currency": expense["currency"],
        "converted_amount": expense["converted_amount"],
        "category": (
            {"id": expense["category_id"], "name": expense["category_name"]}
            if expense["category_id"] is not None
            else None
        ),
        "date": expense["date"],
        "description": expense["description"],
        "receipt": expense["receipt"],
        "violations": expense_violations(expense, workspace),
    }


def list_expenses(conn, report_id: int) -> list[dict]:
    rows = conn.execute(
        _EXPENSE_SELECT + "WHERE e.report_id = ? ORDER BY e.date, e.id", (report_id,)
    )
    return [dict(row) for row in rows]


def get_expense(conn, expense_id: int) -> dict | None:
    row = conn.execute(_EXPENSE_SELECT + "WHERE e.id = ?", (expense_id,)).fetchone()
    return dict(row) if row else None


def insert_expense(conn, report_id: int, data: dict, workspace_currency: str) -> int:
    converted = money.convert(data["amount"], data["currency"], workspace_currency)
    cursor = conn.execute(
        "INSERT INTO expenses (report_id, merchant, amount, currency, converted_amount, "
        "category_id, date, description, receipt, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        (
            report_id,
            data["merchant"],
            data["amount"],
            data["currency"],
            converted,
            data["category_id"],
            data["date"],
            data["description"],
            utc_now(),
        ),
    )
    return cursor.lastrowid


def update_expense(conn, expense_id: int, data: dict, workspace_currency: str) -> None:
    converted = money.convert(data["amount"], data["currency"], workspace_currency)
    conn.execute(
        "UPDATE expenses SET merchant = ?, amount = ?, currency = ?, converted_amount = ?, "
        "category_id = ?, date = ?, description = ? WHERE id = ?",
        (
            data["merchant"],
            data["amount"],
            data["currency"],
            converted,
            data["category_id"],
            data["date"],
            data["description"],
            expense_id,
        ),
    )


def set_receipt(conn, expense_id: int, filename: str | None) -> None:
    conn.execute("UPDATE expenses SET receipt = ? WHERE id = ?", (filename, expense_id))


def delete_expense(conn, expense_id: int) -> None:
    conn.execute("DELETE FROM expenses WHERE id = ?", (expense_id,))


def serialize_report(conn, report: dict, workspace: dict) -> dict:
    expenses = [serialize_expense(row, workspace) for row in list_expenses(conn, report["id"])]
    decided_by = users.get_user(conn, report["decided_by"]) if report["decided_by"] else None
    return {
        **serialize_summary(report, workspace),
        "workspace": {
            "id": workspace["id"],
            "name": workspace["name"],
            "currency": workspace["currency"],
            "receipt_required_over": workspace["receipt_required_over"],
        },
        "decided_by": users.public(decided_by) if decided_by else None,
        "room_id": room_id_for_report(conn, report["id"]),
        "expenses": expenses,
        "violation_count": sum(1 for expense in expenses if expense["violations"]),
    }
