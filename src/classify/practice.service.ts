// The archivist's view of practices (fascicoli): list, open, merge, split, move a document, rename. Every link made
// here is locked (a person decided it), so automatic relinking never undoes it; every change is recorded as an event.
// A practice belongs to one Comune: only that Comune's documents go into it, and practices of two Comuni never merge.
// (Whether the user may act on the Comune is the API's check: actsOn(scope, practice.comune).)
import type { Logger } from '../core/logger.ts';
import type {
  DocumentRecord,
  MetadataStore,
  Practice,
  PracticeMember,
  PracticeWithCount,
} from '../db/metadata-store.ts';
import type { DocumentMetadata } from './document-metadata.ts';
import { documentKeys, parsePracticeKey, type DocumentKeys } from './practice-keys.ts';

/** An error for the API: HTTP status, code and a message for people (Italian). */
export class PracticeError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 401 | 404 | 409,
    readonly code: string,
  ) {
    super(message);
    this.name = 'PracticeError';
  }
}

const notFound = (message: string) => new PracticeError(message, 404, 'NOT_FOUND');
const invalid = (message: string) => new PracticeError(message, 400, 'INVALID_REQUEST');
const conflict = (message: string) => new PracticeError(message, 409, 'CONFLICT');
const otherComune = (message: string) => new PracticeError(message, 409, 'COMUNE_MISMATCH');

export const PRACTICE_LIST_MAX = 500;

export interface MemberView extends PracticeMember {
  document: {
    id: string;
    title?: string;
    filename?: string;
    documentType?: string;
    documentTypeLabel?: string;
    status?: string;
  } | null;
}

export interface PracticeDetail {
  practice: Practice & { documents: number };
  members: MemberView[];
}

export class PracticeService {
  constructor(
    private readonly db: MetadataStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Practices whose key or label contains `q`; a practice reference ("pe 123/87") is searched as its key. With
   * `comuni`, only those Comuni's practices.
   */
  async list(
    q?: string,
    limit = 50,
    offset = 0,
    opts: { comuni?: readonly string[] } = {},
  ): Promise<{ practices: PracticeWithCount[]; limit: number; offset: number }> {
    const query = q?.trim() ? (parsePracticeKey(q) ?? q.trim()) : undefined;
    const practices = await this.db.listPractices({
      ...(query ? { q: query } : {}),
      ...(opts.comuni ? { comuni: opts.comuni } : {}),
      limit,
      offset,
    });
    return { practices, limit, offset };
  }

  async get(id: string): Promise<PracticeDetail> {
    const practice = await this.db.getPractice(id);
    if (!practice) throw notFound('Fascicolo non trovato');
    const members = await this.db.listPracticeMembers(id);
    const views = await Promise.all(
      members.map(async (m) => ({ ...m, document: documentView(await this.db.getDocument(m.documentId)) })),
    );
    return { practice: { ...practice, documents: members.length }, members: views };
  }

  /** The practice a document belongs to, with its link; practice and member are null when it belongs to none. */
  async ofDocument(
    documentId: string,
  ): Promise<{ documentId: string; practice: Practice | null; member: PracticeMember | null }> {
    if (!(await this.db.getDocument(documentId))) throw notFound('Documento non trovato');
    const member = await this.db.practiceMember(documentId);
    const practice = member ? await this.db.getPractice(member.practiceId) : null;
    return { documentId, practice, member: practice ? member : null };
  }

  /** Moves every document of `fromIds` into `intoId` and deletes the emptied practices; returns how many moved. */
  async merge(
    intoId: string,
    fromIds: string[],
    actor: string,
    note?: string,
  ): Promise<{ moved: number; practice: PracticeDetail }> {
    const from = [...new Set(fromIds)];
    if (!from.length) throw invalid('Indicare almeno un fascicolo da unire');
    if (from.includes(intoId)) throw invalid('Non si può unire un fascicolo con se stesso');
    const into = await this.db.getPractice(intoId);
    if (!into) throw notFound('Fascicolo di destinazione non trovato');
    const sources: Array<{ practice: Practice; members: PracticeMember[] }> = [];
    for (const id of from) {
      const practice = await this.db.getPractice(id);
      if (!practice) throw notFound(`Fascicolo da unire non trovato: ${id}`);
      if (practice.comune !== into.comune) {
        throw otherComune(
          `Non si possono unire fascicoli di Comuni diversi: ${practice.label} (${practice.comune}) e ${into.label} (${into.comune})`,
        );
      }
      sources.push({ practice, members: await this.db.listPracticeMembers(id) });
    }
    const reason = `unito a ${into.label} da ${actor}`;
    const moved = await this.db.mergePractices(intoId, from, { actor, reason });
    for (const { practice, members } of sources) {
      for (const m of members) {
        // The store moves the links; a person decided them, so they are locked (relinking must not undo the merge).
        await this.db.linkDocument({
          ...m,
          practiceId: intoId,
          confidence: 1,
          reason,
          linkedBy: actor,
          locked: true,
          linkedAt: undefined,
        });
        await this.event('practice.merged', m.documentId, actor, {
          practiceId: intoId,
          from: practice.id,
          fromKey: practice.key ?? null,
          fromLabel: practice.label,
          ...(note ? { note } : {}),
        });
      }
    }
    this.logger.info({ intoId, from, moved, actor }, 'practices merged');
    return { moved, practice: await this.get(intoId) };
  }

  /** Moves some documents of a practice into a new one (locked links); at least one document must stay behind. */
  async split(
    practiceId: string,
    documentIds: string[],
    actor: string,
    note?: string,
    opts: { label?: string; key?: string } = {},
  ): Promise<{ moved: number; practice: PracticeDetail; from: PracticeDetail }> {
    const source = await this.db.getPractice(practiceId);
    if (!source) throw notFound('Fascicolo non trovato');
    const ids = [...new Set(documentIds)];
    if (!ids.length) throw invalid('Indicare almeno un documento da separare');
    const members = await this.db.listPracticeMembers(practiceId);
    const byDocument = new Map(members.map((m) => [m.documentId, m]));
    const outsider = ids.find((id) => !byDocument.has(id));
    if (outsider) throw invalid(`Il documento ${outsider} non appartiene al fascicolo ${source.label}`);
    if (ids.length === members.length) {
      throw invalid(
        'La divisione deve lasciare almeno un documento nel fascicolo di origine: per cambiare nome o numero usare la rinomina',
      );
    }
    const key = opts.key === undefined ? undefined : this.validKey(opts.key);
    if (key && (await this.db.getPracticeByKey(key, source.comune)))
      throw conflict(`Esiste già il fascicolo ${key}: spostare i documenti in quello`);
    const label = opts.label?.trim() || key || `${source.label} — parte separata`;
    const { created, practice } = await this.db.createPractice({
      ...(key ? { key } : {}),
      label,
      comune: source.comune,
    });
    if (!created) throw conflict(`Esiste già il fascicolo ${key}: spostare i documenti in quello`);
    const reason = `separato da ${source.label} da ${actor}`;
    for (const id of ids) {
      const m = byDocument.get(id)!;
      await this.db.linkDocument({
        ...m,
        practiceId: practice.id,
        confidence: 1,
        reason,
        linkedBy: actor,
        locked: true,
        linkedAt: undefined,
      });
      await this.event('practice.split', id, actor, {
        practiceId: practice.id,
        from: source.id,
        fromKey: source.key ?? null,
        fromLabel: source.label,
        ...(note ? { note } : {}),
      });
    }
    this.logger.info({ from: practiceId, into: practice.id, moved: ids.length, actor }, 'practice split');
    return { moved: ids.length, practice: await this.get(practice.id), from: await this.get(practiceId) };
  }

  /** Puts one document in a practice (or confirms it where it is), locked; an emptied practice is deleted. */
  async move(
    documentId: string,
    practiceId: string,
    actor: string,
    note?: string,
  ): Promise<{ practice: Practice; member: PracticeMember }> {
    const doc = await this.db.getDocument(documentId);
    if (!doc) throw notFound('Documento non trovato');
    const practice = await this.db.getPractice(practiceId);
    if (!practice) throw notFound('Fascicolo non trovato');
    if (practice.comune !== doc.comune) {
      throw otherComune(
        `Il documento appartiene al Comune ${doc.comune} e il fascicolo ${practice.label} al Comune ${practice.comune}: non si possono collegare`,
      );
    }
    const current = await this.db.practiceMember(documentId);
    const same = current?.practiceId === practiceId;
    const keys: DocumentKeys = current
      ? pickKeys(current)
      : documentKeys(doc.classification as Partial<DocumentMetadata> | undefined);
    const member = {
      practiceId,
      documentId,
      confidence: 1,
      reason: same ? `confermato da ${actor}` : `spostato da ${actor}`,
      linkedBy: actor,
      locked: true,
      ...keys,
    };
    await this.db.linkDocument(member);
    if (current && !same) await this.db.deletePracticeIfEmpty(current.practiceId);
    await this.event(same ? 'practice.confirmed' : 'practice.moved', documentId, actor, {
      practiceId,
      ...(current && !same ? { from: current.practiceId } : {}),
      ...(note ? { note } : {}),
    });
    return { practice, member: (await this.db.practiceMember(documentId))! };
  }

  /** Changes a practice's label and/or key (null removes the key); a key another practice has is a conflict. */
  async rename(id: string, change: { label?: string; key?: string | null }, actor = 'system'): Promise<Practice> {
    const practice = await this.db.getPractice(id);
    if (!practice) throw notFound('Fascicolo non trovato');
    const label = change.label?.trim();
    if (change.label !== undefined && !label) throw invalid('Il nome del fascicolo non può essere vuoto');
    if (label === undefined && change.key === undefined)
      throw invalid('Indicare un nuovo nome o un nuovo numero di pratica');
    const patch: { key?: string | null; label?: string } = {};
    if (change.key !== undefined) {
      patch.key = change.key === null ? null : this.validKey(change.key);
      const other = patch.key ? await this.db.getPracticeByKey(patch.key, practice.comune) : null;
      if (other && other.id !== id)
        throw conflict(`Esiste già il fascicolo ${patch.key}: unire i fascicoli invece di rinominare`);
    }
    if (label) patch.label = label;
    else if (patch.key && practice.key && practice.label.startsWith(practice.key)) {
      // A label built from the old number follows the new one ("PE 123/1987 — Via Roma 12").
      patch.label = patch.key + practice.label.slice(practice.key.length);
    }
    try {
      await this.db.updatePractice(id, patch);
    } catch (err) {
      if (patch.key && (await this.db.getPracticeByKey(patch.key, practice.comune))?.id !== id) {
        throw conflict(`Esiste già il fascicolo ${patch.key}: unire i fascicoli invece di rinominare`);
      }
      throw err;
    }
    await this.db.addEvent({
      type: 'practice.renamed',
      actor,
      detail: { practiceId: id, before: { key: practice.key ?? null, label: practice.label }, after: patch },
    });
    return (await this.db.getPractice(id))!;
  }

  private validKey(raw: string): string {
    const key = parsePracticeKey(raw);
    if (!key) throw invalid(`Numero di pratica non valido: «${raw}» (esempio: «PE 123/1987»)`);
    return key;
  }

  private async event(type: string, documentId: string, actor: string, detail: Record<string, unknown>): Promise<void> {
    const doc = await this.db.getDocument(documentId);
    await this.db.addEvent({ type, documentId, ...(doc ? { batchId: doc.batchId } : {}), actor, detail });
  }
}

function pickKeys(m: PracticeMember): DocumentKeys {
  const keys: DocumentKeys = {};
  if (m.practiceKey) keys.practiceKey = m.practiceKey;
  if (m.parcelKey) keys.parcelKey = m.parcelKey;
  if (m.addressKey) keys.addressKey = m.addressKey;
  return keys;
}

function documentView(doc: DocumentRecord | null): MemberView['document'] {
  if (!doc) return null;
  const meta = doc.classification as Partial<DocumentMetadata> | undefined;
  return {
    id: doc.id,
    title: doc.title,
    filename: doc.filename,
    documentType: meta?.documentType,
    documentTypeLabel: meta?.documentTypeLabel,
    status: doc.status,
  };
}
