"""Data access: plain functions over a sqlite3 connection, returning dicts."""
