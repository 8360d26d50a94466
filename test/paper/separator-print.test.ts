// From inventory records to separator payloads (pure): the procedure from the practice prefix, the box location cut
// to what a code carries, and the work list printed in its order with the unprintable practices left out and said.
import { describe, expect, it } from 'vitest';
import { toInventoryView, type WorklistItem } from '../../src/paper/digitisation.service.ts';
import type { InventoryRecord, PaperStore } from '../../src/paper/paper-store.ts';
import {
  MAX_SEPARATOR_PAGES,
  practiceSeparatorOf,
  procedureOfPrefix,
  SeparatorPrintService,
} from '../../src/paper/separator-print.service.ts';
import { encodeSeparator, decodeSeparator } from '../../src/scan/separator.payload.ts';
import { UNION } from './access-world.ts';

function rec(key: string, over: Partial<InventoryRecord> = {}): InventoryRecord {
  const [prefix, rest] = key.split(' ');
  const [n, y] = rest!.split('/');
  return {
    id: key,
    comune: 'E730',
    practiceKey: key,
    procedureType: prefix!,
    number: Number(n),
    year: Number(y),
    location: {},
    state: 'requested',
    stateAt: '2024-05-01T00:00:00.000Z',
    pages: 0,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-05-01T00:00:00.000Z',
    ...over,
  };
}
const item = (r: InventoryRecord): WorklistItem => ({
  record: toInventoryView(r, UNION),
  priority: 1,
  waitingRequests: 0,
  oldestRequestAt: r.stateAt,
  ageDays: 0,
  areaRequests: 0,
  reasons: [],
  location: '',
});
// worklistPlan reads no store.
const service = new SeparatorPrintService({ paper: {} as PaperStore, union: UNION });

describe('practice separators from the inventory', () => {
  it('takes the Comune name, the procedure of the prefix and the box location', () => {
    expect(
      practiceSeparatorOf(rec('CE 20/1981', { comune: 'A547', location: { shelf: 'B', box: '3' } }), UNION),
    ).toEqual({
      kind: 'practice',
      comune: 'Bagnacavallo',
      pratica: 'CE 20/1981',
      proc: 'concessione_edilizia',
      box: 'Scaffale B, faldone 3',
    });
    expect(procedureOfPrefix('PE')).toBeUndefined();
    expect(procedureOfPrefix('cond')).toBe('condono');
  });

  it('cuts a long box location to the 80 characters a code carries, and the code still reads back', () => {
    const s = practiceSeparatorOf(rec('PE 1/1990', { location: { building: 'Palazzo '.repeat(12), box: '9' } }), UNION);
    expect(s.box).toHaveLength(80);
    expect(s.box!.endsWith('\u2026')).toBe(true);
    expect(decodeSeparator(encodeSeparator(s))).toEqual(s);
  });
});

describe('separators of the work list', () => {
  it('prints in work-list order with type sheets and copies, leaving out and naming an unprintable practice', () => {
    const plan = service.worklistPlan([item(rec('PDC 7/2001')), item(rec('PE 3/1750')), item(rec('PE 10/1975'))], {
      documentTypes: ['elaborato_grafico'],
      copies: 2,
    });
    expect(plan.payloads.map((p) => `${p.kind} ${'pratica' in p ? p.pratica : ''}`)).toEqual([
      'practice PDC 7/2001',
      'practice PDC 7/2001',
      'document-type PDC 7/2001',
      'document-type PDC 7/2001',
      'practice PE 10/1975',
      'practice PE 10/1975',
      'document-type PE 10/1975',
      'document-type PE 10/1975',
    ]);
    expect(plan.practiceKeys).toEqual(['PDC 7/2001', 'PE 10/1975']);
    expect(plan.skipped).toEqual([
      { practiceKey: 'PE 3/1750', comune: 'E730', reason: expect.stringContaining('numero di pratica non valido') },
    ]);
  });

  it('stops at the page limit and lists the practices left over', () => {
    const items = Array.from({ length: 600 }, (_, i) => item(rec(`PE ${i + 1}/1980`)));
    const plan = service.worklistPlan(items, { copies: 2 });
    expect(plan.payloads).toHaveLength(MAX_SEPARATOR_PAGES);
    expect(plan.skipped).toHaveLength(100);
    expect(plan.skipped[0]).toMatchObject({ practiceKey: 'PE 501/1980', reason: 'oltre il massimo di fogli' });
  });
});
