import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_DIR,
  ReferenceDataError,
  buildReferenceData,
  loadReferenceData,
  normaliseClassCode,
} from '../../src/classify/reference-data.ts';

const EXPECTED_OFFICES = [
  'edilizia-privata',
  'urbanistica',
  'lavori-pubblici',
  'ambiente',
  'tributi',
  'ragioneria',
  'personale',
  'servizi-demografici',
  'polizia-locale',
  'servizi-sociali',
  'suap',
  'segreteria',
];

const raw = (file: string) => JSON.parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, file), 'utf8')) as unknown;

describe('reference data', () => {
  const ref = loadReferenceData();

  it('loads the three config files', () => {
    expect(ref.titolario.titoli).toHaveLength(14);
    expect(ref.offices.length).toBe(EXPECTED_OFFICES.length);
    expect(ref.rules.routes.length).toBeGreaterThan(10);
  });

  it('has the 14 titoli of the 2005 titolario for Comuni, I to XIV', () => {
    expect(ref.titolario.titoli.map((t) => t.code)).toEqual([
      'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV',
    ]);
    expect(ref.titolario.titoli[0]!.label).toBe('Amministrazione generale');
    expect(ref.titolario.titoli[13]!.label).toBe('Oggetti diversi');
    expect(ref.titolario.titoli.map((t) => t.classi.length)).toEqual([17, 22, 15, 14, 3, 10, 15, 7, 4, 5, 4, 5, 4, 0]);
  });

  it('has titolo VI Pianificazione e gestione del territorio with classe 3 Edilizia privata', () => {
    const vi3 = ref.lookupClass('VI.3');
    expect(vi3).toMatchObject({ titolo: 'VI', titoloLabel: 'Pianificazione e gestione del territorio', label: 'Edilizia privata' });
    expect(ref.titolario.titoli[5]!.classi).toHaveLength(10);
  });

  it('treats a titolo without classi (XIV) as a classifiable entry', () => {
    expect(ref.lookupClass('XIV')?.label).toBe('Oggetti diversi');
    expect(ref.lookupClass('XIV.1')).toBeUndefined();
  });

  it('has exactly the agreed office ids, each with an Italian name', () => {
    expect(ref.offices.map((o) => o.id).sort()).toEqual([...EXPECTED_OFFICES].sort());
    for (const o of ref.offices) expect(o.name.length).toBeGreaterThan(3);
  });

  it('every class an office handles exists in the titolario', () => {
    for (const office of ref.offices) {
      for (const code of office.classes) expect(ref.lookupClass(code), `${office.id} → ${code}`).toBeDefined();
    }
  });

  it('every titolario class is handled by at least one office', () => {
    for (const code of ref.entries.keys()) expect(ref.officesForClass(code).length, code).toBeGreaterThan(0);
    expect(ref.officesForClass('VI.3').map((o) => o.id)).toEqual(['edilizia-privata']);
    expect(ref.officesForClass('IV.3').map((o) => o.id)).toEqual(['tributi']);
  });

  it('every routing rule names a class its office handles', () => {
    for (const r of ref.rules.routes) expect(ref.lookupOffice(r.office)?.classes, r.id).toContain(r.titolarioClass);
  });

  it('looks classes up by tolerant codes', () => {
    expect(normaliseClassCode('vi.3')).toBe('VI.3');
    expect(normaliseClassCode('VI/03')).toBe('VI.3');
    expect(normaliseClassCode('6.3')).toBe('VI.3');
    expect(normaliseClassCode('xiv')).toBe('XIV');
    expect(ref.lookupClass('6.3')?.label).toBe('Edilizia privata');
  });

  it('loads from a configurable directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faldone-ref-'));
    cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
    const offices = raw('offices.json') as { offices: Array<{ id: string; name: string }> };
    offices.offices[0]!.name = 'Ufficio tecnico – edilizia';
    writeFileSync(path.join(dir, 'offices.json'), JSON.stringify(offices));
    expect(loadReferenceData({ configDir: dir }).lookupOffice(offices.offices[0]!.id)?.name).toBe('Ufficio tecnico – edilizia');
  });

  it('rejects an office handling a class that is not in the titolario', () => {
    const offices = raw('offices.json') as { offices: Array<{ classes: string[] }> };
    offices.offices[0]!.classes.push('VI.99');
    expect(() => buildReferenceData({ titolario: raw('titolario.json'), offices, rules: raw('classification-rules.json') })).toThrow(
      /VI\.99/,
    );
  });

  it('rejects a routing rule whose office does not handle its class, listing the problem', () => {
    const rules = raw('classification-rules.json') as { routes: Array<{ id: string; office: string }> };
    rules.routes.find((r) => r.id === 'tributi')!.office = 'personale';
    try {
      buildReferenceData({ titolario: raw('titolario.json'), offices: raw('offices.json'), rules });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ReferenceDataError);
      expect((err as ReferenceDataError).issues.join('\n')).toMatch(/route tributi: office personale does not handle IV\.3/);
    }
  });

  it('rejects a malformed rules file with the path of the bad field', () => {
    const rules = raw('classification-rules.json') as { documentTypes: Array<{ type: string }> };
    rules.documentTypes[0]!.type = 'lettera';
    expect(() => buildReferenceData({ titolario: raw('titolario.json'), offices: raw('offices.json'), rules })).toThrow(
      /classification-rules: documentTypes\.0\.type/,
    );
  });
});
