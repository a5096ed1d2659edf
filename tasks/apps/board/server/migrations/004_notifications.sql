-- Notifications, issue subscriptions, and the per-user settings they need.

ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE users ADD COLUMN notify_assigned INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_mentioned INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_status_changed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_commented INTEGER NOT NULL DEFAULT 1;

CREATE TABLE subscriptions (
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (issue_id, user_id)
);

CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type       TEXT NOT NULL CHECK (type IN ('assigned', 'mentioned', 'status_changed', 'commented')),
  issue_id   INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  actor_id   INTEGER NOT NULL REFERENCES users(id),
  comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
  detail     TEXT,
  read_at    TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);
