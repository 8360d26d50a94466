// What the pipeline tells the paper inventory: a classified document carrying a practice number marks the practice
// scanned; an archived one marks it archived (adding its pages) and tells every requester waiting for that
// practice's scans, once, that it can be consulted. Called by the classify and index jobs; safe to repeat on retry.
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import { documentKeys } from '../classify/practice-keys.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
import type { Mailer } from '../notify/mailer.ts';
import { comuneName, DEFAULT_COMUNE_CODE, type UnionSettings } from '../tenancy/comuni.ts';
import type { AccessRequest, AccessRequestState, InventoryRecord, PaperStore } from './paper-store.ts';
import { accessRequestMail } from './notification-templates.ts';

/** What the hooks use of the job context (JobContext fits). */
export interface HookServices {
  paper: PaperStore;
  db: Pick<MetadataStore, 'listEvents' | 'addEvent'>;
  mailer: Mailer;
  config: { union: UnionSettings; notify: { baseUrl: string } };
  logger: Pick<Logger, 'warn'>;
}

/** What the hook needs of a document (DocumentRecord fits). */
export interface HookDocument {
  id: string;
  /** Absent on documents stored before the union existed: DEFAULT_COMUNE_CODE. */
  comune?: string;
  classification?: unknown;
}

/** Event on the document that records its pages were added to the practice (so a retry does not add them twice). */
export const INVENTORY_ARCHIVED_EVENT = 'inventory.archived';
/** Requests whose requester is told the scans are there; others stop waiting silently. */
const NOTIFIED_STATES: readonly AccessRequestState[] = ['pending', 'approved'];

/** The normalised practice key of a classified document, if its classification names a practice. */
export function documentPracticeKey(doc: { classification?: unknown }): string | undefined {
  return documentKeys(doc.classification as DocumentMetadata | undefined).practiceKey;
}

/**
 * The practice key a document is filed under: its practice's key (a person may have corrected or merged it), else the
 * one read from the document.
 */
export async function filedPracticeKey(
  db: Pick<MetadataStore, 'practiceMember' | 'getPractice'>,
  doc: { id: string; classification?: unknown },
): Promise<string | undefined> {
  const member = await db.practiceMember(doc.id);
  const practice = member ? await db.getPractice(member.practiceId) : null;
  return practice?.key ?? documentPracticeKey(doc);
}

const comuneOfDoc = (doc: HookDocument) => doc.comune ?? DEFAULT_COMUNE_CODE;

/** The practice's inventory record moves to 'scanned' (never backwards); null when it is not in the inventory. */
export async function onDocumentClassified(
  services: Pick<HookServices, 'paper'>,
  doc: HookDocument,
  practiceKey: string | undefined,
  now: Date = new Date(),
): Promise<InventoryRecord | null> {
  if (!practiceKey) return null;
  return services.paper.setInventoryState(comuneOfDoc(doc), practiceKey, 'scanned', { at: now.toISOString() });
}

export interface ArchivedOutcome {
  record: InventoryRecord | null;
  /** Requests whose requester was e-mailed now. */
  notified: AccessRequest[];
  /** Requests that stopped waiting without an e-mail (no address, or no longer pending/approved). */
  released: AccessRequest[];
}

/**
 * The practice's record moves to 'archived' adding the document's pages (once per document), then every request of
 * the practice still waiting for its scans stops waiting and its requester gets one e-mail. The conditional update
 * comes before the e-mail, so a retried job finds nothing left to send; if sending fails the request waits again and
 * the error propagates, so the job's retry sends it.
 */
export async function onDocumentArchived(
  services: HookServices,
  doc: HookDocument,
  practiceKey: string | undefined,
  pages: number,
  now: Date = new Date(),
): Promise<ArchivedOutcome> {
  const outcome: ArchivedOutcome = { record: null, notified: [], released: [] };
  if (!practiceKey) return outcome;
  const { paper, db } = services;
  const comune = comuneOfDoc(doc);
  const at = now.toISOString();

  const counted = (await db.listEvents({ documentId: doc.id })).some(
    (e) => e.type === INVENTORY_ARCHIVED_EVENT && e.detail?.comune === comune && e.detail?.practiceKey === practiceKey,
  );
  outcome.record = await paper.setInventoryState(comune, practiceKey, 'archived', counted ? { at } : { at, pages });
  if (outcome.record && !counted)
    await db.addEvent({
      type: INVENTORY_ARCHIVED_EVENT,
      documentId: doc.id,
      actor: 'system',
      detail: { comune, practiceKey, pages },
    });

  const { requests } = await paper.listAccessRequests({
    comuni: [comune],
    practiceKey,
    awaitingScan: true,
    limit: 1000,
  });
  for (const request of requests) {
    const done = await stopWaiting(services, request, at);
    if (done?.notify) outcome.notified.push(done.request);
    else if (done) outcome.released.push(done.request);
  }
  return outcome;
}

/**
 * One request stops waiting: a conditional update on its state (retried when a decision lands in between), then the
 * e-mail. Null when another run got there first.
 */
async function stopWaiting(
  services: HookServices,
  request: AccessRequest,
  at: string,
): Promise<{ request: AccessRequest; notify: boolean } | null> {
  const { paper, mailer, config, logger } = services;
  let current: AccessRequest | null = request;
  for (let attempt = 0; attempt < 3 && current?.awaitingScan; attempt++) {
    const notify = NOTIFIED_STATES.includes(current.state) && Boolean(current.requesterEmail);
    const updated = await paper.updateAccessRequest(
      current.id,
      [current.state],
      { awaitingScan: false, ...(notify ? { scanNotifiedAt: at } : {}) },
      { awaitingScan: true },
    );
    if (!updated) {
      current = await paper.getAccessRequest(current.id);
      continue;
    }
    if (!notify) return { request: updated, notify };
    const mail = accessRequestMail('scansAvailable', updated, {
      unionName: config.union.name,
      comuneName: comuneName(config.union, updated.comune),
      baseUrl: config.notify.baseUrl,
    });
    try {
      if (mail) await mailer.send(mail);
    } catch (err) {
      // Waiting again: the job's retry (or the next archived document of the practice) sends it.
      await paper.updateAccessRequest(updated.id, [updated.state], { awaitingScan: true });
      logger.warn({ err, requestId: updated.id }, 'scans-available e-mail not sent');
      throw err;
    }
    return { request: updated, notify };
  }
  return null;
}
