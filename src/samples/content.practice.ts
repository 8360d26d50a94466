// Building-practice documents (pratiche edilizie): one document of a practice case as content to lay out.
import type { ProtocolRef } from '../domain/ground-truth.ts';
import type { DocumentType } from '../domain/vocabulary.ts';
import type { DocumentContent } from './content.model.ts';
import { addDays, formatPracticeRef, LATEST_DATE, minDate, type SDate } from './content.format.ts';
import {
  comuneLetterhead,
  fontForYear,
  letterheadFont,
  protocolNumberFor,
  protocolRef,
  protocolStamp,
} from './content.common.ts';
import type { Rng } from './random.ts';
import { ATTACHED_TO_DOMANDA, applicantName, documentDate, INCOMING, type PracticeCase } from './content.practice.case.ts';
import { BUILDERS } from './content.practice.documents.ts';
import type { Ctx } from './content.practice.wording.ts';

export {
  applicantName,
  documentDate,
  practiceDocumentTypes,
  randomPracticeCase,
  type Applicant,
  type PracticeCase,
  type Technician,
} from './content.practice.case.ts';

export interface PracticeDocOptions {
  /** Wanted page count (clamped to what the document type can fill, at least 1). */
  pages?: number;
}

/** Builds one document of the practice. */
export function buildPracticeDocument(
  rng: Rng,
  c: PracticeCase,
  type: DocumentType,
  opts: PracticeDocOptions = {},
): DocumentContent {
  const date = documentDate(rng, c, type);
  const font = fontForYear(rng, date.y);
  const ref = formatPracticeRef(c.ref, c.refStyle);
  const ctx: Ctx = { rng, c, date, ref, wanted: opts.pages ?? 1 };

  // the document's own protocol registration
  let protocolDate: SDate;
  let protocolNumber: number;
  if (ATTACHED_TO_DOMANDA.has(type)) {
    protocolDate = c.submitted;
    protocolNumber = c.submittedProtocol;
  } else {
    protocolDate = INCOMING.has(type) ? minDate(addDays(date, rng.int(0, 3)), LATEST_DATE) : date;
    protocolNumber = protocolNumberFor(rng, protocolDate, c.perDay);
  }
  const protocol: ProtocolRef = protocolRef(protocolNumber, protocolDate);
  ctx.protocolNumber = protocolNumber;
  ctx.protocolDate = protocolDate;

  const built = BUILDERS[type](ctx);
  const letterhead =
    built.letterhead === 'none' ? undefined : (built.letterhead ?? comuneLetterhead(rng, c.municipality, letterheadFont(rng, font)));

  return {
    facts: {
      kind: 'practice',
      municipality: c.municipality.name,
      documentType: type,
      procedureType: type === 'certificato_agibilita' ? 'agibilita' : c.procedureType,
      practice: { ...c.ref },
      protocol,
      dates: [],
      address: { ...c.address },
      cadastral: { ...c.cadastral },
      applicant: applicantName(c.applicant),
      titolarioClass: 'VI.3',
      office: 'edilizia-privata',
    },
    font,
    letterhead,
    pages: built.pages,
    stamp: protocolStamp(rng, c.municipality, protocolNumber, protocolDate),
    year: date.y,
  };
}

