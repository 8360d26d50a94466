// Maps given in one environment variable: JSON ("{"a": "b"}") or "a=b,c=d". Used as a zod preprocess step; anything
// that does not parse is returned as it came, so that validation reports it under its config key.

/** The key is what precedes the last '=' of each comma-separated part (claim values may hold '='). */
export function parseKeyValueList(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (s.startsWith('{')) {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return v;
    }
  }
  const out: Record<string, string> = {};
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) return v;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
