import type { ReactNode } from 'react';

/**
 * The markdown subset Board supports: paragraphs, `-`/`*` and `1.` lists, **bold**, *em*,
 * `code`, [links](https://…) and @mentions. Everything is turned into React elements, so text is
 * always escaped by React: raw HTML in a description shows up as text, never as markup.
 */

type Block =
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'list'; ordered: boolean; items: string[] };

const BULLET_RE = /^\s*[-*]\s+(.*)$/;
const ORDERED_RE = /^\s*\d+[.)]\s+(.*)$/;

export function parseBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  const flush = () => {
    if (current) blocks.push(current);
    current = null;
  };
  for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) {
      flush();
      continue;
    }
    const bullet = BULLET_RE.exec(line);
    const ordered = bullet ? null : ORDERED_RE.exec(line);
    const item = bullet ?? ordered;
    if (item) {
      const isOrdered = ordered !== null;
      if (!current || current.kind !== 'list' || current.ordered !== isOrdered) {
        flush();
        current = { kind: 'list', ordered: isOrdered, items: [] };
      }
      current.items.push(item[1]);
      continue;
    }
    if (current && current.kind === 'list') {
      // an indented continuation line belongs to the last item; anything else ends the list
      if (/^\s+/.test(line)) {
        current.items[current.items.length - 1] += ` ${line.trim()}`;
        continue;
      }
      flush();
    }
    if (current && current.kind === 'paragraph') current.lines.push(line);
    else current = { kind: 'paragraph', lines: [line] };
  }
  flush();
  return blocks;
}

/** Only these link targets are rendered as links; anything else (javascript:, data:) stays text. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (trimmed.startsWith('/') && !trimmed.startsWith('//')) return trimmed;
  return null;
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'em'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; handle: string };

// Order matters: code first (its content is literal), then links, bold before em.
const INLINE_RE = /`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|(^|[^\w@])@([a-z0-9_.-]*[a-z0-9_])/gi;

export function tokenizeInline(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  const pushText = (value: string) => {
    if (!value) return;
    const prev = tokens[tokens.length - 1];
    if (prev && prev.kind === 'text') prev.text += value;
    else tokens.push({ kind: 'text', text: value });
  };
  for (const match of text.matchAll(INLINE_RE)) {
    const index = match.index ?? 0;
    const [whole, code, linkText, linkHref, bold, em, mentionPrefix, handle] = match;
    if (handle !== undefined) {
      pushText(text.slice(last, index) + (mentionPrefix ?? ''));
      tokens.push({ kind: 'mention', handle });
      last = index + whole.length;
      continue;
    }
    pushText(text.slice(last, index));
    last = index + whole.length;
    if (code !== undefined) tokens.push({ kind: 'code', text: code });
    else if (linkText !== undefined) {
      const href = safeHref(linkHref);
      if (href) tokens.push({ kind: 'link', text: linkText, href });
      else pushText(whole);
    } else if (bold !== undefined) tokens.push({ kind: 'bold', text: bold });
    else if (em !== undefined) tokens.push({ kind: 'em', text: em });
  }
  pushText(text.slice(last));
  return tokens;
}

function renderInline(text: string, keyPrefix: string): ReactNode[] {
  return tokenizeInline(text).map((token, i) => {
    const key = `${keyPrefix}-${i}`;
    switch (token.kind) {
      case 'text':
        return token.text;
      case 'code':
        return <code key={key}>{token.text}</code>;
      case 'bold':
        return <strong key={key}>{renderInline(token.text, key)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(token.text, key)}</em>;
      case 'link':
        return (
          <a key={key} href={token.href} target="_blank" rel="noopener noreferrer nofollow">
            {token.text}
          </a>
        );
      case 'mention':
        return (
          <span key={key} className="mention" data-testid={`mention-${token.handle}`}>
            @{token.handle}
          </span>
        );
    }
  });
}

export function renderMarkdown(source: string): ReactNode[] {
  return parseBlocks(source).map((block, i) => {
    if (block.kind === 'paragraph') {
      const children: ReactNode[] = [];
      block.lines.forEach((line, j) => {
        if (j > 0) children.push(<br key={`br-${j}`} />);
        children.push(...renderInline(line, `p${i}-${j}`));
      });
      return <p key={i}>{children}</p>;
    }
    const items = block.items.map((item, j) => <li key={j}>{renderInline(item, `l${i}-${j}`)}</li>);
    return block.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
  });
}

/** The @handles mentioned in a text (lower-cased, unique), e.g. to preview who gets notified. */
export function extractMentions(source: string): string[] {
  const handles = new Set<string>();
  for (const token of parseBlocks(source).flatMap((block) =>
    block.kind === 'paragraph' ? block.lines : block.items,
  )) {
    for (const t of tokenizeInline(token)) if (t.kind === 'mention') handles.add(t.handle.toLowerCase());
  }
  return [...handles];
}
