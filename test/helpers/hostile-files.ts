// Hostile and broken inputs, generated: nothing here is committed, and each says what it tries to do.
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';

/** A PNG that declares 100,000 × 100,000 pixels (10 gigapixels) in a few bytes: a decompression bomb. */
export function pixelBombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.writeUInt8(1, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PDF with a Standard security handler: encrypted, no password known. */
export async function encryptedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([100, 100]);
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, P: -3904 });
  encrypt.set(PDFName.of('O'), PDFHexString.of('ab'.repeat(32)));
  encrypt.set(PDFName.of('U'), PDFHexString.of('cd'.repeat(32)));
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  const id = PDFHexString.of('00112233445566778899aabbccddeeff');
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A scanned page (the given JPEG) in a PDF that also carries an OpenAction JavaScript and an embedded file. */
export async function pdfWithScriptAndAttachment(jpeg: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const img = await doc.embedJpg(jpeg);
  const page = doc.addPage([595, 842]);
  page.drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  const js = doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("ciao")') });
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(js));
  await doc.attach(Buffer.from('#!/bin/sh\necho pwned\n'), 'payload.sh', { mimeType: 'application/x-sh' });
  return Buffer.from(await doc.save());
}

/** A PDF with `pages` empty pages (cheap to make, expensive to process). */
export async function manyPagesPdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([100, 100]);
  return Buffer.from(await doc.save());
}
