// A multi-page TIFF whose pages differ in size and resolution (as a scanner switched between 300 and 150 DPI writes
// it): sharp writes one resolution for every page, so this writes the file itself: uncompressed 8-bit grey, one
// strip per page, little-endian.
export interface TiffPage {
  data: Uint8Array; // width × height grey bytes
  width: number;
  height: number;
  dpi: number;
}

export function multiDpiTiff(pages: readonly TiffPage[]): Buffer {
  const ENTRIES = 12;
  const ifdSize = 2 + ENTRIES * 12 + 4 + 16; // entries, next offset, two rationals
  const total = 8 + pages.reduce((n, p) => n + p.width * p.height + ifdSize, 0);
  const buf = Buffer.alloc(total);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  let at = 8;
  let linkAt = 4; // where the offset of the next IFD goes
  for (const p of pages) {
    const dataAt = at;
    buf.set(p.data.subarray(0, p.width * p.height), dataAt);
    at += p.width * p.height;
    const ifd = at;
    buf.writeUInt32LE(ifd, linkAt);
    const rationals = ifd + 2 + ENTRIES * 12 + 4;
    const entries: Array<[tag: number, type: number, value: number]> = [
      [256, 4, p.width],
      [257, 4, p.height],
      [258, 3, 8],
      [259, 3, 1], // no compression
      [262, 3, 1], // black is zero
      [273, 4, dataAt],
      [277, 3, 1],
      [278, 4, p.height],
      [279, 4, p.width * p.height],
      [282, 5, rationals],
      [283, 5, rationals + 8],
      [296, 3, 2], // inches
    ];
    buf.writeUInt16LE(ENTRIES, ifd);
    entries.forEach(([tag, type, value], i) => {
      const e = ifd + 2 + i * 12;
      buf.writeUInt16LE(tag, e);
      buf.writeUInt16LE(type, e + 2);
      buf.writeUInt32LE(1, e + 4);
      if (type === 3) buf.writeUInt16LE(value, e + 8);
      else buf.writeUInt32LE(value, e + 8);
    });
    linkAt = ifd + 2 + ENTRIES * 12;
    buf.writeUInt32LE(0, linkAt);
    for (const r of [rationals, rationals + 8]) {
      buf.writeUInt32LE(p.dpi, r);
      buf.writeUInt32LE(1, r + 4);
    }
    at = rationals + 16;
  }
  return buf;
}
