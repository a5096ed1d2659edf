def public(row) -> dict:
    return {"id": row["id"], "name": row["name"], "email": row["email"]}


def get_user(conn, user_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return dict(row) if row else None


def get_by_email(conn, email: str) -> dict | None:
    row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()
    return dict(row) if row else None


def get_many(conn, user_ids: list[int]) -> dict[int, dict]:
    if not user_ids:
        return {}
    placeholders = ",".join("?" for _ in user_ids)
    rows = conn.execute(
        f"SELECT id, name, email FROM users WHERE id IN ({placeholders})", list(user_ids)
    )
    return {row["id"]: public(row) for row in rows}
