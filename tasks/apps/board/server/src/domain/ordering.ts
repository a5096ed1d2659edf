// Manual order of the cards in a board column: fractional sort keys, so moving one card
// rewrites one row; when two neighbours get too close the column is renumbered.

import type { Status } from '../../../shared/api';
import type { Db } from '../db';
import { badRequest } from '../errors';

export const ORDER_STEP = 1024;
const MIN_GAP = 1e-6;

interface OrderRow {
  id: number;
  number: number;
  sort_order: number;
}

function column(db: Db, projectId: number, status: Status, exceptId: number): OrderRow[] {
  return db.all<OrderRow>(
    'SELECT id, number, sort_order FROM issues WHERE project_id = ? AND status = ? AND id <> ? ORDER BY sort_order, id',
    [projectId, status, exceptId],
  );
}

function renumber(db: Db, rows: OrderRow[]): void {
  rows.forEach((row, index) => {
    row.sort_order = (index + 1) * ORDER_STEP;
    db.run('UPDATE issues SET sort_order = ? WHERE id = ?', [row.sort_order, row.id]);
  });
}

/** The sort key for the end of a column. */
export function endOfColumn(db: Db, projectId: number, status: Status, exceptId = 0): number {
  const rows = column(db, projectId, status, exceptId);
  return rows.length === 0 ? ORDER_STEP : rows[rows.length - 1].sort_order + ORDER_STEP;
}

/**
 * The sort key that puts an issue just before the card numbered `beforeNumber`, or just after the
 * card numbered `afterNumber` (cards of the same project and column), or at the end.
 */
export function positionInColumn(
  db: Db,
  projectId: number,
  status: Status,
  movingId: number,
  target: { beforeNumber?: number; afterNumber?: number },
): number {
  let rows = column(db, projectId, status, movingId);
  const anchorNumber = target.beforeNumber ?? target.afterNumber;
  if (anchorNumber === undefined) return endOfColumn(db, projectId, status, movingId);
  const field = target.beforeNumber !== undefined ? 'before' : 'after';
  const find = () => rows.findIndex((row) => row.number === anchorNumber);
  let index = find();
  if (index < 0) throw badRequest(`The ${field} issue is not in that column`, field);

  const neighbours = () => {
    const lowIndex = field === 'before' ? index - 1 : index;
    const low = lowIndex >= 0 ? rows[lowIndex].sort_order : rows[0].sort_order - 2 * ORDER_STEP;
    const high = lowIndex + 1 < rows.length ? rows[lowIndex + 1].sort_order : rows[rows.length - 1].sort_order + 2 * ORDER_STEP;
    return [low, high] as const;
  };
  let [low, high] = neighbours();
  if (high - low < MIN_GAP) {
    renumber(db, rows);
    rows = column(db, projectId, status, movingId);
    index = find();
    [low, high] = neighbours();
  }
  return (low + high) / 2;
}
