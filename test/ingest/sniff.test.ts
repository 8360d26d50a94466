import { describe, expect, it } from 'vitest';
import { sniffType } from '../../src/ingest/sniff.ts';
import { safeDisplayName } from '../../src/ingest/filename.ts';

describe('type sniffing and file names', () => {
  it('recognises scans by their magic numbers, not their names', () => {
    expect(sniffType(Buffer.from([0x49, 0x49, 0x2a, 0x00, 1])).kind).toBe('tiff');
    expect(sniffType(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 1])).kind).toBe('tiff');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])).kind).toBe('jpeg');
    expect(sniffType(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1')).kind).toBe('png');
    expect(sniffType(Buffer.from('junk before %PDF-1.7\n')).kind).toBe('pdf');
    expect(sniffType(Buffer.from('ciao, non sono una scansione')).kind).toBe('unknown');
    expect(sniffType(Buffer.alloc(0)).kind).toBe('unknown');
  });

  it('turns hostile upload names into harmless display names', () => {
    expect(safeDisplayName('../../etc/passwd')).toBe('passwd');
    expect(safeDisplayName('C:\\scans\\tavola 1.tif')).toBe('tavola 1.tif');
    expect(safeDisplayName('a\u0000b\nc.pdf')).toBe('abc.pdf');
    expect(safeDisplayName('..')).toBe('senza-nome');
    expect(safeDisplayName(undefined)).toBe('senza-nome');
    expect(Array.from(safeDisplayName('à'.repeat(1000)))).toHaveLength(255);
  });
});
