-- Sub-issues, relations between issues, and the history of every change.

ALTER TABLE issues ADD COLUMN parent_id INTEGER REFERENCES issues(id) ON DELETE SET NULL;
CREATE INDEX issues_parent ON issues (parent_id);

-- kind 'blocks': from_issue blocks to_issue. kind 'relates' is stored once, in either direction.
CREATE TABLE issue_relations (
  id            INTEGER PRIMARY KEY,
  from_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  to_issue_id   INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('blocks', 'relates')),
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL,
  CHECK (from_issue_id <> to_issue_id)
);
CREATE UNIQUE INDEX issue_relations_pair ON issue_relations (from_issue_id, to_issue_id, kind);

CREATE TABLE activity (
  id         INTEGER PRIMARY KEY,
  issue_id   INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  actor_id   INTEGER NOT NULL REFERENCES users(id),
  field      TEXT NOT NULL,
  from_value TEXT,
  to_value   TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX activity_issue ON activity (issue_id, created_at);
