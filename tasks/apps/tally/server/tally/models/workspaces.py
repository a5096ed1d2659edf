from . import users


def serialize(workspace: dict) -> dict:
    return {
        "id": workspace["id"],
        "name": workspace["name"],
        "currency": workspace["currency"],
        "receipt_required_over": workspace["receipt_required_over"],
        "role": workspace.get("role"),
    }


def list_for_user(conn, user_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT w.*, m.role FROM workspaces w "
        "JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ? "
        "ORDER BY w.id",
        (user_id,),
    )
    return [dict(row) for row in rows]


def get_for_user(conn, workspace_id: int, user_id: int) -> dict | None:
    """The workspace with the user's role in it, or None when the user is not a member."""
    row = conn.execute(
        "SELECT w.*, m.role FROM workspaces w "
        "JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ? "
        "WHERE w.id = ?",
        (user_id, workspace_id),
    ).fetchone()
    return dict(row) if row else None


def update(conn, workspace_id: int, changes: dict) -> None:
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE workspaces SET {assignments} WHERE id = ?", [*changes.values(), workspace_id]
    )


# Members


def members(conn, workspace_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT u.id, u.name, u.email, m.role FROM memberships m "
        "JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY u.id",
        (workspace_id,),
    )
    return [{**users.public(row), "role": row["role"]} for row in rows]


def member_ids(conn, workspace_id: int) -> set[int]:
    rows = conn.execute("SELECT user_id FROM memberships WHERE workspace_id = ?", (workspace_id,))
    return {row["user_id"] for row in rows}


def member_role(conn, workspace_id: int, user_id: int) -> str | None:
    row = conn.execute(
        "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?",
        (workspace_id, user_id),
    ).fetchone()
    return row["role"] if row else None


def count_admins(conn, workspace_id: int) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'admin'",
        (workspace_id,),
    ).fetchone()[0]


def add_member(conn, workspace_id: int, user_id: int, role: str) -> None:
    conn.execute(
        "INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?)",
        (workspace_id, user_id, role),
    )


def set_member_role(conn, workspace_id: int, user_id: int, role: str) -> None:
    conn.execute(
        "UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?",
        (role, workspace_id, user_id),
    )


def remove_member(conn, workspace_id: int, user_id: int) -> None:
    conn.execute(
        "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id)
    )


# Categories


def serialize_category(row) -> dict:
    return {"id": row["id"], "name": row["name"], "enabled": bool(row["enabled"])}


def categories(conn, workspace_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT * FROM categories WHERE workspace_id = ? ORDER BY name COLLATE NOCASE, id",
        (workspace_id,),
    )
    return [dict(row) for row in rows]


def get_category(conn, category_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM categories WHERE id = ?", (category_id,)).fetchone()
    return dict(row) if row else None


def find_category_by_name(conn, workspace_id: int, name: str) -> dict | None:
    row = conn.execute(
        "SELECT * FROM categories WHERE workspace_id = ? AND casefold(name) = ?",
        (workspace_id, name.casefold()),
    ).fetchone()
    return dict(row) if row else None


def create_category(conn, workspace_id: int, name: str) -> int:
    cursor = conn.execute(
        "INSERT INTO categories (workspace_id, name, enabled) VALUES (?, ?, 1)",
        (workspace_id, name),
    )
    return cursor.lastrowid


def update_category(conn, category_id: int, changes: dict) -> None:
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE categories SET {assignments} WHERE id = ?", [*changes.values(), category_id]
    )


def category_in_use(conn, category_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM expenses WHERE category_id = ? LIMIT 1", (category_id,)
    ).fetchone()
    return row is not None


def delete_category(conn, category_id: int) -> None:
    conn.execute("DELETE FROM categories WHERE id = ?", (category_id,))
