// Ground-truth text of a page image for OCR evaluation, from a sidecar file beside the image:
//   <name>.gt.txt or <name>.txt  plain text (UTF-8)
//   <name>.xml                    ALTO (any version: TextLine/String@CONTENT) or PAGE XML (TextLine/TextEquiv/Unicode,
//                                 else Word/TextEquiv/Unicode), told apart by the root element
// Lines come back in document order, one per line; words of a line joined by single spaces.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';

export type GroundTruthFormat = 'text' | 'alto' | 'page';

export interface GroundTruth {
  format: GroundTruthFormat;
  file: string;
  text: string;
}

export class GroundTruthError extends Error {
  override name = 'GroundTruthError';
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  preserveOrder: false,
  isArray: (name) =>
    [
      'TextBlock',
      'TextLine',
      'String',
      'Word',
      'TextRegion',
      'TextEquiv',
      'Page',
      'PrintSpace',
      'ComposedBlock',
      'TableRegion',
      'TableCell',
    ].includes(name),
  parseTagValue: false,
  trimValues: false,
});

const asArray = (v: unknown): Node[] =>
  Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : [];

/** Every descendant element named `name`, in document order (depth-first). */
function descendants(node: unknown, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const n of node) descendants(n, name, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  for (const [k, v] of Object.entries(node as Node)) {
    if (k.startsWith('@') || k === '#text') continue;
    if (k === name) {
      for (const n of asArray(v)) out.push(n);
    } else {
      descendants(v, name, out);
    }
  }
  return out;
}

const textOf = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '#text' in (v as Node)) return String((v as Node)['#text']);
  return '';
};

/** The text of an ALTO document: one line per TextLine, its Strings' CONTENT joined by spaces. */
export function altoText(xml: string): string {
  const doc = parser.parse(xml) as Node;
  return descendants(doc, 'TextLine')
    .map((line) =>
      asArray(line.String)
        .map((s) => String(s['@CONTENT'] ?? ''))
        .filter(Boolean)
        .join(' '),
    )
    .filter(Boolean)
    .join('\n');
}

/** The text of a PAGE XML document: each TextLine's own TextEquiv, else its Words' TextEquivs. */
export function pageXmlText(xml: string): string {
  const doc = parser.parse(xml) as Node;
  const equiv = (n: Node): string => {
    const eqs = asArray(n.TextEquiv);
    // Several TextEquivs may exist (alternatives): the one with index 1 or the first.
    const chosen = eqs.find((e) => e['@index'] === '1') ?? eqs[0];
    return chosen ? textOf(chosen.Unicode).trim() : '';
  };
  return descendants(doc, 'TextLine')
    .map((line) => equiv(line) || asArray(line.Word).map(equiv).filter(Boolean).join(' '))
    .filter(Boolean)
    .join('\n');
}

/** Text of a ground-truth XML file, by its root element (alto or PcGts). */
export function xmlGroundTruth(xml: string): { format: 'alto' | 'page'; text: string } {
  const root = /<(?:[A-Za-z_][\w.-]*:)?(alto|PcGts)\b/.exec(xml)?.[1];
  if (root === 'alto') return { format: 'alto', text: altoText(xml) };
  if (root === 'PcGts') return { format: 'page', text: pageXmlText(xml) };
  throw new GroundTruthError('XML ground truth is neither ALTO (<alto>) nor PAGE (<PcGts>)');
}

/** The sidecar ground truth of an image path (without reading the image), or null when there is none. */
export async function readGroundTruth(imagePath: string): Promise<GroundTruth | null> {
  const base = imagePath.replace(/\.[^./\\]+$/, '');
  for (const file of [`${base}.gt.txt`, `${base}.txt`]) {
    if (existsSync(file)) return { format: 'text', file, text: await readFile(file, 'utf8') };
  }
  const xmlFile = `${base}.xml`;
  if (existsSync(xmlFile)) {
    const parsed = xmlGroundTruth(await readFile(xmlFile, 'utf8'));
    return { ...parsed, file: xmlFile };
  }
  return null;
}
