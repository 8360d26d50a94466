// OCR-like noise for synthetic training and evaluation text. The generator's page text is what was printed; real
// OCR output of old scans differs in a few characters per hundred. Training and evaluating on clean text would
// overstate accuracy, so synthetic rows go through this function at a target character error rate (default 2 %).
//
// Error mix, per character, at probability `cer`:
//   - a look-alike substitution when the character has one (O↔0, o→0, l↔1, I→l/1, i→l, S→5, B→8, e→c, rn→m, m→rn);
//   - on a space: the space is dropped (words run together), 60 %, or doubled;
//   - otherwise a deletion (25 %), a stray character inserted after it (15 %) or a random letter substitution.
// The effective CER measured by src/ocr/cer.ts is close to `cer` (a test checks it stays within 1–3 % at 2 %).
import { Rng } from '../../samples/random.ts';

const LOOK_ALIKES: Record<string, readonly string[]> = {
  O: ['0'],
  '0': ['O', 'o'],
  o: ['0', 'c'],
  l: ['1', 'I'],
  '1': ['l', 'I'],
  I: ['l', '1'],
  i: ['l', '1'],
  S: ['5'],
  '5': ['S'],
  B: ['8'],
  '8': ['B'],
  e: ['c', 'o'],
  c: ['e'],
  a: ['o'],
  n: ['u'],
  u: ['n'],
  h: ['b'],
  t: ['f'],
  f: ['t'],
  E: ['F'],
  Z: ['2'],
  '2': ['Z'],
  g: ['q'],
};
const LETTERS = 'abcdefghilmnopqrstuvz';
const STRAY = ".,'-:;i";

export interface NoiseOptions {
  /** Target character error rate, 0..1 (default 0.02). */
  cer?: number;
  seed: number;
}

/** The text with OCR-like errors; same text and seed → same output. */
export function ocrNoise(text: string, opts: NoiseOptions): string {
  const cer = opts.cer ?? 0.02;
  if (cer <= 0) return text;
  const rng = new Rng(opts.seed);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\n' || !rng.chance(cer)) {
      out += ch;
      continue;
    }
    if (ch === 'r' && text[i + 1] === 'n') {
      out += 'm';
      i++;
      continue;
    }
    if (ch === 'm' && rng.chance(0.5)) {
      out += 'rn';
      continue;
    }
    const alike = LOOK_ALIKES[ch];
    if (alike) {
      out += rng.pick(alike);
      continue;
    }
    if (ch === ' ') {
      out += rng.chance(0.6) ? '' : '  ';
      continue;
    }
    const r = rng.next();
    if (r < 0.25) continue; // deletion
    if (r < 0.4) out += ch + rng.pick([...STRAY]);
    else out += rng.pick([...LETTERS]);
  }
  return out;
}
