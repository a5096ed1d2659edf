import type { ReactNode } from 'react';

/**
 * Folds case and accents so "Cafe" finds "café". Works per UTF-16 unit and keeps the length, so
 * an index in the folded text is the same index in the original.
 */
export function foldForSearch(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const folded = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    out += folded.length === 1 ? folded : ch;
  }
  return out;
}

/**
 * Splits `text` into plain and highlighted parts for every occurrence of a query term. The query
 * is matched literally (no regex: `%`, `_`, `.` and quotes are ordinary characters) and the text
 * stays text: React escapes it.
 */
export function highlightParts(text: string, query: string): { text: string; match: boolean }[] {
  const terms = query
    .split(/\s+/)
    .map((term) => foldForSearch(term))
    .filter(Boolean);
  if (terms.length === 0) return [{ text, match: false }];
  const folded = foldForSearch(text);
  const marks = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    let from = 0;
    for (;;) {
      const at = folded.indexOf(term, from);
      if (at < 0) break;
      marks.fill(true, at, at + term.length);
      from = at + term.length;
    }
  }
  const parts: { text: string; match: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.match === marks[i]) last.text += text[i];
    else parts.push({ text: text[i], match: marks[i] });
  }
  return parts;
}

/**
 * Splits `text` at the server's match ranges ([start, end) offsets, in order). Ranges that are
 * out of bounds or overlap a previous one are ignored rather than trusted.
 */
export function partsFromRanges(text: string, ranges: Array<[number, number]>): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push({ text: text.slice(at, start), match: false });
    parts.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/** Highlighted text from the server's ranges, or from matching the query here when it sent none. */
export function HighlightedSnippet({
  text,
  ranges,
  query,
  testId,
}: {
  text: string;
  ranges: Array<[number, number]>;
  query: string;
  testId?: string;
}): ReactNode {
  const parts = ranges.length > 0 ? partsFromRanges(text, ranges) : highlightParts(text, query);
  return (
    <span data-testid={testId}>
      {parts.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  );
}
