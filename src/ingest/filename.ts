// Display names for uploaded files: never used as paths, but shown to people and written into manifests.

/** Last path segment, control characters removed, at most 255 characters; never empty. */
export function safeDisplayName(raw: string | undefined): string {
  // toWellFormed: lone surrogates (names from non-UTF-8 systems) become U+FFFD, removed below.
  const base = (raw ?? '').toWellFormed().split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f\ufffd]/g, '').trim();
  const clipped = Array.from(cleaned).slice(0, 255).join('');
  return clipped === '' || clipped === '.' || clipped === '..' ? 'senza-nome' : clipped;
}
