import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { describe, expect, it } from 'vitest';
import { extractPdfText, joinTextItems } from '../../src/ocr/pdf-text.ts';

function item(str: string, x: number, y: number, opts: { size?: number; angleDeg?: number; width?: number } = {}): TextItem {
  const size = opts.size ?? 10;
  const t = ((opts.angleDeg ?? 0) * Math.PI) / 180;
  return {
    str,
    dir: 'ltr',
    transform: [size * Math.cos(t), size * Math.sin(t), -size * Math.sin(t), size * Math.cos(t), x, y],
    width: opts.width ?? str.length * size * 0.5,
    height: size,
    fontName: 'f',
    hasEOL: true, // pdf.js sets it wrongly on rotated text: must be ignored
  };
}

describe('extractPdfText', () => {
  it('returns the text of each page of a born-digital PDF, line by line', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const p1 = doc.addPage([595, 842]);
    p1.drawText('Comune di Castelfranco Emilia', { x: 50, y: 800, size: 12, font });
    p1.drawText('Ufficio Tecnico - Edilizia Privata', { x: 50, y: 784, size: 12, font });
    p1.drawText('Oggetto: permesso di costruire', { x: 50, y: 740, size: 12, font });
    doc.addPage([595, 842]);
    const p3 = doc.addPage([595, 842]);
    p3.drawText('Pagina tre', { x: 50, y: 800, size: 12, font });
    const texts = await extractPdfText(Buffer.from(await doc.save()));
    expect(texts).toEqual([
      'Comune di Castelfranco Emilia\nUfficio Tecnico - Edilizia Privata\n\nOggetto: permesso di costruire',
      '',
      'Pagina tre',
    ]);
  });

  it('does not detach or modify the caller\u2019s buffer', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([100, 100]);
    const bytes = await doc.save();
    const copy = Uint8Array.from(bytes);
    await extractPdfText(bytes);
    expect(bytes.byteLength).toBe(copy.byteLength);
    expect(Buffer.from(bytes).equals(Buffer.from(copy))).toBe(true);
  });
});

describe('joinTextItems', () => {
  it('groups slightly rotated words into lines and inserts spaces at gaps', () => {
    const angle = -2;
    const t = (angle * Math.PI) / 180;
    const along = (x0: number, y0: number, d: number): [number, number] => [x0 + d * Math.cos(t), y0 + d * Math.sin(t)];
    const items = [
      item('Al', ...along(50, 500, 0), { angleDeg: angle, width: 10 }),
      item('Signor', ...along(50, 500, 14), { angleDeg: angle, width: 30 }),
      item('Sindaco', ...along(50, 500, 48), { angleDeg: angle, width: 35 }),
      item('del', ...along(50, 485, 0), { angleDeg: angle, width: 15 }),
      item('Comune', ...along(50, 485, 19), { angleDeg: angle, width: 35 }),
      item('Distinti', ...along(50, 440, 0), { angleDeg: angle, width: 35 }),
    ];
    expect(joinTextItems(items)).toBe('Al Signor Sindaco\ndel Comune\n\nDistinti');
  });

  it('joins adjacent items without a space and keeps explicit space items', () => {
    const items = [item('perm', 10, 100, { width: 20 }), item('esso', 30, 100, { width: 20 }), item(' ', 50, 100, { width: 4 }), item('di', 54, 100, { width: 8 })];
    expect(joinTextItems(items)).toBe('permesso di');
  });
});
