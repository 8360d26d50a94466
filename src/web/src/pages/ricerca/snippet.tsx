// Search snippets: the server sends HTML-escaped text with matches in <mark>…</mark>. Only the mark tags are kept;
// everything else is decoded to plain text and rendered as text by Preact, so no markup from a page can run.
import type { ComponentChildren } from 'preact';

export interface SnippetSegment {
  text: string;
  mark: boolean;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#39|#x[0-9a-f]{1,6}|#[0-9]{1,7});/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the entities an HTML escaper produces, in one pass ("&amp;lt;" stays "&lt;"). */
export function decodeEntities(s: string): string {
  return s.replace(ENTITY, (whole, name: string) => {
    const key = name.toLowerCase();
    if (key in NAMED) return NAMED[key]!;
    const code = key.startsWith('#x') ? parseInt(key.slice(2), 16) : parseInt(key.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Splits a snippet into plain and marked text; any tag other than <mark> and </mark> is kept as literal text. */
export function snippetSegments(html: string): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  let mark = false;
  for (const part of html.split(/(<\/?mark>)/i)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') mark = true;
    else if (tag === '</mark>') mark = false;
    else if (part !== '') {
      const text = decodeEntities(part);
      const last = out[out.length - 1];
      if (last && !last.mark && !mark) last.text += text;
      else out.push({ text, mark });
    }
  }
  return out;
}

/** The words the server marked, for highlighting them again in the viewer. */
export function markedWords(html: string): string[] {
  return snippetSegments(html)
    .filter((s) => s.mark)
    .map((s) => s.text.trim())
    .filter(Boolean);
}

export function Snippet({ html }: { html: string }) {
  const children: ComponentChildren[] = snippetSegments(html).map((s, i) =>
    s.mark ? <mark key={i}>{s.text}</mark> : s.text,
  );
  return <span class="ricerca-snippet">{children}</span>;
}
