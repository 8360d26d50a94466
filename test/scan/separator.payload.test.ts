import { describe, expect, it } from 'vitest';
import {
  decodeSeparator,
  describeSeparator,
  encodeSeparator,
  InvalidSeparatorError,
  tryDecodeSeparator,
  type SeparatorPayload,
} from '../../src/scan/separator.payload.ts';

describe('separator payload', () => {
  it('a practice separator encodes to the compact versioned text and decodes to the same payload', () => {
    const p: SeparatorPayload = {
      kind: 'practice',
      comune: 'Castelnuovo Berardenga',
      pratica: 'PE 123/1987',
      proc: 'permesso_di_costruire',
      box: 'Scaffale 3, faldone 12',
    };
    const text = encodeSeparator(p);
    expect(text).toBe(
      'FALDONE:SEP:1:P|comune=Castelnuovo Berardenga|pratica=PE 123/1987|proc=permesso_di_costruire|box=Scaffale 3, faldone 12',
    );
    expect(decodeSeparator(text)).toEqual(p);
  });

  it('accents and the field delimiters are percent-encoded so the QR text stays ASCII', () => {
    const p: SeparatorPayload = { kind: 'practice', comune: 'Cantù', pratica: 'SCIA 45/2019', box: 'A|B=100%' };
    const text = encodeSeparator(p);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain('comune=Cant%C3%B9');
    expect(text).toContain('box=A%7CB%3D100%25');
    expect(decodeSeparator(text)).toEqual(p);
  });

  it('document-type and generic separators round-trip, with or without their optional fields', () => {
    const all: SeparatorPayload[] = [
      { kind: 'document-type', tipo: 'elaborato_grafico' },
      { kind: 'document-type', tipo: 'relazione_tecnica', pratica: 'PDC 7/2021' },
      { kind: 'generic' },
      { kind: 'generic', nota: 'Allegati fuori formato' },
    ];
    for (const p of all) expect(decodeSeparator(encodeSeparator(p))).toEqual(p);
    expect(encodeSeparator({ kind: 'generic' })).toBe('FALDONE:SEP:1:G');
  });

  it('invalid payloads are never printed', () => {
    expect(() => encodeSeparator({ kind: 'practice', comune: 'X', pratica: '123/1987' })).toThrow(
      InvalidSeparatorError,
    );
    expect(() => encodeSeparator({ kind: 'document-type', tipo: 'fattura' as never })).toThrow(/tipo/);
    expect(() => encodeSeparator({ kind: 'practice', comune: '', pratica: 'PE 1/1990' })).toThrow(/comune/);
  });

  it('texts that are not valid separators are rejected with a reason', () => {
    expect(() => decodeSeparator('https://example.org/pagopa')).toThrow(/not a Faldone separator/);
    expect(() => decodeSeparator('FALDONE:SEP:2:P|comune=X|pratica=PE 1/1990')).toThrow(/version 2/);
    expect(() => decodeSeparator('FALDONE:SEP:1:X')).toThrow(/kind/);
    expect(() => decodeSeparator('FALDONE:SEP:1:P|comune=X')).toThrow(/pratica/);
    expect(() => decodeSeparator('FALDONE:SEP:1:G|colore=rosso')).toThrow(InvalidSeparatorError);
    expect(() => decodeSeparator('FALDONE:SEP:1:D|tipo=parere|tipo=domanda')).toThrow(/repeated/);
    expect(() => decodeSeparator('FALDONE:SEP:1:G|nota=%E0%A4')).toThrow(/UTF-8/);
    expect(tryDecodeSeparator('FALDONE:SEP:1:D|tipo=parere')).toEqual({ kind: 'document-type', tipo: 'parere' });
    expect(tryDecodeSeparator('FALDONE:SEP:1:D|tipo=boh')).toBeNull();
  });

  it('describes a separator in Italian for people', () => {
    expect(describeSeparator({ kind: 'practice', comune: 'Siena', pratica: 'PE 123/1987', proc: 'condono' })).toBe(
      'Pratica PE 123/1987 — Siena — Condono edilizio',
    );
    expect(describeSeparator({ kind: 'document-type', tipo: 'elaborato_grafico' })).toBe(
      'Tipo documento: Elaborato grafico',
    );
    expect(describeSeparator({ kind: 'generic' })).toBe('Separatore generico');
  });
});
