// Which QR library reads printed-and-scanned separator sheets best. Each sheet is printed with separatorSheetsPdf,
// rendered by pdf.js at the scan DPI and degraded by the scan simulation (skew, noise, bilevel threshold, JPEG).
//   npx tsx bench/qr-readers.ts [--n 8] [--pages 4] [--readers jsqr,zxing-library,zxing-wasm,qr] [--only 'noise,JPEG q40']
//                               [--out bench-results/]
// For each library and condition: the read rate and ms per page, twice: one decode of the page as scanned ("single
// pass") and through the separator reader's ladder (src/scan/separator.reader.ts) with that library plugged in.
// Then pages without a code (generated content pages): false reads and ms per page. Writes qr-readers.md.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import sharp from 'sharp';
import jsQRModule from 'jsqr';
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { encodeSeparator, type SeparatorPayload } from '../src/scan/separator.payload.ts';
import { qrDecoder, readSeparator, type GreyImage, type QrDecoder } from '../src/scan/separator.reader.ts';
import { separatorSheetsPdf } from '../src/scan/separator.sheet.ts';
import { DOCUMENT_TYPES, PROCEDURE_TYPES } from '../src/domain/vocabulary.ts';
import { contentPage, pagePng } from '../test/scan/box-scan.ts';
import { renderPdfPages, simulateScan, type ScanConditions } from '../test/scan/scan-simulation.ts';
import { fmt, markdownTable, textTable, type Cell } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '8' },
    pages: { type: 'string', default: '4' },
    readers: { type: 'string', default: 'jsqr,zxing-library,zxing-wasm,qr' },
    out: { type: 'string', default: 'bench-results' },
    only: { type: 'string' },
  },
});
const N = Number(values.n);
// jsqr is a CommonJS bundle whose typings declare an ES default export: take whichever Node hands us.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

// ---- candidate decoders (behind the reader's QrDecoder port) ------------------------------------------------

function greyToRgba(image: GreyImage): Uint8ClampedArray {
  const { data } = image;
  const out = new Uint8ClampedArray(data.length * 4);
  for (let i = 0, o = 0; i < data.length; i++, o += 4) {
    const v = data[i]!;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
  return out;
}

let zxingReady = false;
/** zxing-wasm fetches its .wasm from a CDN unless told otherwise: hand it the copy in node_modules. */
function prepareZxing(): void {
  if (zxingReady) return;
  const wasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
  prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
  });
  zxingReady = true;
}

const DECODERS: Record<string, () => QrDecoder> = {
  jsqr: () => ({
    name: 'jsqr',
    async decode(img: GreyImage) {
      const r = jsQR(greyToRgba(img), img.width, img.height, { inversionAttempts: 'dontInvert' });
      return { texts: r ? [r.data] : [] };
    },
  }),
  'zxing-library': () => {
    const hints = new Map<DecodeHintType, unknown>([
      [DecodeHintType.TRY_HARDER, true],
      [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE]],
    ]);
    return {
      name: 'zxing-library',
      async decode(img: GreyImage) {
        const source = new RGBLuminanceSource(
          new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length),
          img.width,
          img.height,
        );
        try {
          return { texts: [new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints).getText()] };
        } catch {
          return { texts: [] }; // NotFound / Checksum / Format exceptions
        }
      },
    };
  },
  // ZXing-C++ in WebAssembly; it reports symbols located but not decoded (returnErrors), like the qr decoder.
  'zxing-wasm': () => ({
    name: 'zxing-wasm',
    async decode(img: GreyImage) {
      prepareZxing();
      const results = await readBarcodes(
        { data: greyToRgba(img), width: img.width, height: img.height, colorSpace: 'srgb' } as ImageData,
        {
          formats: ['QRCode'],
          tryHarder: true,
          tryRotate: true,
          tryInvert: false,
          tryDownscale: true,
          maxNumberOfSymbols: 4,
          returnErrors: true,
        },
      );
      return { texts: results.filter((r) => r.isValid).map((r) => r.text), located: results.length };
    },
  }),
  // The separator reader's default decoder (src/scan/separator.reader.ts).
  qr: () => qrDecoder(),
};

// ---- separators and conditions ------------------------------------------------------------------------------

function separators(n: number): SeparatorPayload[] {
  const comuni = [
    'Siena',
    'Castelnuovo Berardenga',
    'San Gimignano',
    'Colle di Val d’Elsa',
    'Poggibonsi',
    'Montalcino',
  ];
  return Array.from({ length: n }, (_, i): SeparatorPayload => {
    if (i % 4 === 2) return { kind: 'document-type', tipo: DOCUMENT_TYPES[i % DOCUMENT_TYPES.length]! };
    if (i % 8 === 7) return { kind: 'generic' };
    return {
      kind: 'practice',
      comune: comuni[i % comuni.length]!,
      pratica: `${['PE', 'CE', 'PDC', 'SCIA'][i % 4]} ${17 + i * 131}/${1975 + i * 6}`,
      proc: PROCEDURE_TYPES[i % PROCEDURE_TYPES.length],
      ...(i % 2 === 0 ? { box: `Archivio di deposito, scaffale ${i + 1}, faldone ${20 + i}` } : {}),
    };
  });
}

interface Condition extends ScanConditions {
  label: string;
}

const ALL_CONDITIONS: Condition[] = [
  { label: '300 grey', dpi: 300, mode: 'grey', skewDeg: 0.5 },
  { label: '200 bilevel', dpi: 200, mode: 'bilevel' },
  { label: '200 bl 2°', dpi: 200, mode: 'bilevel', skewDeg: 2 },
  { label: '200 bl 5°', dpi: 200, mode: 'bilevel', skewDeg: -5 },
  { label: 'noise', dpi: 200, mode: 'bilevel', skewDeg: 1, noiseSigma: 28, blur: 1 },
  { label: 'dark bl', dpi: 200, mode: 'bilevel', skewDeg: 2, threshold: 225, blur: 1.2 },
  { label: 'light bl', dpi: 200, mode: 'bilevel', skewDeg: -2, threshold: 60, blur: 1.2 },
  { label: 'JPEG q40', dpi: 200, mode: 'grey', skewDeg: 1.5, jpegQuality: 40, noiseSigma: 4 },
  { label: 'small print', dpi: 200, mode: 'bilevel', skewDeg: 2, printScale: 0.5 },
  { label: 'small 150 5°', dpi: 150, mode: 'bilevel', skewDeg: 5, printScale: 0.5 },
  // Stress: beyond what the separator instructions ask for, to separate the libraries.
  // The QR spans about x 60–150 mm, y 84–174 mm on the sheet.
  {
    label: 'stamp on code',
    dpi: 200,
    mode: 'bilevel',
    skewDeg: 2,
    marks: [{ xMm: 140, yMm: 160, rMm: 20, ringMm: 2, ink: 70 }],
  },
  {
    label: 'hole in code',
    dpi: 200,
    mode: 'bilevel',
    skewDeg: -2,
    marks: [
      { xMm: 105, yMm: 129, rMm: 3.5 },
      { xMm: 75, yMm: 100, rMm: 3.5 },
    ],
  },
  { label: 'tiny 150', dpi: 150, mode: 'bilevel', skewDeg: 3, printScale: 0.3 },
  { label: 'very noisy', dpi: 200, mode: 'bilevel', skewDeg: 3, noiseSigma: 45, blur: 1.5 },
];

const only = values.only?.split(',').map((s) => s.trim());
const CONDITIONS = only ? ALL_CONDITIONS.filter((c) => only.includes(c.label)) : ALL_CONDITIONS;
if (CONDITIONS.length === 0)
  throw new Error(`--only matches no condition (${ALL_CONDITIONS.map((c) => c.label).join(', ')})`);

// ---- run ----------------------------------------------------------------------------------------------------

interface Tally {
  ok: number;
  wrong: number;
  ms: number[];
}
const tally = () => ({ ok: 0, wrong: 0, ms: [] as number[] });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

const readerNames = values.readers.split(',').map((s) => s.trim());
for (const r of readerNames)
  if (!DECODERS[r]) throw new Error(`unknown reader ${r} (${Object.keys(DECODERS).join(', ')})`);
const decoders = readerNames.map((r) => DECODERS[r]!());

const payloads = separators(N);
const pdf = await separatorSheetsPdf(payloads, { printedOn: '2025-03-14' });
console.log(`${N} separator sheets, ${CONDITIONS.length} conditions, readers: ${readerNames.join(', ')}`);
const rendered = new Map<number, Awaited<ReturnType<typeof renderPdfPages>>>();
for (const dpi of new Set(CONDITIONS.map((c) => c.dpi))) rendered.set(dpi, await renderPdfPages(pdf, dpi));

const single = new Map<string, Tally>(); // `${reader}|${condition}`
const ladder = new Map<string, Tally>();
const ladderSteps = new Map<string, Map<string, number>>(); // reader → step → count
const key = (r: string, c: string) => `${r}|${c}`;

for (const cond of CONDITIONS) {
  const t0 = performance.now();
  for (const [i, payload] of payloads.entries()) {
    const scan = await simulateScan(rendered.get(cond.dpi)![i]!, { ...cond, seed: 1000 + i });
    const expected = encodeSeparator(payload);
    const { data, info } = await sharp(scan)
      .greyscale()
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const grey: GreyImage = { data, width: info.width, height: info.height };
    for (const d of decoders) {
      const s = single.get(key(d.name, cond.label)) ?? tally();
      single.set(key(d.name, cond.label), s);
      let t = performance.now();
      const res = await d.decode(grey);
      s.ms.push(performance.now() - t);
      if (res.texts.includes(expected)) s.ok++;
      else if (res.texts.length) s.wrong++;

      const l = ladder.get(key(d.name, cond.label)) ?? tally();
      ladder.set(key(d.name, cond.label), l);
      t = performance.now();
      const reading = await readSeparator(scan, { decoder: d });
      l.ms.push(performance.now() - t);
      if (reading.text === expected) {
        l.ok++;
        const steps = ladderSteps.get(d.name) ?? new Map<string, number>();
        ladderSteps.set(d.name, steps.set(reading.step!, (steps.get(reading.step!) ?? 0) + 1));
      } else if (reading.text || reading.foreign.length) l.wrong++;
    }
  }
  console.log(`  ${cond.label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// Pages without a code: content pages of the sample generator, 200 DPI bilevel and 300 DPI grey.
const noCode = new Map<string, Tally>();
const contentPages: Buffer[] = [];
for (let i = 0; i < Number(values.pages); i++) {
  contentPages.push(await pagePng(await contentPage(500 + i, i % 2 ? 300 : 200, { bilevel: i % 2 === 0 })));
}
for (const d of decoders) {
  const t = tally();
  for (const page of contentPages) {
    const a = performance.now();
    const reading = await readSeparator(page, { decoder: d });
    t.ms.push(performance.now() - a);
    if (reading.payload || reading.invalid) t.wrong++;
    else t.ok++;
  }
  noCode.set(d.name, t);
}

// ---- report -------------------------------------------------------------------------------------------------

function rateTable(m: Map<string, Tally>): { headers: string[]; rows: Cell[][] } {
  const headers = ['reader', ...CONDITIONS.map((c) => c.label), 'all', 'wrong', 'ms/page (median)', 'ms/page (mean)'];
  const rows = decoders.map((d) => {
    const ts = CONDITIONS.map((c) => m.get(key(d.name, c.label))!);
    const ok = ts.reduce((n, t) => n + t.ok, 0);
    const all = ts.reduce((n, t) => n + t.ms.length, 0);
    const ms = ts.flatMap((t) => t.ms);
    return [
      d.name,
      ...ts.map((t) => `${t.ok}/${t.ms.length}`),
      `${fmt((100 * ok) / all, 0)} %`,
      ts.reduce((n, t) => n + t.wrong, 0),
      fmt(median(ms), 0),
      fmt(ms.reduce((a, b) => a + b, 0) / ms.length, 0),
    ];
  });
  return { headers, rows };
}

const singleT = rateTable(single);
const ladderT = rateTable(ladder);
const noCodeT = {
  headers: ['reader', 'pages', 'false separators', 'ms/page (median)', 'ms/page (max)'],
  rows: decoders.map((d): Cell[] => {
    const t = noCode.get(d.name)!;
    return [d.name, t.ms.length, t.wrong, fmt(median(t.ms), 0), fmt(Math.max(...t.ms), 0)];
  }),
};
const stepsT = {
  headers: ['reader', 'ladder step that read the code'],
  rows: decoders.map((d): Cell[] => [
    d.name,
    [...(ladderSteps.get(d.name) ?? new Map()).entries()].map(([s, n]) => `${s} ${n}`).join(', '),
  ]),
};

const machine = `${cpus().length} CPUs, load average ${loadavg()
  .map((x) => x.toFixed(1))
  .join(' ')}`;
console.log(
  `\nSingle decode of the page as scanned (${N} sheets per condition)\n${textTable(singleT.headers, singleT.rows)}`,
);
console.log(`\nSeparator reader ladder with each library\n${textTable(ladderT.headers, ladderT.rows)}`);
console.log(`\n${textTable(stepsT.headers, stepsT.rows)}`);
console.log(
  `\nPages without a code (reader ladder, fast rejection when the library reports located symbols)\n${textTable(noCodeT.headers, noCodeT.rows)}`,
);
console.log(`\n${machine}`);

const conditionsDoc = CONDITIONS.map(
  (c) =>
    `- **${c.label}**: ${c.dpi} DPI ${c.mode}` +
    [
      c.skewDeg ? `skew ${c.skewDeg}°` : '',
      c.noiseSigma ? `noise σ ${c.noiseSigma}` : '',
      c.blur ? `blur ${c.blur}` : '',
      c.threshold ? `threshold ${c.threshold}` : '',
      c.jpegQuality ? `JPEG quality ${c.jpegQuality}` : '',
      c.printScale ? `printed at ${c.printScale * 100} % (QR ${90 * c.printScale} mm)` : '',
      c.marks ? describeMarks(c.marks) : '',
    ]
      .filter(Boolean)
      .map((s) => `, ${s}`)
      .join(''),
).join('\n');
function describeMarks(marks: NonNullable<Condition['marks']>): string {
  const holes = marks.filter((m) => !m.ringMm);
  const rings = marks.filter((m) => m.ringMm);
  return [
    ...rings.map((m) => `stamp ring ⌀ ${2 * m.rMm} mm over the code`),
    holes.length
      ? `${holes.length === 1 ? 'a hole' : `${holes.length} holes`} ⌀ ${2 * holes[0]!.rMm} mm in the code`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const md = `# QR readers on scanned separator sheets

Generated by \`npx tsx bench/qr-readers.ts --n ${N} --pages ${values.pages}\` on ${new Date().toISOString().slice(0, 10)} (${machine}).
${N} separator sheets (practice, document-type and generic; QR 90 mm, ECC Q) printed with \`separatorSheetsPdf\`, rendered
with pdf.js at the scan DPI and degraded by \`test/scan/scan-simulation.ts\`. Cells: codes read correctly / sheets.
"wrong": a code decoded to another text (never expected). Times include image decoding for the ladder, not for the single
pass; they are wall times on a machine shared with other work (see the load average).

Conditions:
${conditionsDoc}

## Single decode of the page as scanned

${markdownTable(singleT.headers, singleT.rows)}

## Through the separator reader's ladder (coarse 100 DPI → 200 DPI → despeckle → smooth → threshold)

${markdownTable(ladderT.headers, ladderT.rows)}

${markdownTable(stepsT.headers, stepsT.rows)}

## Pages without a code

${markdownTable(noCodeT.headers, noCodeT.rows)}
`;
await mkdir(values.out, { recursive: true });
await writeFile(path.join(values.out, 'qr-readers.md'), md);
console.log(`\nwrote ${path.join(values.out, 'qr-readers.md')}`);
