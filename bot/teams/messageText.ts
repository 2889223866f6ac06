/**
 * The text a reader saw in a Teams message, from the message payload a
 * message extension receives (a message's "…" menu). Teams sends a message
 * body as HTML: <p>, <br>, <strong>, <at> mentions, links. The product takes
 * it as plain text, and that text then meets the same plain-text and
 * personal-data rules as anything typed into a form: formatting Teams added
 * is removed (it was not the writer's words), while everything the reader
 * could see is kept, a link's address included, so that a link or a name in
 * the message is shown to the reporter as a field error, never dropped
 * without a word. Linear: one pass over at most MAX_INPUT characters.
 */

/** Longer messages are cut here before anything else; the offered summary is bounded again by its use case. */
const MAX_INPUT = 40_000;

const BLOCK = new Set(['p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr', 'table']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return NAMED[code.toLowerCase()] ?? whole;
  });
}

function htmlToText(html: string): string {
  let out = '';
  let i = 0;
  let anchor: { href: string; start: number } | undefined;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) {
      out += html.slice(lt);
      break;
    }
    const tag = html.slice(lt + 1, gt);
    const m = /^(\/?)\s{0,5}([a-zA-Z][a-zA-Z0-9]{0,15})/.exec(tag);
    i = gt + 1;
    if (!m) {
      out += `<${tag}>`; // not a tag: what the reader saw
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    // A line break; a paragraph or block starts on a new line (once: "</p><p>" is one break, not two).
    if (name === 'br' || (BLOCK.has(name) && out !== '' && !out.endsWith('\n'))) out += '\n';
    if (name === 'a' && !closing) {
      const href = /\bhref\s{0,5}=\s{0,5}"([^"]{0,2000})"/i.exec(tag)?.[1];
      anchor = href ? { href: decodeEntities(href), start: out.length } : undefined;
    } else if (name === 'a' && closing && anchor) {
      // The address, unless the link's text already shows it.
      if (!decodeEntities(out.slice(anchor.start)).includes(anchor.href)) out += ` (${anchor.href})`;
      anchor = undefined;
    }
  }
  return decodeEntities(out);
}

/** The message's text as its reader saw it; undefined when there is none. */
export function plainTextOfMessage(body: { contentType?: unknown; content?: unknown } | undefined): string | undefined {
  if (!body || typeof body.content !== 'string') return undefined;
  const content = body.content.slice(0, MAX_INPUT);
  const text = body.contentType === 'html' ? htmlToText(content) : content;
  const tidy = text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return tidy || undefined;
}
