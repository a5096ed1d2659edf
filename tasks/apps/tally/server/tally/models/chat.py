from ..clock import utc_now
from . import users

_ROOM_SELECT = (
    "SELECT r.*, rep.title AS report_title, rep.owner_id AS report_owner_id "
    "FROM rooms r LEFT JOIN reports rep ON rep.id = r.report_id "
)


def serialize_room(room: dict) -> dict:
    is_report = room["report_id"] is not None
    return {
        "id": room["id"],
        "workspace_id": room["workspace_id"],
        "kind": "report" if is_report else "room",
        "name": room["report_title"] if is_report else room["name"],
        "report_id": room["report_id"],
    }


def workspace_rooms(conn, workspace_id: int) -> list[dict]:
    rows = conn.execute(
        _ROOM_SELECT + "WHERE r.workspace_id = ? AND r.report_id IS NULL ORDER BY r.name, r.id",
        (workspace_id,),
    )
    return [dict(row) for row in rows]


def get_room(conn, room_id: int) -> dict | None:
    row = conn.execute(_ROOM_SELECT + "WHERE r.id = ?", (room_id,)).fetchone()
    return dict(row) if row else None


# Messages


def list_messages(conn, room_id: int, *, after_id: int = 0, limit: int = 200) -> list[dict]:
    rows = conn.execute(
        "SELECT * FROM (SELECT m.*, u.name AS author_name, u.email AS author_email "
        "FROM messages m JOIN users u ON u.id = m.author_id "
        "WHERE m.room_id = ? AND m.id > ? ORDER BY m.id DESC LIMIT ?) ORDER BY id",
        (room_id, after_id, limit),
    )
    messages = [dict(row) for row in rows]
    split_ids = [message["split_id"] for message in messages if message["split_id"]]
    splits = get_splits(conn, split_ids)
    return [serialize_message(message, splits.get(message["split_id"])) for message in messages]


def get_message(conn, message_id: int) -> dict | None:
    row = conn.execute(
        "SELECT m.*, u.name AS author_name, u.email AS author_email "
        "FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = ?",
        (message_id,),
    ).fetchone()
    if row is None:
        return None
    message = dict(row)
    split = get_splits(conn, [message["split_id"]]).get(message["split_id"])
    return serialize_message(message, split)


def serialize_message(message: dict, split: dict | None) -> dict:
    return {
        "id": message["id"],
        "room_id": message["room_id"],
        "author": {
            "id": message["author_id"],
            "name": message["author_name"],
            "email": message["author_email"],
        },
        "body": message["body"],
        "created_at": message["created_at"],
        "split": split,
    }


def create_message(conn, room_id: int, author_id: int, body: str, split_id: int | None = None):
    cursor = conn.execute(
        "INSERT INTO messages (room_id, author_id, body, split_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (room_id, author_id, body, split_id, utc_now()),
    )
    return cursor.lastrowid


# Splits


def create_split(
    conn,
    room_id: int,
    creator_id: int,
    amount: int,
    currency: str,
    description: str,
    shares: list[tuple[int, int]],
) -> int:
    cursor = conn.execute(
        "INSERT INTO splits (room_id, creator_id, amount, currency, description, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (room_id, creator_id, amount, currency, description, utc_now()),
    )
    split_id = cursor.lastrowid
    conn.executemany(
        "INSERT INTO split_shares (split_id, user_id, position, amount) VALUES (?, ?, ?, ?)",
        [(split_id, user_id, position, share) for position, (user_id, share) in enumerate(shares)],
    )
    return split_id


def get_splits(conn, split_ids: list[int]) -> dict[int, dict]:
    if not split_ids:
        return {}
    placeholders = ",".join("?" for _ in split_ids)
    split_rows = [
        dict(row)
        for row in conn.execute(
            f"SELECT s.*, r.workspace_id FROM splits s JOIN rooms r ON r.id = s.room_id "
            f"WHERE s.id IN ({placeholders})",
            split_ids,
        )
    ]
    share_rows = conn.execute(
        f"SELECT * FROM split_shares WHERE split_id IN ({placeholders}) "
        "ORDER BY split_id, position",
        split_ids,
    ).fetchall()
    people = users.get_many(
        conn,
        sorted({row["user_id"] for row in share_rows} | {row["creator_id"] for row in split_rows}),
    )
    splits = {}
    for row in split_rows:
        splits[row["id"]] = {
            "id": row["id"],
            "room_id": row["room_id"],
            "workspace_id": row["workspace_id"],
            "creator": people[row["creator_id"]],
            "amount": row["amount"],
            "currency": row["currency"],
            "description": row["description"],
            "created_at": row["created_at"],
            "participants": [],
        }
    for share in share_rows:
        splits[share["split_id"]]["participants"].append(
            {**people[share["user_id"]], "share": share["amount"]}
        )
    return splits


def get_split(conn, split_id: int) -> dict | None:
    return get_splits(conn, [split_id]).get(split_id)
