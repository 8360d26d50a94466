// A minimal ASN.1 BER/DER reader: enough to walk a CMS SignedData (definite and indefinite lengths, constructed
// strings). No kept ASN.1 library is installed; this reads, it never builds.

export interface Tlv {
  /** Identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  constructed: boolean;
  /** Offsets in the source buffer: the whole element and its contents. */
  start: number;
  contentStart: number;
  end: number;
  /** Indefinite length: the contents end with the two zero octets before `end`. */
  indefinite: boolean;
  children: Tlv[] | null;
}

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

const MAX_DEPTH = 64;

/** Parses one element at `offset`; throws DerError on anything malformed or truncated. */
export function readTlv(buf: Uint8Array, offset = 0, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('ASN.1 nesting too deep');
  if (offset + 2 > buf.length) throw new DerError('truncated ASN.1 element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  const constructed = (tag & 0x20) !== 0;
  let pos = offset + 1;
  const first = buf[pos++]!;
  if (first === 0x80) {
    if (!constructed) throw new DerError('indefinite length on a primitive element');
    const children: Tlv[] = [];
    for (;;) {
      if (pos + 2 > buf.length) throw new DerError('unterminated indefinite-length element');
      if (buf[pos] === 0 && buf[pos + 1] === 0)
        return { tag, constructed, start: offset, contentStart: offset + 2, end: pos + 2, indefinite: true, children };
      const child = readTlv(buf, pos, depth + 1);
      children.push(child);
      pos = child.end;
    }
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 6 || pos + n > buf.length) throw new DerError('bad ASN.1 length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  const contentStart = pos;
  const end = contentStart + length;
  if (end > buf.length) throw new DerError('ASN.1 element longer than the file');
  let children: Tlv[] | null = null;
  if (constructed) {
    children = [];
    for (let p = contentStart; p < end;) {
      const child = readTlv(buf, p, depth + 1);
      if (child.end > end) throw new DerError('ASN.1 child overruns its parent');
      children.push(child);
      p = child.end;
    }
  }
  return { tag, constructed, start: offset, contentStart, end, indefinite: false, children };
}

export function contentOf(buf: Uint8Array, t: Tlv): Buffer {
  const stop = t.indefinite ? t.end - 2 : t.end;
  return Buffer.from(buf.subarray(t.contentStart, stop));
}

/** The bytes of an OCTET STRING, primitive or constructed (BER chunks joined). */
export function octetString(buf: Uint8Array, t: Tlv): Buffer {
  if ((t.tag & 0x1f) !== 0x04) throw new DerError('expected an OCTET STRING');
  if (!t.children) return contentOf(buf, t);
  return Buffer.concat(t.children.map((c) => octetString(buf, c)));
}

/** Dotted form of an OBJECT IDENTIFIER element. */
export function oid(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06) throw new DerError('expected an OBJECT IDENTIFIER');
  const bytes = contentOf(buf, t);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function child(t: Tlv, index: number, what: string): Tlv {
  const c = t.children?.[index];
  if (!c) throw new DerError(`missing ${what}`);
  return c;
}
