import sqlite3
import threading
from pathlib import Path

from .seed import seed

SCHEMA = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._reset_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.create_function("casefold", 1, _casefold, deterministic=True)
        return conn

    def create_fresh(self) -> None:
        """Start from an empty file: a leftover database from an earlier run is discarded."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.reset()

    def reset(self) -> None:
        """Drop every table, recreate the schema and load the demo data."""
        with self._reset_lock:
            conn = self.connect()
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA foreign_keys = OFF")
                tables = [
                    row["name"]
                    for row in conn.execute(
                        "SELECT name FROM sqlite_master "
                        "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                script = "".join(f'DROP TABLE IF EXISTS "{name}";\n' for name in tables)
                conn.executescript(script + SCHEMA)
                conn.execute("PRAGMA foreign_keys = ON")
                seed(conn)
                conn.commit()
            finally:
                conn.close()
