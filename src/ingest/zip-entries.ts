// Reading a zip container safely: entries are streamed one at a time, with limits on their number, their total
// uncompressed size and their compression ratio (zip bombs); nested zips are not expanded.
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';

export interface ZipLimits {
  maxEntries: number;
  maxBytes: number;
  maxRatio: number;
}

export interface ZipEntryVisit {
  name: string; // as written in the archive (never used as a path)
  size: number; // declared uncompressed size
  open(): Promise<Readable>;
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

function entryName(e: yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw;
  return raw.toString(e.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1'); // bit 11: UTF-8 names; else CP437-ish
}

/** Visit each file entry. Rejects (before reading any data) when the central directory breaks a limit. */
export async function visitZip(
  file: string,
  limits: ZipLimits,
  visit: (e: ZipEntryVisit) => Promise<void>,
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false },
      (err, z) => (err ? reject(err) : resolve(z!)),
    ),
  );
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new ZipLimitError(`the zip holds ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
    const entries: Array<yauzl.Entry & { name: string }> = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        // Names are decoded here, not by yauzl: it would refuse the whole archive for one "../" name, and we want
        // to refuse just that entry, with its reason.
        entries.push(Object.assign(e, { name: entryName(e) }));
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    const total = entries.reduce((n, e) => n + e.uncompressedSize, 0);
    if (total > limits.maxBytes)
      throw new ZipLimitError(`the zip expands to ${total} bytes, more than the limit of ${limits.maxBytes}`);
    for (const e of entries) {
      if (e.name.endsWith('/')) continue; // directory
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (ratio > limits.maxRatio)
        throw new ZipLimitError(
          `entry ${JSON.stringify(e.name.slice(0, 200))} expands ${Math.round(ratio)}×, more than the limit of ${limits.maxRatio}× (zip bomb?)`,
        );
    }
    for (const e of entries) {
      if (e.name.endsWith('/')) continue;
      await visit({
        name: e.name,
        size: e.uncompressedSize,
        open: () =>
          new Promise<Readable>((resolve, reject) =>
            zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s!))),
          ),
      });
    }
  } finally {
    zip.close();
  }
}
