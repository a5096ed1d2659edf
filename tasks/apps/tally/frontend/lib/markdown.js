import { emojiFor } from './emoji.js';

/**
 * A small chat-flavoured markdown renderer that produces safe HTML:
 *   *bold*  _italic_  ~strike~  `code`  ```code block```  > quote
 *   [label](https://...)  bare https:// links  @mentions  :emoji:
 * All text is HTML-escaped before any markup is added.
 */

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

const FENCE = '```';

// Inline tokens that are never formatted inside: code spans, links, URLs, mentions.
const INLINE_TOKEN = new RegExp(
  [
    '`([^`\\n]+)`',
    '\\[([^\\]\\n]+)\\]\\((https?:\\/\\/[^\\s)]+)\\)',
    '(https?:\\/\\/[^\\s<>"]*[^\\s<>".,:;\'!?)\\]])',
    '(?<![\\w@])(@[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+|@here)',
  ].join('|'),
  'g',
);

const EMPHASIS = [
  [/(^|[^\w*])\*(?!\s)([^*\n]*?[^\s*])\*(?![\w*])/g, 'strong'],
  [/(^|[^\w_])_(?!\s)([^_\n]*?[^\s_])_(?![\w_])/g, 'em'],
  [/(^|[^\w~])~(?!\s)([^~\n]*?[^\s~])~(?![\w~])/g, 'del'],
];

const SHORTCODE = /:([a-z0-9_+-]+):/g;

function link(url, label) {
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
}

function formatText(text) {
  let html = escapeHtml(text);
  for (const [pattern, tag] of EMPHASIS) {
    html = html.replace(pattern, `$1<${tag}>$2</${tag}>`);
  }
  return html.replace(SHORTCODE, (match, name) => emojiFor(name) ?? match);
}

export function renderInline(text) {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(INLINE_TOKEN)) {
    html += formatText(text.slice(last, match.index));
    const [whole, code, label, labelUrl, url, mention] = match;
    if (code !== undefined) {
      html += `<code>${escapeHtml(code)}</code>`;
    } else if (label !== undefined) {
      html += link(labelUrl, formatText(label));
    } else if (url !== undefined) {
      html += link(url, escapeHtml(url));
    } else if (mention !== undefined) {
      html += `<span class="mention" data-testid="mention">${escapeHtml(mention)}</span>`;
    } else {
      html += escapeHtml(whole);
    }
    last = match.index + whole.length;
  }
  return html + formatText(text.slice(last));
}

function renderLines(lines) {
  return lines.map(renderInline).join('<br>');
}

function closingFence(lines, start) {
  for (let i = start; i < lines.length; i += 1) {
    if (lines[i].trimEnd().endsWith(FENCE)) return i;
  }
  return -1;
}

export function renderMarkdown(source) {
  const lines = String(source ?? '').replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let paragraph = [];

  const flushParagraph = () => {
    if (paragraph.length) blocks.push(`<p>${renderLines(paragraph)}</p>`);
    paragraph = [];
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i];

    if (line.startsWith(FENCE)) {
      const opening = line.slice(FENCE.length);
      // ```code``` on a single line
      if (opening.trimEnd().endsWith(FENCE) && opening.trim().length > FENCE.length) {
        flushParagraph();
        const code = opening.trimEnd().slice(0, -FENCE.length);
        blocks.push(`<pre><code>${escapeHtml(code)}</code></pre>`);
        i += 1;
        continue;
      }
      const end = closingFence(lines, i + 1);
      if (end !== -1) {
        flushParagraph();
        const body = lines.slice(i + 1, end);
        const last = lines[end].trimEnd().slice(0, -FENCE.length);
        if (last) body.push(last);
        if (opening.trim()) body.unshift(opening);
        blocks.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
        i = end + 1;
        continue;
      }
    }

    if (/^>\s?/.test(line)) {
      flushParagraph();
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) {
        quoted.push(lines[i].replace(/^>\s?/, ''));
        i += 1;
      }
      blocks.push(`<blockquote>${renderLines(quoted)}</blockquote>`);
      continue;
    }

    if (line.trim() === '') {
      flushParagraph();
    } else {
      paragraph.push(line);
    }
    i += 1;
  }
  flushParagraph();
  return blocks.join('');
}

/** The message as plain text, for previews and search results. */
export function plainText(source) {
  return String(source ?? '')
    .replace(/```/g, '')
    .replace(/[*_~`]/g, '')
    .replace(/^>\s?/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
