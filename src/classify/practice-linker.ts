// Practice reconstruction: puts a classified document in its practice (fascicolo), with a confidence and a reason.
//
// Linking rule — linkDocumentToPractice(db, documentId, metadata):
//  1. A membership made or confirmed by a person (locked) is never touched.
//  2. With a practice number ("PE 123/1987"), the practice of that key: the practice carrying the key; else one that
//     already holds documents with that number (an archivist merged that practice into another one); else a new
//     practice, created-or-got by key so two workers linking documents of the same new practice meet in one.
//     Confidence = min(0.98, 0.8 + 0.18 × document-type confidence). A number read on the page is the strongest
//     evidence we have, so it never falls below a shared parcel (0.75); how sure the classifier is about the type says
//     how cleanly the page was read and understood, and lifts it towards 0.98. Only a person gives 1.
//     The numbered practice then absorbs unnumbered practices (grouped by place) sharing the document's parcel or
//     address: their system-made members move in, so the result does not depend on whether a letter was classified
//     before or after the documents that carry the number.
//  3. Without a number: the practice holding another document on the same parcel (foglio/mappale), confidence 0.75;
//     else on the same address, 0.6. Among several: most documents (this one not counted, so a re-run decides the
//     same), then the most recent (year of the practice number, then creation), then the smallest id.
//  4. Else a new unnumbered practice labelled by the parcel or the address, 0.5 (the document's own one is kept on a
//     re-run). Two workers may create one each for the same place at once: after linking, every document moves to
//     the oldest unnumbered practice of that place, so they converge on one.
//  5. With neither number, parcel nor address: left unlinked (a system-made link from an earlier run is removed).
// Re-running for the same document gives the same result and records nothing. Each change records an event
// 'practice.linked' (actor 'system'); a practice emptied by a move is deleted.
// Everything happens within the document's Comune: only its practices are looked up, absorbed or converged with, and
// a new practice is created in it (the same number in two Comuni is two practices).
import type { MetadataStore, Practice, PracticeMember } from '../db/metadata-store.ts';
import { documentKeys, parcelLabel, type DocumentKeys, type LinkableMetadata } from './practice-keys.ts';

export const CONFIDENCE = { parcel: 0.75, address: 0.6, newPlace: 0.5 } as const;

/** Confidence of a link by practice number (see the rule above). */
export function practiceNumberConfidence(documentTypeConfidence: number): number {
  const c = Math.min(1, Math.max(0, Number.isFinite(documentTypeConfidence) ? documentTypeConfidence : 0));
  return Math.round(Math.min(0.98, 0.8 + 0.18 * c) * 100) / 100;
}

export interface LinkResult {
  /** 'locked': a person's link, untouched; 'unchanged': already so; 'none': nothing to link by. */
  outcome: 'linked' | 'unchanged' | 'locked' | 'unlinked' | 'none';
  practiceId?: string;
  confidence?: number;
  reason?: string;
  /** Documents moved in from unnumbered practices of the same place. */
  absorbed?: number;
}

/** Where a document goes: an existing practice, or one to create (create-or-get when it has a key). */
interface Target {
  practiceId?: string;
  create?: { key?: string; label: string; comune: string };
  confidence: number;
  reason: string;
  /** The place an unnumbered practice was created for, to converge with concurrent twins. */
  place?: { matchedOn: 'parcelKey' | 'addressKey'; key: string };
}

const MAX_ATTEMPTS = 3;

export async function linkDocumentToPractice(
  db: MetadataStore,
  documentId: string,
  metadata: LinkableMetadata,
): Promise<LinkResult> {
  const document = await db.getDocument(documentId);
  if (!document) throw new Error(`document ${documentId} not found`);
  const keys = documentKeys(metadata);
  // A practice chosen among existing ones may be emptied and deleted by another worker before we link to it: decide
  // again (the next attempt no longer sees it).
  for (let attempt = 1; ; attempt++) {
    const current = await db.practiceMember(documentId);
    if (current?.locked)
      return {
        outcome: 'locked',
        practiceId: current.practiceId,
        confidence: current.confidence,
        reason: current.reason,
      };
    const target = await decide(db, document.comune, keys, metadata, current);
    if (!target) {
      if (!current) return { outcome: 'none' };
      await db.unlinkDocument(documentId);
      await db.deletePracticeIfEmpty(current.practiceId);
      await db.addEvent({
        type: 'practice.unlinked',
        documentId,
        batchId: document.batchId,
        actor: 'system',
        detail: { practiceId: current.practiceId },
      });
      return { outcome: 'unlinked' };
    }
    const practice = target.create
      ? (await db.createPractice(target.create)).practice
      : await db.getPractice(target.practiceId!);
    if (!practice) {
      if (attempt < MAX_ATTEMPTS) continue;
      throw new Error(`practice ${target.practiceId} vanished while linking document ${documentId}`);
    }
    const member = {
      practiceId: practice.id,
      documentId,
      confidence: target.confidence,
      reason: target.reason,
      linkedBy: 'system',
      locked: false,
      ...keys,
    };
    let outcome: LinkResult['outcome'] = 'unchanged';
    if (!current || !sameMember(current, member)) {
      try {
        await db.linkDocument(member);
      } catch (err) {
        // The practice was deleted between our read and the link (the store refuses a link to a missing practice).
        if (attempt < MAX_ATTEMPTS && !(await db.getPractice(practice.id))) continue;
        throw err;
      }
      if (current && current.practiceId !== practice.id) await db.deletePracticeIfEmpty(current.practiceId);
      if (!current || !sameLink(current, member)) {
        outcome = 'linked';
        await linkedEvent(db, document.batchId, member, practice, current?.practiceId);
      }
    }
    const absorbed = practice.key ? await absorbPlaceGroups(db, practice, keys, metadata) : 0;
    const converged = target.place
      ? await convergeTwins(db, documentId, document.batchId, practice, target.place)
      : undefined;
    const final = converged ?? member;
    return {
      outcome: converged ? 'linked' : outcome,
      practiceId: final.practiceId,
      confidence: final.confidence,
      reason: final.reason,
      ...(absorbed ? { absorbed } : {}),
    };
  }
}

async function decide(
  db: MetadataStore,
  comune: string,
  keys: DocumentKeys,
  m: LinkableMetadata,
  current: PracticeMember | null,
): Promise<Target | undefined> {
  const address = m.address ? `${m.address.street} ${m.address.civic}` : undefined;
  if (keys.practiceKey) {
    const confidence = practiceNumberConfidence(m.confidence);
    const reason = `numero di pratica ${keys.practiceKey}`;
    const byKey = await db.getPracticeByKey(keys.practiceKey, comune);
    if (byKey) return { practiceId: byKey.id, confidence, reason };
    const holders = await ranked(db, comune, { practiceKey: keys.practiceKey }, current);
    if (holders[0]) return { practiceId: holders[0].id, confidence, reason };
    return {
      create: {
        key: keys.practiceKey,
        label: address ? `${keys.practiceKey} — ${address}` : keys.practiceKey,
        comune,
      },
      confidence,
      reason,
    };
  }
  const parcel = m.cadastral && keys.parcelKey ? parcelLabel(m.cadastral) : undefined;
  if (keys.parcelKey) {
    const best = (await ranked(db, comune, { parcelKey: keys.parcelKey }, current))[0];
    if (best) return { practiceId: best.id, confidence: CONFIDENCE.parcel, reason: `stessa particella ${parcel}` };
  }
  if (keys.addressKey) {
    const best = (await ranked(db, comune, { addressKey: keys.addressKey }, current))[0];
    if (best) return { practiceId: best.id, confidence: CONFIDENCE.address, reason: `stesso indirizzo ${address}` };
  }
  const place: Target['place'] = keys.parcelKey
    ? { matchedOn: 'parcelKey', key: keys.parcelKey }
    : keys.addressKey
      ? { matchedOn: 'addressKey', key: keys.addressKey }
      : undefined;
  if (!place) return undefined;
  const label = parcel ? `Foglio ${m.cadastral!.foglio} mappale ${m.cadastral!.mappale}` : address!;
  const reason = parcel ? `nuovo fascicolo per la particella ${parcel}` : `nuovo fascicolo per l'indirizzo ${address}`;
  // On a re-run the document is alone in the unnumbered practice made for it: keep that one.
  if (current) {
    const own = await db.getPractice(current.practiceId);
    const others = (await db.listPracticeMembers(current.practiceId)).filter(
      (x) => x.documentId !== current.documentId,
    );
    if (own && !own.key && own.comune === comune && others.length === 0)
      return { practiceId: own.id, confidence: CONFIDENCE.newPlace, reason, place };
  }
  return { create: { label, comune }, confidence: CONFIDENCE.newPlace, reason, place };
}

/**
 * Practices holding other documents with this key, best first: most documents (the linking document not counted),
 * then the most recent (year of the practice number, then creation time), then id.
 */
async function ranked(
  db: MetadataStore,
  comune: string,
  key: DocumentKeys,
  current: PracticeMember | null,
): Promise<Array<Practice & { others: number }>> {
  const found = await db.findPracticesByKeys(key, comune);
  const out: Array<Practice & { others: number }> = [];
  for (const f of found) {
    const others = f.documents - (current?.practiceId === f.practiceId ? 1 : 0);
    if (others <= 0 || out.some((p) => p.id === f.practiceId)) continue;
    const practice = await db.getPractice(f.practiceId);
    if (practice) out.push({ ...practice, others });
  }
  return out.sort(
    (a, b) =>
      b.others - a.others ||
      keyYear(b) - keyYear(a) ||
      b.createdAt.localeCompare(a.createdAt) ||
      a.id.localeCompare(b.id),
  );
}

function keyYear(p: Practice): number {
  const m = p.key ? /\/(\d{4})$/.exec(p.key) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * Moves the system-made members of unnumbered practices sharing this document's parcel or address into `into`, each
 * with the reason and confidence it would get if linked now (so relinking it later changes nothing).
 */
async function absorbPlaceGroups(
  db: MetadataStore,
  into: Practice,
  keys: DocumentKeys,
  m: LinkableMetadata,
): Promise<number> {
  if (!keys.parcelKey && !keys.addressKey) return 0;
  const place: DocumentKeys = {};
  if (keys.parcelKey) place.parcelKey = keys.parcelKey;
  if (keys.addressKey) place.addressKey = keys.addressKey;
  const groups = new Set(
    (await db.findPracticesByKeys(place, into.comune)).map((f) => f.practiceId).filter((id) => id !== into.id),
  );
  let moved = 0;
  for (const id of groups) {
    const group = await db.getPractice(id);
    if (!group || group.key) continue;
    for (const member of await db.listPracticeMembers(id)) {
      if (member.locked) continue;
      const next = { ...member, practiceId: into.id, linkedAt: undefined };
      if (keys.parcelKey && member.parcelKey === keys.parcelKey && m.cadastral) {
        Object.assign(next, { confidence: CONFIDENCE.parcel, reason: `stessa particella ${parcelLabel(m.cadastral)}` });
      } else if (keys.addressKey && member.addressKey === keys.addressKey && m.address) {
        Object.assign(next, {
          confidence: CONFIDENCE.address,
          reason: `stesso indirizzo ${m.address.street} ${m.address.civic}`,
        });
      }
      await db.linkDocument(next);
      const doc = await db.getDocument(member.documentId);
      await linkedEvent(db, doc?.batchId, next, into, id);
      moved++;
    }
    await db.deletePracticeIfEmpty(id);
  }
  return moved;
}

/**
 * After creating (or keeping) an unnumbered practice for a place: when other unnumbered practices of the same place
 * exist, every document goes to the oldest one, so concurrent twins converge. Returns the new membership if it moved.
 */
async function convergeTwins(
  db: MetadataStore,
  documentId: string,
  batchId: string,
  own: Practice,
  place: NonNullable<Target['place']>,
): Promise<PracticeMember | undefined> {
  const ownId = own.id;
  const twins: Practice[] = [];
  for (const f of await db.findPracticesByKeys({ [place.matchedOn]: place.key }, own.comune)) {
    const p = f.matchedOn === place.matchedOn ? await db.getPractice(f.practiceId) : null;
    if (p && !p.key && !twins.some((t) => t.id === p.id)) twins.push(p);
  }
  const oldest = twins.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
  if (!oldest || oldest.id === ownId) return undefined;
  const current = await db.practiceMember(documentId);
  if (!current || current.locked || current.practiceId !== ownId) return undefined;
  const [foglio, mappale] = place.key.split('/');
  const next: PracticeMember = {
    ...current,
    practiceId: oldest.id,
    confidence: place.matchedOn === 'parcelKey' ? CONFIDENCE.parcel : CONFIDENCE.address,
    reason:
      place.matchedOn === 'parcelKey'
        ? `stessa particella F. ${foglio} m. ${mappale}`
        : `stesso indirizzo ${oldest.label}`,
    linkedAt: new Date().toISOString(),
  };
  await db.linkDocument(next);
  await db.deletePracticeIfEmpty(ownId);
  await linkedEvent(db, batchId, next, oldest, ownId);
  return next;
}

async function linkedEvent(
  db: MetadataStore,
  batchId: string | undefined,
  m: Pick<PracticeMember, 'practiceId' | 'documentId' | 'confidence' | 'reason'>,
  practice: Practice,
  from: string | undefined,
): Promise<void> {
  await db.addEvent({
    type: 'practice.linked',
    documentId: m.documentId,
    ...(batchId ? { batchId } : {}),
    actor: 'system',
    detail: {
      practiceId: m.practiceId,
      key: practice.key ?? null,
      label: practice.label,
      confidence: m.confidence,
      reason: m.reason,
      ...(from && from !== m.practiceId ? { from } : {}),
    },
  });
}

/** Same practice, confidence and reason: nothing a person would see as a change. */
function sameLink(
  a: Pick<PracticeMember, 'practiceId' | 'confidence' | 'reason'>,
  b: Pick<PracticeMember, 'practiceId' | 'confidence' | 'reason'>,
): boolean {
  return a.practiceId === b.practiceId && a.confidence === b.confidence && a.reason === b.reason;
}

function sameMember(a: PracticeMember, b: Omit<PracticeMember, 'linkedAt'>): boolean {
  return (
    sameLink(a, b) &&
    a.linkedBy === b.linkedBy &&
    a.locked === b.locked &&
    a.practiceKey === b.practiceKey &&
    a.parcelKey === b.parcelKey &&
    a.addressKey === b.addressKey
  );
}
