// Search over issue keys, titles, descriptions and comments. Matching ignores case and accents
// (both sides go through fold()), and the query is literal text: %, _ and quotes match
// themselves. Each result lists where it matched, with plain-text snippets and match ranges
// for the client to highlight.

import type { SearchHit, SearchResponse, SearchResult } from '../../../shared/api';
import type { Viewer } from '../auth';
import type { Db } from '../db';
import { issueKey, type IssueRow } from './issueList';
import { parseIssueKey } from './issues';
import { visibleProjectIds } from './projects';
import { escapeLike, findMatches, foldText, snippetAround } from './text';

export const SEARCH_LIMIT = 50;
const COMMENT_HITS_PER_ISSUE = 3;
export const QUERY_MAX_LENGTH = 200;

const KEY_SQL = "(p.key || '-' || i.number)";

export function search(db: Db, viewer: Viewer, rawQuery: string): SearchResponse {
  const query = rawQuery.trim().slice(0, QUERY_MAX_LENGTH);
  const folded = foldText(query);
  if (!folded) return { query, results: [] };
  const visible = visibleProjectIds(db, viewer);
  if (visible.length === 0) return { query, results: [] };

  const pattern = `%${escapeLike(folded)}%`;
  const exactKey = parseIssueKey(query);
  const rows = db.all<IssueRow & { rank: number }>(
    `SELECT i.*, p.key AS project_key,
            CASE WHEN p.key = ? AND i.number = ? THEN 0
                 WHEN fold(i.title) LIKE ? ESCAPE '\\' THEN 1
                 ELSE 2 END AS rank
     FROM issues i JOIN projects p ON p.id = i.project_id
     WHERE i.project_id IN (${visible.map(() => '?').join(', ')})
       AND (fold(${KEY_SQL}) LIKE ? ESCAPE '\\'
            OR fold(i.title) LIKE ? ESCAPE '\\'
            OR fold(i.description) LIKE ? ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = i.id AND fold(c.body) LIKE ? ESCAPE '\\'))
     ORDER BY rank, i.updated_at DESC, i.id DESC
     LIMIT ?`,
    [
      exactKey?.projectKey ?? null,
      exactKey?.number ?? null,
      pattern,
      ...visible,
      pattern,
      pattern,
      pattern,
      pattern,
      SEARCH_LIMIT,
    ],
  );

  const results: SearchResult[] = rows.map((row) => ({
    issue: { key: issueKey(row), title: row.title, status: row.status, project_key: row.project_key },
    hits: hitsFor(db, row, query, pattern),
  }));
  return { query, results };
}

function hitsFor(db: Db, issue: IssueRow, query: string, pattern: string): SearchHit[] {
  const hits: SearchHit[] = [];
  const key = issueKey(issue);
  const keyRanges = findMatches(key, query);
  if (keyRanges.length > 0) hits.push({ field: 'key', snippet: key, ranges: keyRanges, comment_id: null });

  const titleRanges = findMatches(issue.title, query);
  if (titleRanges.length > 0) hits.push({ field: 'title', snippet: issue.title, ranges: titleRanges, comment_id: null });

  const descriptionRanges = findMatches(issue.description, query);
  if (descriptionRanges.length > 0) {
    hits.push({ field: 'description', ...snippetAround(issue.description, descriptionRanges), comment_id: null });
  }

  const comments = db.all<{ id: number; body: string }>(
    `SELECT id, body FROM comments WHERE issue_id = ? AND fold(body) LIKE ? ESCAPE '\\' ORDER BY created_at, id LIMIT ?`,
    [issue.id, pattern, COMMENT_HITS_PER_ISSUE],
  );
  for (const comment of comments) {
    const ranges = findMatches(comment.body, query);
    if (ranges.length > 0) hits.push({ field: 'comment', ...snippetAround(comment.body, ranges), comment_id: comment.id });
  }
  return hits;
}
