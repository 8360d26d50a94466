import { describe, expect, it } from 'vitest';
import { termOf } from '../../src/index/italian-text.ts';
import { escapeHtml, makeSnippet } from '../../src/index/snippet.ts';

const hl = (...words: string[]) => ({ terms: new Set(words.map((w) => termOf(w)!)), prefixes: [] as string[] });

describe('snippets', () => {
  it('marks words with the same stem as the query and escapes the rest', () => {
    const s = makeSnippet('Lavori di <b>ristrutturazione</b> & "restauro"', hl('ristrutturazioni'));
    expect(s).toBe('Lavori di &lt;b&gt;<mark>ristrutturazione</mark>&lt;/b&gt; &amp; &quot;restauro&quot;');
  });

  it('shows a window of about thirty words around the matches, with ellipses', () => {
    const words = Array.from({ length: 200 }, (_, i) => `parola${i}`);
    words[120] = 'sanatoria';
    const s = makeSnippet(words.join(' '), hl('sanatoria'));
    expect(s.startsWith('… parola112 ')).toBe(true);
    expect(s.endsWith(' …')).toBe(true);
    expect(s).toContain('<mark>sanatoria</mark>');
    expect(s.split(' ').filter((w) => w !== '…')).toHaveLength(30);
  });

  it('prefers the window holding the most distinct query terms', () => {
    const filler = (n: number) => Array.from({ length: n }, () => 'testo').join(' ');
    const text = `condono ${filler(60)} condono e sanatoria ${filler(60)}`;
    const s = makeSnippet(text, hl('condono', 'sanatoria'));
    expect(s).toContain('<mark>condono</mark> e <mark>sanatoria</mark>');
  });

  it('highlights prefixes and a word hyphenated across lines', () => {
    const s = makeSnippet('progetto di ristruttu-\nrazione', { terms: new Set(), prefixes: ['ristruttur'] });
    expect(s).toBe('progetto di <mark>ristrutturazione</mark>');
  });

  it('returns the start of the page when nothing matches, and copes with empty text', () => {
    expect(makeSnippet('Nulla da segnalare.', hl('sanatoria'))).toBe('Nulla da segnalare.');
    expect(makeSnippet('', hl('sanatoria'))).toBe('');
    expect(escapeHtml(`<a href="x">'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;');
  });
});
