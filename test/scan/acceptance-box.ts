// The acceptance box of issue 12 as page roles, and the split it must give (shared by the planner test and the
// end-to-end test on a generated scan).
import type { PageDescriptor, SplitPart } from '../../src/scan/box-split.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';

export const A: SeparatorPayload = {
  kind: 'practice',
  comune: 'Siena',
  pratica: 'PE 123/1987',
  proc: 'licenza_edilizia',
  box: 'Faldone 12',
};
export const B: SeparatorPayload = { kind: 'practice', comune: 'Siena', pratica: 'CE 45/1991' };
export const C: SeparatorPayload = {
  kind: 'practice',
  comune: 'Siena',
  pratica: 'PDC 7/2021',
  proc: 'permesso_di_costruire',
};
export const GRAFICI: SeparatorPayload = { kind: 'document-type', tipo: 'elaborato_grafico' };
export const RELAZIONE: SeparatorPayload = { kind: 'document-type', tipo: 'relazione_tecnica' };

/** The acceptance box: 3 practice separators, 2 document-type separators, 2 blank pages, 16 pages. */
// prettier-ignore
export const ACCEPTANCE_BOX: Array<SeparatorPayload | 'content' | 'blank'> = [
  A, 'content', 'content', // 1-3
  GRAFICI, 'content', 'content', // 4-6
  B, 'content', 'blank', 'content', 'content', // 7-11
  C, RELAZIONE, 'content', 'blank', 'content', // 12-16
];

export function descriptors(box: typeof ACCEPTANCE_BOX): PageDescriptor[] {
  return box.map((x, i) =>
    x === 'content' || x === 'blank'
      ? { page: i + 1, kind: x }
      : { page: i + 1, kind: 'separator' as const, separator: x },
  );
}

/** The parts the acceptance box must give with blank pages splitting documents. */
export const EXPECTED_SPLIT = [
  {
    practice: 'PE 123/1987',
    documentType: undefined,
    pages: [2, 3],
    separatorPages: [1],
    blankPages: [],
    openedBy: 'practice',
  },
  {
    practice: 'PE 123/1987',
    documentType: 'elaborato_grafico',
    pages: [5, 6],
    separatorPages: [4],
    blankPages: [],
    openedBy: 'document-type',
  },
  {
    practice: 'CE 45/1991',
    documentType: undefined,
    pages: [8],
    separatorPages: [7],
    blankPages: [],
    openedBy: 'practice',
  },
  {
    practice: 'CE 45/1991',
    documentType: undefined,
    pages: [10, 11],
    separatorPages: [],
    blankPages: [9],
    openedBy: 'blank',
  },
  {
    practice: 'PDC 7/2021',
    documentType: 'relazione_tecnica',
    pages: [14],
    separatorPages: [12, 13],
    blankPages: [],
    openedBy: 'document-type',
  },
  {
    practice: 'PDC 7/2021',
    documentType: 'relazione_tecnica',
    pages: [16],
    separatorPages: [],
    blankPages: [15],
    openedBy: 'blank',
  },
] as const;

export function simplify(parts: SplitPart[]) {
  return parts.map((p) => ({
    practice: p.practice?.pratica,
    documentType: p.documentType,
    pages: p.pages,
    separatorPages: p.separatorPages,
    blankPages: p.blankPages,
    openedBy: p.openedBy,
  }));
}
