CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token      TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

CREATE TABLE workspaces (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL,
    currency              TEXT NOT NULL,
    receipt_required_over INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'member')),
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE categories (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id     INTEGER NOT NULL REFERENCES users (id),
    title        TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'submitted', 'approved', 'rejected')),
    created_at   TEXT NOT NULL,
    submitted_at TEXT,
    decided_at   TEXT,
    decided_by   INTEGER REFERENCES users (id)
);

CREATE TABLE expenses (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    merchant         TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    converted_amount INTEGER NOT NULL,
    category_id      INTEGER REFERENCES categories (id),
    date             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    receipt          TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE rooms (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT,
    report_id    INTEGER UNIQUE REFERENCES reports (id) ON DELETE CASCADE
);

CREATE TABLE splits (
    id          INTEGER PRIMARY KEY,
    room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    creator_id  INTEGER NOT NULL REFERENCES users (id),
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE split_shares (
    split_id INTEGER NOT NULL REFERENCES splits (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    amount   INTEGER NOT NULL,
    PRIMARY KEY (split_id, user_id)
);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    split_id   INTEGER REFERENCES splits (id),
    created_at TEXT NOT NULL
);

CREATE INDEX idx_reports_workspace ON reports (workspace_id);
CREATE INDEX idx_expenses_report ON expenses (report_id);
CREATE INDEX idx_messages_room ON messages (room_id, id);
