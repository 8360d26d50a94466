// Content, layout and ground truth, without rendering: fast, so it sweeps many seeds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { groundTruthSchema, type GroundTruth } from '../../src/domain/ground-truth.ts';
import { DOCUMENT_TYPES, PROCEDURE_TYPES } from '../../src/domain/vocabulary.ts';
import { datesInText } from '../../src/samples/content.format.ts';
import { LETTER_KINDS, PROTOCOL_LETTER_KINDS } from '../../src/samples/content.protocol.ts';
import { FALLBACK_FAMILY, resolveFontFamily } from '../../src/samples/fonts.ts';
import { composeDocument, LATEST_ISO_DATE, pickMunicipality, planCorpus } from '../../src/samples/generate.ts';
import type { Logger } from '../../src/core/logger.ts';

const OFFICE_IDS = [
  'edilizia-privata', 'urbanistica', 'lavori-pubblici', 'ambiente', 'tributi', 'ragioneria',
  'personale', 'servizi-demografici', 'polizia-locale', 'servizi-sociali', 'suap', 'segreteria',
];

function corpusTruths(seed: number, practiceDocs = 40, protocolLetters = 30): GroundTruth[] {
  return planCorpus({ seed, practiceDocs, protocolLetters }).map((spec) => composeDocument(spec).groundTruth);
}

const fullText = (gt: GroundTruth) => gt.pages.map((p) => p.text).join('\n');

describe('sample content and ground truth', () => {
  const truths = [1, 2, 3, 42].flatMap((seed) => corpusTruths(seed));

  it('every planned document validates against the ground-truth schema', () => {
    expect(truths.length).toBe(4 * 70);
    for (const gt of truths) expect(() => groundTruthSchema.parse(gt)).not.toThrow();
  });

  it('every practice document type and procedure fits its pages for many seeds', () => {
    const m = pickMunicipality(9);
    let n = 0;
    for (let seed = 0; seed < 12; seed++) {
      for (const procedureType of PROCEDURE_TYPES) {
        for (const documentType of DOCUMENT_TYPES) {
          for (const format of ['tiff', 'jpeg'] as const) {
            const c = composeDocument({ id: 't', seed: seed * 977 + n++, kind: 'practice', municipality: m, procedureType, documentType, format, pages: 3 });
            expect(c.groundTruth.pages.length).toBeGreaterThanOrEqual(1);
            if (format === 'jpeg') expect(c.groundTruth.pages).toHaveLength(1);
          }
        }
      }
      for (const letterKind of PROTOCOL_LETTER_KINDS) {
        const c = composeDocument({ id: 't', seed: seed * 31 + n++, kind: 'protocol', municipality: m, letterKind, format: 'pdf', pages: 2 });
        expect(c.groundTruth.kind).toBe('protocol');
      }
    }
  });

  it('practice documents are class VI.3 for edilizia-privata and name their practice, address and applicant', () => {
    const practice = truths.filter((gt) => gt.kind === 'practice');
    expect(practice.length).toBeGreaterThan(100);
    for (const gt of practice) {
      expect(gt.titolarioClass).toBe('VI.3');
      expect(gt.office).toBe('edilizia-privata');
      expect(gt.procedureType).toBeDefined();
      expect(gt.practice && gt.address && gt.cadastral && gt.applicant, gt.id).toBeTruthy();
      const text = fullText(gt);
      expect(text).toContain(`${gt.practice!.number}/${gt.practice!.year}`);
      expect(text).toContain(gt.applicant!);
      expect(text).toMatch(new RegExp(`${gt.address!.street}(,| n\\.)? ${gt.address!.civic.replace('/', '\\/')}\\b`));
      expect(text).toMatch(new RegExp(`\\b${gt.cadastral!.foglio}\\b`));
    }
  });

  it('protocol letters carry a titolario class and an office of config/offices.json that handles it', () => {
    const config = JSON.parse(readFileSync(path.resolve('config/offices.json'), 'utf8')) as {
      offices: Array<{ id: string; classes: string[] }>;
    };
    const classesOf = new Map(config.offices.map((o) => [o.id, o.classes]));
    for (const kind of PROTOCOL_LETTER_KINDS) {
      const info = LETTER_KINDS[kind];
      expect(OFFICE_IDS).toContain(info.office);
      expect(info.titolarioClass).toMatch(/^[IVX]+\.\d+$/);
      if (classesOf.size > 0) expect(classesOf.get(info.office), `${kind} → ${info.office}`).toContain(info.titolarioClass);
    }
    const letters = truths.filter((gt) => gt.kind === 'protocol');
    expect(new Set(letters.map((gt) => gt.office)).size).toBeGreaterThanOrEqual(8);
    expect(letters.some((gt) => gt.office !== 'edilizia-privata')).toBe(true);
    for (const gt of letters) expect(['domanda', 'corrispondenza']).toContain(gt.documentType);
  });

  it('every fact of the ground truth is written in the text', () => {
    for (const gt of truths) {
      const text = fullText(gt);
      expect(gt.applicant, gt.id).toBeDefined();
      expect(text).toContain(gt.applicant!);
      if (gt.practice) expect(text).toContain(`${gt.practice.number}/${gt.practice.year}`);
      if (gt.address) {
        expect(text).toContain(gt.address.street);
        expect(text).toContain(gt.address.civic);
      }
      if (gt.cadastral) {
        expect(text).toMatch(new RegExp(`\\b${gt.cadastral.foglio}\\b`));
        expect(text).toMatch(new RegExp(`\\b${gt.cadastral.mappale}\\b`));
      }
    }
  });

  it('the stamp closes page 1 with the protocol number and date', () => {
    for (const gt of truths) {
      const lines = gt.pages[0]!.text.split('\n');
      const tail = lines.slice(-4).join(' ');
      expect(tail).toContain(String(gt.protocol!.number));
      const [y, m, d] = gt.protocol!.date.split('-');
      expect(tail).toContain(`${d}/${m}/${y}`);
    }
  });

  it('the ground-truth dates are exactly the dates written on the pages, none after the latest date', () => {
    for (const gt of truths) {
      expect(gt.dates).toEqual(datesInText(fullText(gt)));
      expect(gt.dates).toContain(gt.protocol!.date);
      for (const d of gt.dates) expect(d <= LATEST_ISO_DATE, d).toBe(true);
    }
  });

  it('page texts are clean lines: no empty lines, no doubled spaces, no no-break spaces', () => {
    for (const gt of truths) {
      for (const page of gt.pages) {
        for (const line of page.text.split('\n')) {
          expect(line.trim()).toBe(line);
          expect(line.length).toBeGreaterThan(0);
          expect(line).not.toMatch(/ {2}|\u00A0/);
        }
      }
    }
  });

  it('page 2 of a multi-page document has text of its own, absent from page 1', () => {
    const multi = truths.filter((gt) => gt.pages.length > 1);
    expect(multi.length).toBeGreaterThan(10);
    for (const gt of multi) {
      const page2Only = gt.pages[1]!.text.split('\n').filter((l) => l.length > 25 && !gt.pages[0]!.text.includes(l));
      expect(page2Only.length, gt.id).toBeGreaterThan(2);
    }
  });

  it('practice references and addresses are never split across lines', () => {
    for (const gt of truths.filter((t) => t.kind === 'practice')) {
      for (const page of gt.pages) {
        for (const line of page.text.split('\n')) {
          expect(line).not.toMatch(/\b(n\.|fg\.|mapp\.|sub\.|Prot\.)$/);
          if (/\d/.test(line)) expect(line).not.toMatch(/\b(Foglio|Mappale|Via|Piazza|Corso)$/);
        }
      }
    }
  });

  it('the same seed composes the same documents; a different seed different ones', () => {
    const a = corpusTruths(5, 6, 6);
    expect(corpusTruths(5, 6, 6)).toEqual(a);
    const b = corpusTruths(6, 6, 6);
    expect(b.map(fullText)).not.toEqual(a.map(fullText));
    const shared = a.filter((gt, i) => fullText(gt) === fullText(b[i]!));
    expect(shared).toHaveLength(0);
  });

  it('documents of one practice share reference, applicant, address and cadastral data', () => {
    const plan = planCorpus({ seed: 11, practiceDocs: 30, protocolLetters: 0 });
    const byCase = new Map<unknown, GroundTruth[]>();
    for (const spec of plan) {
      const list = byCase.get(spec.practiceCase) ?? [];
      list.push(composeDocument(spec).groundTruth);
      byCase.set(spec.practiceCase, list);
    }
    expect([...byCase.values()].some((l) => l.length > 1)).toBe(true);
    for (const docs of byCase.values()) {
      for (const gt of docs) {
        expect(gt.practice).toEqual(docs[0]!.practice);
        expect(gt.applicant).toBe(docs[0]!.applicant);
        expect(gt.address).toEqual(docs[0]!.address);
        expect(gt.cadastral).toEqual(docs[0]!.cadastral);
      }
    }
  });
});

describe('fonts', () => {
  it('a font family fontconfig does not know falls back to DejaVu of its role, with a warning', () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    expect(resolveFontFamily({ role: 'typewriter', family: 'No Such Typewriter 1923' }, logger)).toBe(FALLBACK_FAMILY.typewriter);
    expect(resolveFontFamily({ role: 'serif', family: 'No Such Serif 1923' }, logger)).toBe(FALLBACK_FAMILY.serif);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
