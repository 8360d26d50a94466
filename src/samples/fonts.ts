// Fonts the generator asks librsvg for, checked against fontconfig (fc-list): a missing family would otherwise
// render silently in some fallback. Missing families fall back, with a warning, to the DejaVu family of the role.
import { execFileSync } from 'node:child_process';
import { silentLogger, type Logger } from '../core/logger.ts';

/** typewriter: old typed documents; serif / sans: word-processed documents. */
export type FontRole = 'typewriter' | 'serif' | 'sans';

export const FONT_FAMILIES: Record<FontRole, readonly string[]> = {
  typewriter: ['FreeMono', 'Liberation Mono', 'DejaVu Sans Mono'],
  serif: ['Liberation Serif', 'FreeSerif', 'DejaVu Serif'],
  sans: ['Liberation Sans', 'FreeSans', 'DejaVu Sans'],
};

/** How often each family is drawn within its role (the first of each role is the most common). */
export const FONT_WEIGHTS: Record<FontRole, readonly number[]> = {
  typewriter: [5, 3, 1],
  serif: [5, 2, 2],
  sans: [5, 2, 2],
};

export const FALLBACK_FAMILY: Record<FontRole, string> = {
  typewriter: 'DejaVu Sans Mono',
  serif: 'DejaVu Serif',
  sans: 'DejaVu Sans',
};

export interface FontChoice {
  role: FontRole;
  family: string; // the family asked for
}

let installed: Set<string> | undefined;
const warned = new Set<string>();

/** Family names fontconfig knows (each alias of a multi-name family counted). Empty if fc-list is missing. */
export function installedFontFamilies(): Set<string> {
  if (installed) return installed;
  try {
    const out = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    installed = new Set(
      out
        .split('\n')
        .flatMap((line) => line.split(','))
        .map((name) => name.trim())
        .filter(Boolean),
    );
  } catch {
    installed = new Set();
  }
  return installed;
}

/** The family to put in the SVG: the one asked for if installed, else the role's DejaVu fallback (warned once). */
export function resolveFontFamily(choice: FontChoice, logger: Logger = silentLogger): string {
  const families = installedFontFamilies();
  if (families.has(choice.family)) return choice.family;
  const fallback = FALLBACK_FAMILY[choice.role];
  if (!warned.has(choice.family)) {
    warned.add(choice.family);
    logger.warn(
      { asked: choice.family, fallback, fallbackInstalled: families.has(fallback) },
      'font not installed (apt-get install -y fonts-freefont-ttf fonts-liberation); rendering with fallback',
    );
  }
  return fallback;
}

/** Fonts of FONT_FAMILIES that fontconfig does not know. */
export function missingFonts(): string[] {
  const families = installedFontFamilies();
  return Object.values(FONT_FAMILIES)
    .flat()
    .filter((family) => !families.has(family));
}

/**
 * Rough advance width of a text in px, for line wrapping (no font metrics at hand). Monospace is exact at 0.6 em;
 * proportional estimates err on the wide side so wrapped lines stay inside the margins.
 */
export function estimateTextWidth(text: string, role: FontRole, sizePx: number, bold = false): number {
  if (role === 'typewriter') return text.length * 0.6 * sizePx;
  let em = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\u00A0') em += 0.28;
    else if (/[MWmw@]/.test(ch)) em += 0.9;
    else if (/[A-Z]/.test(ch)) em += 0.7;
    else if (/[ÀÈÉÌÒÙ]/.test(ch)) em += 0.7;
    else if (/[0-9]/.test(ch)) em += 0.56;
    else if (/[fijlrt]/.test(ch)) em += 0.32;
    else if (/[.,;:'!|()\-/]/.test(ch)) em += 0.33;
    else em += 0.54;
  }
  return em * sizePx * (bold ? 1.08 : 1) * (role === 'sans' ? 1.04 : 1);
}
