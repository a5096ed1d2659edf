// The history of an issue: one entry per changed field, with display values.

import type { ActivityEntry, ActivityField } from '../../../shared/api';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { usersById } from './users';

interface ActivityRow {
  id: number;
  actor_id: number;
  field: ActivityField;
  from_value: string | null;
  to_value: string | null;
  created_at: string;
}

export function recordActivity(
  db: Db,
  issueId: number,
  actorId: number,
  field: ActivityField,
  from: string | null,
  to: string | null,
  at: string = nowIso(),
): void {
  db.run(
    'INSERT INTO activity (issue_id, actor_id, field, from_value, to_value, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [issueId, actorId, field, from, to, at],
  );
}

/** Oldest first; entries written in one request keep the order they were written in. */
export function listActivity(db: Db, issueId: number, issueKey: string): ActivityEntry[] {
  const rows = db.all<ActivityRow>(
    'SELECT id, actor_id, field, from_value, to_value, created_at FROM activity WHERE issue_id = ? ORDER BY created_at, id',
    [issueId],
  );
  const actors = usersById(db, rows.map((row) => row.actor_id));
  return rows.flatMap((row) => {
    const actor = actors.get(row.actor_id);
    if (!actor) return [];
    return [
      {
        id: row.id,
        issue_key: issueKey,
        actor,
        field: row.field,
        from: row.from_value,
        to: row.to_value,
        created_at: row.created_at,
      },
    ];
  });
}
