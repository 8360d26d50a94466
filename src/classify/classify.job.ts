// Step "classify": document type, procedure, titolario class, office and entities from the OCR text; the result is
// kept with its explanation and becomes the document's descriptive metadata.
import { keys } from '../store/keys.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { addStepEventOnce } from '../workers/step-event.ts';
import type { Classification } from './classification.ts';
import { documentTitle, practiceKey, type DocumentMetadata } from './document-metadata.ts';
import { classifyDocument } from './rules.classifier.ts';
import { registerFromMetadata } from './protocol-register.ts';
import { recordSuggestion } from './review.service.ts';
import { withReviewedRouting } from './reviewed-classification.ts';
import { linkDocumentToPractice } from './practice-linker.ts';
import { classificationWithHints, linkToSeparatorPractice, metadataWithHints } from './separator-hints.ts';
import { filedPracticeKey, onDocumentClassified } from '../paper/digitisation-hook.ts';
import { currentModelsFor, decideRouting, routingThresholds, type RoutingDecision } from './routing.ts';

export function toDocumentMetadata(c: Classification, routing?: RoutingDecision): DocumentMetadata {
  const e = c.entities;
  const practice = e.best.practiceRef?.value;
  const protocol = e.best.protocol?.value;
  return {
    documentType: c.documentType.value,
    documentTypeLabel: c.documentType.label,
    confidence: c.documentType.confidence,
    procedureType: c.procedureType?.value ?? practice?.procedureType,
    practice: practice
      ? { prefix: practice.prefix, number: practice.number, year: practice.year, key: practiceKey(practice) }
      : undefined,
    protocol: protocol ? { number: protocol.number, date: protocol.date } : undefined,
    dates: [...new Set(e.dates.map((d) => d.value))].sort(),
    address: e.best.address?.value,
    cadastral: e.best.cadastral?.value,
    titolarioClass: routing?.titolarioClass ?? c.titolarioClass.value,
    titolarioLabel: routing?.titolarioLabel ?? c.titolarioClass.label,
    office: routing?.office ?? c.office.value,
    officeName: routing?.officeName ?? c.office.name,
    applicant: e.best.applicant?.value,
    personalData: e.taxCodes.length > 0 || e.vatNumbers.length > 0,
    reasons: c.explanation,
    classifier: `${c.classifier.name}@${c.classifier.version}`,
    routing: routing && {
      mode: routing.mode,
      confidence: routing.confidence,
      threshold: routing.threshold,
      decidedBy: routing.decidedBy,
      reasons: routing.reasons,
    },
  };
}

export async function classifyJob(
  ctx: JobContext,
  job: JobPayloads['classify'],
): Promise<{ documentType: string; titolarioClass?: string }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (!doc) throw new Error(`document ${sha} not found`);
  const text = JSON.parse((await ctx.store.getBuffer(keys.workText(sha))).toString('utf8')) as DocumentText;
  const pages = text.pages.map((p) => p.text);
  // Routing stays within the document's Comune: its rules, its offices, its threshold.
  // A part of a box scan takes the type and practice its separator sheets give (separator-hints.ts).
  const classification = classificationWithHints(
    classifyDocument(pages, ctx.reference(), { comune: doc.comune }),
    doc.splitOrigin,
  );
  const routing = decideRouting(
    classification,
    await currentModelsFor(ctx.store).get(),
    pages.join('\n'),
    ctx.reference(),
    routingThresholds(ctx.config.routing),
    { comune: doc.comune },
  );
  const metadata = metadataWithHints(toDocumentMetadata(classification, routing), doc.splitOrigin);
  await registerFromMetadata(ctx.db, sha, metadata);
  const review = await recordSuggestion(ctx.db, sha, metadata, ctx.reference());
  // A re-classification refreshes the suggestion but never undoes a person's decision.
  const stored = review ? withReviewedRouting(metadata, review, ctx.reference()) : metadata;
  await ctx.db.updateDocument(sha, { classification: stored, title: documentTitle(metadata, doc.filename) });
  if (!(await linkToSeparatorPractice(ctx.db, sha, metadata, doc.splitOrigin))) {
    await linkDocumentToPractice(ctx.db, sha, metadata);
  }
  // The paper inventory learns that this practice has been scanned.
  await onDocumentClassified(ctx, doc, await filedPracticeKey(ctx.db, { id: sha, classification: stored }));
  await addStepEventOnce(ctx.db, {
    type: 'classified',
    documentId: sha,
    batchId: job.batchId,
    actor: metadata.classifier,
    detail: {
      documentType: metadata.documentType,
      titolarioClass: metadata.titolarioClass,
      office: metadata.office,
      confidence: metadata.confidence,
      routing: routing.mode,
      routingConfidence: routing.confidence,
      decidedBy: routing.decidedBy,
    },
  });
  await ctx.pipeline.add('archive', { documentId: sha, batchId: job.batchId });
  return { documentType: metadata.documentType, titolarioClass: metadata.titolarioClass };
}
