// Capitalisation of street and person names read from OCR text ("VIA XX SETTEMBRE" → "Via XX Settembre").

// prettier-ignore
export const LOWER_PARTICLES = new Set([
  'di', 'de', 'del', 'dei', 'degli', 'della', 'delle', 'dello', 'da', 'dal', 'dalla', 'e', 'ed', 'al', 'alla', 'alle', 'agli', 'ai', 'allo', 'sul', 'sulla', 'in',
]);

const ROMAN_NUMERAL = /^(?=[mdclxvi])m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$/i;

/**
 * Capitalise one word of a street or person name. `particlesLower`: "dei", "della"… stay lower case (street names);
 * `elisionLower`: "d'Assisi" keeps a lower-case elided particle (not the first word of a name: "D'Annunzio").
 */
export function titleCaseWord(w: string, particlesLower: boolean, elisionLower: boolean): string {
  const lower = w.toLowerCase();
  if (particlesLower && LOWER_PARTICLES.has(lower)) return lower;
  if (w.length <= 6 && ROMAN_NUMERAL.test(w) && !/^(?:di|mi|vi|li|ci|dici|mille)$/i.test(w)) return w.toUpperCase();
  const elided = elisionLower && /^(?:d|dell|dall|all|sull|nell)['’]/i.test(lower);
  return lower.replace(/(^|['’])(\p{L})/gu, (_m, sep: string, ch: string) =>
    sep === '' && elided ? ch : sep + ch.toUpperCase(),
  );
}
