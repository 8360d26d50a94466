// File type sniffing from the first bytes: names and extensions lie, magic numbers rarely do.

export interface SniffedType {
  mediaType: string;
  ext: string;
  kind: 'tiff' | 'jpeg' | 'png' | 'pdf' | 'zip' | 'unknown';
}

const UNKNOWN: SniffedType = { mediaType: 'application/octet-stream', ext: 'bin', kind: 'unknown' };

export function sniffType(head: Uint8Array): SniffedType {
  const b = (i: number) => head[i];
  if (head.length >= 4 && ((b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0x00) || (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0x00 && b(3) === 0x2a)))
    return { mediaType: 'image/tiff', ext: 'tif', kind: 'tiff' };
  if (head.length >= 3 && b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return { mediaType: 'image/jpeg', ext: 'jpg', kind: 'jpeg' };
  if (head.length >= 8 && b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return { mediaType: 'image/png', ext: 'png', kind: 'png' };
  if (head.length >= 4 && b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) return { mediaType: 'application/zip', ext: 'zip', kind: 'zip' };
  // PDF readers accept the header anywhere in the first 1024 bytes.
  const text = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  if (text.includes('%PDF-')) return { mediaType: 'application/pdf', ext: 'pdf', kind: 'pdf' };
  return UNKNOWN;
}

const EXTENSIONS: Record<string, string> = { 'image/tiff': 'tif', 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf', 'application/zip': 'zip' };

/** File extension for a sniffed media type ('bin' when unknown). */
export function extensionOf(mediaType: string): string {
  return EXTENSIONS[mediaType] ?? 'bin';
}
