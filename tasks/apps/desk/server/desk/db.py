import sqlite3
import threading
from pathlib import Path

from .seed import seed

SCHEMA = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._reset_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def create_fresh(self) -> None:
        """Start from an empty file: a database left by an earlier run is discarded."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.reset()

    def reset(self) -> None:
        """Drop every table, create the schema again and load the demo data."""
        with self._reset_lock:
            conn = self.connect()
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA foreign_keys = OFF")
                tables = [
                    row["name"]
                    for row in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                drops = "".join(f'DROP TABLE IF EXISTS "{name}";\n' for name in tables)
                conn.executescript(drops + SCHEMA)
                conn.execute("PRAGMA foreign_keys = ON")
                seed(conn)
                conn.commit()
            finally:
                conn.close()
