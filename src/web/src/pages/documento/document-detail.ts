// GET /api/documents/:id as the viewer's side panel shows it: the document record with its classification JSON
// (src/classify/document-metadata.ts) read defensively, since older documents may lack any field.
import { statusLabel } from '../../status.ts';
import type { PageQuality } from '../../quality.ts';
import { comuneLabel } from '../../union.ts';
import type { SplitOriginView } from './split-origin-note.tsx';
import { documentTypeLabel, procedureLabel } from '../ricerca/labels.ts';

export interface DocumentDetailResponse {
  document: {
    id: string;
    filename: string;
    status: string;
    title?: string;
    pageCount?: number;
    classification?: unknown;
    /** The Comune holding the document (issue 11). */
    comune?: string;
    comuneName?: string;
    /** Restricted to the staff of its Comune (not shared with the union). */
    restricted?: boolean;
    /** Set on a document split out of a box scan (issue 12). */
    splitOrigin?: SplitOriginView;
  };
  /** Page rows, with the quality warnings of scanned pages. */
  pages?: Array<{ page: number; quality?: PageQuality }>;
}

export interface MetadataRow {
  label: string;
  value: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "1987-03-12" → "12/03/1987"; anything else unchanged. */
export function italianDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

export function documentTitle(d: DocumentDetailResponse['document']): string {
  return str(d.title) ?? d.filename;
}

/** The rows of the metadata panel, in reading order; fields the document does not have are left out. */
export function metadataRows(d: DocumentDetailResponse['document']): MetadataRow[] {
  const c = isRecord(d.classification) ? d.classification : {};
  const rows: MetadataRow[] = [];
  const add = (label: string, value: string | undefined) => value && rows.push({ label, value });

  add('Comune', str(d.comuneName) ?? (str(d.comune) && comuneLabel(d.comune)));
  if (d.restricted !== undefined)
    add('Visibilità', d.restricted ? 'Riservato al personale del Comune' : "Condiviso con l'Unione");
  add('Tipo', str(c.documentTypeLabel) ?? (str(c.documentType) && documentTypeLabel(String(c.documentType))));
  add('Procedimento', str(c.procedureType) && procedureLabel(String(c.procedureType)));
  add('Pratica', isRecord(c.practice) ? str(c.practice.key) : undefined);
  if (isRecord(c.protocol) && num(c.protocol.number) !== undefined) {
    const date = str(c.protocol.date);
    add('Protocollo', `n. ${c.protocol.number}${date ? ` del ${italianDate(date)}` : ''}`);
  }
  if (isRecord(c.address) && str(c.address.street)) {
    add('Indirizzo', [str(c.address.street), str(c.address.civic)].filter(Boolean).join(' '));
  }
  if (isRecord(c.cadastral) && num(c.cadastral.foglio) !== undefined) {
    const { foglio, mappale, subalterno } = c.cadastral;
    const parts = [`Foglio ${foglio}`];
    if (num(mappale) !== undefined) parts.push(`mappale ${mappale}`);
    if (num(subalterno) !== undefined) parts.push(`subalterno ${subalterno}`);
    add('Dati catastali', parts.join(', '));
  }
  const cls = str(c.titolarioClass);
  add('Classe titolario', cls && (str(c.titolarioLabel) ? `${cls} — ${c.titolarioLabel}` : cls));
  add('Ufficio', str(c.officeName) ?? str(c.office));
  add('Pagine', num(d.pageCount) !== undefined ? String(d.pageCount) : undefined);
  add('File', d.filename);
  add('Stato', statusLabel(d.status));
  return rows;
}
