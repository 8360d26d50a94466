// Page hits grouped the way people look for them: by practice (fascicolo), then by document, each document with the
// pages that matched. Groups and documents keep the engine's ranking (first appearance); pages within a document are
// best first.
import { markedWords } from './snippet.tsx';
import type { SearchHit } from './search.types.ts';

export interface DocumentGroup {
  documentId: string;
  title: string;
  filename: string;
  year?: number;
  documentType?: string;
  address?: string;
  comune?: string;
  comuneName?: string;
  /** Matching pages, best first. */
  pages: SearchHit[];
}

export interface PracticeGroup {
  /** Practice key ("PE 123/1987"), or null for documents in no practice. */
  practice: string | null;
  /** The Comune of the practice (keys are unique per Comune only); of the first document for "no practice". */
  comune?: string;
  comuneName?: string;
  documents: DocumentGroup[];
}

export function groupHits(hits: SearchHit[]): PracticeGroup[] {
  const groups = new Map<string, PracticeGroup>();
  const docs = new Map<string, DocumentGroup>();
  for (const hit of hits) {
    let doc = docs.get(hit.documentId);
    if (!doc) {
      const practice = hit.practice?.trim() || '';
      // The same key in two Comuni is two practices; documents in no practice stay together.
      const key = practice ? `${hit.comune ?? ''}|${practice}` : '';
      let group = groups.get(key);
      if (!group) {
        group = { practice: practice || null, comune: hit.comune, comuneName: hit.comuneName, documents: [] };
        groups.set(key, group);
      }
      doc = {
        documentId: hit.documentId,
        title: hit.title,
        filename: hit.filename,
        year: hit.year,
        documentType: hit.documentType,
        address: hit.address,
        comune: hit.comune,
        comuneName: hit.comuneName,
        pages: [],
      };
      docs.set(hit.documentId, doc);
      group.documents.push(doc);
    }
    doc.pages.push(hit);
  }
  for (const doc of docs.values()) doc.pages.sort((a, b) => b.score - a.score || a.page - b.page);
  return [...groups.values()];
}

/** What the viewer should highlight for a document: the free text of the query and the words marked in its snippets. */
export function viewerTerms(queryText: string, doc: DocumentGroup): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of [...queryText.split(/\s+/), ...doc.pages.flatMap((p) => markedWords(p.snippet))]) {
    const key = w.toLowerCase();
    if (!w || seen.has(key)) continue;
    seen.add(key);
    out.push(w);
  }
  return out.join(' ').slice(0, 300);
}
