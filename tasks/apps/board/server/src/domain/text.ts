// Text helpers: case- and accent-insensitive folding, LIKE escaping, match ranges, snippets.

const COMBINING_MARKS = /\p{M}/gu;

/** Lowercase without accents: "Élan Café" -> "elan cafe". */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** Escapes LIKE wildcards so `%`, `_` and the escape character itself match literally (ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Collapses runs of whitespace and trims: the normal form of titles and names. */
export function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface FoldedText {
  folded: string;
  /** For each UTF-16 unit of `folded`: [start, end) of the original character it came from. */
  origin: Array<[number, number]>;
}

function foldWithOrigin(text: string): FoldedText {
  let folded = '';
  const origin: Array<[number, number]> = [];
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    const foldedChar = foldText(char);
    for (let k = 0; k < foldedChar.length; k++) {
      origin.push([i, i + char.length]);
    }
    folded += foldedChar;
    i += char.length;
  }
  return { folded, origin };
}

/** Where `query` occurs in `text`, ignoring case and accents: [start, end) ranges into `text`. */
export function findMatches(text: string, query: string): Array<[number, number]> {
  const needle = foldText(query);
  if (!needle) return [];
  const { folded, origin } = foldWithOrigin(text);
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const at = folded.indexOf(needle, from);
    if (at < 0) break;
    const start = origin[at][0];
    const end = origin[at + needle.length - 1][1];
    const last = ranges[ranges.length - 1];
    if (last && start < last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      ranges.push([start, end]);
    }
    from = at + needle.length;
  }
  return ranges;
}

/**
 * An excerpt of `text` around its first match, at most about `width` characters, with the
 * match ranges shifted into the excerpt. Ellipses mark the cut ends.
 */
export function snippetAround(
  text: string,
  ranges: Array<[number, number]>,
  width = 120,
): { snippet: string; ranges: Array<[number, number]> } {
  const flat = text.replace(/\s+/g, ' ');
  if (flat.length <= width || ranges.length === 0) {
    const snippet = flat.length <= width ? flat : `${flat.slice(0, width).trimEnd()}…`;
    return { snippet, ranges: ranges.filter(([, end]) => end <= width) };
  }
  const [firstStart] = ranges[0];
  let start = Math.max(0, firstStart - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  start = Math.max(0, end - width);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const shift = prefix.length - start;
  const inside = ranges
    .filter(([rangeStart, rangeEnd]) => rangeStart >= start && rangeEnd <= end)
    .map(([rangeStart, rangeEnd]): [number, number] => [rangeStart + shift, rangeEnd + shift]);
  return { snippet: prefix + flat.slice(start, end) + suffix, ranges: inside };
}
